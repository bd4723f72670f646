import type { ContainerInfo } from '../runtime/types.js';
import type { RestartPolicy } from '../spec/types.js';
import { EngineFailure, RunCancelled } from './failure.js';
import type { ReadinessContext } from './readiness.js';

/** How often a held service is inspected during its `stableFor` window (ms). */
const STABLE_INSPECT_MS = 50;

/** @internal What decides whether an exit before `up()` resolves is a failure. */
export interface ExitRules {
  readonly restart: RestartPolicy;
  /** Its clean exit is what someone waits for (a one-shot job, `service_completed_successfully`). */
  readonly mayComplete: boolean;
}

/** True when the runtime will bring a container that exited with `code` back (its restart policy). */
export function restartBringsBack(policy: RestartPolicy, code: number | undefined, restartCount: number | undefined): boolean {
  if (policy === 'always' || policy === 'unless-stopped') return true;
  if (policy === 'no') return false;
  if (code === 0) return false;
  const cap = /^on-failure:(\d+)$/.exec(policy);
  return cap ? (restartCount ?? 0) < Number(cap[1]) : true;
}

/**
 * @internal The failure of a container that stopped before `up()` resolved, or undefined when
 * its stopping is fine: it still runs (or restarts), its restart policy brings it back, or it
 * completed with 0 where that is what is waited for.
 */
export function exitFailure(service: string, info: ContainerInfo, rules: ExitRules): EngineFailure | undefined {
  if (info.state !== 'exited' && info.state !== 'dead') return undefined;
  if (restartBringsBack(rules.restart, info.exitCode, info.restartCount)) return undefined;
  if (info.exitCode === 0 && rules.mayComplete) return undefined;
  const code = info.exitCode;
  const why = code === 0 ? 'exited with code 0 although it is a long-running service (nothing waits for it to complete with service_completed_successfully)' : `exited with code ${code ?? '?'}`;
  return new EngineFailure('exited', { service, reason: `${why} before up() finished`, exitCode: code });
}

/** How long an exit whose code the runtime has not recorded yet is re-read for it (ms). */
const EXIT_CODE_GRACE_MS = 2_000;

/**
 * @internal Inspects a container; when it reads exited without an exit code yet (its process
 * is gone, the runtime has not recorded how), reads again for a moment to report the real code.
 */
export async function inspectSettled(ctx: Pick<ReadinessContext, 'runtime' | 'clock' | 'signal'>, id: string): Promise<ContainerInfo> {
  const until = ctx.clock.now() + EXIT_CODE_GRACE_MS;
  for (;;) {
    const info = await ctx.runtime.inspectContainer(id);
    if ((info.state !== 'exited' && info.state !== 'dead') || info.exitCode !== undefined || ctx.clock.now() >= until) return info;
    try {
      await ctx.clock.sleep(STABLE_INSPECT_MS, ctx.signal);
    } catch {
      throw new RunCancelled();
    }
  }
}

/**
 * @internal Holds a ready container for `ms`: fails as soon as it exits for good in that window
 * (see {@link exitFailure}). Throws {@link EngineFailure} or {@link RunCancelled}.
 */
export async function holdStable(ctx: ReadinessContext, container: ContainerInfo, ms: number, rules: ExitRules): Promise<void> {
  const until = ctx.clock.now() + ms;
  for (;;) {
    if (ctx.signal.aborted) throw new RunCancelled();
    const failure = exitFailure(ctx.service, await inspectSettled(ctx, container.id), rules);
    if (failure) throw failure;
    const left = until - ctx.clock.now();
    if (left <= 0) return;
    try {
      await ctx.clock.sleep(Math.min(STABLE_INSPECT_MS, left), ctx.signal);
    } catch {
      throw new RunCancelled();
    }
  }
}
