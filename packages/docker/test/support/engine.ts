import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LABEL_PROJECT } from '@selur/compose';
import type { ContainerRequest, Runtime, ServiceSpec } from '@selur/compose';
import { dockerRuntime, type DockerRuntime } from '@selur/compose-docker';
import { serviceSpec as canonicalSpec } from '../../../compose/test/support/host-request.js';

/** The image every Docker test runs: `FROM scratch` + Debian's static busybox. */
export const TEST_IMAGE = 'selur-compose-test/busybox:latest';
const BUSYBOX = '/usr/bin/busybox';

const HOW_TO_START =
  'The Docker test suite needs a running engine and never skips. Start one: `sudo dockerd > /tmp/dockerd.log 2>&1 &` ' +
  '(Debian: `apt-get install docker.io busybox-static`), or point DOCKER_HOST at one ' +
  '(Podman: `podman system service --time=0 unix:///tmp/podman.sock & export DOCKER_HOST=unix:///tmp/podman.sock`).';

/** Fails (never skips) when no engine answers, with a message saying how to start one. */
export async function requireEngine(runtime: DockerRuntime): Promise<void> {
  try {
    await runtime.version();
  } catch (error) {
    throw new Error(`No container engine answers at ${runtime.host}: ${(error as Error).message}\n${HOW_TO_START}`, { cause: error });
  }
}

/** Builds {@link TEST_IMAGE} unless the engine already has it. */
export async function ensureTestImage(runtime: DockerRuntime): Promise<void> {
  await requireEngine(runtime);
  if (await runtime.hasImage(TEST_IMAGE)) return;
  const context = await mkdtemp(path.join(tmpdir(), 'selur-busybox-'));
  try {
    await cp(BUSYBOX, path.join(context, 'busybox'));
    await writeFile(
      path.join(context, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nRUN ["/bin/mkdir","-p","/tmp","/www","/data"]\nCMD ["/bin/sh"]\n',
    );
    await runtime.buildImage({ context, tag: TEST_IMAGE });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

let counter = 0;
/** A project name unique to this process and call. */
export function uniqueProject(prefix: string): string {
  counter += 1;
  return `selurtest-${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** Removes every container, network and volume labelled with the project. */
export async function sweep(runtime: Runtime, project: string): Promise<void> {
  for (const c of await runtime.listContainers(project)) await runtime.removeContainer(c.id, { force: true });
  for (const n of await runtime.listNetworks(project)) await runtime.removeNetwork(project, n.runtimeName);
  for (const v of await runtime.listVolumes(project)) await runtime.removeVolume(project, v.runtimeName);
}

/** A canonical service spec with every default filled in. */
export function serviceSpec(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return canonicalSpec(TEST_IMAGE, { stop_grace_period: '10s', ...overrides });
}

/** A container request for one replica, as the engine would build it. */
export function containerRequest(project: string, service: string, spec: Partial<ServiceSpec>, extra: Partial<ContainerRequest> = {}): ContainerRequest {
  const replica = extra.replica ?? 1;
  return {
    project,
    service,
    replica,
    name: `${project}_${service}_${replica}`,
    configHash: 'hash-1',
    spec: serviceSpec(spec),
    workingDir: '/tmp',
    environment: {},
    secrets: [],
    configs: [],
    networks: [],
    networkSettings: {},
    mounts: [],
    labels: {},
    ...extra,
  };
}

/** A label filter helper for raw checks. */
export const projectLabel = (project: string) => `${LABEL_PROJECT}=${project}`;

/** A shared runtime for a test file. */
export function testRuntime(): DockerRuntime {
  return dockerRuntime();
}
