import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { DEFAULT_WAIT_TIMEOUT_MS, type HttpWait, type WaitStrategy } from '../model/wait.js';
import type { ContainerInfo, PublishedPort, Runtime } from '../runtime/types.js';
import type { HealthcheckSpec } from '../spec/types.js';
import { backoff, type EngineClock } from './clock.js';
import { durationOr as durationMs } from '../spec/duration.js';
import { EngineFailure, RunCancelled } from './failure.js';
import { isInvalidArgumentError } from '../errors/invalid-argument-error.js';
import { ProbePacer, type ProbeTurn } from './probe-pacer.js';
import { portOpens, publishesTcp } from './port-hint.js';
import { firstProbeDelay, healthcheckDelay } from './probe-schedule.js';
import { healthBudget, healthRetries } from './health-budget.js';
import { tcpOpen } from './tcp-probe.js';

/** @internal What a readiness check needs. */
export interface ReadinessContext {
  readonly runtime: Runtime;
  readonly clock: EngineClock;
  readonly signal: AbortSignal;
  readonly service: string;
  /** Absolute deadline (clock ms) from the run's `timeout`, if any. */
  readonly runDeadline?: number | undefined;
  /** First poll delay (ms). */
  readonly pollFirstMs: number;
  /** Poll delay cap (ms). */
  readonly pollCapMs: number;
  /** Makes output safe to show (secrets redacted). */
  readonly redact: (text: string) => string;
  /** Called with each probe's output (the last one ends up in errors). */
  readonly onProbe?: ((output: string) => void) | undefined;
  /**
   * With neither a healthcheck nor a wait strategy, wait for every published TCP port to accept
   * connections (`up({ waitForPorts })`). @default true
   */
  readonly waitForPorts?: boolean | undefined;
  /**
   * Paces the probes that start a process (healthchecks, command waits) across the run's checks;
   * one of its own (this machine's cores) when not given.
   */
  readonly probes?: ProbePacer | undefined;
}

const EXITED = new Set(['exited', 'dead']);
/** Minimum time between two liveness inspections while polling (ms). */
const INSPECT_EVERY_MS = 100;
/** Poll growth for cheap checks (a TCP connect, an HTTP GET): ~30 ms apart after 1 s, ~70 ms after 3 s, ~200 ms after 10 s. */
const CHEAP_FACTOR = 1.02;
/** Poll growth for checks that spawn a process (healthcheck, command). */
const COSTLY_FACTOR = 1.1;

function deadlineOf(ctx: ReadinessContext, timeoutMs: number): number {
  const own = ctx.clock.now() + timeoutMs;
  return ctx.runDeadline === undefined ? own : Math.min(own, ctx.runDeadline);
}

async function sleep(ctx: ReadinessContext, ms: number): Promise<void> {
  try {
    await ctx.clock.sleep(ms, ctx.signal);
  } catch {
    throw new RunCancelled();
  }
}

/** Throws a ServiceExited failure when the container has stopped for good. Returns the fresh info. */
async function checkAlive(ctx: ReadinessContext, container: ContainerInfo): Promise<ContainerInfo> {
  const info = await ctx.runtime.inspectContainer(container.id);
  if (EXITED.has(info.state)) {
    throw new EngineFailure('exited', { service: ctx.service, reason: `exited with code ${info.exitCode ?? '?'} before it was ready`, exitCode: info.exitCode });
  }
  return info;
}

/**
 * A liveness inspection (when one is due) and an attempt, in flight together: the attempt no
 * longer waits for the inspection's round trip (a healthcheck probe through Docker is three
 * requests and a process; the inspection a fourth request before them). Both are settled before
 * this settles, so nothing is left running; a container found stopped wins over what the attempt
 * said (it fails the check as before), then the attempt's own error, else both answers.
 */
