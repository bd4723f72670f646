import type { Project, Runtime } from '@selur/compose';
// Types only: the package itself is loaded by the runtime factory, when `--runtime kubernetes` asks for it.
import type { KubernetesRuntime, UnsupportedField } from '@selur/compose-kubernetes';
import { BIN } from '../args/commands.js';
import { flag, type Context } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { relayKubernetesEvents } from '../kubernetes-options.js';

/** True for the runtime `--runtime kubernetes` made (it deploys whole projects: `up` and `down` go to it, not the engine). */
export function isKubernetesRuntime(runtime: Runtime): runtime is KubernetesRuntime {
  return runtime.name === 'kubernetes' && typeof (runtime as Partial<KubernetesRuntime>).manifests === 'function';
}

/** A left-out field as one line: `services.api.ulimits.nofile (service 'api'): why`. */
export function describeUnsupported(field: UnsupportedField): string {
  return `${field.field}${field.service ? ` (service '${field.service}')` : ''}: ${field.reason}; left out (--compat)`;
}

/** `up` on Kubernetes: server-side apply of the whole project, prune, and (unless -d without --wait) wait for the rollouts. */
export async function kubernetesUp(ctx: Context, runtime: KubernetesRuntime, project: Project): Promise<number> {
  if (ctx.parsed.positionals.length > 0) throw new UsageError('--runtime kubernetes deploys the whole project: name no services', 'up');
  for (const option of ['build', 'no-deps', 'force-recreate', 'no-recreate', 'keep-on-failure', 'no-wait-ports'])
    if (flag(ctx, option)) throw new UsageError(`--${option} has no meaning on Kubernetes (the project is applied whole, server-side)`, 'up');
  const sink = ctx.progress();
  relayKubernetesEvents((event) => sink.onEvent(event));
  let result;
  try {
    result = await runtime.up(project, { wait: !flag(ctx, 'detach') || flag(ctx, 'wait'), signal: ctx.signal });
  } finally {
    relayKubernetesEvents(undefined);
    sink.close();
  }
  for (const warning of result.warnings) ctx.warn(describeUnsupported(warning));
  ctx.io.stderr.write(
    `applied ${result.applied.length} objects to namespace ${result.namespace}${result.pruned.length > 0 ? `, pruned ${result.pruned.join(', ')}` : ''}; ` +
      `'${BIN} --runtime kubernetes down' removes them\n`,
  );
  return ExitCode.ok;
}

/** `down` on Kubernetes: delete everything the project owns (claims, and a Namespace we made, only with -v). */
export async function kubernetesDown(ctx: Context, runtime: KubernetesRuntime, project: string): Promise<number> {
  const sink = ctx.progress();
  relayKubernetesEvents((event) => sink.onEvent(event));
  try {
    await runtime.down(project, { volumes: flag(ctx, 'volumes') });
  } finally {
    relayKubernetesEvents(undefined);
    sink.close();
  }
  return ExitCode.ok;
}
