/**
 * A sentence for a person who landed on an error page of the provider itself (a broken
 * link from an application, usually): what happened, and what they can do.
 */
const sentences: Record<string, string> = {
  invalid_client: 'The application that sent you here is not registered with Gatehouse. Please tell the application’s owner.',
  invalid_redirect_uri: 'The application that sent you here asked to return to an address it has not registered. Please tell the application’s owner.',
  invalid_request: 'The application that sent you here made a request Gatehouse cannot accept.',
  session_not_found: 'This sign-in has expired or was already completed. Go back to the application and sign in again.',
  invalid_grant: 'This sign-in can no longer be completed. Go back to the application and sign in again.',
};

export function describeProviderError(out: { error: string; error_description?: string }, status: number): { title: string; message: string; detail?: string } {
  if (status >= 500) return { title: 'Something went wrong', message: 'Gatehouse could not complete the request. Please try again in a moment.' };
  return {
    title: 'Cannot continue',
    message: sentences[out.error] ?? 'The request cannot be completed. Go back to the application and try again.',
    detail: out.error_description,
  };
}
