/**
 * OpenTelemetry traces of a deployment: `composeTracing()` from `@selur/compose/otel` runs `up`
 * and `down` of the quickstart inside a span each, with a span per service and per step under
 * them. Here the spans go to the SDK's in-memory exporter and are printed as a tree; in a real
 * program, set up the SDK and exporter you use (OTLP to a collector, Jaeger, …) once, and the
 * same call sends them there.
 *
 * Run: `node --import tsx examples/otel/trace.ts [compose file]` (default: the quickstart).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadProject, processRuntime } from '@selur/compose';
import { composeTracing } from '@selur/compose/otel';

/** The spans as an indented tree: name, outcome, and the service's error code when it failed. */
export function render(spans: readonly ReadableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const childrenOf = (id: string | undefined) =>
    spans.filter((s) => (id === undefined ? !ids.has(s.parentSpanContext?.spanId ?? '') : s.parentSpanContext?.spanId === id));
  const lines: string[] = [];
  const walk = (span: ReadableSpan, depth: number) => {
    const outcome = String(span.attributes['compose.outcome'] ?? '');
    const error = span.status.code === SpanStatusCode.ERROR ? ` ${String(span.attributes['error.type'])}` : '';
    lines.push(`${'  '.repeat(depth)}${span.name} (${outcome}${error})`);
    for (const child of childrenOf(span.spanContext().spanId)) walk(child, depth + 1);
  };
  for (const root of childrenOf(undefined)) walk(root, 0);
  return lines.join('\n');
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracing = composeTracing({ tracerProvider: provider, attributes: { 'deployment.environment': 'example' } });

const file = process.argv[2] ?? fileURLToPath(new URL('../quickstart/compose.toml', import.meta.url));
const stateDir = await mkdtemp(join(tmpdir(), 'selur-otel-'));
const runtime = processRuntime({ stateDir });
try {
  const project = await loadProject(file);
  await using stack = await tracing.up(project, { runtime }); // 'compose up'
  console.log(`up: ${stack.services().map((s) => s.name).join(', ')}`);
  // leaving the block runs stack.down(): 'compose down'
} finally {
  await runtime.close?.();
  await rm(stateDir, { recursive: true, force: true });
}
console.log(render(exporter.getFinishedSpans()));
await provider.shutdown(); // flushes to the exporter (the in-memory one forgets its spans then)
