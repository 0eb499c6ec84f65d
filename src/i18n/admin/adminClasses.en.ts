/** The admin view's classes messages (src/admin/console/). */
export const adminClassesEn = {
} as const;
