import type { Project, Runtime } from '@selur/compose';
import type { SwarmRuntime } from '@selur/compose-swarm';
import { BIN } from '../args/commands.js';
import { flag, type Context } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';

/**
 * A runtime that deploys a whole project itself (Docker Swarm: a service per compose service,
 * updated by Swarm), instead of container by container through the engine. `up` and `down` hand
 * the project to it. (A type-only import: the swarm package is loaded by the runtime factory only.)
 */
export function isOrchestrated(runtime: Runtime): runtime is SwarmRuntime {
  return runtime.name === 'swarm' && typeof (runtime as Partial<SwarmRuntime>).up === 'function' && typeof (runtime as Partial<SwarmRuntime>).down === 'function';
}

/** `up` on an orchestrator: deploy, wait (unless `-d` without `--wait`), print what changed. Always detached. */
export async function upOrchestrated(ctx: Context, runtime: SwarmRuntime, project: Project, services: readonly string[] | undefined): Promise<number> {
  if (services !== undefined) throw new UsageError(`--runtime ${runtime.name} deploys the whole project; run '${BIN} --runtime ${runtime.name} up' without service names`);
  const result = await runtime.up(project, { signal: ctx.signal, wait: !flag(ctx, 'detach') || flag(ctx, 'wait'), removeOrphans: flag(ctx, 'remove-orphans') });
  for (const s of result.services) ctx.print(`${s.service}\t${s.action}\t${s.swarmService}\n`);
  for (const name of result.removedServices) ctx.print(`${name}\tremoved\n`);
  if (!flag(ctx, 'detach')) ctx.io.stderr.write(ctx.err.dim(`${runtime.name} runs the services; follow them with '${BIN} --runtime ${runtime.name} logs', remove them with '${BIN} --runtime ${runtime.name} down'\n`));
  return ExitCode.ok;
}

/** `down` on an orchestrator: remove the project's services, networks, secrets, configs (volumes with `-v`). */
export async function downOrchestrated(ctx: Context, runtime: SwarmRuntime, project: string): Promise<number> {
  const removed = await runtime.down(project, { volumes: flag(ctx, 'volumes') });
  for (const name of [...removed.services, ...removed.networks, ...removed.volumes]) ctx.print(`${name}\tremoved\n`);
  return ExitCode.ok;
}
