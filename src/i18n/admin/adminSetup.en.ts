/** The admin view's setup messages (src/admin/console/). */
export const adminSetupEn = {
} as const;
