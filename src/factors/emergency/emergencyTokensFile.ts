/** The text file a person downloads to keep their emergency tokens (registration page, account page, sign-in). */
export function emergencyTokensFile(issuer: string, account: string, tokens: readonly string[]): string {
  return `${issuer} emergency tokens for ${account}\nEach token works once.\n\n${tokens.join('\n')}\n`;
}

/**
 * The same file as a `data:` link, for tokens shown once: the download is made in the
 * page, and the server keeps nothing to serve later. Undefined without tokens.
 */
export function emergencyTokensDownload(issuer: string, account: string, tokens: readonly string[]): string | undefined {
  return tokens.length ? `data:text/plain;charset=utf-8,${encodeURIComponent(emergencyTokensFile(issuer, account, tokens))}` : undefined;
}
