/**
 * The fake Svalinn cannot drift from the real one: every request of set-ups A–E in the recording
 * (`test/vectors/svalinn/recorded/exchanges.json`, client calls and raw requests alike) is sent, in
 * recorded order, to the fake set up the same way, and its answer must be the recorded one: same
 * status, same kind of body, and the same body once container ids, timestamps and loopback ports
 * (which differ from run to run) are normalised. Bodies the recording cut at 900 characters are
 * compared as prefixes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { defectiveBackend, memoryBackend, startFakeSvalinn, type FakeSvalinn, type GateDecision, type SvalinnBackend } from '../servers/svalinn-server.js';
import { readRecording, setUpOf, type RecordedExchange } from '../servers/svalinn-recording.js';

const recording = readRecording();
const CONSTANT_HEX = new Set(['ab'.repeat(32), '0123456789abcdef'.repeat(4), 'abcdef0123456789'.repeat(4)]);

/** Ids, timestamps and loopback URLs differ between runs; nothing else may. */
function normalise(text: string): string {
  return text
    .replace(/[0-9a-f]{64}/g, (hex) => (CONSTANT_HEX.has(hex) ? hex : '<id>'))
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>')
    .replace(/http:\/\/(127\.0\.0\.1|rokur\.invalid):\d+/g, '<url>')
    .replace(/ \(line \d+ column \d+\)/g, '')
    // A container's config as Vörðr stores it (its defaults added) is not the gateway's contract.
    .replace(/"config":"(?:[^"\\]|\\.)*"/g, '"config":"<config>"');
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** One request to send and the answer the real server gave. */
interface Step {
  readonly method: string;
  readonly path: string;
  readonly body: string | undefined;
  readonly status: number;
  readonly answer: string;
  readonly contentType?: string | null | undefined;
}

function steps(exchange: RecordedExchange): Step[] {
  if (exchange.raw && exchange.request) {
    return [{ method: exchange.request.method, path: exchange.request.path, body: exchange.request.body, status: exchange.status ?? 0, answer: exchange.body ?? '', contentType: exchange.contentType }];
  }
  return (exchange.http ?? []).map((h) => ({ method: h.method, path: h.path, body: h.reqBody, status: h.status, answer: h.resBody }));
}

/** B–E ran in front of one Vörðr stand-in (its containers and pids carry over); A in front of another. */
const sharedShim = memoryBackend();

/** The fake of one set-up, its backend switchable per exchange (the defects of B's shim faults). */
class SetUp {
  static readonly ids = new Map<string, string>();
  get ids(): Map<string, string> {
    return SetUp.ids;
  }
  backend: SvalinnBackend;
  gate: GateDecision = 'allow';
  readonly base: SvalinnBackend;
  server?: FakeSvalinn;

  constructor(readonly name: string) {
    this.base = name === 'A' ? memoryBackend() : sharedShim;
    this.backend = name === 'A' ? defectiveBackend(this.base, 'U1') : this.base;
  }

  async start(): Promise<FakeSvalinn> {
    const self = this;
    const proxy = new Proxy({} as SvalinnBackend, { get: (_t, key) => (self.backend as unknown as Record<string | symbol, unknown>)[key] });
    this.server ??= await startFakeSvalinn({
      backend: proxy,
      gate: () => this.gate,
      ...(this.name === 'D' ? { auth: { apiKeys: ['right-key'] } } : {}),
      ...(this.name === 'E' ? { rateLimit: 2 } : {}),
    });
    return this.server;
  }

  /** What differs between exchanges of one set-up: B's shim faults, C's Rokur answers. */
  configure(label: string): void {
    if (this.name === 'B') this.backend = label.includes('without id') ? defectiveBackend(this.base, 'U3') : label.includes('error:null') ? defectiveBackend(this.base, 'U2') : this.base;
    if (this.name === 'C') {
      this.gate = label === 'C run, Rokur 409' || label === 'C start, Rokur 409'
        ? { deny: { allowed: false, reason: 'secret policy: image not allowed', policy: 'strict' } }
        : label === 'C run, Rokur 200 allowed:false'
          ? { deny: { allowed: false, reason: 'missing secret grant' } }
          : label === 'C run, Rokur 500' ? { unavailable: { error: 'rokur backend broken' } } : 'allow';
    }
  }

  headers(label: string): Record<string, string> {
    if (label.startsWith('D right key')) return { 'x-api-key': 'right-key' };
    if (label.startsWith('D wrong key')) return { 'x-api-key': 'wrong-key' };
    if (label.startsWith('D bad bearer')) return { authorization: 'Bearer not-a-jwt' };
    return {};
  }

  /** Recorded ids → the fake's, so later requests name the fake's containers. */
  map(text: string): string {
    return text.replace(/[0-9a-f]{64}/g, (hex) => this.ids.get(hex) ?? hex);
  }

  learn(recorded: string, answered: string): void {
    const a = recorded.match(/[0-9a-f]{64}/g) ?? [];
    const b = answered.match(/[0-9a-f]{64}/g) ?? [];
    a.forEach((hex, i) => { if (!CONSTANT_HEX.has(hex) && b[i] !== undefined) this.ids.set(hex, b[i]); });
  }
}

const setUps = new Map<string, SetUp>();
afterAll(async () => {
  await Promise.all([...setUps.values()].map((s) => s.server?.close()));
});

const exchanges = recording.filter((e) => ['A', 'B', 'C', 'D', 'E'].includes(setUpOf(e.label)) && steps(e).length > 0);

describe('the fake Svalinn answers as the recorded real one (A–E)', () => {
  it('covers every recorded request of A–E', () => {
    expect(exchanges.length).toBeGreaterThanOrEqual(60);
  });

  for (const exchange of exchanges) {
    it(exchange.label, async () => {
      const name = setUpOf(exchange.label);
      let setUp = setUps.get(name);
      if (!setUp) setUps.set(name, (setUp = new SetUp(name)));
      const server = await setUp.start();
      setUp.configure(exchange.label);
      for (const step of steps(exchange)) {
        const headers: Record<string, string> = { ...setUp.headers(exchange.label) };
        if (step.body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`${server.url}${setUp.map(step.path)}`, { method: step.method, headers, ...(step.body === undefined ? {} : { body: setUp.map(step.body) }) });
        const text = await response.text();
        setUp.learn(step.answer, text);
        expect(response.status, `${step.method} ${step.path}`).toBe(step.status);
        const type = response.headers.get('content-type');
        if (step.contentType !== undefined) expect(type === null ? null : type.split(';')[0]).toBe(step.contentType);
        if (exchange.label === 'B metrics') {
          expect(text.split('\n').slice(0, 2)).toEqual(step.answer.split('\n').slice(0, 2));
        } else if (isJson(step.answer)) {
          expect(isJson(text), text).toBe(true);
          expect(JSON.parse(normalise(text))).toEqual(JSON.parse(normalise(step.answer)));
        } else if (/^[[{]/.test(step.answer)) {
          // Cut by the recording: compared up to its last complete member.
          const kept = normalise(step.answer.slice(0, step.answer.lastIndexOf(',')));
          expect(normalise(text).startsWith(kept), `${normalise(text).slice(0, 300)}…`).toBe(true);
        } else {
          expect(text).toBe(step.answer);
          expect(type).toBeNull(); // the real server's bare 500s carry no content type
        }
      }
    });
  }
});
