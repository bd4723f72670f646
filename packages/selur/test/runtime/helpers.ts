/**
 * Shared set-up for the selur runtime suites: the fake Vörðr, the fake Svalinn forwarding to it
 * through the real `vordrClient`, bundles packed and signed by `nativeCt()`, and the runtime.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE, type ContainerRequest, type CtDriver, type ProjectSpec } from '@selur/compose';
import { nativeCt, selurRuntime, svalinnClient, vordrClient, type SelurRuntime, type SelurRuntimeOptions, type SvalinnClientOptions } from '@selur/compose-selur';
import { startFakeSvalinn, type FakeSvalinn, type FakeSvalinnOptions, type SvalinnBackend } from '../servers/svalinn-server.js';
import { vordrBackend, type ForwardedCall } from '../servers/svalinn-vordr-backend.js';
import { startVordrServer, type FakeVordrServer } from '../servers/vordr-server.js';

/** The vendored vectors of the selur stack (`packages/selur/test/vectors`, see its README). */
export const VECTORS = fileURLToPath(new URL('../vectors/', import.meta.url));
/** The upstream parity example, one of the core's vectors (`packages/compose/test/vectors`). */
export const PARITY = fileURLToPath(new URL('../../../compose/test/vectors/compose/parity.compose.toml', import.meta.url));
export const CT_VECTORS = join(VECTORS, 'ct');
export const MVP_POLICY = join(VECTORS, 'svalinn/policy/mvp-policy.json');
/** The public key of `test-key`, which signed `signed.ctp`. */
export const TEST_KEY_PUB = 'd59313a3d1be650f787ce7f38b5945d8f54b85cf3d29b28d50029a92e29449f5';
export const TEST_KEY_FINGERPRINT = '85fe20fbf4e146723d1be73940e969076f5b0decb0d0834aaa87a98f22d9b071';

/** A new Ed25519 key in ct's formats. */
export function newKey(): { seedHex: string; publicHex: string; fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seedHex = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex');
  const publicHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  return { seedHex, publicHex, fingerprint: createHash('sha256').update(publicHex).digest('hex') };
}

/** `sha256:` + hex of a file, computed here independently of the driver. */
export async function fileDigest(path: string): Promise<string> {
  return `sha256:${createHash('sha256').update(await readFile(path)).digest('hex')}`;
}

/** A manifest for package `name` (the hello manifest with its name and version changed). */
export async function manifestFor(name: string, version = '1.0'): Promise<string> {
  const hello = await readFile(join(CT_VECTORS, 'hello.manifest.ctp'), 'utf8');
  return hello.replace('name = "hello"', `name = "${name}"`).replace('version = "2.10"', `version = "${version}"`);
}

export const KEY_ID = 'compose-test';

