/** The admin view's totp messages (src/admin/console/). */
export const adminTotpEn = {
} as const;
