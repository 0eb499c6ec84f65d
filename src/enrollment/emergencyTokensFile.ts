/** The text file a person downloads to keep their emergency tokens (registration page, account page). */
export function emergencyTokensFile(issuer: string, account: string, tokens: readonly string[]): string {
  return `${issuer} emergency tokens for ${account}\nEach token works once.\n\n${tokens.join('\n')}\n`;
}