/** Everything a selur test needs; `close()` stops the servers and deletes the temp folder. */
export interface SelurStack extends AsyncDisposable {
  readonly vordr: FakeVordrServer;
  readonly svalinn: FakeSvalinn;
  readonly forwarded: ForwardedCall[];
  readonly runtime: SelurRuntime;
  /** The driver the runtime uses (trusts the test key only). */
  readonly ct: CtDriver;
  readonly key: ReturnType<typeof newKey>;
  /** A temp folder (the compose working dir of the tests). */
  readonly dir: string;
  /** image as written → packed bundle path, for `nginx:latest.ctp` and `redis:latest.ctp`. */
  readonly bundles: Readonly<Record<string, string>>;
  /** Packs (and signs) another bundle into `dir`. */
  pack(name: string, options?: { sign?: boolean; version?: string; sources?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  readonly svalinnServer?: Omit<FakeSvalinnOptions, 'backend'>;
  /** Wraps the backend of the fake Svalinn (e.g. with an upstream defect). */
  readonly svalinnBackend?: (inner: SvalinnBackend) => SvalinnBackend;
  readonly svalinnClient?: SvalinnClientOptions;
  readonly vordrTimeout?: number;
  readonly runtime?: Partial<Omit<SelurRuntimeOptions, 'ct' | 'svalinn' | 'vordr'>>;
  /** Use these URLs instead of the fakes' (connection-refused tests). */
  readonly svalinnUrl?: string;
  readonly vordrUrl?: string;
}

/** Starts both fakes (Svalinn forwarding to Vörðr), packs the parity bundles, builds the runtime. */
export async function startStack(options: StackOptions = {}): Promise<SelurStack> {
  const dir = await mkdtemp(join(tmpdir(), 'selur-test-'));
  const vordr = await startVordrServer();
  const backend = vordrBackend(vordrClient({ url: vordr.url, timeout: 5_000 }));
  const svalinn = await startFakeSvalinn({ ...options.svalinnServer, backend: options.svalinnBackend ? options.svalinnBackend(backend) : backend });
  const key = newKey();
  const ct = nativeCt({ keys: { [KEY_ID]: key.publicHex }, trustDir: false });
  const pack = async (name: string, o: { sign?: boolean; version?: string; sources?: string } = {}) => {
    const result = await ct.pack({ manifest: await manifestFor(name, o.version) }, { output: join(dir, name), ...(o.sources === undefined ? {} : { sources: o.sources }), ...(o.sign === false ? {} : { sign: { keyId: KEY_ID, privateKey: key.seedHex } }) });
    return result.path;
  };
  const bundles = { 'nginx:latest.ctp': await pack('nginx'), 'redis:latest.ctp': await pack('redis') };
  const runtime = selurRuntime({
    ct,
    svalinn: svalinnClient({ url: options.svalinnUrl ?? svalinn.url, env: {}, retry: { limit: 2, delayMs: 1, maxDelayMs: 5 }, timeout: 5_000, ...options.svalinnClient }),
    vordr: vordrClient({ url: options.vordrUrl ?? vordr.url, timeout: options.vordrTimeout ?? 5_000 }),
    resolveBundle: (image) => bundles[image as keyof typeof bundles],
    env: {},
    ...options.runtime,
  });
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await runtime.close?.();
      await svalinn.close();
      await vordr.close();
      await rm(dir, { recursive: true, force: true });
    })();
    return closed;
  };
  return { vordr, svalinn, forwarded: backend.forwarded, runtime, ct, key, dir, bundles, pack, close, [Symbol.asyncDispose]: close };
}

/** A container request for one service of a canonical spec, built as the engine builds it. */
export function requestFor(spec: ProjectSpec, workingDir: string, service: string, extra: Partial<ContainerRequest> = {}): ContainerRequest {
  const s = spec.services[service];
  if (!s) throw new Error(`no service ${service}`);
  const replica = extra.replica ?? 1;
  const configHash = extra.configHash ?? createHash('sha256').update(`${service}:${JSON.stringify(s)}`).digest('hex');
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.environment)) if (typeof v === 'string') environment[k] = v;
  return {
    project: spec.name,
    service,
    replica,
    name: `${spec.name}_${service}_${replica}`,
    configHash,
    spec: s,
    workingDir,
    environment,
    secrets: [],
    configs: [],
    networks: Object.keys(s.networks).map((n) => `${spec.name}_${n}`),
    networkSettings: {},
    mounts: s.volumes.map((m) => ({ type: m.type, source: m.type === 'bind' ? join(workingDir, m.source) : `${spec.name}_${m.source}`, target: m.target, readOnly: m.read_only })),
    labels: { ...s.labels, [LABEL_PROJECT]: spec.name, [LABEL_SERVICE]: service, [LABEL_REPLICA]: String(replica), [LABEL_CONFIG_HASH]: configHash },
    ...extra,
  };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Svalinn requests as `METHOD path status`. */
export function svalinnLines(svalinn: FakeSvalinn): string[] {
  return svalinn.requests.map((r) => `${r.method} ${r.path} ${r.status ?? '-'}`);
}

/** Vörðr tool calls as `tool` (canonical names). */
export function vordrTools(vordr: FakeVordrServer): string[] {
  return vordr.toolCalls().map((c) => c.canonical ?? c.tool);
}
