/**
 * How the fake Vörðr checks `config` in `vordr_container_create`: the shapes the reference lists,
 * anything else a tool failure (-32000). Test support only.
 */

/** A tool failure: answered as JSON-RPC -32000 with this message. */
export class ToolFailure extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const DURATION = /^\d+[smh]$/;
const PORT = /^(?:(?:\[[0-9a-fA-F:.]+\]|[^:/[\]]+):)?\d{1,5}:\d{1,5}(?:\/(?:tcp|udp))?$/;

function source(value: unknown, where: string): void {
  if (typeof value !== 'string' || value === '') throw new ToolFailure(`invalid volume ${where}: missing source`);
  if (value.startsWith('./')) throw new ToolFailure(`invalid volume ${where}: relative source '${value}' is not allowed; use an absolute path or a volume name`);
}

function volumes(list: unknown): void {
  if (!Array.isArray(list)) throw new ToolFailure('invalid config.volumes: expected an array');
  list.forEach((v: unknown, i) => {
    if (typeof v === 'string') {
      const [src, dst, mode, extra] = v.split(':');
      source(src, `[${i}]`);
      if (dst === undefined || !dst.startsWith('/')) throw new ToolFailure(`invalid volume [${i}] '${v}': destination must be an absolute path`);
      if ((mode !== undefined && mode !== 'ro' && mode !== 'rw') || extra !== undefined) throw new ToolFailure(`invalid volume [${i}] '${v}'`);
      return;
    }
    if (!isObject(v)) throw new ToolFailure(`invalid volume [${i}]: expected a string or an object`);
    source(v['source'] ?? v['src'] ?? v['name'], `[${i}]`);
    const dst = v['target'] ?? v['dst'] ?? v['destination'];
    if (typeof dst !== 'string' || !dst.startsWith('/')) throw new ToolFailure(`invalid volume [${i}]: target must be an absolute path`);
  });
}

function ports(list: unknown): void {
  if (!Array.isArray(list)) throw new ToolFailure('invalid config.ports: expected an array');
  list.forEach((p: unknown, i) => {
    if (typeof p === 'string') {
      if (!PORT.test(p)) throw new ToolFailure(`invalid port [${i}] '${p}': expected H:C or IP:H:C[/proto]`);
      return;
    }
    if (!isObject(p) || typeof p['containerPort'] !== 'number') throw new ToolFailure(`invalid port [${i}]: containerPort is required`);
    if (p['protocol'] !== undefined && p['protocol'] !== 'tcp' && p['protocol'] !== 'udp') throw new ToolFailure(`invalid port [${i}]: protocol must be tcp or udp`);
  });
}

function env(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach((e: unknown, i) => {
      if (typeof e === 'string' && e.includes('=')) return;
      if (isObject(e) && typeof e['name'] === 'string' && typeof e['value'] === 'string') return;
      throw new ToolFailure(`invalid env [${i}]: expected "K=V" or {name, value}`);
    });
    return;
  }
  if (!isObject(value)) throw new ToolFailure('invalid config.env: expected an object or a list');
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') throw new ToolFailure(`invalid env '${k}': value must be a string`);
}

function healthcheck(value: unknown): void {
  if (!isObject(value)) throw new ToolFailure('invalid config.healthcheck: expected an object');
  if (typeof value['test'] !== 'string' && !Array.isArray(value['test'])) throw new ToolFailure('invalid healthcheck: test is required');
  for (const key of ['interval', 'timeout', 'start_period']) {
    const d = value[key];
    if (d !== undefined && (typeof d !== 'string' || !DURATION.test(d))) throw new ToolFailure(`invalid healthcheck ${key} '${String(d)}': expected Ns, Nm or Nh`);
  }
  if (value['retries'] !== undefined && (typeof value['retries'] !== 'number' || value['retries'] < 0)) throw new ToolFailure('invalid healthcheck retries');
}

function networks(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.map((n: unknown, i) => {
      if (typeof n === 'string') return n;
      if (isObject(n) && typeof n['name'] === 'string') return n['name'];
      throw new ToolFailure(`invalid network [${i}]: expected a name or {name, aliases}`);
    });
  }
  if (isObject(value)) return Object.keys(value);
  throw new ToolFailure('invalid config.networks: expected a list or an object keyed by name');
}

/** Checks a create `config`; returns it with the server's defaults applied, and the network names. */
export function acceptConfig(config: unknown): { config: Record<string, unknown>; networks: string[] } {
  if (config === undefined || config === null) return { config: { privileged: false, readOnlyRoot: true }, networks: [] };
  if (!isObject(config)) throw new ToolFailure('invalid config: expected an object');
  if (config['ports'] !== undefined) ports(config['ports']);
  if (config['volumes'] !== undefined) volumes(config['volumes']);
  if (config['env'] !== undefined) env(config['env']);
  if (config['healthcheck'] !== undefined) healthcheck(config['healthcheck']);
  const restart = config['restart'];
  if (restart !== undefined && !['no', 'always', 'on-failure', 'unless-stopped'].includes(String(restart))) {
    throw new ToolFailure(`invalid restart policy '${String(restart)}': expected no, always, on-failure or unless-stopped`);
  }
  const names = config['networks'] === undefined ? [] : networks(config['networks']);
  return { config: { privileged: false, readOnlyRoot: true, ...config }, networks: names };
}
