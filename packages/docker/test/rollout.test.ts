/**
 * The engine's rolling update on Docker: a changed 3-replica busybox httpd service is replaced one
 * replica at a time, start-first, each new replica gated on its healthcheck; while it runs a bounded
 * request loop asks every running replica for its version, and at least three always answer. A new
 * version whose healthcheck fails stops at the first batch, the old replicas run again (answering
 * the old version) and `RolloutFailedError` says which batch failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project, isRolloutFailedError, planToString, type ComposeEvent, type ContainerInfo } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { TEST_IMAGE, ensureTestImage, sweep, uniqueProject } from './support/engine.js';

const runtime = dockerRuntime({ init: true });
const name = uniqueProject('rollout');

beforeAll(async () => {
  await ensureTestImage(runtime);
});
afterAll(async () => {
  await sweep(runtime, name);
  await runtime.close();
});

/** A project whose `web` serves `version` at /index.html; `broken` makes its healthcheck fail for ever. */
function project(version: string, broken = false): Project {
  return new Project(name).service('web', (s) =>
    s
      .image(TEST_IMAGE)
      .command(['sh', '-c', `mkdir -p /www && echo ${version} > /www/index.html && exec httpd -f -p 8080 -h /www`])
      .port('0:8080')
      .environment({ VERSION: version })
      .healthcheck({ test: broken ? 'false' : 'wget -q -O /dev/null http://127.0.0.1:8080/', interval: '200ms', start_interval: '50ms', retries: broken ? 3 : 20 })
      .deploy({ replicas: 3, update_config: { parallelism: 1, order: 'start-first', failure_action: 'rollback' } }),
  );
}

async function running(): Promise<ContainerInfo[]> {
  return (await runtime.listContainers(name)).filter((c) => c.service === 'web' && c.state === 'running');
}

async function versionOf(c: ContainerInfo): Promise<string | undefined> {
  const port = c.ports[0];
  if (port === undefined) return undefined;
  try {
    const res = await fetch(`http://127.0.0.1:${port.published}/`, { signal: AbortSignal.timeout(1_000) });
    return res.ok ? (await res.text()).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** While `work` is pending (at most 400 samples), how many running replicas answer. */
async function sample(work: Promise<unknown>): Promise<number[]> {
  let done = false;
  const settled = work.then(
    () => (done = true),
    () => (done = true),
  );
  const answering: number[] = [];
  for (let i = 0; i < 400 && !done; i++) {
    const versions = await Promise.all((await running()).map(versionOf));
    answering.push(versions.filter((v) => v !== undefined).length);
  }
  await settled;
  return answering;
}

describe('rolling updates on Docker', () => {
  it('replaces replicas one at a time, start-first, with every replica count answering throughout', async () => {
    await project('v1').up({ runtime });
    expect((await Promise.all((await running()).map(versionOf))).sort()).toEqual(['v1', 'v1', 'v1']);

    const plan = await project('v2').plan(runtime);
    expect(planToString(plan)).toContain('service web: rolling update, 3 replicas, 1 at a time, start-first, on failure rollback');

    const events: ComposeEvent[] = [];
    const up = project('v2').up({ runtime, onEvent: (e) => events.push(e) });
    const answering = await sample(up);
    await up;
    expect(answering.length).toBeGreaterThan(0);
    expect(Math.min(...answering)).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.type === 'rollout.batch')).toHaveLength(3);
    expect(events.some((e) => e.type === 'rollout.completed')).toBe(true);
    expect((await Promise.all((await running()).map(versionOf))).sort()).toEqual(['v2', 'v2', 'v2']);
  });

  it('stops at a batch whose replica never becomes healthy and brings the old replicas back', async () => {
    const error = await project('v3', true).up({ runtime }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRolloutFailedError(error)).toBe(true);
    if (!isRolloutFailedError(error)) return;
    expect(error.code).toBe('E_ROLLOUT_FAILED');
    expect(error.service).toBe('web');
    expect(error.batch).toBe(1);
    const after = await running();
    expect(after).toHaveLength(3);
    expect((await Promise.all(after.map(versionOf))).sort()).toEqual(['v2', 'v2', 'v2']);
    await project('v2').plan(runtime, { expectNoChanges: true });
  });
});
