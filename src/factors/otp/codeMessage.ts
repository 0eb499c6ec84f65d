/** The text of a sign-in code message, in the person's language (product.md: "Preferred language"). */
export function codeMessage(locale: 'en' | 'es', code: string, minutes: number): { subject: string; text: string } {
  if (locale === 'es') {
    const duration = minutes === 1 ? '1 minuto' : `${minutes} minutos`;
    return {
      subject: 'Su código de acceso a Gatehouse',
      text: `Su código de acceso a Gatehouse es ${code}. Es válido durante ${duration}. Si usted no intentó iniciar sesión, ignore este mensaje.`,
    };
  }
  const duration = minutes === 1 ? '1 minute' : `${minutes} minutes`;
  return {
    subject: 'Your Gatehouse sign-in code',
    text: `Your Gatehouse sign-in code is ${code}. It is valid for ${duration}. If you did not try to sign in, ignore this message.`,
  };
}
