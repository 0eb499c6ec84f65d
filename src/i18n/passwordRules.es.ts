import type { passwordRulesEn } from './passwordRules.en.ts';

/** Los mensajes de las reglas de contraseña. */
export const passwordRulesEs: Record<keyof typeof passwordRulesEn, string> = {
  'password.rule.text': 'Escriba una contraseña.',
  'password.rule.tooShort': 'La contraseña necesita al menos {min} caracteres; esta tiene {length}.',
  'password.rule.tooLong': 'La contraseña puede tener como máximo {max} caracteres; esta tiene {length}.',
  'password.rule.userId': 'La contraseña no puede ser un ID de usuario de la persona.',
  'password.rule.name': 'La contraseña no puede ser el nombre de la persona.',
  'password.rule.common': 'Esta contraseña está en la lista de contraseñas comunes y filtradas; elija otra.',
  'password.rule.temporary': 'Esta es la contraseña temporal que recibió; elija una propia.',
};
