import { createGraph, isServiceExitedError, parseDuration, Project, projectSecretRedactor, UnsupportedOperationError } from '@selur/compose';
import type { ComposeEvent, ContainerInfo, DependencyGraph, ProjectSpec, Redactor, Runtime, Stack, UpOptions } from '@selur/compose';
import { BIN } from '../args/commands.js';
import { flag, intOption, listOption, stringOption, type Context } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { attachedServices, commonUpOptions, containersOf, keepAlive, loaded, requireCapability, selectServices, type Handler } from './common.js';
import { isKubernetesRuntime, kubernetesDown, kubernetesUp } from './kubernetes.js';
import { mergeLogStreams, type PrefixedLine } from './log-stream.js';
import { cliTracing } from './telemetry.js';
import { watchedServices, watchStack } from './watch.js';

const seconds = (ctx: Context, name: string) => {
  const value = intOption(ctx, name);
  return value === undefined ? undefined : value * 1000;
};

function printLogLine(ctx: Context, width: number) {
  return (line: PrefixedLine) => ctx.print(`${ctx.out.service(line.service, line.label.padEnd(width))} ${ctx.out.dim('|')} ${line.line.text}\n`);
}

/**
 * Follows the logs of a stack until every service stops or Ctrl-C (secrets redacted, as in log
 * events), printing only the `attached` services' lines (`attach: false` leaves a service out).
 */
async function followStack(ctx: Context, stack: Stack, redact: Redactor, attached: ReadonlySet<string>, signal: AbortSignal = ctx.signal): Promise<void> {
  const containers = (await stack.ps()).filter((c) => attached.has(c.service));
  const multi = (service: string) => containers.filter((c) => c.service === service).length > 1;
  const width = Math.max(0, ...containers.map((c) => (multi(c.service) ? `${c.service}-${c.replica}` : c.service).length));
  const source = {
    service: '',
    label: '',
    lines: (async function* () {
      for await (const line of stack.logs(undefined, { follow: true, signal })) {
        if (!attached.has(line.service)) continue;
        yield { stream: line.stream, text: redact(line.text), timestamp: line.timestamp, service: line.service, replica: line.replica };
      }
    })(),
  };
  const print = printLogLine(ctx, width);
  await mergeLogStreams([source], { ordered: false, signal }, (l) => {
    const line = l.line as typeof l.line & { service: string; replica: number };
    print({ service: line.service, label: multi(line.service) ? `${line.service}-${line.replica}` : line.service, line });
  });
}

/** The exit code of a stack whose services all stopped: the first non-zero one, else 0. */
export function stackExitCode(containers: readonly ContainerInfo[]): number {
  const failed = containers.find((c) => c.state === 'exited' && c.exitCode !== undefined && c.exitCode !== 0);
  return failed?.exitCode ?? ExitCode.ok;
}

/**
 * `up`: converge, then (foreground) follow logs until Ctrl-C, which tears the stack down.
 *
 * The runtime is made while the project file is read and checked, as `down` does (the Docker
 * runtime reaches its engine meanwhile). A project that cannot be loaded is still the error
 * reported.
 */
