import type { ComposeEvent, EventListener, ProjectSpec, Stack } from '@selur/compose';
import type { Context } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { commonUpOptions, keepAlive, loaded, requireCapability, selectServices, type Handler } from './common.js';

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
export function watchStack(ctx: Context, stack: Stack, services: readonly string[], signal: AbortSignal): Promise<void> {
  return stack.watch({ services, signal, onEvent: watchPrinter(ctx, stack.project.source.workingDir) });
}

/**
 * `watch [SERVICE…]`: builds what has a build section (where the runtime builds) and starts the
 * services (and their dependencies) as `up --build -d --wait` does, then
 * applies their `develop.watch` rules to each change until Ctrl-C, which stops watching and
 * leaves the services running.
 */
export const watch: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const selected = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, 'watch') : Object.keys(spec.services);
  const services = watchedServices(spec, selected, 'watch');
  const runtime = await ctx.runtime();
  // refused by name before anything starts (Swarm, Kubernetes and selur do not apply develop)
  requireCapability(runtime, 'field:develop', 'watch', 'it does not apply develop.watch; use the process or docker runtime');
  // As Docker Compose's watch: images with a build section are built first (up --build)
  if (runtime.capabilities.has('build') && selected.some((s) => spec.services[s]?.build !== undefined)) {
    const { build } = await import('./supply.js');
    const code = await build(ctx);
    if (code !== ExitCode.ok) return code;
  }
  const sink = ctx.progress();
  let stack: Stack;
  try {
    stack = await project.up({
      runtime,
      ...(ctx.parsed.positionals.length > 0 ? { services: [...selected] } : {}),
      wait: true,
      ...commonUpOptions(ctx, sink),
    });
  } finally {
    sink.close();
  }
  await keepAlive(() => watchStack(ctx, stack, services, ctx.signal));
  // Ctrl-C ends watching as it ends `logs -f`: what it asked for, the services left running
  return ExitCode.ok;
};
