/**
 * `@selur/compose/otel` on real host processes: the span tree of an `up`, a `down`, a `plan` and
 * a failing `up`, read from the OpenTelemetry SDK's in-memory exporter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Project, processRuntime, type ProcessRuntime } from '@selur/compose';
import { composeTracing } from '@selur/compose/otel';

const stateDirs: string[] = [];
const runtimes: ProcessRuntime[] = [];
function runtime(): ProcessRuntime {
  const stateDir = mkdtempSync(join(tmpdir(), 'otel-proc-'));
  stateDirs.push(stateDir);
  const rt = processRuntime({ stateDir });
  runtimes.push(rt);
  return rt;
}
afterAll(async () => {
  for (const rt of runtimes) await rt.close?.();
  for (const d of stateDirs) rmSync(d, { recursive: true, force: true });
});

const NODE = process.execPath;
const server = [NODE, '-e', "require('http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, '127.0.0.1')"];
const probe = `${JSON.stringify(NODE)} -e "require('net').connect(+process.env.PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"`;

function traced() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracing: composeTracing({ tracerProvider: provider, attributes: { 'deployment.environment': 'test' } }) };
}

/** The spans as an indented tree of names (children sorted by start time, then name). */
function tree(spans: readonly ReadableSpan[]): string {
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = (id: string | undefined) =>
    spans
      .filter((s) => (id === undefined ? !ids.has(parentOf(s) ?? '') : parentOf(s) === id))
      .sort((a, b) => a.name.localeCompare(b.name));
  const lines: string[] = [];
  const walk = (s: ReadableSpan, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${s.name}`);
    for (const c of children(s.spanContext().spanId)) walk(c, depth + 1);
  };
  for (const r of children(undefined)) walk(r, 0);
  return lines.join('\n');
}

const byName = (spans: readonly ReadableSpan[], name: string): ReadableSpan => {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span '${name}' in:\n${tree(spans)}`);
  return span;
};
const micros = (t: readonly [number, number]) => t[0] * 1e6 + t[1] / 1e3;

