import type { Services } from '../../src/services.ts';
import { redirectUri } from '../support/relyingParty.ts';

/** The class (TOTP for MFA, reset by an email code), the default class and the two clients every bench database has. */
export async function seedClassAndClients(services: Services): Promise<{ clientSecret: string; serviceSecret: string }> {
  await services.classes.add({ name: 'BENCH', mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } }, password_reset: { verify_by: 'E', new_password_by: 'N', reset_by: '1', must_change_minutes: 60 } });
  // The default class, as a deployment has one: a user ID nobody has is handled as a person of it.
  await services.settings.setDefaultClass('BENCH');
  const { clientSecret } = await services.clients.add({ client_id: 'bench-app', redirect_uris: [redirectUri], first_party: true });
  const { clientSecret: serviceSecret } = await services.clients.add({ client_id: 'bench-service', grant_types: ['client_credentials'] });
  return { clientSecret: clientSecret!, serviceSecret: serviceSecret! };
}
