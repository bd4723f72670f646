import type { StopOptions } from '../../../runtime/types.js';
import { ContainerNotFoundError } from '../../../errors/container-not-found-error.js';
import { isGroupAlive, stopGroup, toSignal } from '../spawn/proc.js';
import type { ContainerRecords } from '../state/records.js';
import { within, type Supervisor } from './supervisor.js';

/**
 * Stops a container from any runtime object or process: records `desired: stopped` first (so no
 * supervisor restarts it; the caller has told its own restart loop already), then sends the stop
 * signal to its process group and SIGKILL after `timeoutMs`. When `supervisor` runs the process,
 * waits (bounded) until it has recorded the exit; otherwise records the exit itself (128 +
 * signal, 137 when killed). A stopped one is left alone.
 */
export async function stopContainer(records: ContainerRecords, id: string, options: StopOptions, supervisor: Supervisor | undefined): Promise<void> {
  const record = await records.wantStopped(id);
  if (!record) throw new ContainerNotFoundError('process', id);
  if (record.state === 'exited') supervisor?.logs.end();
  const pid = record.pid;
  const paused = record.state === 'paused';
  if (pid === undefined || (record.state !== 'running' && !paused && (record.pidStartTime === undefined || !isGroupAlive(pid)))) return;
  const signal = toSignal(options.signal ?? record.stopSignal);
  // A paused group gets the stop signal, then SIGCONT so that it can act on it.
  const outcome = await stopGroup(pid, record.pidStartTime, { signal, graceMs: Math.max(0, options.timeoutMs), resume: paused });
  if (supervisor?.current?.pid === pid) {
    await within(supervisor.exited, 2_000);
    return;
  }
  const code = outcome !== 'gone' ? 137 : 128 + (typeof signal === 'number' ? signal : signalNumber(signal));
  await records.stoppedFromOutside(record, pid, code);
}

function signalNumber(signal: string): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 };
  return numbers[signal] ?? 15;
}