export const up: Handler = async (ctx) => {
  const made = ctx.runtime();
  made.catch(() => undefined); // (its error is thrown below, once the project loaded)
  const { project: declared, spec } = await loaded(ctx);
  const services = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, 'up') : undefined;
  // --scale SERVICE=N: the replica counts given win over the file's, as `scale` sets them
  const scaling = parseScaleArgs(listOption(ctx, 'scale'), 'up');
  selectServices(spec, scaling.map((t) => t.service), 'up');
  const runtime = await made;
  if (scaling.some((t) => t.replicas > 1)) requireCapability(runtime, 'replicas', 'up --scale');
  const project = scaling.length > 0 ? Project.fromJSON(withReplicas(spec, scaling), declared.source) : declared;
  if (flag(ctx, 'watch')) requireCapability(runtime, 'field:develop', 'up --watch', 'it does not apply develop.watch; use the process or docker runtime');
  if (isKubernetesRuntime(runtime)) return kubernetesUp(ctx, runtime, project, services);
  const noStart = flag(ctx, 'no-start');
  if (noStart && (flag(ctx, 'wait') || flag(ctx, 'watch'))) throw new UsageError(`--no-start creates the services only: it cannot be combined with ${flag(ctx, 'wait') ? '--wait' : '--watch'}`, 'up');
  const detach = flag(ctx, 'detach') || flag(ctx, 'wait') || noStart;
  // --watch: the foreground stack's develop.watch rules are applied while its logs are followed
  const watched = flag(ctx, 'watch') ? watchedServices(spec, services ?? Object.keys(spec.services), 'up') : undefined;
  if (watched && detach) throw new UsageError('--watch runs in the foreground: it cannot be combined with -d or --wait', 'up');
  // --abort-on-container-exit / --exit-code-from: the test-runner idiom of docker compose
  const exitCodeFrom = stringOption(ctx, 'exit-code-from');
  if (exitCodeFrom !== undefined) selectServices(spec, [exitCodeFrom], 'up');
  const abortOnExit = flag(ctx, 'abort-on-container-exit') || exitCodeFrom !== undefined;
  if (abortOnExit && detach) throw new UsageError(`${exitCodeFrom !== undefined ? '--exit-code-from' : '--abort-on-container-exit'} follows the stack in the foreground: it cannot be combined with -d, --wait or --no-start`, 'up');
  if (flag(ctx, 'build')) {
    const { build } = await import('./supply.js');
    const code = await build(ctx);
    if (code !== ExitCode.ok) return code;
  }
  const sink = ctx.progress();
  const tracing = await cliTracing(ctx.io.env, (text) => ctx.warn(text));
  let stack: Stack;
  try {
    const options = {
      runtime,
      ...(services ? { services: [...services] } : {}),
      noDeps: flag(ctx, 'no-deps'),
      // Like Docker Compose: -d returns once started; --wait (and the foreground) wait for readiness.
      wait: !flag(ctx, 'detach') || flag(ctx, 'wait'),
      ...(noStart ? { start: false } : {}),
      ...(seconds(ctx, 'wait-timeout') !== undefined ? { timeout: seconds(ctx, 'wait-timeout') } : {}),
      // --no-wait-ports: ready once started, as up({ waitForPorts: false }) (Wait.none() for one service)
      ...(flag(ctx, 'no-wait-ports') ? { waitForPorts: false } : {}),
      forceRecreate: flag(ctx, 'force-recreate'),
      noRecreate: flag(ctx, 'no-recreate'),
      removeOrphans: flag(ctx, 'remove-orphans'),
      onFailure: flag(ctx, 'keep-on-failure') ? 'leave' : 'rollback',
      // --parallel, Ctrl-C, --compat (unsupported fields become warnings on stderr), progress
      ...commonUpOptions(ctx, sink),
    } satisfies UpOptions;
    stack = await (tracing ? tracing.up(project, options) : project.up(options));
  } catch (error) {
    // a service that exited before the stack was up: the run was rolled back; that exit decides
    if (abortOnExit && isServiceExitedError(error) && error.service !== undefined) {
      ctx.io.stderr.write(`${ctx.err.service(error.service, error.service)} exited with code ${error.exitCode ?? '?'} before the stack was up: aborting\n`);
      return exitCodeFrom === undefined || exitCodeFrom === error.service ? (error.exitCode ?? ExitCode.error) : ExitCode.error;
    }
    throw error;
  } finally {
    sink.close();
    await tracing?.flush();
  }
  if (detach) return ExitCode.ok;

  const attached = attachedServices(spec, ctx.parsed.positionals);
  const left = Object.keys(spec.services).filter((name) => (services ?? Object.keys(spec.services)).includes(name) && !attached.has(name));
  ctx.io.stderr.write(ctx.err.dim(`attached to ${spec.name}${left.length > 0 ? ` (not to ${left.join(', ')}: attach: false)` : ''}; Ctrl-C stops the stack (twice forces)\n`));
  const redact = await projectSecretRedactor(project);
  // Ctrl-C ends both; so does a watch that cannot start (its error is thrown after the teardown)
  const stopped = new AbortController();
  const stop = () => stopped.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  let watchError: unknown;
  const watching = watched
    ? watchStack(ctx, stack, watched, stopped.signal).catch((error: unknown) => {
        watchError = error;
        stop();
      })
    : undefined;
  // --abort-on-container-exit: the first exit of an attached service ends the follow
  let firstExit: { readonly service: string; readonly exitCode: number | undefined } | undefined;
  const exits = abortOnExit
    ? (async () => {
        for await (const event of stack.events({ signal: stopped.signal, filter: (e) => e.type === 'service.exited' && attached.has(e.service ?? '') })) {
          if (event.type !== 'service.exited') continue;
          firstExit = { service: event.service, exitCode: event.exitCode };
          stop();
          return;
        }
      })().catch(() => undefined)
    : undefined;
  try {
    await keepAlive(() => followStack(ctx, stack, redact, attached, stopped.signal));
  } finally {
    stop();
    await watching;
    await exits;
    ctx.signal.removeEventListener('abort', stop);
  }
  if (firstExit && !ctx.signal.aborted) return abortStack(ctx, stack, firstExit, exitCodeFrom);
  if (watchError !== undefined) {
    const down = ctx.progress();
    await stack.down({ forceSignal: ctx.forceSignal, onEvent: (event) => down.onEvent(event) });
    down.close();
    throw watchError;
  }
  if (ctx.signal.aborted) {
    ctx.io.stderr.write(`stopping ${spec.name}… (Ctrl-C again to force)\n`);
    const down = ctx.progress();
    await stack.down({ forceSignal: ctx.forceSignal, onEvent: (event) => down.onEvent(event) });
    down.close();
    await tracing?.flush();
    return ExitCode.interrupted;
  }
  const finished = await stack.ps();
  for (const c of finished) if (c.state === 'exited') ctx.io.stderr.write(`${ctx.err.service(c.service, c.name)} exited with code ${c.exitCode ?? '?'}\n`);
  const from = exitCodeFrom === undefined ? undefined : finished.find((c) => c.service === exitCodeFrom && c.state === 'exited');
  return from ? (from.exitCode ?? ExitCode.error) : stackExitCode(finished);
};

