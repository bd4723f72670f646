import { randomBytes } from 'node:crypto';
import {
  LABEL_CONFIG_HASH,
  LABEL_PROJECT,
  LABEL_REPLICA,
  LABEL_SERVICE,
  type ContainerRequest,
  type LogLine,
  type Runtime,
  type RuntimeCapability,
  type ServiceSpec,
} from '@selur/compose';
import { serviceSpec } from '../support/host-request.js';

/** What a runtime under test provides to {@link describeRuntimeConformance}. */
export interface ConformanceFixture {
  /** The runtime under test. */
  readonly runtime: Runtime;
  /** Image of every test container (busybox on Docker; ignored by the process runtime). */
  readonly image: string;
  /** Folder the requests' relative paths are resolved against. */
  readonly workingDir: string;
  /** argv of a server answering `GET /` with status 200 and body `ok` on container port `port`. */
  httpServer(port: number): string[];
  /** argv that runs a POSIX `sh` script (busybox applets only: sh, echo, cat, env, sleep, nc, wget). */
  sh(script: string): string[];
  /** A shell expression that expands, inside the service, to the path of secret `name`. */
  secretPath(name: string): string;
  /** A shell expression that expands, inside the service, to the path of the mount at `target`. */
  mountPath(target: string): string;
  /**
   * A host port to publish container port `target` on, for runtimes that cannot choose one
   * (Vörðr publishes `HOST:CONTAINER` only). Without it the request leaves `published` out and the
   * runtime chooses.
   */
  hostPort?(target: number): Promise<number>;
  /** Removes what the fixture itself made (images, temp folders, state). */
  cleanup(): Promise<void>;
}

/**
 * A container's configuration as the runtime's backend recorded it (e.g. Vörðr's
 * `vordr_container_inspect` config): how a fixture whose backend runs nothing shows that the
 * runtime handed over the environment, mounts, secrets and restart policy.
 */
export interface BackendConfig {
  readonly environment: Readonly<Record<string, string>>;
  readonly mounts: readonly { readonly source: string; readonly target: string; readonly readOnly: boolean }[];
  /** The restart policy as the backend spells it (`no`, `always`, `on-failure`, …). */
  readonly restart?: string | undefined;
}

/**
 * What the suite may expect of a runtime, known when the tests are registered (before `setup`
 * runs), so that tests it cannot pass are skipped by name with a reason and every capability it
 * lacks is proven to be refused. The defaults are the full suite.
 */
export interface ConformanceProfile {
  /**
   * The capabilities the runtime must declare: the "core capabilities" test checks its claim
   * against this list (every capability the suite knows, plus any listed here).
   * @default SUITE_CAPABILITIES (all of them)
   */
  readonly capabilities?: readonly RuntimeCapability[] | undefined;
  /**
   * Commands really run (false for a fake backend that only records them): tests that need a
   * command to run (an endpoint answering, data written, a crash, an exit code) are skipped.
   * @default true
   */
  readonly executes?: boolean | undefined;
  /** The runtime reports exit codes; when false, the suite checks it does not invent one. @default true */
  readonly exitCodes?: boolean | undefined;
  /** Reads a container's config back from the backend; enables the backend-view tests. */
  readonly backendConfig?: ((id: string) => Promise<BackendConfig>) | undefined;
}

/** Every capability the suite has tests (or an unsupported-operation proof) for. */
export const SUITE_CAPABILITIES = [
  'networks', 'volumes', 'ports', 'secrets', 'bind-mounts', 'logs', 'logs.follow', 'exec', 'exec.output', 'health', 'restart-policy', 'replicas',
] as const satisfies readonly RuntimeCapability[];

/** One of {@link SUITE_CAPABILITIES}. */
export type SuiteCapability = (typeof SUITE_CAPABILITIES)[number];

/** What a test needs: a capability, real execution, or the fixture's view of the backend. */
export type Need = RuntimeCapability | 'executes' | 'backend-view';

/** The tests registered for one runtime: run, skipped (with why) and the refusals proven. */
export class ConformancePlan {
  readonly run: string[] = [];
  readonly skipped: { readonly test: string; readonly missing: readonly Need[] }[] = [];
  readonly unsupported: SuiteCapability[] = [];
  readonly capabilities: ReadonlySet<RuntimeCapability>;
  readonly executes: boolean;
  readonly backendView: boolean;

