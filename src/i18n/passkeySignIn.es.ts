import type { passkeySignInEn } from './passkeySignIn.en.ts';

export const passkeySignInEs: Record<keyof typeof passkeySignInEn, string> = {
  'signin.passkey.or': 'o',
  'signin.passkey.button': 'Iniciar sesión con una llave de acceso',
  'signin.passkey.hint': 'Su dispositivo le pide su huella, su cara o su PIN; no hace falta ID de usuario ni contraseña.',
  'signin.passkey.cancelled': 'No se usó ninguna llave de acceso: la solicitud se canceló o caducó. Inténtelo de nuevo o inicie sesión con su ID de usuario y contraseña.',
  'signin.passkey.malformed': 'El navegador no envió la respuesta de la llave de acceso. Inténtelo de nuevo o inicie sesión con su ID de usuario y contraseña.',
  'signin.passkey.refused': 'Esa llave de acceso no pudo iniciar su sesión. Inténtelo de nuevo o inicie sesión con su ID de usuario y contraseña.',
  'signin.passkey.notEnough': 'Aquí su cuenta no inicia sesión solo con una llave de acceso. Inicie sesión con su ID de usuario y contraseña.',
  'signin.passkey.temporaryPassword': 'Se le ha dado una contraseña temporal. Inicie sesión con su ID de usuario y esa contraseña para elegir la suya.',
};
