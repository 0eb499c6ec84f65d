/** Private questions: knowledge-based authentication, `kba` in RFC 8176 terms. */
export const questionsMetadata = { amr: ['kba'] } as const;
