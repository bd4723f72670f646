import type { ProbeResult } from '../../../runtime/types.js';
import { durationOr } from '../../../spec/duration.js';
import { runCommand } from './command-runner.js';
import { liveState } from '../state/container-info.js';
import { healthArgv } from './health-command.js';
import type { ContainerRecords } from '../state/records.js';
import type { ContainerRecord } from '../state/types.js';

/** Output kept of a probe (characters), as Docker keeps. */
const HEALTH_OUTPUT_MAX = 4096;

/**
 * Runs the record's healthcheck once as a host command with the service's environment and
 * working folder, bounded by the healthcheck timeout and `options.timeoutMs`, and records the
 * result as the container's health. Without a healthcheck, healthy means "the process runs".
 */
export async function probeHealth(records: ContainerRecords, record: ContainerRecord, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<ProbeResult> {
  const argv = healthArgv(record.healthcheck);
  const state = liveState(record);
  const running = state === 'running';
  if (!argv) return { healthy: running, exitCode: running ? 0 : 1, output: running ? 'no healthcheck: the process runs' : 'no healthcheck: the process does not run' };
  if (!running) return { healthy: false, exitCode: -1, output: `not running (${state})` };
  const limits = [durationOr(record.healthcheck?.timeout, 30_000), options.timeoutMs].filter((n): n is number => n !== undefined && n > 0);
  const timeoutMs = Math.min(...limits);
  const result = await runCommand(argv, { cwd: record.cwd, env: { ...process.env, ...record.env }, timeoutMs, signal: options.signal, maxOutput: HEALTH_OUTPUT_MAX });
  const combined = `${result.stdout}${result.stderr}`.trim();
  const output = (result.timedOut ? `health check timed out after ${timeoutMs} ms. ${combined}` : combined).slice(0, HEALTH_OUTPUT_MAX);
  const healthy = result.exitCode === 0 && !result.timedOut;
  const health = healthy ? 'healthy' : 'unhealthy';
  if (record.health !== health) {
    await records.setHealth(record, health);
  }
  return { healthy, exitCode: result.exitCode, output };
}
