import { userInfo } from 'node:os';
import type { Actor } from '../security/createAuditLog.ts';

/** The audit actor of a CLI command: the operating-system user who ran it. */
export function cliActor(): Actor {
  let name = process.env.USER ?? 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep $USER.
  }
  return { kind: 'cli', id: name };
}
