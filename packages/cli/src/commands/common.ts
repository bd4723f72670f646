import { UnsupportedOperationError } from '@selur/compose';
import type { ContainerInfo, Project, ProjectSpec, Runtime, RuntimeCapability, UpOptions } from '@selur/compose';
import { BIN } from '../args/commands.js';
import type { Context } from '../context.js';
import type { ProgressSink } from '../render/progress-sink.js';
import { UsageError } from '../errors/usage-error.js';
import { compareNames } from '../compare-names.js';

/**
 * The part of `up`'s options that every command bringing a stack up (`up`, `watch`) passes the same
 * way: `--parallel`, Ctrl-C cancels (twice forces), `--compat` runs without the fields the runtime
 * cannot apply, each a warning on stderr, and every event goes to `sink`.
 */
export function commonUpOptions(ctx: Context, sink: ProgressSink): Pick<UpOptions, 'parallel' | 'signal' | 'forceSignal' | 'unsupported' | 'onEvent'> {
  return {
    ...(ctx.settings.parallel !== undefined ? { parallel: ctx.settings.parallel } : {}),
    signal: ctx.signal,
    forceSignal: ctx.forceSignal,
    ...(ctx.settings.compat ? { unsupported: 'warn' as const } : {}),
    onEvent: (event) => {
      if (event.type === 'warning') ctx.warn(event.message);
      sink.onEvent(event);
    },
  };
}

/** A command handler: does the work and returns the exit code. */
export type Handler = (ctx: Context) => Promise<number>;

/** The loaded project with its canonical spec. */
export interface Loaded {
  readonly project: Project;
  readonly spec: ProjectSpec;
}

/** Loads the project and its canonical spec (`nameOnly`: see {@link Context.project}). */
export async function loaded(ctx: Context, options: { readonly nameOnly?: boolean } = {}): Promise<Loaded> {
  const project = await ctx.project(options);
  return { project, spec: project.toJSON() };
}

/**
 * Checks that every name is a service of the project; returns them (all services when none are
 * given), in the order given.
 */
export function selectServices(spec: ProjectSpec, names: readonly string[], command: string): readonly string[] {
  const known = Object.keys(spec.services);
  // A project known by name only (no file) has no declared services: take the names as given.
  if (known.length === 0 && names.length > 0) return names;
  for (const name of names) {
    if (!known.includes(name))
      throw new UsageError(`no service '${name}' in project '${spec.name}' (services: ${known.join(', ') || 'none'})`, command);
  }
  return names.length > 0 ? names : known;
}

/**
 * The services whose logs `up` and `logs -f` stream: every service but those with `attach: false`,
 * plus the ones named on the command line (named, a service is attached anyway).
 */
export function attachedServices(spec: ProjectSpec, named: readonly string[]): ReadonlySet<string> {
  return new Set([...Object.entries(spec.services).filter(([, s]) => s.attach !== false).map(([name]) => name), ...named]);
}

/**
 * Throws the SDK's {@link UnsupportedOperationError} (exit 4, one line) when the runtime lacks a
 * capability the command needs.
 */
export function requireCapability(runtime: Runtime, capability: RuntimeCapability, operation: string, hint?: string): void {
  if (!runtime.capabilities.has(capability)) {
    const fallback = runtime.name === 'process' ? 'try --runtime docker' : undefined;
    const text = hint ?? fallback;
    throw new UnsupportedOperationError(runtime.name, operation, text === undefined ? {} : { hint: text });
  }
}

/** Containers of the project, for the given services (all when empty), sorted by service and replica. */
export async function containersOf(runtime: Runtime, project: string, services: readonly string[], all = true): Promise<ContainerInfo[]> {
  const list = await runtime.listContainers(project, { all });
  const wanted = new Set(services);
  return list
    .filter((c) => wanted.size === 0 || wanted.has(c.service))
    .sort((a, b) => compareNames(a.service, b.service) || a.replica - b.replica);
}

/**
 * The container of one replica of a service, preferring a running one. Throws a one-line error
 * naming what to do when there is none.
 */
export function pickContainer(containers: readonly ContainerInfo[], service: string, replica: number | undefined, mustRun: boolean): ContainerInfo {
  const ofService = containers.filter((c) => c.service === service);
  const candidates = replica === undefined ? ofService : ofService.filter((c) => c.replica === replica);
  const running = candidates.filter((c) => c.state === 'running');
  const chosen = running[0] ?? (mustRun ? undefined : candidates[0]);
  if (!chosen) {
    const which = replica === undefined ? `service '${service}'` : `replica ${replica} of '${service}'`;
    const state = candidates[0] ? ` (it is ${candidates[0].state})` : '';
    throw new Error(`${which} is not running${state}: start it with '${BIN} up -d ${service}'`);
  }
  return chosen;
}

/** `api` for a single replica, `api-2` when a service has several. */
export function containerLabel(container: ContainerInfo, containers: readonly ContainerInfo[]): string {
  const replicas = containers.filter((c) => c.service === container.service).length;
  return replicas > 1 ? `${container.service}-${container.replica}` : container.service;
}

/** `127.0.0.1:49153->8080/tcp, …`. */
export function formatPorts(container: ContainerInfo): string {
  return container.ports.map((p) => `${p.host}:${p.published}->${p.target}/${p.protocol}`).join(', ');
}

/** `running`, `exited (1)`. */
export function formatState(container: ContainerInfo): string {
  return container.state === 'exited' && container.exitCode !== undefined ? `exited (${container.exitCode})` : container.state;
}

/** JSON with two-space indentation and a final newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Resolves when `ms` passed or the signal aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

/**
 * Keeps the process alive while `work` runs. Runtimes unref their pipes and timers (so that they
 * never hold a test process open); a foreground command that only waits on them would otherwise
 * let Node exit mid-await.
 */
export async function keepAlive<T>(work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 1 << 30);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The text, ending with a newline. */
export function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
