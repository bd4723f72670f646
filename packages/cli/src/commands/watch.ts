import type { ComposeEvent, EventListener, ProjectSpec, Runtime, Stack } from '@selur/compose';
import { BIN } from '../args/commands.js';
import { flag, type Context } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { commonUpOptions, containersOf, keepAlive, loaded, requireCapability, selectServices, type Handler } from './common.js';

/** The selected services that have `develop.watch` rules; a usage error when none has. */
export function watchedServices(spec: ProjectSpec, selected: readonly string[], command: string): string[] {
  const watched = selected.filter((s) => (spec.services[s]?.develop?.watch.length ?? 0) > 0);
  if (watched.length === 0)
    throw new UsageError(`none of the selected services (${selected.join(', ')}) has a develop.watch section: nothing to watch`, command);
  return watched;
}

const shown = (paths: readonly string[], count: number, root: string) => {
  const names = paths.slice(0, 3).map((p) => (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p));
  return `${names.join(', ')}${count > names.length ? ` and ${count - names.length} more` : ''}`;
};

/** Prints what a watch does, one line per action on stderr (warnings through `ctx.warn`). */
export function watchPrinter(ctx: Context, root: string): EventListener {
  return (event: ComposeEvent) => {
    const say = (service: string, text: string) => ctx.io.stderr.write(`${ctx.err.service(service, service)} ${text}\n`);
    switch (event.type) {
      case 'watch.started':
        ctx.io.stderr.write(ctx.err.dim(`watching ${event.services.join(', ')} (${event.paths.length} path${event.paths.length === 1 ? '' : 's'}); Ctrl-C stops watching\n`));
        break;
      case 'watch.sync':
        say(event.service, `synced ${event.count} file change${event.count === 1 ? '' : 's'} (${shown(event.paths, event.paths.length, root)})`);
        break;
      case 'watch.restart':
        say(event.service, `restarted after changes to ${shown(event.paths, event.count, root)}`);
        break;
      case 'watch.rebuild':
        say(event.service, `rebuilt and recreated after changes to ${shown(event.paths, event.count, root)}`);
        break;
      case 'watch.exec':
        say(event.service, `ran ${event.command.join(' ')} (exit ${event.exitCode})`);
        break;
      case 'watch.failed':
        ctx.io.stderr.write(`${ctx.err.red('error:')} ${event.error.message}\n`);
        break;
      case 'warning':
        ctx.warn(event.message);
        break;
      default:
        break;
    }
  };
}

/**
 * Watches `services` of a running stack until `signal` aborts (Ctrl-C), printing each action.
 * Rejects when watching cannot start (typed: WatchConfigError, UnsupportedFieldError).
 */
export function watchStack(ctx: Context, stack: Stack, services: readonly string[], signal: AbortSignal, prune = true): Promise<void> {
  return stack.watch({ services, signal, prune, onEvent: watchPrinter(ctx, stack.project.source.workingDir) });
}

/** `--prune` (the default, as in Docker Compose 2.32+) or `--no-prune`; a note where there are no images to prune. */
function pruneOption(ctx: Context, runtime: Runtime): boolean {
  if (flag(ctx, 'prune') && flag(ctx, 'no-prune')) throw new UsageError('--prune and --no-prune contradict each other', 'watch');
  if (flag(ctx, 'prune') && runtime.pruneImages === undefined) ctx.warn(`--prune has nothing to do: the ${runtime.name} runtime keeps no images`);
  return !flag(ctx, 'no-prune');
}

/** `--no-up`: every watched service must have a running replica; a one-line error naming what to start otherwise. */
async function requireRunning(runtime: Runtime, project: string, services: readonly string[]): Promise<void> {
  const containers = await containersOf(runtime, project, services, true);
  const stopped = services.filter((s) => !containers.some((c) => c.service === s && c.state === 'running'));
  if (stopped.length > 0)
    throw new Error(`watch --no-up: ${stopped.map((s) => `'${s}'`).join(', ')} ${stopped.length === 1 ? 'is' : 'are'} not running: start ${stopped.length === 1 ? 'it' : 'them'} with '${BIN} up -d ${stopped.join(' ')}', or watch without --no-up`);
}

/**
 * `watch [SERVICE…]`: builds what has a build section (where the runtime builds) and starts the
 * services (and their dependencies) as `up --build -d --wait` does, then
 * applies their `develop.watch` rules to each change until Ctrl-C, which stops watching and
 * leaves the services running. `--no-up` skips the build and start (every watched service must
 * run already); `--no-prune` keeps the images a rebuild leaves dangling.
 */
export const watch: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const selected = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, 'watch') : Object.keys(spec.services);
  const services = watchedServices(spec, selected, 'watch');
  const runtime = await ctx.runtime();
  // refused by name before anything starts (Swarm, Kubernetes and selur do not apply develop)
  requireCapability(runtime, 'field:develop', 'watch', 'it does not apply develop.watch; use the process or docker runtime');
  const prune = pruneOption(ctx, runtime);
  const noUp = flag(ctx, 'no-up');
  if (noUp) await requireRunning(runtime, spec.name, services);
  // As Docker Compose's watch: images with a build section are built first (up --build)
  if (!noUp && runtime.capabilities.has('build') && selected.some((s) => spec.services[s]?.build !== undefined)) {
    const { build } = await import('./supply.js');
    const code = await build(ctx);
    if (code !== ExitCode.ok) return code;
  }
  const sink = ctx.progress();
  let stack: Stack;
  try {
    // --no-up: the running services are taken as they are (nothing created, recreated or waited for)
    stack = await project.up({
      runtime,
      ...(noUp ? { services: [...services], noDeps: true, noRecreate: true, wait: false } : ctx.parsed.positionals.length > 0 ? { services: [...selected] } : {}),
      ...(noUp ? {} : { wait: true }),
      ...commonUpOptions(ctx, sink),
    });
  } finally {
    sink.close();
  }
  await keepAlive(() => watchStack(ctx, stack, services, ctx.signal, prune));
  // Ctrl-C ends watching as it ends `logs -f`: what it asked for, the services left running
  return ExitCode.ok;
};
