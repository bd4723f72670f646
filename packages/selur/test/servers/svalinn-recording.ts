/**
 * The recording of the real Svalinn gateway (`test/vectors/svalinn/recorded/exchanges.json`, read
 * only, never modified) and a replay server that answers exactly what the real server answered, in
 * order, and records whether the client sent exactly what the recorded client sent.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One HTTP request and the real server's raw answer. */
export interface RecordedHttp {
  readonly method: string;
  readonly path: string;
  readonly reqBody?: string;
  readonly status: number;
  readonly resBody: string;
}

/** One entry of the recording. */
export interface RecordedExchange {
  readonly label: string;
  readonly ok?: boolean;
  readonly value?: unknown;
  readonly error?: Readonly<Record<string, unknown>>;
  readonly http?: readonly RecordedHttp[];
  readonly raw?: boolean;
  readonly request?: { readonly method: string; readonly path: string; readonly body?: string };
  readonly status?: number;
  readonly contentType?: string | null;
  readonly body?: string;
}

/** The recording, as vendored. */
export const RECORDING_URL = new URL('../vectors/svalinn/recorded/exchanges.json', import.meta.url);

/** Reads the recording. */
export function readRecording(): readonly RecordedExchange[] {
  return JSON.parse(readFileSync(RECORDING_URL, 'utf8')) as RecordedExchange[];
}

/** The set-up letter of a label (`B`, `C`, …, `RT`, or `meta`). */
export function setUpOf(label: string): string {
  const match = /^(RT|[A-E])[ :]/.exec(label);
  return match?.[1] ?? 'meta';
}

/** What the replay server saw of one request. */
export interface ReplayedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Why it did not match the recorded request, if it did not. */
  readonly mismatch?: string;
}

/** A server that answers the queued recorded exchanges in order (status, body; a JSON content type unless the body is not JSON). */
export interface ReplayServer extends AsyncDisposable {
  readonly url: string;
  readonly seen: ReplayedRequest[];
  /** Queue the answers of one exchange; returns nothing. */
  expect(http: readonly RecordedHttp[]): void;
  /** How many queued answers were not asked for. */
  left(): number;
  close(): Promise<void>;
}

function sameJson(a: string | undefined, b: string): boolean {
  if (a === undefined) return b === '';
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}

/** Starts a replay server on 127.0.0.1. */
export async function startReplay(): Promise<ReplayServer> {
  const queue: RecordedHttp[] = [];
  const seen: ReplayedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const next = queue.shift();
      let mismatch: string | undefined;
      if (!next) mismatch = 'no recorded answer left';
      else if (next.method !== req.method || next.path !== path) mismatch = `expected ${next.method} ${next.path}, got ${req.method} ${path}`;
      else if (!sameJson(next.reqBody, body)) mismatch = `body differs: expected ${next.reqBody ?? '(none)'}, got ${body || '(none)'}`;
      seen.push({ method: req.method ?? '', path, body, headers: req.headers, ...(mismatch ? { mismatch } : {}) });
      if (!next || mismatch) {
        res.writeHead(599, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `replay mismatch: ${mismatch}` }));
        return;
      }
      let isJson = true;
      try {
        JSON.parse(next.resBody);
      } catch {
        isJson = false;
      }
      res.writeHead(next.status, isJson ? { 'content-type': 'application/json' } : {});
      res.end(next.resBody);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return closed;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    expect: (http) => { queue.length = 0; queue.push(...http); },
    left: () => queue.length,
    close,
    [Symbol.asyncDispose]: close,
  };
}
