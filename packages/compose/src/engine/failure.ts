/** @internal Why a service failed, before it becomes a public error (which needs logs and `skipped`). */
export type FailureKind = 'health-timeout' | 'exited' | 'dependency' | 'port' | 'cancelled' | 'start' | 'rollout';

/** @internal Where a rolling update failed and what it did about it (kind `rollout`). */
export interface RolloutFailureInfo {
  readonly batch: number;
  readonly batches: number;
  readonly replica: number;
  readonly failureAction: 'rollback' | 'pause' | 'continue';
  readonly replaced: number;
  /** The old replicas run again. */
  readonly rolledBack: boolean;
}

/** @internal A failure inside the engine. Mapped to a typed public error when the run ends. */
export class EngineFailure extends Error {
  readonly kind: FailureKind;
  readonly service: string | undefined;
  readonly reason: string;
  readonly exitCode: number | undefined;
  readonly healthOutput: string | undefined;
  readonly dependency: string | undefined;
  readonly port: number | undefined;
  /** The service whose logs explain it (the dependency, for a dependency failure). */
  readonly logsOf: string | undefined;
  /** Log lines read before the container that wrote them was removed (a failed new replica of a rollout). */
  readonly logs: readonly string[] | undefined;
  readonly rollout: RolloutFailureInfo | undefined;

  constructor(
    kind: FailureKind,
    fields: {
      service?: string | undefined;
      reason: string;
      exitCode?: number | undefined;
      healthOutput?: string | undefined;
      dependency?: string | undefined;
      port?: number | undefined;
      logsOf?: string | undefined;
      logs?: readonly string[] | undefined;
      rollout?: RolloutFailureInfo | undefined;
      cause?: unknown;
    },
  ) {
    super(fields.reason, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.kind = kind;
    this.service = fields.service;
    this.reason = fields.reason;
    this.exitCode = fields.exitCode;
    this.healthOutput = fields.healthOutput;
    this.dependency = fields.dependency;
    this.port = fields.port;
    this.logsOf = fields.logsOf ?? fields.service;
    this.logs = fields.logs;
    this.rollout = fields.rollout;
  }
}

/** @internal Thrown inside a run when it was cancelled (by a failure elsewhere or an abort). */
export class RunCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * @internal Port-in-use detection over whatever a runtime threw or a service wrote. Says only
 * *that* a port was in use: which one comes from the request ({@link conflictingPort}), never from
 * the text — a log line's `12:00:28` is no port.
 */
export function portConflictOf(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code ?? '')}` : String(error);
  return /EADDRINUSE|address already in use|port is already allocated|ports? .*(already )?in use/i.test(text);
}

/**
 * @internal Which of a service's fixed host ports a conflict is about: the one the text names
 * (only among the requested ports), else the only one it requests; undefined when unknown.
 */
export function conflictingPort(text: string, fixedPorts: readonly number[]): number | undefined {
  const named = fixedPorts.filter((p) => new RegExp(`(?::|port )${p}(?!\\d)`, 'i').test(text));
  if (named.length === 1) return named[0];
  return fixedPorts.length === 1 ? fixedPorts[0] : undefined;
}

/** @internal The fixed (non-zero) host ports a service requests. */
export function fixedHostPorts(ports: readonly { readonly published?: number | undefined }[]): number[] {
  return [...new Set(ports.map((p) => p.published ?? 0).filter((p) => p > 0))];
}

/**
 * @internal The host ports a service tried to publish: its fixed ones, and those its runtime
 * picked for a `0` (free when picked, but another process can take one before the service binds
 * it), as its containers were published. What a conflict is about, when the text cannot say.
 */
export function triedHostPorts(
  ports: readonly { readonly published?: number | undefined }[],
  containers: readonly { readonly ports: readonly { readonly published: number }[] }[],
): number[] {
  return [...new Set([...fixedHostPorts(ports), ...containers.flatMap((c) => c.ports.map((p) => p.published)).filter((p) => p > 0)])];
}
