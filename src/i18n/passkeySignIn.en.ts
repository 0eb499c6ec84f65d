/** "Sign in with a passkey" on the sign-in page (interaction/passkeySignIn.ts). */
export const passkeySignInEn = {
  'signin.passkey.or': 'or',
  'signin.passkey.button': 'Sign in with a passkey',
  'signin.passkey.hint': 'Your device asks for your fingerprint, face or PIN; no user ID or password is needed.',
  'signin.passkey.cancelled': 'No passkey was used: the request was cancelled or timed out. Try again, or sign in with your user ID and password.',
  'signin.passkey.malformed': 'The browser sent no passkey answer. Try again, or sign in with your user ID and password.',
  'signin.passkey.refused': 'That passkey could not sign you in. Try again, or sign in with your user ID and password.',
  'signin.passkey.notEnough': 'Your account does not sign in with a passkey alone here. Sign in with your user ID and password.',
  'signin.passkey.temporaryPassword': 'You have been given a temporary password. Sign in with your user ID and that password to choose your own.',
} as const;
