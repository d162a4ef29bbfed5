/**
 * An exclusive lock on a directory for the life of a process: a lock file created with O_EXCL that
 * holds who took it (pid, host, start time) and is touched every few seconds while held. The embedded
 * database keeps its data in the process's memory as well as in DATA_DIR, so a second process on the
 * same directory would not see the first one's writes and would overwrite them: it must be refused.
 *
 * A lock whose holder is gone is taken over: on the same host when its pid is no longer alive (a crash or
 * kill -9), on another host (a replaced container on the same volume) when it has not been touched for
 * STALE_MS.
 */
import { errorCode, isRecord } from './narrow.ts';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'gateway.lock';
/** How often a held lock is touched, and how old a lock from another host must be to be taken over. */
export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 30_000;

export interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

export class DirLockedError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `DATA_DIR is in use by another gateway process: pid ${holder.pid} on host ${holder.host}, started ${holder.started} (lock file ${file}). ` +
            "Two processes on one embedded database lose each other's writes; stop that one, use another DATA_DIR, or use PostgreSQL (DATABASE_URL) for replicas."
        : `DATA_DIR is in use by another gateway process (lock file ${file}, being written). Stop that process or use another DATA_DIR.`,
    );
  }
}

/** Lock files this process holds (a second open of the same directory in-process is refused too). */
const heldHere = new Set<string>();

export interface DirLock {
  readonly file: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM'; // exists, owned by someone else
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (
      isRecord(h) &&
      typeof h.pid === 'number' &&
      typeof h.host === 'string' &&
      typeof h.started === 'string'
    )
      return { ...h, pid: h.pid, host: h.host, started: h.started };
  } catch {
    /* unreadable: being written, or damaged */
  }
  return undefined;
}

/** Why a lock left by `holder` may be taken over, or undefined when it is held. */
function staleReason(file: string, holder: LockHolder | undefined, now: number): string | undefined {
  let age: number;
  try {
    age = now - statSync(file).mtimeMs;
  } catch {
    return 'removed'; // gone between our attempt and now: try again
  }
  if (!holder)
    return age > STALE_MS ? 'unreadable and not touched for ' + Math.round(age / 1000) + ' s' : undefined;
  if (holder.host === hostname()) {
    if (holder.pid === process.pid)
      return heldHere.has(file) ? undefined : 'left by an earlier process with this pid';
    return alive(holder.pid) ? undefined : `pid ${holder.pid} is no longer running`;
  }
  return age > STALE_MS ? `not touched for ${Math.round(age / 1000)} s` : undefined;
}

/**
 * Removes a stale lock file, unless another starter is doing the same: the takeover is serialised by a
 * second O_EXCL file, and the lock is removed only if it is still the one judged stale (so a lock the
 * other starter has just taken is never removed).
 */
function takeOver(file: string, stale: LockHolder | undefined): boolean {
  const guard = `${file}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx', 0o644);
  } catch (e) {
    if (errorCode(e) !== 'EEXIST') throw e;
    try {
      // A guard left by a starter that died while taking over.
      if (Date.now() - statSync(guard).mtimeMs > STALE_MS) unlinkSync(guard);
    } catch {
      /* gone already */
    }
    return false;
  }
  try {
    const now = readHolder(file);
    if (JSON.stringify(now) !== JSON.stringify(stale)) return false;
    try {
      unlinkSync(file);
    } catch {
      /* gone already */
    }
    return true;
  } finally {
    closeSync(fd);
    unlinkSync(guard);
  }
}

/**
 * Takes the lock on `dir` (created if need be), or throws DirLockedError naming the holder. `onStale`
 * hears of a lock taken over from a process that is gone.
 */
export function lockDir(
  dir: string,
  onStale?: (holder: LockHolder | undefined, reason: string) => void,
): DirLock {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const file = join(abs, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const content = JSON.stringify(me) + '\n';
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
      const holder = readHolder(file);
      const reason = staleReason(file, holder, Date.now());
      if (!reason || attempt >= 3) throw new DirLockedError(file, holder);
      if (reason !== 'removed' && !takeOver(file, holder)) throw new DirLockedError(file, holder);
      if (reason !== 'removed') onStale?.(holder, reason);
      continue;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    break;
  }
  heldHere.add(file);
  const beat = setInterval(() => {
    try {
      const t = new Date();
      utimesSync(file, t, t);
    } catch {
      /* the directory went away; nothing useful to do */
    }
  }, HEARTBEAT_MS);
  beat.unref();
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    heldHere.delete(file);
    clearInterval(beat);
    process.off('exit', release);
    try {
      // Only our own lock: never one another process took over meanwhile.
      if (readFileSync(file, 'utf8') === content) unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
  // A process that exits without closing the database (a failed start, process.exit) leaves no lock;
  // one killed outright leaves a lock whose pid is dead, which the next start takes over.
  process.on('exit', release);
  return { file, release };
}
