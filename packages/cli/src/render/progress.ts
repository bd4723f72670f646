import type { ComposeEvent } from '@selur/compose';
import type { Colors } from './color.js';

/** Where a service is in its lifecycle, as the progress display shows it. */
export type ServiceStatus =
  | 'waiting'
  | 'creating'
  | 'recreating'
  | 'created'
  | 'starting'
  | 'started'
  | 'healthy'
  | 'completed'
  | 'unhealthy'
  | 'failed'
  | 'skipped'
  | 'stopping'
  | 'stopped'
  | 'exited'
  | 'removed';

/** One line of the live display. */
export interface ProgressLine {
  /** `service api`, `network default`. */
  readonly kind: 'service' | 'network' | 'volume';
  readonly name: string;
  readonly status: ServiceStatus | 'creating' | 'created' | 'removed';
  /** Extra words: dependencies waited on, the failure reason. */
  readonly detail?: string | undefined;
  /** ms since epoch of the first event of this line. */
  readonly since: number;
  /** ms since epoch when it settled (elapsed time stops), if it has. */
  readonly settledAt?: number | undefined;
}

/** The whole live display: lines in the order they first appeared, and a closing summary. */
export interface ProgressState {
  readonly lines: readonly ProgressLine[];
  readonly summary?: string | undefined;
}

/** The empty display. */
export const EMPTY_PROGRESS: ProgressState = { lines: [] };

const SETTLED: ReadonlySet<string> = new Set(['created', 'started', 'healthy', 'completed', 'failed', 'skipped', 'stopped', 'removed', 'unhealthy']);

const firstLine = (text: string) => text.split('\n')[0]!.trim();
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The status, detail and line a service or resource event maps to; undefined for other events. */
function lineUpdate(event: ComposeEvent): { kind: ProgressLine['kind']; name: string; status: ProgressLine['status']; detail?: string } | undefined {
  switch (event.type) {
    case 'network.creating':
    case 'network.created':
    case 'network.removed':
    case 'volume.creating':
    case 'volume.created':
    case 'volume.removed': {
      const [kind, status] = event.type.split('.') as ['network' | 'volume', 'creating' | 'created' | 'removed'];
      return { kind, name: event.name, status };
    }
    case 'service.waiting':
      return { kind: 'service', name: event.service, status: 'waiting', detail: `on ${event.dependencies.join(', ')}` };
    case 'service.recreating':
      return { kind: 'service', name: event.service, status: 'recreating', ...(event.reasons.length > 0 ? { detail: event.reasons.join('; ') } : {}) };
    case 'service.healthy':
      // a one-shot job that finished is done, not healthy
      if (event.completed) return { kind: 'service', name: event.service, status: 'completed', detail: '(0)' };
      return { kind: 'service', name: event.service, status: 'healthy' };
    case 'service.creating':
    case 'service.created':
    case 'service.starting':
    case 'service.started':
    case 'service.stopping':
    case 'service.stopped':
    case 'service.removed':
      return { kind: 'service', name: event.service, status: event.type.slice('service.'.length) as ServiceStatus };
    case 'service.unhealthy':
      return { kind: 'service', name: event.service, status: 'unhealthy', ...(event.output ? { detail: firstLine(event.output) } : {}) };
    case 'service.failed':
      return { kind: 'service', name: event.service, status: 'failed', detail: firstLine(event.error.message) };
    case 'service.skipped':
      return { kind: 'service', name: event.service, status: 'skipped', detail: event.reason };
    case 'service.exited':
      // after `up`: a service that ended (crashed, finished, or was stopped from elsewhere)
      return { kind: 'service', name: event.service, status: 'exited', detail: `with code ${event.exitCode ?? '?'}${event.restartCount > 0 ? ` (restarted ${plural(event.restartCount, 'time')})` : ''}` };
    default:
      return undefined;
  }
}

