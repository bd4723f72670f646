import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/**
 * Readiness as a value. A wait strategy describes *what* "ready" means for a service; the engine
 * decides how to check it (promptly: it polls fast at first and backs off). Strategies are
 * immutable: refining one returns a new one.
 *
 * @example
 * ```ts
 * import { Project, Wait } from '@selur/compose';
 * new Project('shop').service('api', (s) =>
 *   s.command(['node', 'server.js']).port('0:8080').waitFor(Wait.forHttp('/health', { port: 8080 }).withTimeout(20_000)));
 * ```
 */
export type WaitStrategy =
  | PortWait
  | HttpWait
  | LogWait
  | CommandWait
  | ExitZeroWait
  | HealthyWait
  | NoWait
  | AllWait;

interface WaitBase {
  /** Give up after this long (ms). @default 60_000 */
  readonly timeoutMs: number;
  /** A copy of this strategy with another timeout. */
  withTimeout(ms: number): this;
}

/** Ready when the container port accepts TCP connections on its published host port. */
export interface PortWait extends WaitBase { readonly kind: 'port'; readonly port: number }
/** Ready when an HTTP GET on the published port answers the expected status (and body). */
export interface HttpWait extends WaitBase {
  readonly kind: 'http';
  readonly path: string;
  readonly port: number;
  /** Expected status (or a predicate). @default 200..399 */
  readonly status?: number | ((status: number) => boolean) | undefined;
  /** A substring, a pattern or a predicate the body must satisfy. */
  readonly body?: string | RegExp | ((body: string) => boolean) | undefined;
}
/** Ready when a log line matches `pattern`, `times` times. */
export interface LogWait extends WaitBase { readonly kind: 'log'; readonly pattern: RegExp | string; readonly times: number }
/** Ready when a command run in the container exits 0. */
export interface CommandWait extends WaitBase { readonly kind: 'command'; readonly command: readonly string[] }
/** For one-shot jobs: ready when the container has exited with code 0. */
export interface ExitZeroWait extends WaitBase { readonly kind: 'exit-zero' }
/** Ready when the service's own healthcheck passes. */
export interface HealthyWait extends WaitBase { readonly kind: 'healthy' }
/**
 * Ready as soon as it has started: no check at all. The opt-out of the default readiness of a
 * service with published ports and no healthcheck (its ports accepting connections).
 */
export interface NoWait extends WaitBase { readonly kind: 'none' }
/** Ready when every strategy is. */
export interface AllWait extends WaitBase { readonly kind: 'all'; readonly strategies: readonly WaitStrategy[] }

/**
 * Default timeout of every strategy, in milliseconds (one minute).
 *
 * @example
 * ```ts
 * Wait.forPort(8080).timeoutMs === DEFAULT_WAIT_TIMEOUT_MS; // true
 * ```
 */
export const DEFAULT_WAIT_TIMEOUT_MS = 60_000;

function make<T extends { kind: string }>(fields: T, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): T & WaitBase {
  const strategy = {
    ...fields,
    timeoutMs,
    withTimeout(ms: number) {
      if (!Number.isFinite(ms) || ms <= 0) throw new InvalidArgumentError(`withTimeout: expected a positive number of milliseconds, received ${String(ms)}`, { field: 'timeoutMs' });
      return make(fields, ms);
    },
  };
  return Object.freeze(strategy) as T & WaitBase;
}

function checkPort(port: number, where: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidArgumentError(`${where}: expected a container port 1-65535, received ${String(port)}`, { field: 'port' });
}

/**
 * Factories for {@link WaitStrategy} values: what "ready" means for a service.
 *
 * @example
 * ```ts
 * service.waitFor(Wait.forHttp('/health', { port: 8080, status: 200 }).withTimeout(30_000));
 * service.waitFor(Wait.forAll(Wait.forPort(5432), Wait.forLog(/ready to accept/, { times: 2 })));
 * ```
 */
export const Wait = {
  /** Ready when `port` (a container port of the service) accepts TCP connections. */
  forPort(port: number): PortWait {
    checkPort(port, 'Wait.forPort');
    return make({ kind: 'port' as const, port }) as PortWait;
  },
  /** Ready when `GET path` on the published `port` answers `status` (default 2xx/3xx) and `body`. */
  forHttp(path: string, options: { port: number; status?: HttpWait['status']; body?: HttpWait['body'] }): HttpWait {
    checkPort(options.port, 'Wait.forHttp');
    if (!path.startsWith('/')) throw new InvalidArgumentError(`Wait.forHttp: path must start with '/', received '${path}'`, { field: 'path' });
    return make({ kind: 'http' as const, path, port: options.port, status: options.status, body: options.body }) as HttpWait;
  },
  /** Ready when a log line matches `pattern` `times` times (default once). */
  forLog(pattern: RegExp | string, options: { times?: number } = {}): LogWait {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new InvalidArgumentError(`Wait.forLog: times must be a positive integer, received ${String(times)}`, { field: 'times' });
    return make({ kind: 'log' as const, pattern, times }) as LogWait;
  },
  /** Ready when `command` exits 0 inside the service. */
  forCommand(command: readonly string[]): CommandWait {
    if (command.length === 0) throw new InvalidArgumentError('Wait.forCommand: the command must not be empty', { field: 'command' });
    return make({ kind: 'command' as const, command: [...command] }) as CommandWait;
  },
  /** For one-shot jobs: ready when the service has exited with code 0. */
  forExitZero(): ExitZeroWait {
    return make({ kind: 'exit-zero' as const }) as ExitZeroWait;
  },
  /** Ready when the service's healthcheck passes (the default when it has one). */
  forHealthy(): HealthyWait {
    return make({ kind: 'healthy' as const }) as HealthyWait;
  },
  /**
   * Ready as soon as the service has started, nothing checked. Without a strategy, a service with
   * published ports and no healthcheck is ready once every published TCP port accepts connections;
   * this opts one service out of that (`up({ waitForPorts: false })` opts out every service).
   */
  none(): NoWait {
    return make({ kind: 'none' as const }) as NoWait;
  },
  /** Ready when all of `strategies` are. */
  forAll(...strategies: WaitStrategy[]): AllWait {
    return make({ kind: 'all' as const, strategies }) as AllWait;
  },
} as const;

const KINDS: ReadonlySet<string> = new Set<WaitStrategy['kind']>(['port', 'http', 'log', 'command', 'exit-zero', 'healthy', 'none', 'all']);

/** @internal True for a value made by the {@link Wait} factories (checked where one is accepted). */
export function isWaitStrategy(value: unknown): value is WaitStrategy {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return false;
  return kind !== 'all' || (Array.isArray((value as AllWait).strategies) && (value as AllWait).strategies.every(isWaitStrategy));
}
