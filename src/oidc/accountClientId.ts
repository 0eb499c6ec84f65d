/**
 * The account page signs persons in through Gatehouse itself, as this first-party
 * confidential client (account/accountClient.ts registers it). Here, below the pages,
 * because the sign-in knows it too: it leaves the account page's own TOTP setup to it.
 */
export const accountClientId = 'gatehouse-account';
