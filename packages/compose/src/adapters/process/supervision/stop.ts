import type { StopOptions } from '../../../runtime/types.js';
import { ContainerNotFoundError } from '../../../errors/container-not-found-error.js';
import { projectOfId } from '../state/paths.js';
import { isGroupAlive, stopGroup, toSignal } from '../spawn/proc.js';
import type { StateStore } from '../state/store.js';
import type { Supervisor } from './supervisor.js';

/**
 * Stops a container from any runtime object or process: records `desired: stopped` first (so no
 * supervisor restarts it), then sends the stop signal to its process group and SIGKILL after
 * `timeoutMs`. When `supervisor` runs the process, waits (bounded) until it has recorded the exit;
 * otherwise records the exit itself (128 + signal, 137 when killed). A stopped one is left alone.
 */
export async function stopContainer(store: StateStore, id: string, options: StopOptions, supervisor: Supervisor | undefined): Promise<void> {
  if (supervisor) {
    supervisor.stopping = true;
    supervisor.cancelRestart();
  }
  const project = projectOfId(id);
  const record = project ? await store.update(project, (state) => {
    const current = state.containers[id];
    if (!current) return undefined;
    current.desired = 'stopped';
    if (current.state === 'restarting') current.state = 'exited';
    return { ...current };
  }) : undefined;
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
  await store.update(record.project, (state) => {
    const current = state.containers[id];
    if (current && current.pid === pid && (current.state === 'running' || current.state === 'paused')) Object.assign(current, { state: 'exited', exitCode: code, finishedAt: new Date().toISOString() });
  });
}

/** Waits for `promise`, at most `ms` (the timer keeps the process alive while a call is in flight). */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function signalNumber(signal: string): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 };
  return numbers[signal] ?? 15;
}

