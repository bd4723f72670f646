/** The fake Svalinn's public types: recorded requests, faults, options and the handle. */
import type { SvalinnBackend } from './svalinn-memory-backend.js';
import type { SchemaCheck, SvalinnSchemaName } from './svalinn-schemas.js';

/** One request as the fake saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  /** Lower-cased headers; `authorization` and `x-api-key` values replaced with `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** How the request authenticated. */
  readonly auth: 'bearer' | 'api-key' | 'none';
  /** The parsed JSON body, the raw text if it was not JSON, or `undefined` without a body. */
  readonly body: unknown;
  /** The schema the body was checked against, and the verdict. */
  readonly schema?: SvalinnSchemaName | undefined;
  readonly schemaCheck?: SchemaCheck | undefined;
  /** The status the fake answered (set once answered). */
  status?: number;
}

/** The start gate's decision for a run or start; `unavailable` is Rokur's own error body (its status was 500). */
export type GateDecision = 'allow' | { readonly deny: unknown } | { readonly unavailable: Readonly<Record<string, unknown>> };

/** A fault to inject. Matches by method and path (all requests if omitted), `times` times (default 1). */
export type Fault = {
  readonly method?: string;
  readonly path?: string | RegExp;
  readonly times?: number;
} & (
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'text'; readonly status: number; readonly text: string }
  | { readonly kind: 'malformed-json'; readonly status?: number }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'destroy' }
);

/** Options of the fake. */
export interface FakeSvalinnOptions {
  /** What runs containers. @default memoryBackend() */
  readonly backend?: SvalinnBackend;
  /** Serve `POST /api/v2/run` (the current real server does not: 404). @default false */
  readonly serveV2?: boolean;
  /** `specVersion` on `/health`. @default '2.0.0' with serveV2, else 'v0.1.0' (recorded) */
  readonly specVersion?: string;
  /** Require auth on everything but /health*, /ready*, /metrics. */
  readonly auth?: { readonly tokens?: readonly string[]; readonly apiKeys?: readonly string[] };
  /** Answer a bare 500 past this many requests (the real rate limit; public probes not counted). */
  readonly rateLimit?: number;
  /** The start gate (Rokur). @default () => 'allow' */
  readonly gate?: (context: { readonly route: string; readonly image?: string | undefined; readonly id?: string | undefined }) => GateDecision;
}

/** A running fake Svalinn. */
export interface FakeSvalinn extends AsyncDisposable {
  readonly url: string;
  readonly backend: SvalinnBackend;
  /** Every request, in order. */
  readonly requests: RecordedRequest[];
  /** Queue a fault. */
  fail(fault: Fault): void;
  /** What `/ready` answers. */
  setReady(ready: boolean, reason?: string): void;
  /** Replace the start gate. */
  setGate(gate: NonNullable<FakeSvalinnOptions['gate']>): void;
  close(): Promise<void>;
}