/**
 * `up --abort-on-container-exit` after `exited` ended: stops the stack (dependants first, so each
 * replica's own exit code is kept), then takes it down. The exit code is `exitCodeFrom`'s (as it
 * ended, or as the stop ended it), else the exit code of the service that exited first.
 */
async function abortStack(ctx: Context, stack: Stack, exited: { readonly service: string; readonly exitCode: number | undefined }, exitCodeFrom: string | undefined): Promise<number> {
  ctx.io.stderr.write(`${ctx.err.service(exited.service, exited.service)} exited with code ${exited.exitCode ?? '?'}: aborting, stopping ${stack.name}\n`);
  const down = ctx.progress();
  let stoppedCode: number | undefined;
  try {
    await stack.stop();
    stoppedCode = exitCodeFrom === undefined ? undefined : (await stack.ps()).find((c) => c.service === exitCodeFrom)?.exitCode;
    await stack.down({ forceSignal: ctx.forceSignal, onEvent: (event) => down.onEvent(event) });
  } finally {
    down.close();
  }
  if (exitCodeFrom === undefined || exitCodeFrom === exited.service) return exited.exitCode ?? ExitCode.error;
  return stoppedCode ?? ExitCode.error;
}

/** The project's dependency graph (service → its dependencies). */
export function graphOf(spec: ProjectSpec): DependencyGraph {
  return createGraph(Object.fromEntries(Object.entries(spec.services).map(([name, s]) => [name, Object.keys(s.depends_on)])));
}

/** Stops running replicas, dependants first, each with its grace period (or `-t`). */
async function stopServices(ctx: Context, spec: ProjectSpec, runtime: Runtime, services: readonly string[]): Promise<number> {
  const selected = new Set(services);
  const containers = await containersOf(runtime, spec.name, [], true);
  const timeout = seconds(ctx, 'timeout');
  let stopped = 0;
  for (const service of graphOf(spec).stopOrder().filter((s) => selected.has(s))) {
    const running = containers.filter((c) => c.service === service && (c.state === 'running' || c.state === 'restarting' || c.state === 'paused'));
    const own = spec.services[service]!;
    await Promise.all(
      running.map(async (c) => {
        await runtime.stopContainer(c.id, { timeoutMs: timeout ?? parseDuration(own.stop_grace_period), signal: own.stop_signal });
        ctx.io.stderr.write(`${ctx.err.service(service, c.name)} stopped\n`);
        stopped++;
      }),
    );
  }
  return stopped;
}

