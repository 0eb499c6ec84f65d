import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type DataDirectoryLock = {
  /** Removes the lock file, if it is still ours. Synchronous, so it can run at process exit. */
  release(): void;
};

/** The lock was taken; or another process holds it (`pid` undefined while it is being written or taken over). */
export type LockAttempt = { lock: DataDirectoryLock } | { heldBy: number | undefined };

/** A takeover that has not finished within this time was abandoned by a process that died. */
const abandonedTakeoverMs = 10_000;

export function dataDirectoryLockFile(dataDir: string): string {
  return join(dataDir, 'lock');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(file: string): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Creates `file` holding our PID, only if it does not exist (the one atomic step of the lock). */
function createExclusive(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid }));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes the lock of a dead process. Only one process at a time may do so (it holds
 * `lock.takeover`), and it reads the lock again under that guard: two processes that both
 * found it stale cannot remove each other's fresh lock. A lock file left empty or
 * unreadable (a process that died while writing it) is stale once it is old.
 */
function removeStaleLock(file: string, stalePid: number | undefined): void {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard)) {
    if (ageMs(guard) > abandonedTakeoverMs) unlinkSync(guard);
    return;
  }
  try {
    const now = holderOf(file);
    if (now === stalePid && (now === undefined ? ageMs(file) > abandonedTakeoverMs : !isAlive(now))) unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  } finally {
    unlinkSync(guard);
  }
}

/**
 * Takes the exclusive lock of a data directory, `<dataDir>/lock` holding our PID: only its
 * holder may start an embedded database on these SQLite files (two FerretDB processes on
 * one directory break it for good). A lock whose process is gone is taken over. Released
 * by release(), and at the latest when this process exits normally.
 */
export function tryLockDataDirectory(dataDir: string): LockAttempt {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = dataDirectoryLockFile(dataDir);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createExclusive(file)) return { lock: heldLock(file) };
    const pid = holderOf(file);
    if (pid !== undefined && isAlive(pid)) return { heldBy: pid };
    if (pid === undefined && ageMs(file) <= abandonedTakeoverMs) return { heldBy: undefined };
    removeStaleLock(file, pid);
  }
  return { heldBy: holderOf(file) };
}

function heldLock(file: string): DataDirectoryLock {
  const release = () => {
    process.off('exit', release);
    try {
      if (holderOf(file) === process.pid) unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.on('exit', release);
  return { release };
}
