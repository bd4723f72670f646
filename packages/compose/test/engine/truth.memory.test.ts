/**
 * Issue 14, on the in-memory runtime (the engine alone, as Docker sees it through the Runtime
 * port): exits before `up()` resolves fail it; a port conflict's port comes from the request,
 * never from log text; an error's log lines name the service that wrote them.
 */
import { describe, expect, test } from 'vitest';
import { Project, Wait, isDependencyFailedError, isPortConflictError, isServiceExitedError, type ComposeEvent } from '../../src/index.js';
import { FAST, memory, rejection } from './helpers.js';

describe('truthful failures (issue 14)', () => {
  test('a service that exits 3 right after it starts fails up() generically (stableFor), with its exit code', async () => {
    const runtime = memory({ crash: { exitCode: 3, exitAfterMs: 0, logs: ['bye'] } });
    const error = await rejection(new Project('p').service('crash', { command: ['c'] }).up({ ...FAST, runtime, stableFor: 60_000 }));
    expect(isServiceExitedError(error)).toBe(true);
    if (isServiceExitedError(error)) {
      expect(error.exitCode).toBe(3);
      expect(error.logs).toEqual(['bye']);
    }
  });

  test("the port of a conflict is the requested one, not the ':28' of a log timestamp", async () => {
    const runtime = memory({ web: { exitCode: 1, exitAfterMs: 0, logs: ['[2026-12-06 12:00:28] bind(): Address already in use'] } });
    const error = await rejection(new Project('p').service('web', { command: ['w'], ports: ['8080:80'] }).up({ ...FAST, runtime, stableFor: 60_000 }));
    expect(isPortConflictError(error)).toBe(true);
    if (isPortConflictError(error)) expect(error.port).toBe(8080);
  });

  test('with several fixed ports and none named, the conflict does not guess a port', async () => {
    const runtime = memory({ web: { exitCode: 1, exitAfterMs: 0, logs: ['12:00:28 Address already in use'] } });
    const error = await rejection(new Project('p').service('web', { command: ['w'], ports: ['8080:80', '8443:443'] }).up({ ...FAST, runtime, stableFor: 60_000 }));
    expect(isPortConflictError(error)).toBe(true);
    if (isPortConflictError(error)) expect(error.port).toBeUndefined();
  });

  test('a free port taken before the service bound it (published 0) is named: the port its runtime picked, not "(unknown)"', async () => {
    const line = 'Error: listen EADDRINUSE: address already in use 127.0.0.1:41234';
    const runtime = memory({ web: { exitCode: 1, exitAfterMs: 0, logs: [line], publish: () => 41234 } });
    const error = await rejection(new Project('p').service('web', { command: ['w'], ports: ['80'] }).up({ ...FAST, runtime, stableFor: 60_000 }));
    expect(isPortConflictError(error)).toBe(true);
    if (!isPortConflictError(error)) return;
    expect(error.port).toBe(41234);
    expect(error.message).toContain('web: host port 41234 is already in use');
    expect(error.message).not.toContain('(unknown)');
  });

  test('a picked free port is named even when the log line does not say which (a timestamp is no port)', async () => {
    const runtime = memory({ web: { exitCode: 1, exitAfterMs: 0, logs: ['[2026-12-06 12:00:28] bind(): Address already in use'], publish: () => 41235 } });
    const error = await rejection(new Project('p').service('web', { command: ['w'], ports: ['0:80'] }).up({ ...FAST, runtime, stableFor: 60_000 }));
    expect(isPortConflictError(error)).toBe(true);
    if (isPortConflictError(error)) expect([error.port, error.message.includes('host port 41235 is already in use')]).toEqual([41235, true]);
  });

  test('a start the runtime refuses because its picked free port was taken names that port', async () => {
    const runtime = memory({ web: { failStart: new Error('cannot bind: port is already allocated'), publish: () => 41250 } });
    const error = await rejection(new Project('p').service('web', { command: ['w'], ports: ['80'] }).up({ ...FAST, runtime }));
    expect(isPortConflictError(error)).toBe(true);
    if (isPortConflictError(error)) expect([error.port, error.message.includes('host port 41250 is already in use')]).toEqual([41250, true]);
  });

  test('several ports and none named: no port is guessed, and the message says so without "(unknown)"', async () => {
    let next = 41240;
    const runtime = memory({ web: { exitCode: 1, exitAfterMs: 0, logs: ['12:00:28 Address already in use'], publish: () => ++next } });
    const error = await rejection(new Project('p').service('web', { command: ['w'], ports: ['80', '443'] }).up({ ...FAST, runtime, stableFor: 60_000 }));
    expect(isPortConflictError(error)).toBe(true);
    if (!isPortConflictError(error)) return;
    expect(error.port).toBeUndefined();
    expect(error.message).toContain('web: a host port it publishes is already in use');
  });

  test("a failed pg-init's lines are labelled as pg-init's, not db's", async () => {
    const runtime = memory({ 'pg-init': { exitCode: 1, exitAfterMs: 0, logs: ['init failed: role missing'] } });
    const project = new Project('p').service('pg-init', { command: ['i'] }).service('db', { command: ['d'], depends_on: { 'pg-init': { condition: 'service_completed_successfully' } } });
    const error = await rejection(project.up({ ...FAST, runtime }));
    expect(isDependencyFailedError(error)).toBe(true);
    if (!isDependencyFailedError(error)) return;
    expect(error.service).toBe('db');
    expect(error.logsOf).toBe('pg-init');
    expect(error.logs).toEqual(['init failed: role missing']);
    expect(error.message).toContain('last log lines of pg-init:');
  });

  test('a one-shot job that finished is reported completed (service.healthy with completed: true), a long-running service is not', async () => {
    const runtime = memory({ init: { exitCode: 0, exitAfterMs: 0 }, seed: { exitCode: 0, exitAfterMs: 0 } });
    const events: ComposeEvent[] = [];
    const project = new Project('p')
      .service('init', { command: ['i'] })
      .service('seed', (s) => s.command(['s']).waitFor(Wait.forExitZero()))
      .service('app', { command: ['a'], depends_on: { init: { condition: 'service_completed_successfully' } } });
    const stack = await project.up({ ...FAST, runtime, onEvent: (e) => events.push(e) });
    const healthy = Object.fromEntries(events.flatMap((e) => (e.type === 'service.healthy' ? [[e.service, e.completed ?? false]] : [])));
    expect(healthy).toEqual({ init: true, seed: true, app: false });
    expect((await stack.ps()).map((c) => [c.service, c.status]).sort(([a], [b]) => String(a).localeCompare(String(b)))).toEqual([
      ['app', 'running'],
      ['init', 'completed (0)'],
      ['seed', 'completed (0)'],
    ]);
    await stack.down();
  });
});
