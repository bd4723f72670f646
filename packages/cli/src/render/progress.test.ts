import type { ComposeEvent } from '@selur/compose';
import { describe, expect, it } from 'vitest';
import { colors } from './color.js';
import { EMPTY_PROGRESS, formatElapsed, reduceProgress, renderEventJson, renderEventLine, renderProgressFrame } from './progress.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let seq = 0;
const at = (ms: number, event: Record<string, unknown>) => ({ seq: ++seq, time: new Date(T0 + ms), project: 'shop', ...event }) as unknown as ComposeEvent;
const plain = colors(false);

const run: ComposeEvent[] = [
  at(0, { type: 'network.creating', name: 'default', runtimeName: 'shop_default' }),
  at(5, { type: 'network.created', name: 'default', runtimeName: 'shop_default' }),
  at(10, { type: 'service.creating', service: 'db', replica: 1 }),
  at(12, { type: 'service.waiting', service: 'api', dependencies: ['db', 'cache'] }),
  at(20, { type: 'service.created', service: 'db', replica: 1, containerId: 'c1' }),
  at(30, { type: 'service.starting', service: 'db', replica: 1, containerId: 'c1' }),
  at(40, { type: 'service.started', service: 'db', replica: 1, containerId: 'c1' }),
  at(1240, { type: 'service.healthy', service: 'db' }),
  at(1250, { type: 'service.creating', service: 'api', replica: 1 }),
  at(1300, { type: 'log', service: 'db', replica: 1, stream: 'stdout', text: 'ready' }),
  at(1400, { type: 'service.failed', service: 'api', error: Object.assign(new Error('api: exited with code 3\nlast log lines: …'), { code: 'E_SERVICE_EXITED', service: 'api' }) }),
  at(1410, { type: 'service.skipped', service: 'web', reason: "dependency 'api' failed" }),
];

describe('reduceProgress + renderProgressFrame', () => {
  it('keeps one line per service and resource, in first-seen order, with elapsed times', () => {
    const state = run.slice(0, 8).reduce(reduceProgress, EMPTY_PROGRESS);
    expect(renderProgressFrame(state, T0 + 2000, plain)).toEqual([
      ' ✔ network default  created                                                                     0.0s',
      ' ✔ db               healthy                                                                     1.2s',
      ' … api              waiting on db, cache                                                        2.0s',
    ]);
  });

  it('shows failures with their first line and stops the clock of settled lines', () => {
    const state = run.reduce(reduceProgress, EMPTY_PROGRESS);
    const frame = renderProgressFrame(state, T0 + 9000, plain, 80);
    expect(frame).toEqual([
      ' ✔ network default  created                                                 0.0s',
      ' ✔ db               healthy                                                 1.2s',
      ' ✘ api              failed api: exited with code 3                          1.4s',
      ' - web              skipped dependency \'api\' failed                         0.0s',
    ]);
  });

  it('ignores log and plan events (same state object)', () => {
    const state = run.slice(0, 3).reduce(reduceProgress, EMPTY_PROGRESS);
    expect(reduceProgress(state, run[9]!)).toBe(state);
  });

  it('adds the closing summary of up.done', () => {
    const state = reduceProgress(EMPTY_PROGRESS, at(2000, { type: 'up.done', services: ['db', 'api'], changed: true, durationMs: 2000 }));
    expect(renderProgressFrame(state, T0, plain)).toEqual(['up: 2 services ready in 2.0s']);
  });

  it('summarises a rolling update as it goes', () => {
    const steps = [
      at(0, { type: 'rollout.started', service: 'web', replicas: 3, batches: 3, parallelism: 1, order: 'start-first', failureAction: 'rollback' }),
      at(10, { type: 'rollout.batch', service: 'web', batch: 1, batches: 3, replaced: 1, total: 3, failed: 0 }),
      at(20, { type: 'rollout.failed', service: 'web', batch: 2, replica: 2, reason: 'healthcheck did not pass within 1000 ms', failureAction: 'rollback' }),
      at(30, { type: 'rollout.rolledBack', service: 'web', restored: 2 }),
    ];
    const summaries: string[] = [];
    steps.reduce((state, e) => {
      const next = reduceProgress(state, e);
      summaries.push(...renderProgressFrame(next, T0, plain));
      return next;
    }, EMPTY_PROGRESS);
    expect(summaries).toEqual([
      'web: rolling update of 3 replicas, 1 at a time, start-first',
      'web: rolling update 1/3',
      'web: rolling update failed at batch 2 (replica 2): healthcheck did not pass within 1000 ms; rollback',
      'web: rolled back, 2 old replicas running again',
    ]);
  });

  it('cuts long details to the width', () => {
    const state = reduceProgress(EMPTY_PROGRESS, at(0, { type: 'service.skipped', service: 'web', reason: 'x'.repeat(200) }));
    const [line] = renderProgressFrame(state, T0, plain, 60);
    expect(line!.length).toBeLessThanOrEqual(60);
    expect(line).toContain('…');
  });
});

