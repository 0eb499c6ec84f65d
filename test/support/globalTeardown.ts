import { rmSync } from 'node:fs';
import type { EmbeddedDatabase } from '../../src/store/embedded/startEmbeddedDatabase.ts';

export default async function globalTeardown(): Promise<void> {
  const database = (globalThis as Record<string, unknown>).__gatehouseTestDatabase as EmbeddedDatabase | undefined;
  await database?.stop();
  if (process.env.GATEHOUSE_TEST_DATA_DIR) rmSync(process.env.GATEHOUSE_TEST_DATA_DIR, { recursive: true, force: true });
}