/** A one-line summary for events that close a phase; undefined for the rest. */
function summaryOf(event: ComposeEvent): string | undefined {
  switch (event.type) {
    case 'up.done':
      return event.changed ? `up: ${plural(event.services.length, 'service')} ready in ${formatElapsed(event.durationMs)}` : 'up: everything is up to date';
    case 'down.done':
      return `down: removed ${plural(event.removedContainers, 'container')}, ${plural(event.removedNetworks, 'network')}, ${plural(event.removedVolumes, 'volume')}`;
    case 'rollback.started':
      return `rolling back: ${firstLine(event.reason)}`;
    case 'project.waiting': {
      const held = Math.max(0, event.time.getTime() - Date.parse(event.heldSince));
      // An `up` can be cancelled from here (it rolls back what it made); another `down` is left to finish.
      const cancel = event.operation === 'up' ? `; kill -INT ${event.holderPid} cancels that up` : '';
      return `waiting for ${event.operation ? `\`${event.operation}\` of ` : ''}pid ${event.holderPid}, started ${formatElapsed(held)} ago (Ctrl-C stops waiting${cancel})`;
    }
    case 'rollout.started':
      return `${event.service}: rolling update of ${plural(event.replicas, 'replica')}, ${event.parallelism} at a time, ${event.order}`;
    case 'rollout.batch':
      return `${event.service}: rolling update ${event.replaced}/${event.total}${event.failed > 0 ? ` (${event.failed} failed, kept old)` : ''}`;
    case 'rollout.completed':
      return `${event.service}: rolled out ${plural(event.replaced, 'replica')}`;
    case 'rollout.failed':
      return `${event.service}: rolling update failed at batch ${event.batch} (replica ${event.replica}): ${firstLine(event.reason)}; ${event.failureAction}`;
    case 'rollout.rolledBack':
      return `${event.service}: rolled back, ${plural(event.restored, 'old replica')} running again`;
    case 'rollback.finished':
      return `rolled back: removed ${plural(event.removedContainers, 'container')}, ${plural(event.removedNetworks, 'network')}, ${plural(event.removedVolumes, 'volume')}`;
    default:
      return undefined;
  }
}

/**
 * Folds one event into the display state (pure: returns a new state). `log` and `plan` events do
 * not change it.
 */
export function reduceProgress(state: ProgressState, event: ComposeEvent): ProgressState {
  const summary = summaryOf(event);
  if (summary !== undefined) return { ...state, summary };
  const update = lineUpdate(event);
  if (!update) return state;
  const at = event.time.getTime();
  const index = state.lines.findIndex((l) => l.kind === update.kind && l.name === update.name);
  const previous = index === -1 ? undefined : state.lines[index]!;
  // A healthcheck result after the display settled on "started" keeps the settle time fresh.
  const line: ProgressLine = {
    kind: update.kind,
    name: update.name,
    status: update.status,
    detail: update.detail,
    since: previous?.since ?? at,
    settledAt: SETTLED.has(update.status) ? at : undefined,
  };
  const lines = [...state.lines];
  if (index === -1) lines.push(line);
  else lines[index] = line;
  return { ...state, lines };
}

/** `0.4s`, `12.3s`, `2m05s`. */
export function formatElapsed(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  const minutes = Math.floor(safe / 60_000);
  const seconds = Math.floor((safe % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function marker(status: ProgressLine['status'], now: number, c: Colors): string {
  switch (status) {
    case 'healthy':
    case 'completed':
    case 'started':
    case 'created':
    case 'stopped':
    case 'removed':
      return c.green('✔');
    case 'failed':
    case 'unhealthy':
    case 'exited':
      return c.red('✘');
    case 'skipped':
      return c.yellow('-');
    case 'waiting':
      return c.dim('…');
    default:
      return c.cyan(SPINNER[Math.floor(now / 80) % SPINNER.length]!);
  }
}

function statusText(line: ProgressLine, c: Colors): string {
  const text = line.detail ? `${line.status} ${line.detail}` : line.status;
  if (line.status === 'failed' || line.status === 'unhealthy' || (line.status === 'exited' && line.detail !== 'with code 0')) return c.red(text);
  if (line.status === 'healthy' || line.status === 'completed' || line.status === 'started') return c.green(text);
  if (line.status === 'skipped') return c.yellow(text);
  return text;
}

/**
 * The live display at time `now` (ms since epoch): one line per service or resource with a marker,
 * its name, its status and the elapsed time, cut to `width` columns. Pure: the same state and
 * time give the same lines.
 */
export function renderProgressFrame(state: ProgressState, now: number, c: Colors, width = 100): string[] {
  const label = (l: ProgressLine) => (l.kind === 'service' ? l.name : `${l.kind} ${l.name}`);
  const nameWidth = Math.max(8, ...state.lines.map((l) => label(l).length));
  const out = state.lines.map((l) => {
    const elapsed = formatElapsed((l.settledAt ?? now) - l.since);
    const status = statusText(l, c);
    const plainStatus = l.detail ? `${l.status} ${l.detail}` : l.status;
    const head = ` ${marker(l.status, now, c)} ${(l.kind === 'service' ? c.service(l.name, label(l)) : c.dim(label(l)))}${' '.repeat(nameWidth - label(l).length)}  `;
    const room = width - (nameWidth + 5) - elapsed.length - 2;
    const shown = plainStatus.length > room && room > 4 ? `${plainStatus.slice(0, room - 1)}…` : plainStatus;
    const colored = shown === plainStatus ? status : shown;
    return `${head}${colored}${' '.repeat(Math.max(1, room - shown.length + 1))} ${c.dim(elapsed)}`;
  });
  if (state.summary) out.push(state.summary);
  return out;
}

/**
 * One line for one event (non-TTY and `--progress plain`), or undefined for events that print
 * nothing there (`log`).
 */
export function renderEventLine(event: ComposeEvent, c: Colors): string | undefined {
  if (event.type === 'log') return undefined;
  if (event.type === 'plan') {
    const counts = (Object.entries(event.plan.summary) as [string, number][]).filter(([, n]) => n > 0).map(([action, n]) => `${n} ${action}`);
    return `plan ${event.plan.project}: ${counts.length > 0 ? counts.join(', ') : 'nothing'}`;
  }
  const summary = summaryOf(event);
  if (summary !== undefined) return summary;
  const update = lineUpdate(event);
  if (!update) return event.type;
  const replica = 'replica' in event && typeof event.replica === 'number' && event.replica > 1 ? `#${event.replica}` : '';
  const name = update.kind === 'service' ? c.service(update.name, update.name + replica) : `${update.kind} ${update.name}`;
  const status = update.detail ? `${update.status} ${update.detail}` : update.status;
  const bad = update.status === 'failed' || update.status === 'unhealthy' || (update.status === 'exited' && update.detail !== 'with code 0');
  return `${name}  ${bad ? c.red(status) : status}`;
}

/** Errors become `{ name, code, message, service }` (an Error has no enumerable message). */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const record = value as Error & { code?: unknown; service?: unknown };
    return { name: record.name, code: record.code, message: record.message, service: record.service };
  }
  return value;
}

/** One JSON line for one event (`--progress json`), times as ISO strings. */
export function renderEventJson(event: ComposeEvent): string {
  return JSON.stringify(event, jsonReplacer);
}
