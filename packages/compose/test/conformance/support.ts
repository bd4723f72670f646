import { randomBytes } from 'node:crypto';
import {
  LABEL_CONFIG_HASH,
  LABEL_PROJECT,
  LABEL_REPLICA,
  LABEL_SERVICE,
  type ContainerRequest,
  type LogLine,
  type Runtime,
  type ServiceSpec,
} from '@selur/compose';

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
  /** Removes what the fixture itself made (images, temp folders, state). */
  cleanup(): Promise<void>;
}

/** A unique, valid project name. */
export const projectName = (tag: string): string => `conf-${tag}-${randomBytes(4).toString('hex')}`;

/** A canonical service spec with every default filled in. */
export function serviceSpec(image: string, overrides: Partial<ServiceSpec>): ServiceSpec {
  return {
    image,
    environment: {},
    env_file: [],
    ports: [],
    depends_on: {},
    volumes: [],
    networks: [],
    secrets: [],
    restart: 'no',
    deploy: { replicas: 1, strategy: 'rolling' },
    profiles: [],
    labels: {},
    stop_grace_period: '2s',
    stop_signal: 'SIGTERM',
    read_only: false,
    extensions: {},
    ...overrides,
  };
}

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
    networks: [],
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
