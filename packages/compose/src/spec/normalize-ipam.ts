import { isRecord, joinPath } from './issues.js';
import { checkKeys, compact, problem, str, stringRecord, type NormalizeContext } from './normalize-helpers.js';
import { show } from './show.js';
import type { IpamPoolSpec, IpamSpec } from './types.js';

const POOL_KEYS = new Set(['subnet', 'gateway', 'ip_range', 'aux_addresses']);

function pool(ctx: NormalizeContext, path: string, value: unknown): IpamPoolSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { subnet, gateway, ip_range, aux_addresses }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, POOL_KEYS);
  const text = (key: string) => (value[key] === undefined ? undefined : str(ctx, joinPath(path, key), value[key], true));
  return compact({
    aux_addresses: value['aux_addresses'] === undefined ? undefined : stringRecord(ctx, joinPath(path, 'aux_addresses'), value['aux_addresses']),
    gateway: text('gateway'),
    ip_range: text('ip_range'),
    subnet: text('subnet'),
  });
}

/**
 * Normalises a network's `ipam`: `{ driver, config: [pools], options }`, every pool kept. The first
 * format's flat `{ subnet, gateway }` is read as a single pool.
 */
export function normalizeIpam(ctx: NormalizeContext, path: string, value: unknown): IpamSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { driver, config = [{ subnet, gateway }], options }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['driver', 'config', 'options', 'subnet', 'gateway']));
  const flat = value['subnet'] !== undefined || value['gateway'] !== undefined;
  if (flat && value['config'] !== undefined) return problem(ctx, path, 'has both subnet/gateway and config; put every pool in config', 'conflict');
  let config: IpamPoolSpec[] = [];
  if (flat) config = [pool(ctx, path, { gateway: value['gateway'], subnet: value['subnet'] }) ?? {}].filter((p) => Object.keys(p).length > 0);
  else if (value['config'] !== undefined) {
    const raw = value['config'];
    if (!Array.isArray(raw)) problem(ctx, joinPath(path, 'config'), `must be an array of pools, received ${show(raw)}`, 'type');
    else config = raw.flatMap((item: unknown, i) => pool(ctx, `${joinPath(path, 'config')}[${i}]`, item) ?? []);
  }
  return compact({
    config,
    driver: value['driver'] === undefined ? undefined : str(ctx, joinPath(path, 'driver'), value['driver'], true),
    options: value['options'] === undefined ? undefined : stringRecord(ctx, joinPath(path, 'options'), value['options']),
  });
}
