import { joinPath, isRecord } from './issues.js';
import { isValidProjectName, isValidResourceName } from './names.js';
import { bool, checkKeys, compact, extensionsOf, problem, str, stringRecord, type NormalizeContext } from './normalize-helpers.js';
import { normalizeService } from './normalize-service.js';
import { show } from './show.js';
import type { NetworkSpec, ProjectSpec, SecretSpec, ServiceSpec, SvalinnExtension, VolumeSpec } from './types.js';

/** Fields the top level of a compose file may have (besides `x-*`). */
export const PROJECT_KEYS: ReadonlySet<string> = new Set(['version', 'name', 'services', 'volumes', 'networks', 'secrets', 'x-svalinn']);

/** Normalises a named volume table. */
export function normalizeVolume(ctx: NormalizeContext, path: string, value: unknown): VolumeSpec {
  const raw = isRecord(value) ? value : {};
  if (value !== undefined && !isRecord(value)) problem(ctx, path, `a volume must be a table { driver, driver_opts, labels, external }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, raw, new Set(['driver', 'driver_opts', 'labels', 'external']));
  return {
    driver: raw['driver'] === undefined ? 'local' : (str(ctx, joinPath(path, 'driver'), raw['driver'], true) ?? 'local'),
    driver_opts: raw['driver_opts'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'driver_opts'), raw['driver_opts']),
    external: raw['external'] === undefined ? false : (bool(ctx, joinPath(path, 'external'), raw['external']) ?? false),
    labels: raw['labels'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'labels'), raw['labels'], true),
  };
}

/** Normalises a named network table (the Docker `ipam.config[0]` form is accepted). */
export function normalizeNetwork(ctx: NormalizeContext, path: string, value: unknown): NetworkSpec {
  const raw = isRecord(value) ? value : {};
  if (value !== undefined && !isRecord(value)) problem(ctx, path, `a network must be a table { driver, driver_opts, ipam, labels, external }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, raw, new Set(['driver', 'driver_opts', 'ipam', 'labels', 'external']));
  let ipam: NetworkSpec['ipam'];
  const rawIpam = raw['ipam'];
  if (rawIpam !== undefined) {
    const at = joinPath(path, 'ipam');
    if (!isRecord(rawIpam)) problem(ctx, at, `must be a table { subnet, gateway }, received ${show(rawIpam)}`, 'type');
    else {
      const config = Array.isArray(rawIpam['config']) && isRecord(rawIpam['config'][0]) ? rawIpam['config'][0] : rawIpam;
      checkKeys(ctx, at, rawIpam, new Set(['subnet', 'gateway', 'driver', 'config']));
      ipam = compact({
        gateway: config['gateway'] === undefined ? undefined : str(ctx, joinPath(at, 'gateway'), config['gateway'], true),
        subnet: config['subnet'] === undefined ? undefined : str(ctx, joinPath(at, 'subnet'), config['subnet'], true),
      });
    }
  }
  return compact({
    driver: raw['driver'] === undefined ? 'bridge' : (str(ctx, joinPath(path, 'driver'), raw['driver'], true) ?? 'bridge'),
    driver_opts: raw['driver_opts'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'driver_opts'), raw['driver_opts']),
    external: raw['external'] === undefined ? false : (bool(ctx, joinPath(path, 'external'), raw['external']) ?? false),
    ipam,
    labels: raw['labels'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'labels'), raw['labels'], true),
  });
}

