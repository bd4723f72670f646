/**
 * Issue 14, readiness round trips: while a service is checked, its liveness inspection (whether
 * it still runs) goes out beside each probe or attempt, not before it. Through Docker an
 * inspection is a request of its own, and a healthcheck probe three more and a process: asked one
 * after the other, every probe on a service's way to ready waited for the inspection first.
 *
 * The runtime below answers each inspection only after a few turns of the event loop, and records
 * how many were unanswered when each probe (or exec) was asked for. No wall-clock assertion.
 */
import { describe, expect, test } from 'vitest';
import { Project, Wait, isServiceExitedError, type ContainerInfo, type ExecResult, type ProbeResult } from '@selur/compose';
import { MemoryRuntime, type ServiceBehaviour } from '../support/memory-runtime.js';
import { FAST, rejection } from './helpers.js';

/** A memory runtime whose inspections take a few event-loop turns, counting those in flight at each probe and exec. */
class SlowInspections extends MemoryRuntime {
  inFlight = 0;
  inspections = 0;
  /** Inspections in flight when each probe / exec was asked for. */
  readonly seenAtProbe: number[] = [];

  constructor(behaviours: Record<string, ServiceBehaviour>) {
    super({ behaviours });
  }

  override async inspectContainer(id: string): Promise<ContainerInfo> {
    this.inFlight++;
    this.inspections++;
    try {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      return await super.inspectContainer(id);
    } finally {
      this.inFlight--;
    }
  }

  override probeHealth(id: string): Promise<ProbeResult> {
    this.seenAtProbe.push(this.inFlight);
    return super.probeHealth(id);
  }

  override exec(id: string, command: readonly string[]): Promise<ExecResult> {
    this.seenAtProbe.push(this.inFlight);
    return super.exec(id, command);
  }
}

const name = (prefix: string) => `${prefix}-${Math.random().toString(16).slice(2, 8)}`;

describe('the liveness inspection while a service is checked', () => {
  test('a healthcheck probe does not wait for the inspection: they are in flight together', async () => {
    const runtime = new SlowInspections({ web: { healthyAfterProbes: 2 } });
    const project = new Project(name('alongside')).service('web', { command: ['web'], healthcheck: { test: ['CMD', 'ready'], interval: '1s', retries: 3 } });
    const stack = await project.up({ ...FAST, runtime });
    // the first probe goes out with the first inspection still unanswered (before: after it)
    expect(runtime.seenAtProbe.length).toBeGreaterThanOrEqual(3);
    expect(runtime.seenAtProbe[0]).toBe(1);
    expect(runtime.inspections).toBeGreaterThan(0);
    await stack.down();
  });

  test('a command wait (an exec each attempt) does not wait for the inspection either', async () => {
    let attempts = 0;
    const runtime = new SlowInspections({ web: { exec: () => ({ exitCode: ++attempts >= 2 ? 0 : 1, stdout: '', stderr: '' }) } });
    const project = new Project(name('alongside-cmd')).service('web', { command: ['web'], waitFor: Wait.forCommand(['ready']) });
    const stack = await project.up({ ...FAST, runtime });
    expect(runtime.seenAtProbe[0]).toBe(1);
    expect(attempts).toBe(2);
    await stack.down();
  });

  test('a container that stopped still fails the check as exited, whatever the probe beside the inspection said', async () => {
    const runtime = new SlowInspections({ web: { exitCode: 3, neverHealthy: true } });
    const project = new Project(name('alongside-exit')).service('web', { command: ['web'], healthcheck: { test: ['CMD', 'ready'], interval: '1s', retries: 3 } });
    const error = await rejection(project.up({ ...FAST, runtime, timeout: 10_000 }));
    expect(isServiceExitedError(error)).toBe(true);
    expect(error).toMatchObject({ service: 'web', exitCode: 3 });
  });
});
