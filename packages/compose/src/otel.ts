/**
 * OpenTelemetry traces of a deployment: `@selur/compose/otel`.
 *
 * {@link composeTracing} runs `up`, `down` and `plan` of a project inside a span each and turns
 * the engine's typed event stream into child spans: one per service (from `service.waiting` to
 * `service.healthy`, `service.failed` or `service.skipped`), and under it one per step —
 * `wait-dependencies`, `create`, `start` (per replica), `wait-healthy`, and on the way down `stop`
 * and `remove` — plus `network`/`volume` creation and `rollback`. Failures are span errors with
 * the engine's diagnostics as attributes (the engine redacts secrets from them before they reach
 * an event or an error).
 *
 * It talks to `@opentelemetry/api` only (an optional peer dependency), so the spans go to
 * whatever SDK and exporter the process has set up; with none, the API's no-op tracer makes this
 * free. The core (`@selur/compose`) never imports this entry.
 *
 * Attributes: `compose.project`, `compose.operation` (`up` | `down` | `plan`), `compose.runtime`,
 * `compose.service`, `compose.replica`, `compose.step`, `compose.outcome` (`ok` | `error` |
 * `skipped` | `cancelled`), `error.type` (the error's stable `code`), `compose.error.*` (reason, exit code, the
 * last log lines, the health output, the skipped services), and on the run's span the plan's
 * counts (`compose.plan.create`, …) and the results (`compose.changed`, `compose.removed.*`).
 *
 * @example
 * ```ts
 * import { loadProject, processRuntime } from '@selur/compose';
 * import { composeTracing } from '@selur/compose/otel';
 *
 * const tracing = composeTracing(); // the global tracer provider's tracer '@selur/compose'
 * const project = await loadProject('compose.toml');
 * await using stack = await tracing.up(project, { runtime: processRuntime() }); // span 'compose up'
 * // leaving the block runs stack.down(), traced as 'compose down'
 * ```
 */
import { context, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { DownResult } from './engine/down.js';
import type { ComposeEvent, EventListener } from './engine/events.js';
import type { DownOptions, UpOptions } from './engine/options.js';
import type { Stack } from './engine/stack-types.js';
import type { PlanOptions } from './plan/make-plan.js';
import type { Plan } from './plan/types.js';
import type { Project } from './project.js';
import type { Runtime } from './runtime/types.js';

/**
 * Where {@link composeTracing} sends its spans.
 *
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * const tracing = composeTracing({ tracer: trace.getTracer('deploy-script'), attributes: { 'deployment.environment': 'ci' } });
 * ```
 */
export interface ComposeTracingOptions {
  /** The tracer to use. @default tracerProvider.getTracer('@selur/compose') */
  readonly tracer?: Tracer | undefined;
  /** The provider to take the tracer from. @default the global provider (`trace.getTracerProvider()`) */
  readonly tracerProvider?: TracerProvider | undefined;
  /** Added to every run's span (e.g. `deployment.environment`). */
  readonly attributes?: Attributes | undefined;
}

/**
 * `up`, `down` and `plan` of a project, each traced; made by {@link composeTracing}.
 *
 * @example
 * ```ts
 * const tracing = composeTracing();
 * const plan = await tracing.plan(project);          // span 'compose plan'
 * await using stack = await tracing.up(project);     // span 'compose up'
 * await tracing.down(project);                       // span 'compose down'
 * ```
 */
export interface ComposeTracing {
  /**
   * `project.up(options)` in a `compose up` span. The stack it returns traces its own `down()`
   * (and the `down` of `await using`) as `compose down`.
   */
  up<P extends Project>(project: P, options?: UpOptions): Promise<Stack<P>>;
  /** `project.down(options)` in a `compose down` span. */
  down(project: Project, options?: DownOptions & { readonly runtime?: Runtime | undefined }): Promise<DownResult>;
  /** `project.plan(runtime, options)` in a `compose plan` span, with the plan's counts as attributes. */
  plan(project: Project, runtime?: Runtime, options?: PlanOptions): Promise<Plan>;
}

type Operation = 'up' | 'down' | 'plan';

/** The duck type of a `ComposeError` (this entry imports nothing of the core at run time). */
interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly service?: unknown;
  readonly reason?: unknown;
  readonly exitCode?: unknown;
  readonly logs?: unknown;
  readonly logsOf?: unknown;
  readonly healthOutput?: unknown;
  readonly skipped?: unknown;
  readonly rolledBack?: unknown;
}

