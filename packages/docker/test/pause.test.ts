import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isContainerNotFoundError } from '@selur/compose';
import { containerRequest, ensureTestImage, sweep, testRuntime, uniqueProject } from './support/engine.js';

const runtime = testRuntime();
const project = uniqueProject('pause');

beforeAll(() => ensureTestImage(runtime));
afterAll(async () => {
  await sweep(runtime, project);
  await runtime.close();
});

describe('pause and unpause', () => {
  it('freezes and resumes a running container', async () => {
    expect(runtime.capabilities.has('pause')).toBe(true);
    const created = await runtime.createContainer(containerRequest(project, 'frozen', { command: ['sh', '-c', 'while true; do sleep 0.1; done'] }));
    await runtime.startContainer(created.id);
    await runtime.pauseContainer(created.id);
    expect((await runtime.inspectContainer(created.id)).state).toBe('paused');
    await runtime.unpauseContainer(created.id);
    expect((await runtime.inspectContainer(created.id)).state).toBe('running');
    await runtime.removeContainer(created.id, { force: true });
  });

  it('names a missing container with a typed error', async () => {
    const error = await runtime.pauseContainer(`${project}_missing_1`).catch((e: unknown) => e);
    expect(isContainerNotFoundError(error)).toBe(true);
  });
});
