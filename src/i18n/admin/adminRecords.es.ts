import type { adminRecordsEn } from './adminRecords.en.ts';

export const adminRecordsEs: Record<keyof typeof adminRecordsEn, string> = {
};
