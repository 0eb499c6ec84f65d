/** The scope that admin API tokens carry (src/admin/authenticateAdmin.ts). */
export const adminScope = 'admin';

/**
 * Every scope the provider knows. `admin` is granted only to persons with the admin role
 * (createProvider.ts, interaction/consent.ts) and, with client credentials, only to clients
 * whose `admin_api` is set (clientDirectory.ts `providerMetadata`).
 */
export const providerScopes = ['openid', 'offline_access', 'profile', 'email', 'phone', 'roles', adminScope];
