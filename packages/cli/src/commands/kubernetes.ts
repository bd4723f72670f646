import type { Project, Runtime } from '@selur/compose';
// Types only: the package itself is loaded by the runtime factory, when `--runtime kubernetes` asks for it.
import type { KubernetesRuntime, UnsupportedField } from '@selur/compose-kubernetes';
import { BIN } from '../args/commands.js';
import { flag, type Context } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { kubernetesNamespace, relayKubernetesEvents } from '../kubernetes-options.js';
import { ensureNewline } from './common.js';
import { writeManifestDir } from './manifest-files.js';

/** True for the runtime `--runtime kubernetes` made (it deploys whole projects: `up` and `down` go to it, not the engine). */
export function isKubernetesRuntime(runtime: Runtime): runtime is KubernetesRuntime {
  return runtime.name === 'kubernetes' && typeof (runtime as Partial<KubernetesRuntime>).manifests === 'function';
}

/** A left-out field as one line: `services.api.ulimits.nofile (service 'api'): why`. */
export function describeUnsupported(field: UnsupportedField): string {
  return `${field.field}${field.service ? ` (service '${field.service}')` : ''}: ${field.reason}; left out (--compat)`;
}

/**
 * `up` on Kubernetes: server-side apply of the project (or of the named services and, unless
 * --no-deps, their dependencies: then nothing is pruned), prune, and (unless -d without --wait)
 * wait for the rollouts.
 */
export async function kubernetesUp(ctx: Context, runtime: KubernetesRuntime, project: Project, services: readonly string[] | undefined): Promise<number> {
  for (const option of ['build', 'force-recreate', 'no-recreate', 'keep-on-failure', 'no-wait-ports'])
    if (flag(ctx, option)) throw new UsageError(`--${option} has no meaning on Kubernetes (manifests are applied server-side)`, 'up');
  const sink = ctx.progress();
  relayKubernetesEvents((event) => sink.onEvent(event));
  let result;
  try {
    result = await runtime.up(project, {
      wait: !flag(ctx, 'detach') || flag(ctx, 'wait'),
      signal: ctx.signal,
      ...(services ? { services, noDeps: flag(ctx, 'no-deps') } : {}),
    });
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

/**
 * `convert --to kubernetes`: the project's manifests in the namespace of `--namespace` /
 * `SELUR_COMPOSE_NAMESPACE` (default: the project's name). Without `-o`, one multi-document YAML on
 * stdout; `-o NAME.yaml` (or `.yml`) writes that stream to the file; any other `-o DIR` is a folder
 * with one `<kind>-<name>.yaml` per manifest (what `kubectl apply -f DIR` reads), where files not
 * written by convert for this project are overwritten only with `--force`, and those an earlier
 * convert wrote that the project no longer makes are removed. What was written is printed.
 */
export async function kubernetesConvert(ctx: Context, project: Project, output: string | undefined): Promise<number> {
  // Loaded only for this command, as the runtime packages are.
  const { toKubernetes, toYaml } = await import('@selur/compose-kubernetes');
  const namespace = kubernetesNamespace(ctx.settings, ctx.io.env);
  const converted = toKubernetes(project, { ...(namespace ? { namespace } : {}), ...(ctx.settings.compat ? { unsupported: 'warn' } : {}) });
  for (const warning of converted.warnings) ctx.warn(describeUnsupported(warning));
  const force = flag(ctx, 'force');
  if (output === undefined || /\.ya?ml$/i.test(output)) {
    if (force) throw new UsageError('--force applies to -o DIR (a folder of manifests)', 'convert');
    const stream = ensureNewline(toYaml(converted));
    if (output === undefined) ctx.print(stream);
    else writeFileSync(resolve(ctx.io.cwd, output), stream, { mode: 0o600 });
    return ExitCode.ok;
  }
  const manifests = converted.objects.map((o) => ({ kind: o.kind, name: o.metadata.name, yaml: ensureNewline(toYaml({ objects: [o] })) }));
  const result = writeManifestDir(resolve(ctx.io.cwd, output), converted.project, manifests, force);
  const shown = (file: string) => `${output.replace(/\/+$/, '')}/${file}`;
  ctx.print([...result.written.map((f) => `wrote ${shown(f)}\n`), ...result.removed.map((f) => `removed ${shown(f)}\n`)].join(''));
  return ExitCode.ok;
}
