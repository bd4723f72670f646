/**
 * Parses Vörðr's tool results (plain JSON objects) into the typed shapes of `vordr-client.ts`:
 * unwraps lists, normalises capitalised states, parses `config` from its JSON string. Anything
 * off-contract raises a `VordrProtocolError` naming the tool and the field. Internal.
 */
import type {
  VordrContainerDetails,
  VordrContainerState,
  VordrContainerSummary,
  VordrHealth,
  VordrImage,
  VordrNetwork,
  VordrSubnet,
  VordrToolInfo,
  VordrVerifyResult,
  VordrVolumeInfo,
} from '@selur/compose';
import { VordrProtocolError } from '../errors/vordr-protocol-error.js';

type Json = Record<string, unknown>;

const STATES: Readonly<Record<string, VordrContainerState>> = {
  created: 'created',
  running: 'running',
  paused: 'paused',
  stopped: 'stopped',
};

/**
 * Normalises a server state (`Created`, `Running`, `Paused`, `Stopped`, any case) to the typed
 * union; anything else is `unknown`.
 */
export function normaliseState(raw: string): VordrContainerState {
  return STATES[raw.toLowerCase()] ?? 'unknown';
}

/** A value too long to show, by its kind and size. */
function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return typeof value === 'object' && value !== null ? `an object with ${Object.keys(value).length} keys` : typeof value;
}

/** Reads fields of one tool's result, failing with the tool's name and the field path. */
export class ResultReader {
  constructor(
    private readonly tool: string,
    private readonly method = 'tools/call',
  ) {}

  fail(path: string, expected: string, value: unknown): VordrProtocolError {
    // Shown whole or not at all: a value cut in half could show half a secret that redaction (which
    // matches whole values) would miss.
    const json = value === undefined ? undefined : JSON.stringify(value);
    const got = json === undefined ? (value === undefined ? 'nothing' : typeof value) : json.length <= 80 ? json : describe(value);
    return new VordrProtocolError(
      `Vörðr's ${this.tool} result is malformed: ${path} should be ${expected}, got ${got}; client and server versions may not match`,
      { reason: 'malformed-response', method: this.method, tool: this.tool },
    );
  }

  object(value: unknown, path = 'result'): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.fail(path, 'an object', value);
    return value as Json;
  }

  string(o: Json, key: string, path = 'result'): string {
    const v = o[key];
    if (typeof v !== 'string') throw this.fail(`${path}.${key}`, 'a string', v);
    return v;
  }

  /** A string, or a number rendered as a string (timestamps may come either way). */
  text(o: Json, key: string, path = 'result'): string {
    const v = o[key];
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return this.string(o, key, path);
  }

  number(o: Json, key: string, path = 'result'): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(`${path}.${key}`, 'a number', v);
    return v;
  }

  boolean(o: Json, key: string, path = 'result'): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') throw this.fail(`${path}.${key}`, 'a boolean', v);
    return v;
  }

  array(o: Json, key: string, path = 'result'): readonly unknown[] {
    const v = o[key];
    if (!Array.isArray(v)) throw this.fail(`${path}.${key}`, 'an array', v);
    return v as readonly unknown[];
  }

  strings(o: Json, key: string, path = 'result'): readonly string[] {
    return this.array(o, key, path).map((item, i) => {
      if (typeof item !== 'string') throw this.fail(`${path}.${key}[${i}]`, 'a string', item);
      return item;
    });
  }

  literal<T extends string>(o: Json, key: string, allowed: readonly T[], path = 'result'): T {
    const v = this.string(o, key, path).toLowerCase();
    if (!(allowed as readonly string[]).includes(v)) throw this.fail(`${path}.${key}`, allowed.map((a) => `"${a}"`).join(' or '), o[key]);
    return v as T;
  }

  /** Unwraps `{ <key>: [...] }` and maps each item. */
  list<T>(result: unknown, key: string, item: (o: Json, path: string) => T): readonly T[] {
    const o = this.object(result);
    return this.array(o, key).map((entry, i) => item(this.object(entry, `result.${key}[${i}]`), `result.${key}[${i}]`));
  }
}

/** `{containers: [{id, name, image, state, created}]}`. */
export function parseContainerList(result: unknown, tool: string): readonly VordrContainerSummary[] {
  const r = new ResultReader(tool);
  return r.list(result, 'containers', (o, path) => summary(r, o, path));
}