describe('composeTracing on processRuntime', () => {
  test('up and down: a span per run, per service and per step, with the attributes', async () => {
    const rt = runtime();
    const { exporter, tracing } = traced();
    const project = new Project()
      .service('db', { command: server, ports: ['0:5432'], healthcheck: { test: probe, interval: '1s', start_interval: '50ms', retries: 40 } })
      .service('api', { command: server, ports: ['0:8080'], depends_on: { db: { condition: 'service_healthy' } } });

    const stack = await tracing.up(project, { runtime: rt });
    const up = exporter.getFinishedSpans();
    expect(tree(up)).toBe(
      [
        'compose up',
        '  create network default',
        '  service api',
        '    create api#1',
        '    start api#1',
        '    wait-dependencies api',
        '    wait-healthy api',
        '  service db',
        '    create db#1',
        '    start db#1',
        '    wait-healthy db',
      ].join('\n'),
    );
    const root = byName(up, 'compose up');
    expect(root.attributes).toMatchObject({
      'compose.operation': 'up',
      'compose.project': stack.name,
      'compose.runtime': 'process',
      'compose.outcome': 'ok',
      'compose.changed': true,
      'deployment.environment': 'test',
    });
    expect(root.attributes['compose.plan.create']).toBe(3); // two services and the default network
    expect(root.status.code).toBe(SpanStatusCode.UNSET);
    expect(byName(up, 'service db').attributes).toMatchObject({ 'compose.service': 'db', 'compose.outcome': 'ok' });
    expect(byName(up, 'start api#1').attributes).toMatchObject({ 'compose.service': 'api', 'compose.replica': 1, 'compose.step': 'start', 'compose.outcome': 'ok' });
    expect(byName(up, 'wait-dependencies api').attributes['compose.dependencies']).toEqual(['db']);
    // api waited for db to be healthy: its start comes after db's readiness, and ends its wait.
    expect(micros(byName(up, 'wait-healthy db').endTime)).toBeLessThanOrEqual(micros(byName(up, 'start api#1').startTime));
    expect(byName(up, 'wait-dependencies api').endTime).toEqual(byName(up, 'start api#1').startTime);
    for (const span of up) expect(micros(span.endTime), span.name).toBeGreaterThanOrEqual(micros(span.startTime));
    for (const span of up.filter((s) => s.name !== 'compose up')) {
      expect(micros(span.startTime)).toBeGreaterThanOrEqual(micros(root.startTime));
      expect(micros(span.endTime)).toBeLessThanOrEqual(micros(root.endTime));
    }

    exporter.reset();
    await stack.down();
    const down = exporter.getFinishedSpans();
    expect(tree(down)).toBe(
      ['compose down', '  service api', '    remove api#1', '    stop api#1', '  service db', '    remove db#1', '    stop db#1'].join('\n'),
    );
    expect(byName(down, 'compose down').attributes).toMatchObject({ 'compose.operation': 'down', 'compose.outcome': 'ok', 'compose.removed.containers': 2, 'compose.project': stack.name });
    expect(micros(byName(down, 'stop api#1').endTime)).toBeLessThanOrEqual(micros(byName(down, 'stop db#1').startTime)); // dependants first
    expect(await rt.listContainers(stack.name)).toEqual([]);
  });

  test('plan: one span with the counts; await using traces the down', async () => {
    const rt = runtime();
    const { exporter, tracing } = traced();
    const project = new Project().service('web', { command: server, ports: ['0:8080'] });
    const plan = await tracing.plan(project, rt);
    expect(plan.summary.create).toBe(2); // the service and the default network
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('compose plan');
    expect(span?.attributes).toMatchObject({ 'compose.operation': 'plan', 'compose.plan.create': 2, 'compose.plan.has_changes': true, 'compose.outcome': 'ok' });
    exporter.reset();
    {
      await using stack = await tracing.up(project, { runtime: rt });
      expect(stack.service('web').endpoint(8080).port).toBeGreaterThan(0);
    }
    expect(exporter.getFinishedSpans().map((s) => s.name).filter((n) => n.startsWith('compose '))).toEqual(['compose up', 'compose down']);
  });

  test('a failing up: the failed services and the run are span errors with the diagnostics; the rollback is a span', async () => {
    const rt = runtime();
    const { exporter, tracing } = traced();
    const project = new Project()
      .service('cache', { command: server, ports: ['0:6379'] })
      .service('migrate', { command: [NODE, '-e', "console.log('migrating'); console.error('table users already exists'); process.exit(3)"], depends_on: { cache: { condition: 'service_healthy' } } }) // cache: ready once its port answers
      .service('api', { command: server, ports: ['0:8080'], depends_on: { migrate: { condition: 'service_completed_successfully' } } });
    const error = await tracing.up(project, { runtime: rt }).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_DEPENDENCY_FAILED', service: 'api' });
    const spans = exporter.getFinishedSpans();
    const root = byName(spans, 'compose up');
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
    expect(root.attributes).toMatchObject({ 'compose.outcome': 'error', 'error.type': 'E_DEPENDENCY_FAILED', 'compose.error.service': 'api', 'compose.error.logs_of': 'migrate', 'compose.error.exit_code': 3, 'compose.error.rolled_back': true });
    for (const name of ['service api', 'service migrate']) {
      const span = spans.find((s) => s.name === name && s.parentSpanContext?.spanId === root.spanContext().spanId);
      expect(span?.status.code, name).toBe(SpanStatusCode.ERROR);
      expect(span?.attributes['compose.error.logs'], name).toEqual(['migrating', 'table users already exists']);
      expect(span?.events.map((e) => e.name), name).toContain('exception');
    }
    expect(byName(spans, 'service cache').attributes['compose.outcome']).toBe('ok'); // it was ready before migrate failed
    const rollback = byName(spans, 'rollback');
    expect(rollback.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(rollback.attributes['compose.removed.containers']).toBeGreaterThanOrEqual(1);
    expect(await rt.listContainers(project.name, { all: true })).toEqual([]);
  });
});

describe('@selur/compose/otel stays opt-in', () => {
  test('no file of the core but the otel entry imports @opentelemetry/api or the entry', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const src = new URL('../../src/', import.meta.url);
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(50);
    const importers = files.filter((f) => f !== 'otel.ts' && /from '(@opentelemetry\/[^']+|\.{1,2}\/(\.\.\/)*otel\.js)'|import\('@opentelemetry/.test(readFileSync(new URL(f, src), 'utf8')));
    expect(importers).toEqual([]);
  });
});
