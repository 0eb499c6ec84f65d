import type { adminClassesEn } from './adminClasses.en.ts';

export const adminClassesEs: Record<keyof typeof adminClassesEn, string> = {
};
