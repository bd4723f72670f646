/**
 * The Svalinn gateway port: what the selur stack asks of Svalinn, with the request and response shapes
 * of the real server (see `docs/reference/svalinn.md`). Contracts only; the HTTP implementation is
 * `svalinnClient()`.
 */

/**
 * A gatekeeper policy, version 1 (Svalinn's `gatekeeper-policy.v1.json`): which attestation
 * predicates a bundle must carry, which keys may sign them and how many transparency-log operators
 * must agree.
 *
 * @example
 * ```ts
 * const policy: GatekeeperPolicy = {
 *   version: 1,
 *   requiredPredicates: ['https://slsa.dev/provenance/v1'],
 *   allowedSigners: ['sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
 *   logQuorum: 1,
 *   mode: 'strict',
 * };
 * ```
 */
export interface GatekeeperPolicy {
  /** Always `1`. */
  readonly version: 1;
  /** Predicate type URIs that must be present in the bundle. At least one. */
  readonly requiredPredicates: readonly string[];
  /** Key ids allowed to sign attestations, each `sha256:<64 lowercase hex>`. At least one. */
  readonly allowedSigners: readonly string[];
  /** Minimum number of distinct transparency-log operators. Integer ≥ 1. */
  readonly logQuorum: number;
  /** `strict` rejects failures; `permissive` warns and continues. */
  readonly mode?: 'strict' | 'permissive' | undefined;
  /** Human-readable notes. */
  readonly notes?: string | undefined;
}

/**
 * Options every call accepts.
 *
 * @example
 * ```ts
 * await svalinn.containers.list({ signal: AbortSignal.timeout(2_000) });
 * ```
 */