describe('renderEventLine', () => {
  it('prints one line per event, nothing for logs', () => {
    const lines = run.map((e) => renderEventLine(e, plain));
    expect(lines).toEqual([
      'network default  creating',
      'network default  created',
      'db  creating',
      'api  waiting on db, cache',
      'db  created',
      'db  starting',
      'db  started',
      'db  healthy',
      'api  creating',
      undefined,
      'api  failed api: exited with code 3',
      "web  skipped dependency 'api' failed",
    ]);
  });

  it('names replicas after the first and summarises plans and teardown', () => {
    expect(renderEventLine(at(0, { type: 'service.started', service: 'worker', replica: 3, containerId: 'x' }), plain)).toBe('worker#3  started');
    expect(renderEventLine(at(0, { type: 'plan', plan: { project: 'shop', summary: { create: 2, recreate: 0, scale: 0, start: 0, remove: 1, unchanged: 4 } } }), plain)).toBe(
      'plan shop: 2 create, 1 remove, 4 unchanged',
    );
    expect(renderEventLine(at(0, { type: 'down.done', removedContainers: 3, removedNetworks: 1, removedVolumes: 0 }), plain)).toBe(
      'down: removed 3 containers, 1 network, 0 volumes',
    );
    expect(renderEventLine(at(0, { type: 'rollback.started', reason: 'api failed\nmore' }), plain)).toBe('rolling back: api failed');
    expect(renderEventLine(at(0, { type: 'up.done', services: ['a'], changed: false, durationMs: 3 }), plain)).toBe('up: everything is up to date');
    // after up, a service that ended says how (it printed the bare event type before)
    expect(renderEventLine(at(0, { type: 'service.exited', service: 'tests', replica: 1, containerId: 'x', exitCode: 3, restartCount: 0 }), plain)).toBe('tests  exited with code 3');
    expect(renderEventLine(at(0, { type: 'service.exited', service: 'api', replica: 2, containerId: 'x', exitCode: undefined, restartCount: 2 }), plain)).toBe('api#2  exited with code ? (restarted 2 times)');
    // Issue 14: a down that waits for another process's up says who it waits for.
    expect(renderEventLine(at(12_000, { type: 'project.waiting', holderPid: 4242, operation: 'up', heldSince: new Date(T0).toISOString() }), plain)).toMatch(/^waiting for `up` of pid 4242, started 12(\.0)?\s?s ago \(Ctrl-C stops waiting; kill -INT 4242 cancels that up\)$/);
    // A one-shot job that finished is done, not healthy.
    expect(renderEventLine(at(0, { type: 'service.healthy', service: 'init', completed: true }), plain)).toBe('init  completed (0)');
    expect(renderEventLine(at(0, { type: 'service.healthy', service: 'db' }), plain)).toBe('db  healthy');
    // Another down is left to finish: no offer to interrupt it.
    expect(renderEventLine(at(3_000, { type: 'project.waiting', holderPid: 77, operation: 'down', heldSince: new Date(T0).toISOString() }), plain)).toMatch(/^waiting for `down` of pid 77, started 3(\.0)?\s?s ago \(Ctrl-C stops waiting\)$/);
  });
});

describe('renderEventJson', () => {
  it('renders times as ISO strings and errors as name, code, message', () => {
    const parsed = JSON.parse(renderEventJson(run[10]!)) as Record<string, unknown>;
    expect(parsed).toMatchObject({ type: 'service.failed', service: 'api', project: 'shop', time: '2026-01-01T12:00:01.400Z' });
    expect(parsed['error']).toEqual({ name: 'Error', code: 'E_SERVICE_EXITED', message: 'api: exited with code 3\nlast log lines: …', service: 'api' });
  });
});

describe('formatElapsed', () => {
  it('uses tenths of seconds, then minutes', () => {
    expect([0, 49, 1250, 59_949, 125_000, -5].map(formatElapsed)).toEqual(['0.0s', '0.0s', '1.3s', '59.9s', '2m05s', '0.0s']);
  });
});
