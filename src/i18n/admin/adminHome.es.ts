import type { adminHomeEn } from './adminHome.en.ts';

export const adminHomeEs: Record<keyof typeof adminHomeEn, string> = {
  'admin.home.title': 'Inicio',
  'admin.home.persons': 'Personas',
  'admin.home.classes': 'Clases',
  'admin.home.clients': 'Clientes',
};
