import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { show } from './show.js';
import type { PortProtocol, PortSpec } from './types.js';

const SHORT = /^(?:(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):)?(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/;

function fail(input: unknown, field: string, why: string): never {
  throw new InvalidArgumentError(
    `${field}: ${why}; expected "CONTAINER", "HOST:CONTAINER" or "IP:HOST:CONTAINER[/tcp|udp]" (e.g. "8080:80"), or { target, published, host_ip, protocol }, received ${show(input)}`,
    { field },
  );
}

function portNumber(value: unknown, input: unknown, field: string, allowZero: boolean): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65_535)
    fail(input, field, `port ${show(value)} is not ${allowZero ? '0-65535' : '1-65535'}`);
  return n;
}

function make(target: number, published: number | undefined, hostIp: string | undefined, protocol: PortProtocol): PortSpec {
  // keys in sorted order: host_ip, protocol, published, target
  const spec: { host_ip?: string; protocol: PortProtocol; published?: number; target: number } = {} as never;
  if (hostIp !== undefined) spec.host_ip = hostIp;
  spec.protocol = protocol;
  if (published !== undefined) spec.published = published;
  spec.target = target;
  return spec;
}

/**
 * Parses a port mapping to its canonical {@link PortSpec}: `"80"`, `"8080:80"`, `"0:80"`
 * (any free host port), `"127.0.0.1:8080:80/udp"`, `"[::1]:8080:80"`, a number (container
 * port) or a long-form object.
 *
 * @throws {@link InvalidArgumentError} naming the field and the accepted forms.
 * @example
 * ```ts
 * parsePort('127.0.0.1:8080:80/udp'); // { target: 80, published: 8080, host_ip: '127.0.0.1', protocol: 'udp' }
 * ```
 */
export function parsePort(input: unknown, field = 'port'): PortSpec {
  if (typeof input === 'number') return make(portNumber(input, input, field, false), undefined, undefined, 'tcp');
  if (typeof input === 'string') {
    const match = SHORT.exec(input.trim());
    if (!match) fail(input, field, 'not a port mapping');
    const [, ip6, ip4, host, container, protocol] = match;
    const ip = ip6 ?? ip4;
    if (ip4 && ip4.split('.').some((octet) => Number(octet) > 255)) fail(input, field, `'${ip4}' is not an IPv4 address`);
    if (ip && host === undefined) fail(input, field, 'a host address needs a host port');
    return make(
      portNumber(container, input, field, false),
      host === undefined ? undefined : portNumber(host, input, field, true),
      ip,
      (protocol ?? 'tcp') as PortProtocol,
    );
  }
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const o = input as Record<string, unknown>;
    for (const key of Object.keys(o))
      if (!['target', 'published', 'host_ip', 'protocol', 'mode', 'name', 'app_protocol'].includes(key)) fail(input, field, `unknown key '${key}'`);
    const protocol = o['protocol'] ?? 'tcp';
    if (protocol !== 'tcp' && protocol !== 'udp') fail(input, field, `protocol must be "tcp" or "udp"`);
    const hostIp = o['host_ip'];
    if (hostIp !== undefined && (typeof hostIp !== 'string' || hostIp.length === 0)) fail(input, field, 'host_ip must be a non-empty string');
    const mode = o['mode'];
    if (mode !== undefined && mode !== 'host' && mode !== 'ingress') fail(input, field, 'mode must be "host" or "ingress"');
    for (const key of ['name', 'app_protocol'] as const)
      if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) fail(input, field, `${key} must be a non-empty string`);
    const spec = make(
      portNumber(o['target'], input, field, false),
      o['published'] === undefined ? undefined : portNumber(o['published'], input, field, true),
      hostIp,
      protocol,
    );
    if (mode === undefined && o['name'] === undefined && o['app_protocol'] === undefined) return spec;
    // keys in sorted order, as make() writes them
    const out: Record<string, unknown> = {};
    const extra = { app_protocol: o['app_protocol'], mode, name: o['name'] };
    for (const key of Object.keys({ ...spec, ...extra }).sort()) {
      const value = key in extra ? extra[key as keyof typeof extra] : spec[key as keyof PortSpec];
      if (value !== undefined) out[key] = value;
    }
    return out as unknown as PortSpec;
  }
  fail(input, field, 'wrong type');
}

/**
 * Formats a {@link PortSpec} in its short string form.
 *
 * @example
 * ```ts
 * formatPort({ target: 80, published: 8080, protocol: 'tcp' }); // '8080:80'
 * ```
 */
export function formatPort(port: PortSpec): string | PortSpec {
  // the long-form-only fields have no short form
  if (port.mode !== undefined || port.name !== undefined || port.app_protocol !== undefined) return { ...port };
  const ip = port.host_ip === undefined ? '' : port.host_ip.includes(':') ? `[${port.host_ip}]:` : `${port.host_ip}:`;
  const host = port.published === undefined ? '' : `${port.published}:`;
  return `${ip}${host}${port.target}${port.protocol === 'tcp' ? '' : `/${port.protocol}`}`;
}

const RANGE = /^(?:(\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d{1,5})-(\d{1,5}):)?(\d{1,5})-(\d{1,5})(\/(?:tcp|udp))?$/;

/** Most ports one range may expand to. */
export const MAX_PORT_RANGE = 1000;

/**
 * Parses a port mapping that may be a range (`"8000-8002:9000-9002"`, `"9000-9002"`,
 * `"127.0.0.1:8000-8001:80-81/udp"`) into one {@link PortSpec} per port; anything else as
 * {@link parsePort}.
 *
 * @throws {@link InvalidArgumentError} for mismatched or oversized ranges and bad mappings.
 * @example
 * ```ts
 * parsePorts('8000-8001:80-81'); // [{ protocol: 'tcp', published: 8000, target: 80 }, { protocol: 'tcp', published: 8001, target: 81 }]
 * ```
 */
export function parsePorts(input: unknown, field = 'port'): PortSpec[] {
  const match = typeof input === 'string' ? RANGE.exec(input.trim()) : null;
  if (!match) return [parsePort(input, field)];
  const [, ip, hostFrom, hostTo, from, to, protocol] = match;
  const first = Number(from);
  const last = Number(to);
  if (last < first) fail(input, field, `the range ${from}-${to} runs backwards`);
  if (last - first + 1 > MAX_PORT_RANGE) fail(input, field, `the range ${from}-${to} has more than ${MAX_PORT_RANGE} ports`);
  if (hostFrom !== undefined && Number(hostTo) - Number(hostFrom) !== last - first)
    fail(input, field, `the host range ${hostFrom}-${hostTo} and the container range ${from}-${to} differ in length`);
  const out: PortSpec[] = [];
  for (let offset = 0; offset <= last - first; offset++) {
    const host = hostFrom === undefined ? '' : `${Number(hostFrom) + offset}:`;
    out.push(parsePort(`${ip ? `${ip}:` : ''}${host}${first + offset}${protocol ?? ''}`, field));
  }
  return out;
}