export interface SvalinnCallOptions {
  /** Cancels the request (and any retry wait). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * `GET /health` (always 200).
 *
 * @example
 * ```ts
 * const { status, vordrConnected } = await svalinn.health();
 * ```
 */
export interface SvalinnHealth {
  readonly status: 'healthy' | 'degraded';
  readonly version: string;
  /** Whether Svalinn reaches the runtime (Vörðr). */
  readonly vordrConnected: boolean;
  /** The gateway spec version, e.g. `v0.1.0` today; `2.x` would mean `/api/v2/run` is served. */
  readonly specVersion: string;
  readonly timestamp: string;
}

/**
 * `GET /ready`: 200 `{ready: true}` or 503 `{ready: false, reason}` (not an error here).
 *
 * @example
 * ```ts
 * const { ready, reason } = await svalinn.ready();
 * if (!ready) console.warn(`Svalinn not ready: ${reason}`);
 * ```
 */
export interface SvalinnReadiness {
  readonly ready: boolean;
  readonly reason?: string | undefined;
}

/**
 * A healthcheck inside a run config (camelCase, durations as `"10s"`).
 *
 * @example
 * ```ts
 * const healthcheck: SvalinnHealthcheck = { test: 'curl -f http://localhost/', interval: '10s', retries: 3, startPeriod: '5s' };
 * ```
 */
export interface SvalinnHealthcheck {
  /** The check command, as one string. */
  readonly test?: string | undefined;
  /** e.g. `"10s"`. */
  readonly interval?: string | undefined;
  readonly timeout?: string | undefined;
  readonly retries?: number | undefined;
  readonly startPeriod?: string | undefined;
}

/**
 * The container config of a run (the `config` of `gateway-run-request.v2.json`, camelCase).
 *
 * @example
 * ```ts
 * const config: SvalinnRunConfig = { env: { PORT: '80' }, ports: ['8080:80'], readOnlyRoot: true, restart: 'on-failure' };
 * ```
 */
export interface SvalinnRunConfig {
  /** Environment variables. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Port mappings such as `"8080:80"` or `"127.0.0.1:8080:80/tcp"`. */
  readonly ports?: readonly string[] | undefined;
  /** Mounts such as `"data:/var/lib/data"` or `"/abs/path:/dst:ro"` (absolute host paths). */
  readonly volumes?: readonly string[] | undefined;
  readonly networks?: readonly string[] | undefined;
  readonly secrets?: readonly string[] | undefined;
  readonly command?: readonly string[] | undefined;
  readonly workdir?: string | undefined;
  readonly readOnlyRoot?: boolean | undefined;
  readonly privileged?: boolean | undefined;
  readonly healthcheck?: SvalinnHealthcheck | undefined;
  /** Not in the schema but allowed by it; passed to the runtime. */
  readonly restart?: 'no' | 'always' | 'on-failure' | 'unless-stopped' | undefined;
}

/**
 * What to run: a verified bundle's image and digest, plus its config.
 *
 * @example
 * ```ts
 * const request: SvalinnRunRequest = { imageName: 'ghcr.io/acme/api:1.2', imageDigest: await ct.digest('api.ctp'), name: 'shop_api_1' };
 * ```
 */
export interface SvalinnRunRequest {
  /** The image name (sent as `imageName`, and as `image` to the v1 route). */
  readonly imageName: string;
  /** `sha256:<64 hex>`, the digest of the bundle file (sent as `imageDigest`, and `digest` on v1). */
  readonly imageDigest: string;
  /** The container name, e.g. `shop_api_1`. */
  readonly name?: string | undefined;
  readonly detach?: boolean | undefined;
  /** A gatekeeper policy; validated locally before sending. */
  readonly policy?: GatekeeperPolicy | undefined;
  readonly trustStore?: Readonly<Record<string, unknown>> | undefined;
  readonly policyPath?: string | undefined;
  readonly trustStorePath?: string | undefined;
  readonly bundlePath?: string | undefined;
  readonly config?: SvalinnRunConfig | undefined;
}

/**
 * What `run()` returns: Vörðr's start result, passed through by Svalinn as it is
 * (`{containerId, pid, status}`; no `name`, no `image`).
 *
 * Svalinn enforces no digest on run today: the v1 route forwards neither `imageDigest`, the
 * `policy` nor `detach` to Vörðr. The local `ct` verification before the run is the only check of
 * the bundle (the selur runtime never skips it).
 *
 * @example
 * ```ts
 * const { containerId, pid, status } = await svalinn.run(request); // status: 'running'
 * ```
 */
export interface SvalinnRunResult {
  /** Vörðr's container id (64 hex). */
  readonly containerId: string;
  /** The container's main process id, when Vörðr reports it. */
  readonly pid?: number | undefined;
  /** e.g. `running`. */
  readonly status?: string | undefined;
  readonly [key: string]: unknown;
}

/**
 * A container record as the runtime returns it through Svalinn (fields passed through).
 *
 * @example
 * ```ts
 * const { containerId, status } = await svalinn.containers.start(id);
 * ```
 */
export interface SvalinnContainer {
  /** Set by create/start/stop/remove results. */
  readonly containerId?: string | undefined;
  /** Set by list/inspect results. */
  readonly id?: string | undefined;
  readonly name?: string | undefined;
  readonly image?: string | undefined;
  /** e.g. `running`, `created`, `stopped`, `removed`. */
  readonly status?: string | undefined;
  /** e.g. `Running` (the runtime's capitalised state). */
  readonly state?: string | undefined;
  readonly [key: string]: unknown;
}

/**
 * `POST /api/v1/containers`: create without starting.
 *
 * @example
 * ```ts
 * const created = await svalinn.containers.create({ image: 'ghcr.io/acme/worker:2', name: 'shop_worker_1' });
 * ```
 */
export interface SvalinnCreateRequest {
  readonly image: string;
  readonly name?: string | undefined;
  readonly config?: SvalinnRunConfig | undefined;
}

/**
 * An image as `GET /api/v1/images` lists it: Vörðr's image record, passed through.
 *
 * @example
 * ```ts
 * for (const image of await svalinn.images.list()) console.log(image.repository, image.tags.join(','), image.digest);
 * ```
 */
export interface SvalinnImage {
  readonly id: string;
  /** `sha256:<64 hex>`. */
  readonly digest: string;
  /** e.g. `ghcr.io/acme/api`. */
  readonly repository: string;
  /** e.g. `['1.2']`. */
  readonly tags: readonly string[];
  /** Size in bytes. */
  readonly size: number;
  readonly [key: string]: unknown;
}

/**
 * `POST /api/v1/images/verify`.
 *
 * @example
 * ```ts
 * const verdict = await svalinn.images.verify({ digest, policy });
 * ```
 */
export interface SvalinnImageVerifyRequest {
  /** `sha256:<64 hex>`. */
  readonly digest: string;
  readonly policy?: GatekeeperPolicy | undefined;
}

/**
 * `POST /api/v1/verify` (`gateway-verify-request.v1.json`).
 *
 * @example
 * ```ts
 * const verdict = await svalinn.verify({ imageDigest: digest, bundlePath: '/bundles/api.ctp' });
 * ```
 */
export interface SvalinnVerifyRequest {
  /** `sha256:<64 hex>` (sent as both `imageDigest` and `digest`). */
  readonly imageDigest: string;
  readonly bundlePath?: string | undefined;
  readonly trustStorePath?: string | undefined;
  readonly policyPath?: string | undefined;
  readonly bundle?: Readonly<Record<string, unknown>> | undefined;
  readonly trustStore?: Readonly<Record<string, unknown>> | undefined;
  readonly policy?: GatekeeperPolicy | undefined;
}

/**
 * A verification verdict; the fields beyond `verified` are the server's.
 *
 * @example
 * ```ts
 * if ((await svalinn.verify({ imageDigest: digest })).verified !== true) throw new Error('unverified');
 * ```
 */
export interface SvalinnVerdict {
  /** The image (or digest) that was verified, as Vörðr echoes it. */
  readonly image?: string | undefined;
  readonly verified?: boolean | undefined;
  readonly attestations?: readonly unknown[] | undefined;
  readonly warnings?: readonly unknown[] | undefined;
  readonly [key: string]: unknown;
}

/**
 * One policy's evaluation as `GET /api/v1/policies` reports it (an evaluation result, not the policy
 * document).
 *
 * @example
 * ```ts
 * const { default: strict } = await svalinn.policies();
 * if (!strict.allowed) console.error(strict.violations);
 * ```
 */
export interface SvalinnPolicyEvaluation {
  readonly allowed: boolean;
  /** `strict` or `permissive`. */
  readonly mode: string;
  readonly predicatesFound: readonly string[];
  readonly missingPredicates: readonly string[];
  readonly signersVerified: readonly string[];
  readonly invalidSigners: readonly string[];
  readonly logCount: number;
  readonly logQuorumMet: boolean;
  readonly violations: readonly unknown[];
  readonly warnings: readonly unknown[];
  readonly [key: string]: unknown;
}

/**
 * `GET /api/v1/policies`: the evaluation of Svalinn's two built-in policies.
 *
 * @example
 * ```ts
 * const { default: strict, permissive } = await svalinn.policies();
 * ```
 */
export interface SvalinnPolicies {
  readonly default: SvalinnPolicyEvaluation;
  readonly permissive: SvalinnPolicyEvaluation;
}

/**
 * The tools Svalinn's `/mcp` endpoint serves.
 *
 * @example
 * ```ts
 * const running = await svalinn.mcp('svalinn_ps');
 * ```
 */
export type SvalinnMcpTool =
  | 'svalinn_run'
  | 'svalinn_ps'
  | 'svalinn_stop'
  | 'svalinn_verify'
  | 'svalinn_policy'
  | 'svalinn_logs'
  | 'svalinn_exec'
  | 'svalinn_rm';

/**
 * The arguments of each Svalinn MCP tool, as the real server reads them (`tools/list`, and its
 * answers: `svalinn_verify` without `image` answers "Missing required parameter: image",
 * `svalinn_policy` without `action` "Missing required parameter: action"). The runtime behind
 * Svalinn answers "Unknown tool" for `svalinn_logs` today.
 *
 * @example
 * ```ts
 * const args: SvalinnMcpArguments['svalinn_stop'] = { containerId: 'shop_api_1' };
 * ```
 */
export interface SvalinnMcpArguments {
  readonly svalinn_run: { readonly image: string; readonly name?: string; readonly command?: readonly string[]; readonly detach?: boolean; readonly removeOnExit?: boolean };
  readonly svalinn_ps: { readonly all?: boolean; readonly filter?: string };
  readonly svalinn_stop: { readonly containerId: string };
  /** `image` is required (a digest or reference); `imageDigest` is not read. */
  readonly svalinn_verify: { readonly image: string; readonly policy?: GatekeeperPolicy };
  /** `action` is required, e.g. `get`. */
  readonly svalinn_policy: { readonly action: string };
  readonly svalinn_logs: { readonly containerId: string };
  readonly svalinn_exec: { readonly containerId: string; readonly command: readonly string[] };
  readonly svalinn_rm: { readonly containerId: string; readonly force?: boolean };
}

/**
 * Which run route a client uses: detected once, then remembered.
 *
 * @example
 * ```ts
 * await svalinn.run(request);
 * console.log(svalinn.runApi); // 'v1' on the current server
 * ```
 */
export type SvalinnRunApi = 'v1' | 'v2';

/**
 * The Svalinn gateway, one method per route.
 *
 * Errors (those of `svalinnClient()` in `@selur/compose-selur`): 400 → `SvalinnValidationError`,
 * 409 → `PolicyDeniedError` (never retried), 503 → retried for calls safe to repeat, then
 * `SvalinnUnavailableError`, a 500 "…fetch failed" → `SvalinnUnavailableError` (Vörðr unreachable),
 * a known upstream defect → `SvalinnUpstreamError`, a failed MCP tool → `SvalinnMcpToolError`,
 * timeout → `SvalinnTimeoutError`, anything else → `SvalinnError`.
 *
 * @example
 * ```ts
 * const svalinn = svalinnClient({ url: 'http://localhost:8000' });
 * const started = await svalinn.run({ imageName: 'ghcr.io/acme/api:1.2', imageDigest: digest, name: 'shop_api_1' });
 * ```
 */
export interface SvalinnClient {
  /** The base URL (credentials in it, if any, removed). */
  readonly url: string;
  /** The run route in use, once known (`undefined` until detected). */
  readonly runApi: SvalinnRunApi | undefined;
  /** `GET /health`. Also learns the run route from `specVersion` when it says 2.x. */
  health(options?: SvalinnCallOptions): Promise<SvalinnHealth>;
  /** `GET /ready`; a 503 `{ready:false}` is returned, not thrown. Not retried. */
  ready(options?: SvalinnCallOptions): Promise<SvalinnReadiness>;
  /** `GET /metrics`, Prometheus text. */
  metrics(options?: SvalinnCallOptions): Promise<string>;
  /**
   * Starts a container: `POST /api/v2/run` where served, else `POST /api/v1/run`. Returns Vörðr's
   * start result. Svalinn checks no digest on run today (v1 forwards neither digest, policy nor
   * `detach`): verify the bundle locally first. Never retried (a run is not safe to repeat).
   */
  run(request: SvalinnRunRequest, options?: SvalinnCallOptions): Promise<SvalinnRunResult>;
  /** `/api/v1/containers` routes. */
  readonly containers: {
    list(options?: SvalinnCallOptions): Promise<readonly SvalinnContainer[]>;
    get(id: string, options?: SvalinnCallOptions): Promise<SvalinnContainer>;
    create(request: SvalinnCreateRequest, options?: SvalinnCallOptions): Promise<SvalinnContainer>;
    /** Start a created container (the start gate is checked first: 409 → `PolicyDeniedError`). */
    start(id: string, options?: SvalinnCallOptions): Promise<SvalinnContainer>;
    stop(id: string, options?: SvalinnCallOptions): Promise<SvalinnContainer>;
    remove(id: string, options?: SvalinnCallOptions): Promise<SvalinnContainer>;
  };
  /** `/api/v1/images` routes. */
  readonly images: {
    list(options?: SvalinnCallOptions): Promise<readonly SvalinnImage[]>;
    pull(image: string, options?: SvalinnCallOptions): Promise<unknown>;
    verify(request: SvalinnImageVerifyRequest, options?: SvalinnCallOptions): Promise<SvalinnVerdict>;
  };
  /** `POST /api/v1/verify`. */
  verify(request: SvalinnVerifyRequest, options?: SvalinnCallOptions): Promise<SvalinnVerdict>;
  /** `GET /api/v1/policies`: the evaluation of the built-in policies. */
  policies(options?: SvalinnCallOptions): Promise<SvalinnPolicies>;
  /**
   * Calls a tool on `POST /mcp` (JSON-RPC 2.0 `tools/call`). Resolves with the tool's result decoded
   * from its JSON text content (the text itself when it is not JSON). A result with `isError: true`
   * (the real server answers HTTP 200 for failures) or a JSON-RPC error rejects with
   * `SvalinnMcpToolError`. Never retried.
   */
  mcp<T extends SvalinnMcpTool>(tool: T, args?: SvalinnMcpArguments[T], options?: SvalinnCallOptions): Promise<unknown>;
}
