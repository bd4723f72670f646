import type { StopOptions } from '../../../runtime/types.js';
import { ContainerNotFoundError } from '../../../errors/container-not-found-error.js';
import { exitFileCode, outputFiles } from '../logs/files.js';
import { isGroupAlive, isProcessAlive, keptByZygote, stopGroup, toSignal, zombieExitCode } from '../spawn/proc.js';
import type { ContainerRecords } from '../state/records.js';
import { within, type Supervisor } from './supervisor.js';
import { Admission } from './admission.js';

/**
 * Stops of this process whose first write (`desired: stopped`) may be in flight at once: the
 * exits of the first stops must not queue behind thousands of such writes (see admission.ts).
 * A stop leaves once that write is done, before it signals, so stops waiting out a grace period
 * hold no place.
 */
export const stopAdmission = new Admission(128);

/**
 * Stops a container from any runtime object or process: records `desired: stopped` first (so no
 * supervisor restarts it; the caller has told its own restart loop already), then sends the stop
 * signal to its process group and SIGKILL after `timeoutMs`. When `supervisor` runs the process,
 * waits (bounded) until it has recorded the exit; otherwise records the exit itself, with the
 * exit code it could see (see exitCodeSeen). A stopped one is left alone.
 */
export async function stopContainer(records: ContainerRecords, id: string, options: StopOptions, supervisor: Supervisor | undefined): Promise<void> {
  const record = await stopAdmission.run(() => records.wantStopped(id));
  if (!record) throw new ContainerNotFoundError('process', id);
  if (record.state === 'exited') supervisor?.logs.end();
  const pid = record.pid;
  const paused = record.state === 'paused';
  if (pid === undefined || (record.state !== 'running' && !paused && (record.pidStartTime === undefined || !isGroupAlive(pid)))) return;
  const signal = toSignal(options.signal ?? record.stopSignal);
  const kept = supervisor?.current?.pid !== pid && keptByZygote(pid);
  // A paused group gets the stop signal, then SIGCONT so that it can act on it.
  const outcome = await stopGroup(pid, record.pidStartTime, { signal, graceMs: Math.max(0, options.timeoutMs), resume: paused });
  // The supervisor records the exit when the spawner reports it; under load that report can lag
  // seconds behind the process being gone (hundreds of stops at once waited 2 s each for it). A
  // stop waits for the report only while the process is there, then a moment; else it records
  // the exit itself (the report, when it comes, finds the record exited already).
  if (supervisor?.current?.pid === pid && (await reportedOrGone(supervisor.exited, pid, record.pidStartTime))) return;
  const exitFile = outputFiles(records.paths(record.project), record.id).exit;
  await records.stoppedFromOutside(record, pid, await exitCodeSeen(pid, record.pidStartTime, outcome, kept ? exitFile : undefined));
}

/**
 * The exit code of a stopped process that is not this process's child, as far as it can be
 * known: read from its zombie while its parent has not reaped it (zombieExitCode: what the process
 * really returned, 0 for a server that shuts down cleanly on SIGTERM), else from the exit file its
 * parent writes when that is a zygote that outlived its owner (`exitFile`: it writes right after
 * it reaps, so a moment is given), else 137 when it had to be killed, else unknown. Never made up
 * from the signal sent: nginx and PostgreSQL exit 0 on their stop signals, and a stop from another
 * shell recorded them as `exited (143)` and `exited (130)`.
 */
async function exitCodeSeen(pid: number, startTime: string | undefined, outcome: 'gone' | 'killed' | 'stuck', exitFile: string | undefined): Promise<number | undefined> {
  const zombie = zombieExitCode(pid, startTime);
  if (zombie !== undefined) return zombie;
  for (let attempt = 0; exitFile !== undefined && attempt <= EXIT_FILE_TRIES; attempt++) {
    const code = exitFileCode(exitFile, pid);
    if (code !== undefined) return code;
    if (attempt < EXIT_FILE_TRIES) await new Promise((r) => setTimeout(r, 10));
  }
  return outcome === 'gone' ? undefined : 137;
}

/** How many times (10 ms apart) a stop looks for the exit file of a process a zygote kept. */
const EXIT_FILE_TRIES = 20;

/** How long a report may trail the process's end before the stop records the exit itself (ms). */
const REPORT_GRACE_MS = 50;
/** Bound on the whole wait (ms), as before. */
const REPORT_WAIT_MS = 2_000;

/** True when `exited` settled (the supervisor recorded the exit); false when the process ended and no report followed within a moment. */
async function reportedOrGone(exited: Promise<void>, pid: number, startTime: string | undefined): Promise<boolean> {
  let reported = false;
  void exited.then(() => (reported = true));
  const deadline = Date.now() + REPORT_WAIT_MS;
  let goneAt: number | undefined;
  let delay = 2;
  while (!reported && Date.now() < deadline) {
    if (goneAt === undefined && !isProcessAlive(pid, startTime)) goneAt = Date.now();
    if (goneAt !== undefined && Date.now() - goneAt >= REPORT_GRACE_MS) break;
    await within(exited, delay);
    delay = Math.min(delay * 2, 25);
  }
  return reported;
}


