import type { adminPersonsEn } from './adminPersons.en.ts';

export const adminPersonsEs: Record<keyof typeof adminPersonsEn, string> = {
};
