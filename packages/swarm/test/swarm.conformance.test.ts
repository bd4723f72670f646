import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerRuntime } from '@selur/compose-docker';
import { swarmRuntime } from '@selur/compose-swarm';
import { describeRuntimeConformance, SUITE_CAPABILITIES } from '../../compose/test/conformance/runtime-conformance.js';
import { TEST_IMAGE, ensureTestImage } from '../../docker/test/support/engine.js';

/**
 * The shared runtime conformance suite against swarmRuntime, on the single-node swarm of
 * scripts/swarm-suite.mjs. A container of the port is a Swarm service of one task here (created
 * at 0 replicas, started at 1, stopped at 0); its ports are published in host mode on the node.
 *
 * Gated by capabilities, not skipped by hand: the runtime does not declare `bind-mounts` (a path
 * of this machine is not on the node that runs a task), so the suite proves it refused with an
 * UnsupportedOperationError instead; the tests that read a backend's recorded config need a
 * `backendConfig`, which neither this fixture nor Docker's has (Swarm mounts a secret from its
 * own store, not the source file the suite looks for).
 */
describeRuntimeConformance(
  'swarm',
  async () => {
    const docker = dockerRuntime();
    try {
      await ensureTestImage(docker); // fails (never skips) when no engine answers
    } finally {
      await docker.close();
    }
    const runtime = swarmRuntime({ pollIntervalMs: 250, stableMs: 1000, convergeTimeoutMs: 60_000 });
    const workingDir = await mkdtemp(join(tmpdir(), 'swarm-conformance-'));
    return {
      runtime,
      image: TEST_IMAGE,
      workingDir,
      httpServer: (port: number) => ['sh', '-c', `mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p ${port} -h /www`],
      sh: (script: string) => ['sh', '-c', script],
      secretPath: (name: string) => `/run/secrets/${name}`,
      mountPath: (target: string) => target,
      cleanup: () => rm(workingDir, { recursive: true, force: true }),
    };
  },
  { capabilities: SUITE_CAPABILITIES.filter((c) => c !== 'bind-mounts') },
);
