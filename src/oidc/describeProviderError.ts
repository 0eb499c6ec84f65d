import type { MessageKey } from '../i18n/messages.en.ts';
import type { Translate } from '../i18n/translate.ts';

/**
 * A sentence for a person who landed on an error page of the provider itself (a broken
 * link from an application, usually): what happened, and what they can do.
 */
const sentences: Record<string, MessageKey> = {
  invalid_client: 'providerError.invalid_client',
  invalid_redirect_uri: 'providerError.invalid_redirect_uri',
  invalid_request: 'providerError.invalid_request',
  session_not_found: 'providerError.session_not_found',
  invalid_grant: 'providerError.invalid_grant',
};

export function describeProviderError(out: { error: string; error_description?: string }, status: number, t: Translate): { title: string; message: string; detail?: string } {
  if (status >= 500) return { title: t('error.titleServer'), message: t('providerError.server') };
  return {
    title: t('error.title'),
    message: t(sentences[out.error] ?? 'providerError.other'),
    // The provider's own description stays as it is (English): it is for the application's owner.
    ...(out.error_description === undefined ? {} : { detail: out.error_description }),
  };
}
