/**
 * The CLI honours the standard OpenTelemetry variables: with OTEL_EXPORTER_OTLP_ENDPOINT set, `plan`,
 * `up` and `down` send their spans over OTLP/HTTP — here to a collector fake on 127.0.0.1 that
 * records what it receives. Without the variable, nothing is sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK, stackSession } from './support/stack.js';

interface OtlpSpan { readonly name: string; readonly attributes?: readonly { readonly key: string; readonly value: { readonly stringValue?: string } }[] }
interface OtlpBody { readonly resourceSpans: readonly { readonly resource?: { readonly attributes?: OtlpSpan['attributes'] }; readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[] }[] }

const received: { path: string; body: OtlpBody }[] = [];
let server: Server;
let endpoint = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const spans = () => received.flatMap((r) => r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
const attribute = (span: OtlpSpan | undefined, key: string) => span?.attributes?.find((a) => a.key === key)?.value.stringValue;

const s = stackSession();

describe('selur-compose with OTEL_EXPORTER_OTLP_ENDPOINT', { timeout: 120_000 }, () => {
  it('sends the spans of plan, up and down over OTLP/HTTP; none without the variable', async () => {
    s.open(STACK);
    const quiet = await s.cli(['plan']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(received).toEqual([]);

    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'deploy-job' };
    const plan = await s.cli(['plan'], otel);
    expect(plan.code, plan.stderr).toBe(0);
    const up = await s.cli(['up', '-d', '--wait'], otel);
    expect(up.code, up.stderr).toBe(0);
    const down = await s.cli(['down'], otel);
    expect(down.code, down.stderr).toBe(0);

    expect(new Set(received.map((r) => r.path))).toEqual(new Set(['/v1/traces']));
    const names = spans().map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['compose plan', 'compose up', 'service db', 'service web', 'start web#1', 'compose down', 'stop web#1']));
    expect(attribute(spans().find((span) => span.name === 'compose up'), 'compose.outcome')).toBe('ok');
    expect(attribute(spans().find((span) => span.name === 'compose up'), 'compose.runtime')).toBe('process');
    const service = received[0]?.body.resourceSpans[0]?.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
    expect(service).toBe('deploy-job');
  });
});
