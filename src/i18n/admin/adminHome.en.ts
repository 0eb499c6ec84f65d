/** The admin view's home (src/admin/console/homePage.ts). */
export const adminHomeEn = {
  'admin.home.title': 'Home',
  'admin.home.persons': 'Persons',
  'admin.home.classes': 'Classes',
  'admin.home.clients': 'Clients',
} as const;
