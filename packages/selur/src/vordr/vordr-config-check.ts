/**
 * Checks arguments before they are sent, so mistakes the server would reject (or misread) fail at
 * once as `InvalidArgumentError`s naming the field. Internal.
 */
import { InvalidArgumentError, VORDR_RESTART_POLICIES, type VordrContainerConfig, type VordrVolumeMount } from '@selur/compose';

const DURATION = /^\d+[smh]$/;
const PORT_STRING = /^(?:(?:\[[0-9a-fA-F:.]+\]|[^:/[\]]+):)?\d{1,5}:\d{1,5}(?:\/(?:tcp|udp))?$/;

const show = (value: unknown): string => (value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value)));

function bad(field: string, expected: string, value: unknown, hint = ''): InvalidArgumentError {
  return new InvalidArgumentError(`vordr: ${field} must be ${expected}, received ${show(value)}${hint}`, { field });
}

/** A non-empty string. */
export function checkName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad(field, 'a non-empty string', value);
  return value;
}

/** An array of strings, non-empty when `nonEmpty`. */
export function checkCommand(field: string, value: unknown, nonEmpty: boolean): readonly string[] {
  if (!Array.isArray(value) || value.some((part) => typeof part !== 'string') || (nonEmpty && value.length === 0)) {
    throw bad(field, nonEmpty ? 'a non-empty array of strings (argv)' : 'an array of strings (argv)', value);
  }
  return value as readonly string[];
}

/** A whole number ≥ 0. */
export function checkWholeNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw bad(field, 'a whole number ≥ 0', value);
  return value;
}

function checkSource(field: string, source: string): void {
  if (source.startsWith('./') || source.startsWith('../') || source === '.' || source === '..') {
    throw bad(field, 'a volume name or an absolute path', source, ': resolve relative bind mounts to absolute paths before sending (Vörðr rejects "./")');
  }
}

function checkVolume(field: string, volume: unknown): void {
  if (typeof volume === 'string') {
    const [source, target] = volume.split(':');
    if (source === undefined || source === '' || target === undefined || !target.startsWith('/')) {
      throw bad(field, '"name:/dst[:ro]" or "/abs:/dst[:ro]"', volume);
    }
    checkSource(field, source);
    return;
  }
  if (typeof volume !== 'object' || volume === null) throw bad(field, 'a string or {source, target, readOnly}', volume);
  const mount = volume as VordrVolumeMount;
  const source = mount.source ?? mount.src ?? mount.name;
  const target = mount.target ?? mount.dst ?? mount.destination;
  if (typeof source !== 'string' || source === '') throw bad(`${field}.source`, 'a string (source, src or name)', source);
  if (typeof target !== 'string' || !target.startsWith('/')) throw bad(`${field}.target`, 'an absolute path (target, dst or destination)', target);
  checkSource(`${field}.source`, source);
}

function checkPort(field: string, port: unknown): void {
  if (typeof port === 'string') {
    if (!PORT_STRING.test(port)) throw bad(field, '"H:C" or "IP:H:C[/proto]"', port);
    return;
  }
  if (typeof port !== 'object' || port === null) throw bad(field, 'a string or {containerPort, hostPort, protocol, hostIp}', port);
  const p = port as Record<string, unknown>;
  const isPort = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535;
  if (!isPort(p['containerPort'])) throw bad(`${field}.containerPort`, 'a port number (0-65535)', p['containerPort']);
  if (p['hostPort'] !== undefined && !isPort(p['hostPort'])) throw bad(`${field}.hostPort`, 'a port number (0-65535)', p['hostPort']);
  if (p['protocol'] !== undefined && p['protocol'] !== 'tcp' && p['protocol'] !== 'udp') throw bad(`${field}.protocol`, '"tcp" or "udp"', p['protocol']);
}

function checkEnv(field: string, env: unknown): void {
  if (Array.isArray(env)) {
    env.forEach((item: unknown, i) => {
      if (typeof item === 'string' ? /^[^=]+=/.test(item) : typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string' && typeof (item as { value?: unknown }).value === 'string') return;
      throw bad(`${field}[${i}]`, '"K=V" or {name, value}', item);
    });
    return;
  }
  if (typeof env !== 'object' || env === null) throw bad(field, 'an object, "K=V" strings or {name, value} items', env);
  for (const [key, value] of Object.entries(env)) if (typeof value !== 'string') throw bad(`${field}.${key}`, 'a string', value);
}

/**
 * Checks a `config` for `vordr_container_create`: port, volume, env, restart and healthcheck
 * shapes as the server accepts them.
 */
export function checkContainerConfig(config: VordrContainerConfig | undefined, field = 'config'): void {
  if (config === undefined) return;
  if (typeof config !== 'object' || config === null) throw bad(field, 'an object', config);
  if (config.ports !== undefined) {
    if (!Array.isArray(config.ports)) throw bad(`${field}.ports`, 'an array', config.ports);
    config.ports.forEach((p, i) => checkPort(`${field}.ports[${i}]`, p));
  }
  if (config.volumes !== undefined) {
    if (!Array.isArray(config.volumes)) throw bad(`${field}.volumes`, 'an array', config.volumes);
    config.volumes.forEach((v, i) => checkVolume(`${field}.volumes[${i}]`, v));
  }
  if (config.env !== undefined) checkEnv(`${field}.env`, config.env);
  if (config.restart !== undefined && !VORDR_RESTART_POLICIES.includes(config.restart)) {
    throw bad(`${field}.restart`, VORDR_RESTART_POLICIES.map((p) => `"${p}"`).join(', '), config.restart);
  }
  const hc = config.healthcheck;
  if (hc !== undefined) {
    if (typeof hc !== 'object' || hc === null) throw bad(`${field}.healthcheck`, 'an object', hc);
    if (typeof hc.test !== 'string' && !(Array.isArray(hc.test) && hc.test.every((t) => typeof t === 'string'))) {
      throw bad(`${field}.healthcheck.test`, 'a command string or an array of strings', hc.test);
    }
    for (const key of ['interval', 'timeout', 'start_period'] as const) {
      const d = hc[key];
      if (d !== undefined && (typeof d !== 'string' || !DURATION.test(d))) {
        throw bad(`${field}.healthcheck.${key}`, 'a duration "Ns", "Nm" or "Nh"', d, ' (convert compound durations such as "1m30s" to seconds: "90s")');
      }
    }
    if (hc.retries !== undefined) checkWholeNumber(`${field}.healthcheck.retries`, hc.retries);
  }
}