function summary(r: ResultReader, o: Json, path: string): VordrContainerSummary {
  const rawState = r.string(o, 'state', path);
  return {
    id: r.string(o, 'id', path),
    name: r.string(o, 'name', path),
    image: r.string(o, 'image', path),
    state: normaliseState(rawState),
    rawState,
    created: r.text(o, 'created', path),
  };
}

/** `{id, name, image, state, pid, bundlePath, created, config}`, `config` a JSON string. */
export function parseContainerDetails(result: unknown, tool: string): VordrContainerDetails {
  const r = new ResultReader(tool);
  const o = r.object(result);
  const pid = o['pid'] == null ? null : r.number(o, 'pid');
  const config = o['config'];
  let rawConfig: string;
  let parsed: unknown;
  if (typeof config === 'string') {
    rawConfig = config;
    try {
      parsed = rawConfig.trim() === '' ? {} : (JSON.parse(rawConfig) as unknown);
    } catch {
      throw r.fail('result.config', 'a JSON string holding an object', config);
    }
  } else if (config == null) {
    rawConfig = '{}';
    parsed = {};
  } else {
    // Tolerate a future server that sends the object itself.
    rawConfig = JSON.stringify(config);
    parsed = config;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw r.fail('result.config', 'a JSON object', config);
  return {
    ...summary(r, o, 'result'),
    pid,
    bundlePath: r.string(o, 'bundlePath'),
    config: parsed as Record<string, unknown>,
    rawConfig,
  };
}

/** `{images: [{id, digest, repository, tags[], size}]}`. */
export function parseImageList(result: unknown, tool: string): readonly VordrImage[] {
  const r = new ResultReader(tool);
  return r.list(result, 'images', (o, path) => ({
    id: r.string(o, 'id', path),
    digest: r.string(o, 'digest', path),
    repository: r.string(o, 'repository', path),
    tags: r.strings(o, 'tags', path),
    size: r.number(o, 'size', path),
  }));
}

/** `{image, verified, attestations[], warnings[]}`. */
export function parseVerify(result: unknown, tool: string): VordrVerifyResult {
  const r = new ResultReader(tool);
  const o = r.object(result);
  return {
    image: r.string(o, 'image'),
    verified: r.boolean(o, 'verified'),
    attestations: r.array(o, 'attestations'),
    warnings: r.strings(o, 'warnings'),
  };
}

/** `{networks: [{name, id, driver, subnets: [{subnet, gateway?}] | null}]}`. */
export function parseNetworkList(result: unknown, tool: string): readonly VordrNetwork[] {
  const r = new ResultReader(tool);
  return r.list(result, 'networks', (o, path) => {
    const subnets: VordrSubnet[] | null =
      o['subnets'] == null
        ? null
        : r.array(o, 'subnets', path).map((entry, i) => {
            const s = r.object(entry, `${path}.subnets[${i}]`);
            const gateway = s['gateway'] == null ? undefined : r.string(s, 'gateway', `${path}.subnets[${i}]`);
            return { subnet: r.string(s, 'subnet', `${path}.subnets[${i}]`), ...(gateway === undefined ? {} : { gateway }) };
          });
    return { name: r.string(o, 'name', path), id: r.string(o, 'id', path), driver: r.string(o, 'driver', path), subnets };
  });
}

/** `{volumes: [{name, path}]}`. */
export function parseVolumeList(result: unknown, tool: string): readonly VordrVolumeInfo[] {
  const r = new ResultReader(tool);
  return r.list(result, 'volumes', (o, path) => ({ name: r.string(o, 'name', path), path: r.string(o, 'path', path) }));
}

/** `{tools: [{name, description, input_schema}]}`. */
export function parseToolList(result: unknown, method: string): readonly VordrToolInfo[] {
  const r = new ResultReader('tools/list', method);
  return r.list(result, 'tools', (o, path) => {
    const schema = o['input_schema'] ?? o['inputSchema'];
    return {
      name: r.string(o, 'name', path),
      description: typeof o['description'] === 'string' ? o['description'] : '',
      inputSchema: r.object(schema, `${path}.input_schema`),
    };
  });
}

/** `{status, version, service}`. */
export function parseHealth(result: unknown): VordrHealth {
  const r = new ResultReader('GET /health', 'GET /health');
  const o = r.object(result);
  return { status: r.string(o, 'status'), version: r.string(o, 'version'), service: r.string(o, 'service') };
}
