/** The admin view's persons messages (src/admin/console/). */
export const adminPersonsEn = {
} as const;
