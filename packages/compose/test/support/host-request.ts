/**
 * Canonical service specs and process-runtime container requests for tests that drive a Runtime
 * directly (the conformance suite, the cross-process fixtures), with every default filled in.
 */
import { LABEL_PROJECT, type ContainerRequest } from '../../src/runtime/types.js';
import type { ServiceSpec } from '../../src/spec/types.js';

/** A canonical service spec with every default filled in, then `overrides`. */
export function serviceSpec(image: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    image,
    environment: {},
    env_file: [],
    ports: [],
    depends_on: {},
    volumes: [],
    networks: {},
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

/** A request for one host-process replica `<project>_<service>_<replica>` running `spec.command`. */
export function hostRequest(workingDir: string, project: string, service: string, spec: Partial<ServiceSpec>, replica = 1): ContainerRequest {
  return {
    project,
    service,
    replica,
    name: `${project}_${service}_${replica}`,
    configHash: 'h1',
    spec: serviceSpec('host', spec),
    workingDir,
    environment: {},
    secrets: [],
    configs: [],
    networks: [],
    networkSettings: {},
    mounts: [],
    labels: { [LABEL_PROJECT]: project },
  };
}
