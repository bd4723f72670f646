/** @internal Why a service failed, before it becomes a public error (which needs logs and `skipped`). */
export type FailureKind = 'health-timeout' | 'exited' | 'dependency' | 'port' | 'cancelled' | 'start';

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

  constructor(
    kind: FailureKind,
    fields: { service?: string | undefined; reason: string; exitCode?: number | undefined; healthOutput?: string | undefined; dependency?: string | undefined; port?: number | undefined; logsOf?: string | undefined; cause?: unknown },
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
  }
}

/** @internal Thrown inside a run when it was cancelled (by a failure elsewhere or an abort). */
export class RunCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** @internal Port-in-use detection over whatever a runtime threw. */
export function portConflictOf(error: unknown): { port?: number } | undefined {
  const text = error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code ?? '')}` : String(error);
  if (!/EADDRINUSE|address already in use|port is already allocated|ports? .*(already )?in use/i.test(text)) return undefined;
  const m = /(?::|port )(\d{2,5})\b/i.exec(text);
  return m ? { port: Number(m[1]) } : {};
}
