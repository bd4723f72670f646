/**
 * One truth about health (issue 14): on Docker, `up` returns once the engine's own probes pass,
 * while Docker's healthcheck has not run yet (its first run waits a whole `interval`) and Docker
 * still says `starting`. `stack.ps()` reports the health the engine observed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { TEST_IMAGE, ensureTestImage, sweep, uniqueProject } from './support/engine.js';

const runtime = dockerRuntime();
const name = uniqueProject('health-truth');

beforeAll(async () => {
  await ensureTestImage(runtime);
});
afterAll(async () => {
  await sweep(runtime, name);
  await runtime.close();
});

describe('health on Docker', () => {
  it("a later process's Project.ps() stops saying healthy once the container restarts (Docker's own verdict again)", async () => {
    const project = new Project(name).service('db', (s) =>
      s
        .image(TEST_IMAGE)
        .command(['sh', '-c', 'touch /tmp/ready; exec sleep 300'])
        .healthcheck({ test: 'test -f /tmp/ready', interval: '60s' }),
    );
    const stack = await project.up({ runtime });
    try {
      expect((await new Project(name).ps({ runtime })).map((c) => c.health)).toEqual(['healthy']);
      const [db] = await runtime.listContainers(name);
      await runtime.stopContainer(db!.id, { timeoutMs: 0 });
      await runtime.startContainer(db!.id);
      // restarted outside the engine: nobody probed this run of it, so Docker's 'starting' stands
      expect((await new Project(name).ps({ runtime })).map((c) => [c.health, c.status])).toEqual([['starting', 'running (starting)']]);
    } finally {
      await stack.down({ timeout: 0 });
    }
    expect(await new Project(name).ps({ runtime })).toEqual([]);
  });

  it('stack.ps() says healthy once the engine saw it, while Docker still says starting', async () => {
    const project = new Project(name).service('db', (s) =>
      s
        .image(TEST_IMAGE)
        .command(['sh', '-c', 'touch /tmp/ready; exec sleep 300'])
        .healthcheck({ test: 'test -f /tmp/ready', interval: '60s' }),
    );
    const stack = await project.up({ runtime });
    try {
      const docker = await runtime.listContainers(name);
      expect(docker.map((c) => c.health)).toEqual(['starting']);
      const ours = await stack.ps();
      expect(ours.map((c) => [c.health, c.status])).toEqual([['healthy', 'running (healthy)']]);
      // Another process (another Project object and runtime: nothing shared in memory) says the
      // same, from what up recorded beside the project's lock.
      const elsewhere = dockerRuntime();
      try {
        const theirs = await new Project(name).ps({ runtime: elsewhere });
        expect(theirs.map((c) => [c.health, c.status])).toEqual([['healthy', 'running (healthy)']]);
      } finally {
        await elsewhere.close();
      }
    } finally {
      await stack.down();
    }
  });
});
