import { describe, expect, it } from 'vitest';
import { DOCKER_PROBES_PER_CORE, dockerRuntime } from './docker-runtime.js';

describe('what a Docker healthcheck probe costs the engine', () => {
  it('the Docker runtime tells the engine its probes cost about a core each while they run (one per core, not the default four)', () => {
    // a remote address: nothing is asked of an engine
    const runtime = dockerRuntime({ host: 'tcp://127.0.0.1:9' });
    expect(runtime.probesPerCore).toBe(DOCKER_PROBES_PER_CORE);
    expect(DOCKER_PROBES_PER_CORE).toBe(1);
  });
});