async function alongside<T>(alive: Promise<ContainerInfo> | undefined, attempt: Promise<T>): Promise<[ContainerInfo | undefined, T]> {
  const [a, b] = await Promise.allSettled([alive, attempt]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

/** This check's turn among the run's costly probes (see {@link ProbePacer}), paced as its runtime's probes cost. */
function probeTurn(ctx: ReadinessContext): ProbeTurn {
  return (ctx.probes ?? new ProbePacer(availableParallelism())).join(ctx.runtime.probesPerCore);
}

/** Runs one costly probe, recording its duration in `turn`. */
async function timed<T>(ctx: ReadinessContext, turn: ProbeTurn, probe: () => Promise<T>): Promise<T> {
  const begin = ctx.clock.now();
  try {
    return await probe();
  } finally {
    turn.measured(ctx.clock.now() - begin);
  }
}

/**
 * Polls `attempt` fast then slower until it returns true, the container exits or the deadline
 * passes. With a `turn` (an attempt that starts a process), each delay is also paced by what the
 * attempts cost.
 */
async function poll(ctx: ReadinessContext, container: ContainerInfo, timeoutMs: number, what: string, attempt: (info: ContainerInfo) => Promise<boolean>, factor = CHEAP_FACTOR, turn?: ProbeTurn): Promise<void> {
  const deadline = deadlineOf(ctx, timeoutMs);
  const delays = backoff(ctx.pollFirstMs, ctx.pollCapMs, factor);
  let last = '';
  const onProbe = (output: string) => {
    last = output;
    ctx.onProbe?.(output);
  };
  let info = container;
  let inspectedAt = -Infinity;
  for (;;) {
    if (ctx.signal.aborted) throw new RunCancelled();
    // Is it still running? Asked at most every INSPECT_EVERY_MS (inspect may be costly), beside
    // the attempt, which reads the ports of the last inspection (the caller's at first).
    const probeAt = ctx.clock.now();
    const alive = probeAt - inspectedAt >= INSPECT_EVERY_MS ? checkAlive(ctx, container) : undefined;
    const [fresh, ok] = await alongside(alive, attempt(info).catch((e: unknown) => (onProbe(ctx.redact(e instanceof Error ? e.message : String(e))), false)));
    if (fresh) {
      info = fresh;
      inspectedAt = ctx.clock.now();
    }
    if (ok) return;
    if (ctx.clock.now() >= deadline) {
      throw new EngineFailure('health-timeout', { service: ctx.service, reason: `${what} not ready within ${timeoutMs} ms`, healthOutput: last || undefined });
    }
    const next = delays.next().value;
    await sleep(ctx, Math.min(turn ? turn.delay(next, ctx.pollCapMs) : next, Math.max(1, deadline - ctx.clock.now())));
  }
}

function publishedPort(ctx: ReadinessContext, info: ContainerInfo, target: number): { host: string; port: number; published: PublishedPort } {
  const p = info.ports.find((x) => x.target === target && x.protocol === 'tcp');
  if (!p) throw new EngineFailure('health-timeout', { service: ctx.service, reason: `container port ${target} is not published (add it to ports) so it cannot be checked` });
  return { host: p.host === '0.0.0.0' || p.host === '' ? '127.0.0.1' : p.host === '::' ? '::1' : p.host, port: p.published, published: p };
}

/**
 * After a probe of a published port was answered: whether the container's own processes
 * answered it (a runtime that shares the host's ports says; another project's server on the
 * port is not this service being ready). Reports the stranger as the probe's output.
 */
async function answeredByContainer(ctx: ReadinessContext, info: ContainerInfo, port: PublishedPort): Promise<boolean> {
  const who = await ctx.runtime.portListener?.(info.id, port);
  if (who?.owner !== 'other') return true;
  ctx.onProbe?.(ctx.redact(who.detail));
  return false;
}

/** `node:http`, required at the first HTTP wait: most stacks have none, and loading it costs ~1.8 ms. */
function http(): typeof import('node:http') {
  return createRequire(import.meta.url)('node:http') as typeof import('node:http');
}

function httpGet(host: string, port: number, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http().request({ host, port, path, method: 'GET', timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 65_536) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function statusOk(expected: HttpWait['status'], status: number): boolean {
  if (expected === undefined) return status >= 200 && status < 400;
  return typeof expected === 'number' ? status === expected : expected(status);
}

function bodyOk(expected: HttpWait['body'], body: string): boolean {
  if (expected === undefined) return true;
  if (typeof expected === 'string') return body.includes(expected);
  if (expected instanceof RegExp) return new RegExp(expected.source, expected.flags.replace('g', '')).test(body);
  return expected(body);
}

/** When a healthcheck's wait ends (clock ms), and what to say then. */
interface HealthLimit {
  readonly at: number;
  readonly reason: string;
  /**
   * Failed probes (started after `start_period`, in a row) needed besides the time: Docker never
   * declares a container unhealthy before `retries` of them, however long the wall clock ran (a
   * machine that stalls this process for seconds ran few probes). Undefined for a hard limit (the
   * wait strategy's own timeout, the run's timeout).
   */
  readonly failures: number | undefined;
}

/**
 * The end of a healthcheck's wait, asked again after each probe: an explicit `timeoutMs` (the wait
 * strategy's own) is fixed; otherwise it is when Docker would have declared the container
 * unhealthy given the probe durations seen so far (see health-budget.ts). The run's `timeout`
 * bounds both.
 */
function healthLimit(ctx: ReadinessContext, started: number, hc: HealthcheckSpec, turn: ProbeTurn, timeoutMs: number | undefined): () => HealthLimit {
  const startPeriodMs = durationMs(hc.start_period, 0);
  const intervalMs = durationMs(hc.interval, 30_000);
  const probeTimeoutMs = durationMs(hc.timeout, 30_000);
  return () => {
    const own =
      timeoutMs !== undefined
        ? { ms: timeoutMs, why: '' }
        : healthBudget({ startPeriodMs, intervalMs, retries: hc.retries, timeoutMs: probeTimeoutMs, probeMs: turn.probeMs });
    const at = started + own.ms;
    if (ctx.runDeadline !== undefined && ctx.runDeadline < at) {
      return { at: ctx.runDeadline, reason: `healthcheck did not pass within ${Math.max(0, Math.round(ctx.runDeadline - started))} ms, what was left of the run's timeout`, failures: undefined };
    }
    const failures = timeoutMs === undefined ? healthRetries(hc.retries) : undefined;
    return { at, reason: `healthcheck did not pass within ${own.ms} ms${own.why ? `, when Docker would have declared it unhealthy: ${own.why}` : ''}`, failures };
  };
}

/** Healthcheck deadline and cadence, honouring start_period / start_interval / interval / retries. */
async function waitHealthcheck(ctx: ReadinessContext, container: ContainerInfo, hc: HealthcheckSpec, timeoutMs?: number): Promise<void> {
  const started = ctx.clock.now();
  const startPeriod = durationMs(hc.start_period, 0);
  const startInterval = durationMs(hc.start_interval, 5_000);
  const interval = durationMs(hc.interval, 30_000);
  const probeTimeout = durationMs(hc.timeout, 30_000);
  const delays = backoff(ctx.pollFirstMs, ctx.pollCapMs, COSTLY_FACTOR);
  const turn = probeTurn(ctx);
  const limit = healthLimit(ctx, started, hc, turn, timeoutMs);
  const watch = new AbortController();
  const stop = () => watch.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    const hint = portOpens(ctx.clock, container, watch.signal, ctx.pollCapMs);
    await healthcheckLoop(ctx, container, turn, { started, startPeriod, startInterval, interval, probeTimeout, limit, delays, hint, hinting: publishesTcp(container), hasTest: hc.test !== undefined });
  } finally {
    watch.abort();
    ctx.signal.removeEventListener('abort', stop);
    turn.leave();
  }
}

/** Sleeps `ms`, or less when `hint` resolves first (see port-hint.ts). */
async function pause(ctx: ReadinessContext, ms: number, hint: Promise<void>): Promise<'slept' | 'hinted'> {
  const timer = new AbortController();
  const stop = () => timer.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    const slept = ctx.clock.sleep(ms, timer.signal).then(() => 'slept' as const, () => 'slept' as const);
    return await Promise.race([slept, hint.then(() => 'hinted' as const)]);
  } finally {
    timer.abort();
    ctx.signal.removeEventListener('abort', stop);
    if (ctx.signal.aborted) throw new RunCancelled();
  }
}

interface HealthcheckCadence {
  readonly started: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly interval: number;
  readonly probeTimeout: number;
  /** The end of the wait as known now (it moves as probe durations are seen). */
  readonly limit: () => HealthLimit;
  readonly delays: Generator<number, never>;
  /** Resolves once a published TCP port accepts connections: probe then, without waiting for the schedule. */
  readonly hint: Promise<void>;
  /** The container publishes TCP ports (else `hint` never resolves). */
  readonly hinting: boolean;
  /** The healthcheck names its own `test` (else the image's HEALTHCHECK is the test). */
  readonly hasTest: boolean;
}

async function healthcheckLoop(ctx: ReadinessContext, container: ContainerInfo, turn: ProbeTurn, cadence: HealthcheckCadence): Promise<void> {
  const { started, startPeriod, startInterval, interval, probeTimeout, limit, delays } = cadence;
  let hint: Promise<void> | undefined = cadence.hint;
  let portPending = cadence.hinting;
  void cadence.hint.then(() => (portPending = false));
  let last = '';
  let inspectedAt = -Infinity;
  /** Failed probes so far that Docker would count (started after the start period; a pass ends the loop). */
  let counted = 0;
  const first = firstProbeDelay({ capMs: Math.min(ctx.pollCapMs, startPeriod > 0 ? startInterval : interval), portPending });
  if (first > 0 && (await pause(ctx, Math.min(first, Math.max(1, limit().at - ctx.clock.now())), cadence.hint)) === 'hinted') hint = undefined;
  for (;;) {
    if (ctx.signal.aborted) throw new RunCancelled();
    // The liveness inspection (when due) goes out beside the probe, not before it: one round
    // trip to the runtime less per probe on the service's way to ready (see alongside).
    const probeAt = ctx.clock.now();
    const alive = probeAt - inspectedAt >= INSPECT_EVERY_MS ? checkAlive(ctx, container) : undefined;
    const probed = timed(ctx, turn, () => ctx.runtime.probeHealth(container.id, { timeoutMs: probeTimeout, signal: ctx.signal })).catch((e: unknown) => {
      if (ctx.signal.aborted) throw new RunCancelled();
      // no `test` and the image has no HEALTHCHECK either: nothing will ever pass, say so now
      if (!cadence.hasTest && isInvalidArgumentError(e) && e.field === 'healthcheck') {
        throw new EngineFailure('start', { service: ctx.service, reason: 'its healthcheck has no `test` and its image defines no HEALTHCHECK; give `test`, or remove the healthcheck' });
      }
      return { healthy: false, exitCode: -1, output: e instanceof Error ? e.message : String(e) };
    });
    const [, result] = await alongside(alive, probed);
    if (alive) inspectedAt = ctx.clock.now();
    last = ctx.redact(result.output);
    ctx.onProbe?.(last);
    if (result.healthy) return;
    if (probeAt >= started + startPeriod) counted++;
    const end = limit();
    const short = end.failures !== undefined && counted < end.failures; // too few failures for Docker to give up yet
    if (ctx.clock.now() >= end.at && !short) {
      throw new EngineFailure('health-timeout', { service: ctx.service, reason: end.reason, healthOutput: last || undefined, exitCode: undefined });
    }
    const inStart = ctx.clock.now() - started < startPeriod;
    const cap = Math.min(ctx.pollCapMs, inStart ? startInterval : interval);
    const paced = healthcheckDelay({ pacedMs: turn.delay(delays.next().value, cap), capMs: cap, portPending });
    const ms = short && ctx.clock.now() >= end.at ? paced : Math.min(paced, Math.max(1, end.at - ctx.clock.now()));
    if (!hint) await sleep(ctx, ms);
    else if ((await pause(ctx, ms, hint)) === 'hinted') hint = undefined; // once: the port stays open
  }
}

async function waitLog(ctx: ReadinessContext, container: ContainerInfo, pattern: RegExp | string, times: number, timeoutMs: number): Promise<void> {
  const local = new AbortController();
  const stop = () => local.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  const inner: ReadinessContext = { ...ctx, signal: local.signal };
  const matcher = typeof pattern === 'string' ? (t: string) => t.includes(pattern) : (t: string) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(t);
  const follow = (async () => {
    let seen = 0;
    for await (const line of ctx.runtime.logs(container.id, { follow: true, signal: local.signal })) {
      if (matcher(line.text) && ++seen >= times) return true;
    }
    return false;
  })();
  // The stream ends when the container stops; beside it only the deadline needs watching.
  const deadline = deadlineOf(ctx, timeoutMs);
  const watch = (async () => {
    await sleep(inner, Math.max(1, deadline - ctx.clock.now()));
    throw new EngineFailure('health-timeout', { service: ctx.service, reason: `log line ${String(pattern)} did not appear ${times} time(s) within ${timeoutMs} ms` });
  })();
  follow.catch(() => undefined);
  watch.catch(() => undefined);
  try {
    const outcome = await Promise.race([follow.then((ok) => ({ ok })), watch.then(() => ({ ok: false }))]);
    if (outcome.ok) return;
    if (ctx.signal.aborted) throw new RunCancelled();
    // The stream ended without a match: the container stopped. Let the check say how.
    await checkAlive(ctx, container);
    throw new EngineFailure('exited', { service: ctx.service, reason: `output ended before log line ${String(pattern)} appeared ${times} time(s)` });
  } catch (error) {
    if (ctx.signal.aborted && !(error instanceof EngineFailure)) throw new RunCancelled();
    throw error;
  } finally {
    local.abort();
    ctx.signal.removeEventListener('abort', stop);
  }
}

/**
 * @internal Waits until one container is ready by `strategy` (or its healthcheck, or at once).
 * Throws {@link EngineFailure} (timeout / exited) or {@link RunCancelled}.
 */
export async function waitContainerReady(ctx: ReadinessContext, container: ContainerInfo, strategy: WaitStrategy | undefined, healthcheck: HealthcheckSpec | undefined): Promise<void> {
  const hc = healthcheck && !healthcheck.disable ? healthcheck : undefined;
  if (hc && (!strategy || strategy.kind === 'healthy' || strategy.kind === 'all') && !ctx.runtime.capabilities.has('health')) {
    throw new EngineFailure('start', { service: ctx.service, reason: `the ${ctx.runtime.name} runtime cannot run healthchecks; use a wait strategy (port, http, log) instead` });
  }
  if (!strategy) {
    if (hc) return waitHealthcheck(ctx, container, hc);
    if (ctx.waitForPorts !== false) return waitPublishedPorts(ctx, container);
    return;
  }
  switch (strategy.kind) {
    case 'none':
      return;
    case 'healthy':
      if (hc) return waitHealthcheck(ctx, container, hc, strategy.timeoutMs);
      return;
    case 'port':
      return waitPort(ctx, container, strategy.port, strategy.timeoutMs);
    case 'http':
      return poll(ctx, container, strategy.timeoutMs, `GET ${strategy.path}`, async (info) => {
        const { host, port, published } = publishedPort(ctx, info, strategy.port);
        const res = await httpGet(host, port, strategy.path, 2_000);
        ctx.onProbe?.(ctx.redact(`GET ${strategy.path} → ${res.status} ${res.body.slice(0, 200)}`));
        return statusOk(strategy.status, res.status) && bodyOk(strategy.body, res.body) && (await answeredByContainer(ctx, info, published));
      });
    case 'log':
      if (!ctx.runtime.capabilities.has('logs.follow')) {
        throw new EngineFailure('start', { service: ctx.service, reason: `the ${ctx.runtime.name} runtime cannot follow logs, so a log wait strategy cannot be used; use another strategy` });
      }
      return waitLog(ctx, container, strategy.pattern, strategy.times, strategy.timeoutMs);
    case 'command': {
      const turn = probeTurn(ctx);
      try {
        return await poll(ctx, container, strategy.timeoutMs, `command ${strategy.command.join(' ')}`, async () => {
          const res = await timed(ctx, turn, () => ctx.runtime.exec(container.id, strategy.command, { timeoutMs: 5_000, signal: ctx.signal }));
          ctx.onProbe?.(ctx.redact(`exit ${res.exitCode}: ${(res.stdout + res.stderr).trim().slice(0, 500)}`));
          return res.exitCode === 0;
        }, COSTLY_FACTOR, turn);
      } finally {
        turn.leave();
      }
    }
    case 'exit-zero':
      return waitExitZero(ctx, container, strategy.timeoutMs);
    case 'all':
      await Promise.all(strategy.strategies.map((s) => waitContainerReady(ctx, container, s, healthcheck)));
      return;
  }
}

function waitPort(ctx: ReadinessContext, container: ContainerInfo, target: number, timeoutMs: number): Promise<void> {
  return poll(ctx, container, timeoutMs, `port ${target}`, async (info) => {
    const { host, port, published } = publishedPort(ctx, info, target);
    const ok = await tcpOpen(host, port, 1_000);
    ctx.onProbe?.(ok ? `connected to ${host}:${port}` : `connect ${host}:${port} refused`);
    return ok && (await answeredByContainer(ctx, info, published));
  });
}

/**
 * The default readiness of a service with neither a healthcheck nor a wait strategy (as
 * testcontainers does): every container port it publishes over TCP accepts connections on its
 * host port (answered by the service's own processes, where the runtime can tell), within the
 * default wait timeout. A service that publishes none is ready once started.
 */
function waitPublishedPorts(ctx: ReadinessContext, container: ContainerInfo): Promise<void> {
  const targets = [...new Set(container.ports.filter((p) => p.protocol === 'tcp' && p.published > 0).map((p) => p.target))];
  return Promise.all(targets.map((target) => waitPort(ctx, container, target, DEFAULT_WAIT_TIMEOUT_MS))).then(() => undefined);
}

/** @internal Waits until the container has exited; resolves with its exit code. */
export async function waitExited(ctx: ReadinessContext, container: ContainerInfo, timeoutMs: number): Promise<number> {
  const deadline = deadlineOf(ctx, timeoutMs);
  const delays = backoff(ctx.pollFirstMs, ctx.pollCapMs);
  // A runtime that says when a container exits (`waitContainer`) wakes the poll at once: a job
  // that runs for seconds is otherwise noticed up to a poll interval (hundreds of ms) late.
  const wake = new AbortController();
  const stopWaiting = new AbortController();
  const cancel = () => wake.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', cancel, { once: true });
  ctx.runtime.waitContainer?.(container.id, { signal: stopWaiting.signal }).then(() => wake.abort(), () => undefined);
  let sleepSignal = wake.signal;
  try {
    for (;;) {
      if (ctx.signal.aborted) throw new RunCancelled();
      const info = await ctx.runtime.inspectContainer(container.id);
      if (EXITED.has(info.state)) return info.exitCode ?? -1;
      if (ctx.clock.now() >= deadline) throw new EngineFailure('health-timeout', { service: ctx.service, reason: `did not complete within ${timeoutMs} ms` });
      try {
        await ctx.clock.sleep(Math.min(delays.next().value, Math.max(1, deadline - ctx.clock.now())), sleepSignal);
      } catch {
        if (ctx.signal.aborted) throw new RunCancelled();
        sleepSignal = ctx.signal; // woken by the exit: look now, then poll as before
      }
    }
  } finally {
    stopWaiting.abort();
    ctx.signal.removeEventListener('abort', cancel);
  }
}

async function waitExitZero(ctx: ReadinessContext, container: ContainerInfo, timeoutMs: number): Promise<void> {
  const code = await waitExited(ctx, container, timeoutMs);
  if (code !== 0) throw new EngineFailure('exited', { service: ctx.service, reason: `exited with code ${code} (expected 0)`, exitCode: code });
}