  constructor(readonly profile: ConformanceProfile) {
    this.capabilities = new Set(profile.capabilities ?? SUITE_CAPABILITIES);
    this.executes = profile.executes ?? true;
    this.backendView = profile.backendConfig !== undefined;
  }

  /** The needs of a test that this runtime does not meet. */
  missing(needs: readonly Need[]): Need[] {
    return needs.filter((n) => (n === 'executes' ? !this.executes : n === 'backend-view' ? !this.backendView : !this.capabilities.has(n)));
  }

  /** Records a test; true when it runs. */
  add(test: string, needs: readonly Need[]): boolean {
    const missing = this.missing(needs);
    if (missing.length === 0) this.run.push(test);
    else this.skipped.push({ test, missing });
    return missing.length === 0;
  }

  /** The capabilities the core test compares: the suite's, plus any the profile names. */
  checked(): RuntimeCapability[] {
    return [...new Set([...SUITE_CAPABILITIES, ...(this.profile.capabilities ?? [])])].sort();
  }

  /** Human-readable: counts, then each skipped test with what it lacks. */
  summary(runtime: string): string {
    const why = (n: Need) => (n === 'executes' ? 'executes: false' : n === 'backend-view' ? 'no backendConfig' : `no '${n}'`);
    return [
      `${runtime}: ${this.run.length} tests run, ${this.skipped.length} skipped, ${this.unsupported.length} unsupported capabilities proven refused (${this.unsupported.join(', ') || 'none'})`,
      ...this.skipped.map((s) => `  skipped: ${s.test} — ${s.missing.map(why).join(', ')}`),
    ].join('\n');
  }
}

/** A unique, valid project name. */
export const projectName = (tag: string): string => `conf-${tag}-${randomBytes(4).toString('hex')}`;

/** A canonical service spec with every default filled in (shared with the fixtures). */
export { serviceSpec };

/** A container request for `service` (replica 1 unless given) of `project`. */
export function containerRequest(
  fixture: ConformanceFixture,
  project: string,
  service: string,
  spec: Partial<ServiceSpec>,
  extra: Partial<Omit<ContainerRequest, 'project' | 'service' | 'spec'>> = {},
): ContainerRequest {
  const replica = extra.replica ?? 1;
  const full = serviceSpec(fixture.image, spec);
  const configHash = extra.configHash ?? randomBytes(8).toString('hex');
  return {
    project,
    service,
    replica,
    name: `${project}_${service}_${replica}`,
    configHash,
    spec: full,
    workingDir: fixture.workingDir,
    environment: Object.fromEntries(Object.entries(full.environment).filter((e): e is [string, string] => typeof e[1] === 'string')),
    secrets: [],
    configs: [],
    networks: [],
    networkSettings: {},
    mounts: [],
    labels: { [LABEL_PROJECT]: project, [LABEL_SERVICE]: service, [LABEL_REPLICA]: String(replica), [LABEL_CONFIG_HASH]: configHash },
    ...extra,
  };
}

/** Polls `check` until it returns a value other than undefined/false; bounded by `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
}

/** Collects an async iterable of log lines (bounded by `timeoutMs` through an abort signal). */
export async function collect(lines: AsyncIterable<LogLine>, limit = 10_000): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const line of lines) {
    out.push(line);
    if (out.length >= limit) break;
  }
  return out;
}

/** Removes every container, network and volume of `project` (best effort, bounded). */
export async function teardownProject(runtime: Runtime, project: string): Promise<void> {
  const containers = await runtime.listContainers(project, { all: true }).catch(() => []);
  await Promise.all(containers.map((c) => runtime.removeContainer(c.id, { force: true }).catch(() => undefined)));
  for (const network of await runtime.listNetworks(project).catch(() => [])) await runtime.removeNetwork(project, network.runtimeName).catch(() => undefined);
  for (const volume of await runtime.listVolumes(project).catch(() => [])) await runtime.removeVolume(project, volume.runtimeName).catch(() => undefined);
}

/** The error `operation` rejects (or throws) with; an Error saying so when it succeeds. */
export async function refusal(operation: () => Promise<unknown>): Promise<unknown> {
  try {
    await operation();
  } catch (error) {
    return error;
  }
  return new Error('the operation succeeded: it was expected to be refused');
}
