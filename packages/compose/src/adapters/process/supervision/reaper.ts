import { ownerIsDead, processRuns } from '../state/container-info.js';
import { stopGroup, toSignal } from '../spawn/proc.js';
import type { ContainerRecords } from '../state/records.js';

/** Grace given to a leftover before SIGKILL, at most (ms). */
const REAP_GRACE_MS = 3_000;

/**
 * Takes in the project's running processes that its state file does not record (they are
 * released: nobody reaps them, anyone may stop them), then stops the processes of `project` whose owner died without releasing them (`close()`), and
 * records them as exited (exit code 137 when something had to be killed). Returns their ids.
 */
export async function reapLeftovers(records: ContainerRecords, project: string): Promise<string[]> {
  // First what runs but is not recorded (a state file deleted or cut short): see state/recovery.ts.
  await records.store.adoptStrays(project);
  const leftovers = (await records.all(project)).filter((r) => (r.state === 'running' || r.state === 'restarting' || r.state === 'paused') && ownerIsDead(r));
  if (leftovers.length === 0) return [];
  const killed = await Promise.all(leftovers.map(async (r) => {
    if (r.pid === undefined || !processRuns(r)) return false;
    await stopGroup(r.pid, r.pidStartTime, { signal: toSignal(r.stopSignal), graceMs: Math.min(r.stopGraceMs, REAP_GRACE_MS), resume: r.state === 'paused' });
    return true;
  }));
  await records.reaped(project, leftovers, killed);
  return leftovers.map((r) => r.id);
}
