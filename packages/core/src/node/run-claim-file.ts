/**
 * A run's claim as a file next to its checkpoint: created exclusively by the caller that takes
 * the run, holding who that is, so another process can tell a live holder from a dead one.
 * Internal to `FileRunStore`.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RunStoreError } from '../errors/run-store-error.js';
import type { RunClaim } from '../run/run-store.js';
import { runInProgress } from '../run/run-store-errors.js';

/**
 * A claim file that cannot be read (its holder was killed between creating and writing it) is
 * taken to be dead once it is this old; younger, it may still be being written.
 */
export const UNREADABLE_CLAIM_GRACE_MS = 10_000;

/** What a claim file holds. */
export interface ClaimRecord {
  pid: number;
  hostname: string;
  /** The kernel's boot id (Linux): a claim from before a reboot is dead whatever its pid. */
  bootId?: string;
  /** Random per process: a claim with this process's pid but another instance is a predecessor's. */
  instance: string;
  /** ISO time the run was claimed. */
  claimedAt: string;
  /** Random per claim: names this claim for its release and for a takeover. */
  token: string;
}

/** A claim file as found on disk. */
export interface FoundClaim {
  record: ClaimRecord | undefined;
  /** What identifies this file among the claims that will ever hold the name. */
  identity: string;
  mtimeMs: number;
}

const INSTANCE = randomUUID();
let bootId: string | null | undefined;

function currentBootId(): string | undefined {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId ?? undefined;
}

/** Whether a process of this machine is running: `kill(pid, 0)` sends nothing, only checks. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Whether the holder of a claim is known to be dead. A holder on another machine is never known
 * dead (its process cannot be asked).
 */
function isDead(found: FoundClaim, now: number): boolean {
  const { record } = found;
  if (record === undefined) return now - found.mtimeMs > UNREADABLE_CLAIM_GRACE_MS;
  if (record.hostname !== hostname()) return false;
  const boot = currentBootId();
  if (record.bootId !== undefined && boot !== undefined && record.bootId !== boot) return true;
  if (record.pid === process.pid) return record.instance !== INSTANCE;
  return !isAlive(record.pid);
}

function describeHolder(found: FoundClaim): string {
  const { record } = found;
  if (record === undefined) return 'a process that is still writing its claim';
  const here = record.hostname === hostname();
  const who =
    here && record.pid === process.pid ? 'another caller in this process' : `process ${record.pid}`;
  return `${who} on host "${record.hostname}" (since ${record.claimedAt})`;
}

function parseRecord(text: string): ClaimRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<ClaimRecord> | null;
    if (
      typeof value === 'object' &&
      value !== null &&
      Number.isInteger(value.pid) &&
      typeof value.hostname === 'string' &&
      typeof value.instance === 'string' &&
      typeof value.token === 'string' &&
      /^[A-Za-z0-9-]{1,64}$/.test(value.token)
    ) {
      return value as ClaimRecord;
    }
  } catch {
    // Torn or foreign: unreadable.
  }
  return undefined;
}

/** @internal The claim in `file`, or undefined when there is none. Exported for tests. */
export async function readClaim(file: string): Promise<FoundClaim | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const record = parseRecord(text);
    return {
      record,
      identity: record?.token ?? `unreadable-${info.ino}-${Math.trunc(info.mtimeMs)}`,
      mtimeMs: info.mtimeMs,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates `file` with `text` only if it does not exist; false when it does. */
async function createExclusive(file: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(file, { force: true });
    throw error;
  }
  await handle.close();
  return true;
}

/**
 * Removes the claim `dead` from `file`, if it is still there, so that a new claim can be made.
 *
 * Two processes may see the same dead claim at once. The one that creates the takeover marker
 * for that claim (exclusively; its name carries the dead claim's identity) removes it; the other
 * finds the marker and backs off. The dead claim cannot be replaced by another while the marker
 * is held (only its dead holder or the marker's holder could remove it), so checking it is still
 * there and then removing it is safe; after the marker is gone, that claim is gone too, so a late
 * racer that takes the marker again finds another claim and leaves it alone.
 *
 * @internal Exported for tests.
 */
export async function takeOver(
  dir: string,
  runId: string,
  file: string,
  dead: FoundClaim,
  mine: string,
): Promise<void> {
  const marker = join(dir, `.${runId}~takeover-${dead.identity}`);
  if (!(await createExclusive(marker, mine))) {
    const taker = await readClaim(marker);
    const hint =
      taker !== undefined && isDead(taker, Date.now())
        ? ` That process died while taking the run over from a dead holder: if no process uses run "${runId}", delete ${file} and ${marker}.`
        : '';
    throw runInProgress(
      runId,
      taker === undefined ? 'another process' : describeHolder(taker),
      `It is taking the run over from a holder that died.${hint}`,
    );
  }
  try {
    const current = await readClaim(file);
    if (current?.identity === dead.identity) await rm(file, { force: true });
  } finally {
    await rm(marker, { force: true });
  }
}

/**
 * Claims a run through the file `<dir>/<runId>.claim` (the folder must exist).
 *
 * @returns the claim; its `release` removes the file if it is still this claim's.
 * @throws RunStateError `run_in_progress` when a live holder has it.
 */
export async function claimRunFile(dir: string, runId: string): Promise<RunClaim> {
  const file = join(dir, `${runId}.claim`);
  const boot = currentBootId();
  const record: ClaimRecord = {
    pid: process.pid,
    hostname: hostname(),
    ...(boot !== undefined ? { bootId: boot } : {}),
    instance: INSTANCE,
    claimedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  const text = `${JSON.stringify(record)}\n`;
  // Each round either claims, refuses, or removes a dead claim; a few rounds settle any race.
  for (let round = 0; round < 5; round++) {
    if (await createExclusive(file, text)) return fileClaim(file, runId, record.token);
    const found = await readClaim(file);
    if (found === undefined) continue;
    if (!isDead(found, Date.now())) {
      const remote = found.record !== undefined && found.record.hostname !== hostname();
      throw runInProgress(
        runId,
        describeHolder(found),
        remote ? `If that process is gone, delete ${file}.` : undefined,
      );
    }
    await takeOver(dir, runId, file, found, text);
  }
  throw runInProgress(runId, 'other processes', `They keep claiming and releasing ${file}.`);
}

function fileClaim(file: string, runId: string, token: string): RunClaim {
  let released = false;
  return {
    release: async () => {
      if (released) return;
      try {
        // Remove the file only while it is this claim's: were this holder ever taken for dead,
        // the file may hold another's claim now.
        const found = await readClaim(file);
        if (found?.record?.token === token) await rm(file, { force: true });
        released = true;
      } catch (cause) {
        throw new RunStoreError(
          `Could not release the claim of run "${runId}" (${file}): ${(cause as Error).message}. Until it is removed the run counts as held by this process; once this process has stopped, the next claim takes it over.`,
          { runId, file, cause },
        );
      }
    },
  };
}
