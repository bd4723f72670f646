/**
 * Issue 3, events and secrets on processRuntime: sequence numbers strictly increasing, the
 * documented event types in order for a simple stack, the async iterables, and a secret (with a
 * unique marker) never appearing in events, errors, plans or rendered config while the service
 * reads it from `<NAME>_FILE`.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, isServiceFailureError, loadProject, planToString, type ComposeEvent } from '@selur/compose';
import { FAST, NODE, cleanup, recorder, rejection, runtime, stateDir, track, uniqueName } from './support.js';

afterEach(cleanup);

function expectIncreasing(events: readonly ComposeEvent[]): void {
  for (let i = 1; i < events.length; i += 1) expect((events[i] as ComposeEvent).seq).toBeGreaterThan((events[i - 1] as ComposeEvent).seq);
}

describe('events (issue 3)', () => {
  test('a one-service stack: the documented types in order, seq strictly increasing, same stream from project.events()', async () => {
    const rt = runtime();
    const project = new Project(uniqueName('events')).service('a', (s) => s.command([NODE, '-e', "console.log('up'); setInterval(() => {}, 1000)"]).waitFor(Wait.forLog('up')));
    const rec = recorder();
    const controller = new AbortController();
    const streamed: ComposeEvent[] = [];
    const iterating = (async () => {
      for await (const e of project.events({ signal: controller.signal })) {
        streamed.push(e);
        if (e.type === 'down.done') break;
      }
    })();
    const stack = await project.up({ ...FAST, runtime: rt, onEvent: rec.onEvent });
    const stackEvents: ComposeEvent[] = [];
    const fromStack = (async () => {
      for await (const e of stack.events()) stackEvents.push(e);
    })();
    await stack.down();
    await Promise.race([iterating, new Promise((r) => setTimeout(r, 5_000))]);
    controller.abort();
    await fromStack;

    expect(rec.types()).toEqual([
      'plan',
      'network.creating',
      'network.created',
      'service.creating:a',
      'service.created:a',
      'service.starting:a',
      'service.started:a',
      'service.healthy:a',
      'up.done',
      // The up's onEvent keeps following its stack.
      'service.stopping:a',
      'service.stopped:a',
      'service.removed:a',
      'network.removed',
      'down.done',
    ]);
    expectIncreasing(rec.events);
    expect(rec.events.every((e) => e.project === project.name && e.time instanceof Date)).toBe(true);
    expect(streamed.map((e) => e.seq)).toEqual(rec.events.map((e) => e.seq));
    expectIncreasing(streamed);
    expect(stackEvents.map((e) => e.type)).toEqual(['service.stopping', 'service.stopped', 'service.removed', 'network.removed', 'down.done']);
  });
});

describe('secrets (issue 3)', () => {
  test('a secret file is readable by the service but never appears in events, errors, plans or rendered config', async () => {
    const dir = stateDir();
    const marker = `s3cr3t-${randomUUID()}`;
    writeFileSync(join(dir, 'token.txt'), marker);
    writeFileSync(
      join(dir, 'compose.toml'),
      `version = "1.0"
[secrets.token]
file = "./token.txt"
[services.leaky]
image = "local/leaky"
command = ["${NODE}", "-e", "const fs = require('fs'); const s = fs.readFileSync(process.env.TOKEN_FILE, 'utf8'); console.log('token is ' + s); console.error(s); fs.writeFileSync('${join(dir, 'printed')}', ''); setInterval(() => {}, 1000)"]
secrets = ["token"]
# The probe fails only once the service has printed, so the failure always carries its output (however slow the machine).
healthcheck = { test = "while [ ! -f '${join(dir, 'printed')}' ]; do sleep 0.02; done; cat \\"$TOKEN_FILE\\"; exit 1", interval = "100ms", timeout = "20s", start_interval = "20ms", start_period = "200ms", retries = 1 }
[services.blocked]
image = "local/blocked"
command = ["${NODE}", "-e", "setInterval(() => {}, 1000)"]
depends_on = { leaky = { condition = "service_healthy" } }
`,
    );
    const project = await loadProject(join(dir, 'compose.toml'), { projectName: track(`acc-secret-${process.pid}`) });
    const rt = runtime();
    const rec = recorder();
    const plan = await project.plan(rt);
    const error = await rejection(project.up({ ...FAST, runtime: rt, logEvents: true, onEvent: rec.onEvent }));
    expect(isServiceFailureError(error)).toBe(true);
    if (!isServiceFailureError(error)) return;
    // The service did read the secret (its output is there, redacted).
    expect(error.logs.some((l) => l.startsWith('token is '))).toBe(true);
    expect(rec.events.some((e) => e.type === 'log' && e.text.startsWith('token is '))).toBe(true);

    const serialized = [
      JSON.stringify(rec.events, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v)),
      JSON.stringify(plan),
      planToString(plan),
      error.message,
      String(error.stack),
      JSON.stringify(error.logs),
      String(error.healthOutput),
      JSON.stringify({ ...error }),
      JSON.stringify(project.toJSON()),
      project.toToml(),
    ].join('\n');
    expect(serialized).not.toContain(marker);

    // And through the Stack: exec output stays the service's own business, logs are redacted.
    const ok = new Project(uniqueName('secret-ok')).secret('token', { file: join(dir, 'token.txt') }).service('reader', { command: [NODE, '-e', "console.log(require('fs').readFileSync(process.env.TOKEN_FILE, 'utf8')); setInterval(() => {}, 1000)"], secrets: ['token'] });
    const stack = await ok.up({ ...FAST, runtime: rt });
    const lines: string[] = [];
    for await (const l of stack.logs('reader', { follow: false })) lines.push(l.text);
    expect(lines.join('\n')).not.toContain(marker);
    await stack.down();
  });
});