const MAX_TEXT = 2_000;
const MAX_LOG_LINES = 20;

const firstLine = (text: string): string => text.split('\n')[0] ?? '';
const clip = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The attributes and status an error gives a span: its code, reason and diagnostics. */
function failSpan(span: Span, error: unknown): void {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const attributes: Attributes = { 'compose.outcome': 'error', 'error.type': typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error' };
  if (typeof e.reason === 'string') attributes['compose.error.reason'] = clip(e.reason);
  if (typeof e.service === 'string') attributes['compose.error.service'] = e.service;
  if (typeof e.exitCode === 'number') attributes['compose.error.exit_code'] = e.exitCode;
  if (typeof e.healthOutput === 'string' && e.healthOutput !== '') attributes['compose.error.health_output'] = clip(e.healthOutput);
  const logs = strings(e.logs).slice(-MAX_LOG_LINES);
  if (logs.length > 0) attributes['compose.error.logs'] = logs;
  if (typeof e.logsOf === 'string') attributes['compose.error.logs_of'] = e.logsOf;
  const skipped = strings(e.skipped);
  if (skipped.length > 0) attributes['compose.error.skipped'] = skipped;
  if (typeof e.rolledBack === 'boolean') attributes['compose.error.rolled_back'] = e.rolledBack;
  span.setAttributes(attributes);
  span.addEvent('exception', { 'exception.type': attributes['error.type'] as string, 'exception.message': clip(message) });
  span.setStatus({ code: SpanStatusCode.ERROR, message: firstLine(message) });
}

/** The spans of one service in one run. */
interface ServiceSpans {
  readonly span: Span;
  readonly context: Context;
  /** Open steps by key (`create#1`, `start#2`, `wait-healthy`, …). */
  readonly steps: Map<string, Span>;
  /** Whether it hangs under the rollback's span. */
  readonly inRollback: boolean;
  last: Date;
  ended: boolean;
}

/**
 * One run (`up`, `down` or `plan`): its span, and the spans its events open and close. Events
 * carry their own time, so each span starts and ends when the engine said it did.
 */
class RunTrace {
  readonly span: Span;
  readonly context: Context;
  readonly #tracer: Tracer;
  readonly #operation: Operation;
  readonly #services = new Map<string, ServiceSpans>();
  readonly #resources = new Map<string, Span>();
  #rollback: { span: Span; context: Context } | undefined;
  #finished = false;

  constructor(tracer: Tracer, operation: Operation, attributes: Attributes) {
    this.#tracer = tracer;
    this.#operation = operation;
    // Event times are wall-clock `Date`s: the run's span takes its times from the same clock.
    this.span = tracer.startSpan(`compose ${operation}`, { startTime: new Date(), attributes: { ...attributes, 'compose.operation': operation } }, context.active());
    this.context = trace.setSpan(context.active(), this.span);
  }

  /** The listener to hand the engine (`onEvent`); `then` also receives every event. */
  listener(then: EventListener | undefined): EventListener {
    return (event) => {
      try {
        if (!this.#finished) this.record(event); // a stack's later events (exits) are not part of the run
      } finally {
        then?.(event);
      }
    };
  }

  record(event: ComposeEvent): void {
    this.span.setAttribute('compose.project', event.project);
    switch (event.type) {
      case 'plan': {
        this.span.setAttributes(planAttributes(event.plan));
        break;
      }
      case 'network.creating':
      case 'volume.creating': {
        const kind = event.type.slice(0, event.type.indexOf('.'));
        const span = this.#tracer.startSpan(`create ${kind} ${event.name}`, { startTime: event.time, attributes: { 'compose.step': `create-${kind}`, [`compose.${kind}`]: event.name, 'compose.runtime_name': event.runtimeName } }, this.#parent());
        this.#resources.set(`${kind}:${event.name}`, span);
        break;
      }
      case 'network.created':
      case 'volume.created': {
        const kind = event.type.slice(0, event.type.indexOf('.'));
        const span = this.#resources.get(`${kind}:${event.name}`);
        this.#resources.delete(`${kind}:${event.name}`);
        span?.setAttribute('compose.outcome', 'ok');
        span?.end(event.time);
        break;
      }
      case 'network.removed':
      case 'volume.removed':
        this.span.addEvent(event.type, { [`compose.${event.type.slice(0, event.type.indexOf('.'))}`]: event.name }, event.time);
        break;
      case 'service.waiting':
        this.#step(event.service, 'wait-dependencies', undefined, event.time, { 'compose.dependencies': [...event.dependencies] });
        break;
      case 'service.recreating':
        this.#step(event.service, 'recreate', event.replica, event.time, { 'compose.reasons': [...event.reasons], 'compose.container_id': event.containerId });
        break;
      case 'service.creating':
        this.#step(event.service, 'create', event.replica, event.time);
        break;
      case 'service.created':
        this.#end(event.service, `recreate#${event.replica}`, event.time);
        this.#end(event.service, `create#${event.replica}`, event.time, { 'compose.container_id': event.containerId });
        break;
      case 'service.starting':
        this.#end(event.service, 'wait-dependencies', event.time);
        this.#step(event.service, 'start', event.replica, event.time, { 'compose.container_id': event.containerId });
        break;
      case 'service.started': {
        this.#end(event.service, `start#${event.replica}`, event.time);
        if (this.#operation === 'up' && !this.#rollback) {
          const s = this.#service(event.service, event.time);
          if (!s.steps.has('wait-healthy')) this.#step(event.service, 'wait-healthy', undefined, event.time);
        }
        break;
      }
      case 'service.healthy': {
        this.#end(event.service, 'wait-healthy', event.time);
        this.#finish(event.service, event.time, 'ok');
        break;
      }
      case 'service.unhealthy': {
        const s = this.#services.get(event.service);
        const step = s?.steps.get('wait-healthy');
        if (step && event.output !== '') step.setAttribute('compose.health_output', clip(event.output));
        break;
      }
      case 'service.failed': {
        this.#fail(event.service, event.error, event.time);
        // The dependency whose failure blocked it (a one-shot that exited non-zero) gets the same diagnostics.
        const blamed = (event.error as ErrorLike).logsOf;
        if (typeof blamed === 'string' && blamed !== event.service && this.#services.get(blamed)?.ended === false) this.#fail(blamed, event.error, event.time);
        break;
      }
      case 'service.skipped': {
        const s = this.#service(event.service, event.time);
        s.span.setAttribute('compose.skipped_reason', event.reason);
        this.#finish(event.service, event.time, 'skipped');
        break;
      }
      case 'service.stopping':
        this.#step(event.service, 'stop', event.replica, event.time, { 'compose.container_id': event.containerId });
        break;
      case 'service.stopped':
        this.#end(event.service, `stop#${event.replica}`, event.time);
        this.#step(event.service, 'remove', event.replica, event.time, { 'compose.container_id': event.containerId });
        break;
      case 'service.removed':
        if (!this.#services.get(event.service)?.steps.has(`remove#${event.replica}`)) this.#step(event.service, 'remove', event.replica, event.time);
        this.#end(event.service, `remove#${event.replica}`, event.time);
        break;
      case 'rollback.started': {
        const span = this.#tracer.startSpan('rollback', { startTime: event.time, attributes: { 'compose.step': 'rollback', 'compose.rollback_reason': clip(event.reason) } }, this.context);
        this.#rollback = { span, context: trace.setSpan(this.context, span) };
        break;
      }
      case 'rollback.finished': {
        const rollback = this.#rollback;
        if (!rollback) break;
        this.#endServices(true, 'ok');
        rollback.span.setAttributes({ 'compose.outcome': 'ok', 'compose.removed.containers': event.removedContainers, 'compose.removed.networks': event.removedNetworks, 'compose.removed.volumes': event.removedVolumes });
        rollback.span.end(event.time);
        this.#rollback = undefined;
        break;
      }
      case 'up.done':
        this.span.setAttributes({ 'compose.changed': event.changed, 'compose.services': [...event.services] });
        break;
      case 'down.done':
        this.span.setAttributes({ 'compose.removed.containers': event.removedContainers, 'compose.removed.networks': event.removedNetworks, 'compose.removed.volumes': event.removedVolumes });
        break;
      default:
        break; // log lines and later exits are not part of a run's trace
    }
  }

  /**
   * Ends every span still open (at its last event; `cancelled` when the run failed), then the
   * run's span with its outcome.
   */
  finish(error?: unknown): void {
    this.#finished = true;
    const now = new Date();
    const outcome = error === undefined ? 'ok' : 'cancelled';
    if (this.#rollback) {
      this.#endServices(true, outcome);
      this.#rollback.span.end(now);
      this.#rollback = undefined;
    }
    this.#endServices(false, outcome);
    for (const span of this.#resources.values()) span.end(now);
    this.#resources.clear();
    if (error === undefined) {
      this.span.setAttribute('compose.outcome', 'ok');
    } else {
      failSpan(this.span, error);
    }
    this.span.end(now);
  }

  #fail(service: string, error: unknown, time: Date): void {
    const s = this.#service(service, time);
    for (const [key, step] of s.steps) {
      failSpan(step, error);
      step.end(time);
      s.steps.delete(key);
    }
    failSpan(s.span, error);
    this.#finish(service, time, 'error');
  }

  /** Where a service's span hangs: under the rollback while one runs, else under the run. */
  #parent(): Context {
    return this.#rollback?.context ?? this.context;
  }

  #service(name: string, time: Date): ServiceSpans {
    let s = this.#services.get(name);
    if (!s || s.ended) {
      const span = this.#tracer.startSpan(`service ${name}`, { startTime: time, attributes: { 'compose.service': name } }, this.#parent());
      s = { span, context: trace.setSpan(this.#parent(), span), steps: new Map(), inRollback: this.#rollback !== undefined, last: time, ended: false };
      this.#services.set(name, s);
    }
    s.last = time;
    return s;
  }

  #step(service: string, step: string, replica: number | undefined, time: Date, attributes: Attributes = {}): void {
    const s = this.#service(service, time);
    const key = replica === undefined ? step : `${step}#${replica}`;
    if (s.steps.has(key)) return;
    const all: Attributes = { ...attributes, 'compose.service': service, 'compose.step': step };
    if (replica !== undefined) all['compose.replica'] = replica;
    s.steps.set(key, this.#tracer.startSpan(replica === undefined ? `${step} ${service}` : `${step} ${service}#${replica}`, { startTime: time, attributes: all }, s.context));
  }

  #end(service: string, key: string, time: Date, attributes: Attributes = {}): void {
    const s = this.#services.get(service);
    const span = s?.steps.get(key);
    if (!s || !span) return;
    s.last = time;
    span.setAttributes({ ...attributes, 'compose.outcome': 'ok' });
    span.end(time);
    s.steps.delete(key);
  }

  #finish(service: string, time: Date, outcome: 'ok' | 'error' | 'skipped' | 'cancelled'): void {
    const s = this.#services.get(service);
    if (!s || s.ended) return;
    s.span.setAttribute('compose.outcome', outcome);
    s.span.end(time);
    s.ended = true;
  }

  /** Ends the open service spans (only those under the rollback with `rollbackOnly`), each at its last event. */
  #endServices(rollbackOnly: boolean, outcome: 'ok' | 'cancelled'): void {
    for (const [name, s] of this.#services) {
      if (s.ended || (rollbackOnly && !s.inRollback)) continue;
      for (const step of s.steps.values()) {
        step.setAttribute('compose.outcome', outcome);
        step.end(s.last);
      }
      s.steps.clear();
      this.#finish(name, s.last, outcome);
    }
  }

}

/** The plan's counts as attributes of the run's span. */
function planAttributes(plan: Plan): Attributes {
  const attributes: Attributes = { 'compose.project': plan.project, 'compose.plan.has_changes': plan.hasChanges };
  for (const [action, count] of Object.entries(plan.summary)) attributes[`compose.plan.${action}`] = count;
  return attributes;
}

/**
 * Traces `up`, `down` and `plan` of a project with OpenTelemetry (see the module notes above for
 * the span tree and its attributes).
 *
 * @example
 * ```ts
 * import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
 * const exporter = new InMemorySpanExporter();
 * const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
 * const tracing = composeTracing({ tracerProvider: provider });
 * const stack = await tracing.up(project);
 * await stack.down();
 * console.log(exporter.getFinishedSpans().map((s) => s.name)); // [..., 'compose up', ..., 'compose down']
 * ```
 */
export function composeTracing(options: ComposeTracingOptions = {}): ComposeTracing {
  const tracer = options.tracer ?? (options.tracerProvider ?? trace.getTracerProvider()).getTracer('@selur/compose');
  const base = (operation: Operation, project: Project, runtime: Runtime | undefined): Attributes => {
    const attributes: Attributes = { ...options.attributes, 'compose.runtime': runtime?.name ?? 'process' };
    if (project.name !== undefined) attributes['compose.project'] = project.name;
    return attributes;
  };

  /** Runs `body` inside a run's span (active, so instrumented calls under it nest), then ends it. */
  async function traced<T>(run: RunTrace, body: () => Promise<T>, after?: (value: T) => void): Promise<T> {
    try {
      const value = await context.with(run.context, body);
      after?.(value);
      run.finish();
      return value;
    } catch (error) {
      run.finish(error);
      throw error;
    }
  }

  /** The stack, with `down()` and `await using` traced as `compose down`. */
  function tracedStack<P extends Project>(stack: Stack<P>, project: P, upOptions: UpOptions): Stack<P> {
    const down = (downOptions: DownOptions = {}): Promise<void> => {
      const run = new RunTrace(tracer, 'down', base('down', project, stack.runtime));
      run.span.setAttribute('compose.project', stack.name);
      return traced(run, () => stack.down({ ...downOptions, onEvent: run.listener(downOptions.onEvent ?? upOptions.onEvent) }));
    };
    return new Proxy(stack, {
      get(target, property) {
        if (property === 'down') return down;
        if (property === Symbol.asyncDispose && !upOptions.reuse) return () => down();
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  return {
    up<P extends Project>(project: P, upOptions: UpOptions = {}): Promise<Stack<P>> {
      const run = new RunTrace(tracer, 'up', base('up', project, upOptions.runtime));
      return traced(
        run,
        () => project.up({ ...upOptions, onEvent: run.listener(upOptions.onEvent) }) as Promise<Stack<P>>,
        (stack) => run.span.setAttribute('compose.project', stack.name),
      ).then((stack) => tracedStack(stack, project, upOptions));
    },
    down(project: Project, downOptions: DownOptions & { readonly runtime?: Runtime | undefined } = {}): Promise<DownResult> {
      const run = new RunTrace(tracer, 'down', base('down', project, downOptions.runtime));
      return traced(run, () => project.down({ ...downOptions, onEvent: run.listener(downOptions.onEvent) }));
    },
    plan(project: Project, runtime?: Runtime, planOptions: PlanOptions = {}): Promise<Plan> {
      const run = new RunTrace(tracer, 'plan', base('plan', project, runtime));
      return traced(run, () => project.plan(runtime, planOptions), (plan) => run.span.setAttributes(planAttributes(plan)));
    },
  };
}
