import type { adminTotpEn } from './adminTotp.en.ts';

export const adminTotpEs: Record<keyof typeof adminTotpEn, string> = {
};
