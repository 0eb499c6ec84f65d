import type { passwordMailEn } from './passwordMail.en.ts';

/** El correo que avisa de que se restableció la contraseña, se volvió a habilitar la cuenta o se emitió una contraseña temporal. */
export const passwordMailEs: Record<keyof typeof passwordMailEn, string> = {
  'passwordMail.subject.password-reset': 'Se restableció su contraseña',
  'passwordMail.subject.account-re-enabled': 'Se volvió a habilitar su cuenta',
  'passwordMail.subject.temporary-password-issued': 'Se emitió una contraseña temporal para su cuenta',
  'passwordMail.greeting': 'Hola {name}:',
  'passwordMail.password-reset': 'El {when} se restableció la contraseña de su cuenta. La contraseña anterior ya no funciona.',
  'passwordMail.account-re-enabled': 'El {when} se volvió a habilitar su cuenta, que los inicios de sesión fallidos habían deshabilitado.',
  'passwordMail.temporary-password-issued': 'El {when} se emitió una contraseña temporal para su cuenta. La contraseña anterior ya no funciona.',
  'passwordMail.address': 'La solicitud llegó desde la dirección de red {address}.',
  'passwordMail.verifiedBy.sms-code': 'Quien lo pidió demostró ser usted con un código enviado por SMS a su teléfono móvil.',
  'passwordMail.verifiedBy.email-code': 'Quien lo pidió demostró ser usted con un código enviado a su dirección de correo electrónico.',
  'passwordMail.verifiedBy.factors': 'Quien lo pidió demostró ser usted con las comprobaciones adicionales de su cuenta (como un código de su aplicación de autenticación o sus preguntas privadas).',
  'passwordMail.verifiedBy.none': 'No se pidió ninguna comprobación: la contraseña nueva se le envió solo a usted.',
  'passwordMail.verifiedBy.administrator': 'Lo hizo un administrador.',
  'passwordMail.sentTo.sms': 'La contraseña temporal se envió por SMS a su teléfono móvil.',
  'passwordMail.sentTo.email': 'La contraseña temporal se envió en otro correo a esta dirección.',
  'passwordMail.sentTo.screen': 'La contraseña temporal se mostró en la pantalla de quien la pidió.',
  'passwordMail.notYou': 'Si no fue usted, póngase en contacto de inmediato con su administrador: otra persona podría estar intentando apoderarse de su cuenta.',
};
