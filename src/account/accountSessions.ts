import type { Connection } from 'mongoose';
import { createFirstPartySessions } from '../http/firstPartySessions.ts';
import { accountSessionCollection } from '../store/repositories/firstPartySessionRepository.ts';

/** The account page's sessions: half an hour unless told otherwise (accountSessionOptions.ts gives the server's). */
export function createAccountSessions(connection: Connection, { lifetimeSeconds }: { lifetimeSeconds: number } = { lifetimeSeconds: 30 * 60 }) {
  return createFirstPartySessions(connection, { collection: accountSessionCollection, lifetimeSeconds });
}