/** Starts existing replicas that are not running, dependencies first. */
async function startServices(ctx: Context, spec: ProjectSpec, runtime: Runtime, services: readonly string[]): Promise<number> {
  const selected = new Set(services);
  const containers = await containersOf(runtime, spec.name, [], true);
  let started = 0;
  for (const service of graphOf(spec).startOrder().filter((s) => selected.has(s))) {
    const idle = containers.filter((c) => c.service === service && (c.state === 'exited' || c.state === 'created' || c.state === 'dead'));
    if (idle.length === 0 && !containers.some((c) => c.service === service))
      ctx.warn(`${service} has no container: create it with '${BIN} up -d ${service}'`);
    await Promise.all(
      idle.map(async (c) => {
        await runtime.startContainer(c.id);
        ctx.io.stderr.write(`${ctx.err.service(service, c.name)} started\n`);
        started++;
      }),
    );
  }
  return started;
}

/** `start` / `stop` / `restart` (over the Runtime port, in dependency order; works from any process). */
const lifecycle = (verb: 'start' | 'stop' | 'restart'): Handler => async (ctx) => {
  const { spec } = await loaded(ctx);
  const services = selectServices(spec, ctx.parsed.positionals, verb);
  const runtime = await ctx.runtime();
  if (verb !== 'start') await stopServices(ctx, spec, runtime, services);
  if (verb !== 'stop') await startServices(ctx, spec, runtime, services);
  return ExitCode.ok;
};

/** `start [SVC…]`: dependencies first. */
export const start = lifecycle('start');
/** `stop [SVC…]`: dependants first. */
export const stop = lifecycle('stop');
/** `restart [SVC…]`: stop, then start. */
export const restart = lifecycle('restart');

/** Parses `SERVICE=N` arguments. */
export function parseScaleArgs(args: readonly string[], command: 'scale' | 'up' = 'scale'): { service: string; replicas: number }[] {
  return args.map((arg) => {
    const match = /^([^=]+)=(\d+)$/.exec(arg);
    if (!match) throw new UsageError(`expected SERVICE=N (got '${arg}')`, command);
    return { service: match[1]!, replicas: Number(match[2]) };
  });
}

/** The spec with new replica counts (the config hash leaves replicas out: nothing is recreated). */
export function withReplicas(spec: ProjectSpec, targets: readonly { service: string; replicas: number }[]): ProjectSpec {
  const services = { ...spec.services };
  for (const t of targets) services[t.service] = { ...services[t.service]!, deploy: { ...services[t.service]!.deploy, replicas: t.replicas } };
  return { ...spec, services };
}

/** `scale SVC=N…`: converges the services with the new replica counts. */
export const scale: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const targets = parseScaleArgs(ctx.parsed.positionals);
  selectServices(spec, targets.map((t) => t.service), 'scale');
  const runtime = await ctx.runtime();
  if (targets.some((t) => t.replicas > 1)) requireCapability(runtime, 'replicas', 'scale');
  const scaled = Project.fromJSON(withReplicas(spec, targets), project.source);
  const sink = ctx.progress();
  try {
    await scaled.up({
      runtime,
      services: targets.map((t) => t.service),
      noDeps: true,
      noRecreate: true,
      signal: ctx.signal,
      forceSignal: ctx.forceSignal,
      onEvent: (event) => sink.onEvent(event),
    });
  } finally {
    sink.close();
  }
  return ExitCode.ok;
};

/** `pause` / `unpause`: freezes or resumes the selected services' containers (runtimes without the `pause` capability say so). */
const pausing = (verb: 'pause' | 'unpause'): Handler => async (ctx) => {
  const { spec } = await loaded(ctx);
  const runtime = await ctx.runtime();
  requireCapability(runtime, 'pause', verb, runtime.name === 'process' ? 'host processes cannot be paused' : undefined);
  const operation = verb === 'pause' ? runtime.pauseContainer : runtime.unpauseContainer;
  if (!operation) throw new UnsupportedOperationError(runtime.name, verb);
  const services = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, verb) : Object.keys(spec.services);
  const from = verb === 'pause' ? 'running' : 'paused';
  const containers = (await containersOf(runtime, spec.name, services, true)).filter((c) => c.state === from);
  for (const c of containers) {
    await operation.call(runtime, c.id);
    ctx.io.stderr.write(`${ctx.err.service(c.service, c.name)} ${verb}d\n`);
  }
  return ExitCode.ok;
};

/** `pause`. */
export const pause = pausing('pause');
/** `unpause`. */
export const unpause = pausing('unpause');
