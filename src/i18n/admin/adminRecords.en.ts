/** The admin view's records messages (src/admin/console/). */
export const adminRecordsEn = {
} as const;
