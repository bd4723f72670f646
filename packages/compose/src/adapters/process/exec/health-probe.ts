import type { ProbeResult } from '../../../runtime/types.js';
import { durationOr } from '../../../spec/duration.js';
import { runCommand } from './command-runner.js';
import { liveState } from '../state/container-info.js';
import { healthArgv } from './health-command.js';
import type { HealthStatus } from '../../../runtime/types.js';
import type { ContainerRecord } from '../state/types.js';
import { processArgv, processEnvironment } from '../spawn/environment.js';
import type { ChildSpawner } from '../spawn/child-spawner.js';

/** Output kept of a probe (characters), as Docker keeps. */
const HEALTH_OUTPUT_MAX = 4096;

/**
 * Runs the record's healthcheck once as a host command with the service's environment and
 * working folder (started through `spawner` when given: see command-runner.ts), bounded by the healthcheck timeout and `options.timeoutMs`, and records the
 * result as the container's health through `remember` (which does not wait for the state file
 * write: see probed-health.ts). A check that passes while `foreign` says a published port is
 * answered by another process is unhealthy. Without a healthcheck, healthy means "the process runs".
 */
export async function probeHealth(
  remember: (record: ContainerRecord, health: HealthStatus) => void,
  record: ContainerRecord,
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal },
  foreign: (record: ContainerRecord) => Promise<string | undefined> = async () => undefined,
  spawner?: ChildSpawner,
): Promise<ProbeResult> {
  const argv = healthArgv(record.healthcheck);
  const state = liveState(record);
  const running = state === 'running';
  if (!argv) return { healthy: running, exitCode: running ? 0 : 1, output: running ? 'no healthcheck: the process runs' : 'no healthcheck: the process does not run' };
  if (!running) return { healthy: false, exitCode: -1, output: `not running (${state})` };
  const limits = [durationOr(record.healthcheck?.timeout, 30_000), options.timeoutMs].filter((n): n is number => n !== undefined && n > 0);
  const timeoutMs = Math.min(...limits);
  const result = await runCommand(processArgv(record, argv), { cwd: record.cwd, env: processEnvironment(record), timeoutMs, signal: options.signal, maxOutput: HEALTH_OUTPUT_MAX, spawner });
  const combined = `${result.stdout}${result.stderr}`.trim();
  let output = (result.timedOut ? `health check timed out after ${timeoutMs} ms. ${combined}` : combined).slice(0, HEALTH_OUTPUT_MAX);
  let healthy = result.exitCode === 0 && !result.timedOut;
  // A check that passed on a port another process answers (another project's server, the
  // service's own having failed to bind) is not the service's health.
  const stranger = healthy ? await foreign(record) : undefined;
  if (stranger !== undefined) {
    healthy = false;
    output = `${stranger}. ${output}`.slice(0, HEALTH_OUTPUT_MAX);
  }
  const health = healthy ? 'healthy' : 'unhealthy';
  if (record.health !== health) remember(record, health);
  return { healthy, exitCode: result.exitCode, output };
}
