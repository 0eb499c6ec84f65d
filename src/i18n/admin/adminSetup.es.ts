import type { adminSetupEn } from './adminSetup.en.ts';

export const adminSetupEs: Record<keyof typeof adminSetupEn, string> = {
};