/** Normalises a secret table: exactly one of `file` and `external = true`. */
export function normalizeSecret(ctx: NormalizeContext, path: string, value: unknown, name = path): SecretSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `a secret must be a table { file = "./path" } or { external = true }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['file', 'external']));
  const file = value['file'] === undefined ? undefined : str(ctx, joinPath(path, 'file'), value['file'], true);
  const external = value['external'] === undefined ? false : bool(ctx, joinPath(path, 'external'), value['external']);
  if (file !== undefined && external === true)
    return problem(ctx, path, `secret '${name}' has both file and external = true; keep exactly one`, 'secret-source');
  if (file !== undefined) return { file };
  if (external === true) return { external: true };
  if (value['file'] === undefined && (value['external'] === undefined || value['external'] === false))
    problem(ctx, path, `secret '${name}' needs file = "./path" or external = true`, 'secret-source');
  return undefined;
}

const POLICIES = ['strict', 'standard', 'permissive'];

function policy(ctx: NormalizeContext, path: string, value: unknown): string | undefined {
  if (typeof value === 'string' && POLICIES.includes(value)) return value;
  return problem(ctx, path, `must be "strict", "standard" or "permissive", received ${show(value)}`);
}

/** Normalises the `x-svalinn` table (kept as given, checked for types). */
export function normalizeSvalinn(ctx: NormalizeContext, path: string, value: unknown): SvalinnExtension | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { policy, verify, attestations }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['policy', 'verify', 'attestations']));
  const attestations = value['attestations'];
  let copied: SvalinnExtension['attestations'];
  if (Array.isArray(attestations) && attestations.every((a) => typeof a === 'string')) copied = [...(attestations as string[])];
  else if (isRecord(attestations) && Object.values(attestations).every((a) => typeof a === 'boolean')) {
    const sorted: Record<string, boolean> = {};
    for (const key of Object.keys(attestations).sort()) sorted[key] = attestations[key] as boolean;
    copied = sorted;
  } else if (attestations !== undefined)
    problem(ctx, joinPath(path, 'attestations'), `must be a table of booleans (require-sbom, require-signature, require-provenance) or an array of strings, received ${show(attestations)}`, 'type');
  return compact({
    attestations: copied,
    policy: value['policy'] === undefined ? undefined : policy(ctx, joinPath(path, 'policy'), value['policy']),
    verify: value['verify'] === undefined ? undefined : bool(ctx, joinPath(path, 'verify'), value['verify']),
  });
}

function table<T>(
  ctx: NormalizeContext,
  key: string,
  value: unknown,
  each: (name: string, path: string, item: unknown) => T | undefined,
): Record<string, T> {
  const out: Record<string, T> = {};
  if (value === undefined) return out;
  if (!isRecord(value)) {
    problem(ctx, key, `must be a table keyed by name, received ${show(value)}`, 'type');
    return out;
  }
  for (const name of Object.keys(value).sort()) {
    const path = joinPath(key, name);
    if (!isValidResourceName(name)) {
      // reported and left out: `__proto__` as a key of `out` would replace its prototype
      problem(ctx, path, `'${name}' is not a valid name (letters, digits, '.', '-', '_'; starting with a letter or digit)`, 'invalid-name');
      continue;
    }
    const item = each(name, path, value[name]);
    if (item !== undefined) out[name] = item;
  }
  return out;
}

/**
 * Normalises a whole compose document (TOML-shaped) into its canonical {@link ProjectSpec}.
 * `name` overrides the document's `name` (the loader passes the option or the folder name).
 * Problems go to the context's sink; a best-effort spec is always returned.
 */
export function normalizeProject(ctx: NormalizeContext, document: unknown, fallbackName: string, overrideName?: string): ProjectSpec {
  const raw = isRecord(document) ? document : {};
  if (!isRecord(document)) problem(ctx, '', `a compose document must be a table, received ${show(document)}`, 'type');
  checkKeys(ctx, '', raw, PROJECT_KEYS, true);
  if (raw['version'] === undefined) problem(ctx, 'version', 'missing: add version = "1.0" at the top of the file', 'version');
  else if (raw['version'] !== '1.0') problem(ctx, 'version', `must be "1.0", received ${show(raw['version'])}`, 'version');
  let name = overrideName;
  if (name === undefined && raw['name'] !== undefined) {
    if (isValidProjectName(raw['name'])) name = raw['name'];
    else problem(ctx, 'name', `must be a project name (lowercase letters, digits, '-', '_', starting with a letter or digit), received ${show(raw['name'])}`, 'invalid-name');
  }
  if (raw['services'] === undefined) problem(ctx, 'services', 'missing: declare at least one [services.NAME] table', 'missing-field');
  const services = table<ServiceSpec>(ctx, 'services', raw['services'], (service, path, item) =>
    normalizeService({ sink: ctx.sink, service }, path, item),
  );
  return compact({
    extensions: extensionsOf(raw, 'x-svalinn'),
    name: name ?? fallbackName,
    networks: table(ctx, 'networks', raw['networks'], (_n, path, item) => normalizeNetwork(ctx, path, item)),
    secrets: table(ctx, 'secrets', raw['secrets'], (secret, path, item) => normalizeSecret(ctx, path, item, secret)),
    services,
    version: '1.0',
    volumes: table(ctx, 'volumes', raw['volumes'], (_n, path, item) => normalizeVolume(ctx, path, item)),
    'x-svalinn': raw['x-svalinn'] === undefined ? undefined : normalizeSvalinn(ctx, 'x-svalinn', raw['x-svalinn']),
  }) as ProjectSpec;
}
