import { joinPath, isRecord } from './issues.js';
import { isValidProjectName, isValidResourceName } from './names.js';
import { bool, checkKeys, compact, extensionsOf, problem, str, stringRecord, type NormalizeContext } from './normalize-helpers.js';
import { normalizeIpam } from './normalize-ipam.js';
import { normalizeService } from './normalize-service.js';
import { show } from './show.js';
import type { ConfigSpec, NetworkSpec, ProjectSpec, SecretSpec, ServiceSpec, SvalinnExtension, VolumeSpec } from './types.js';

/** Fields the top level of a compose file may have (besides `x-*`). */
export const PROJECT_KEYS: ReadonlySet<string> = new Set(['version', 'name', 'services', 'volumes', 'networks', 'secrets', 'configs', 'x-svalinn']);

function runtimeName(ctx: NormalizeContext, path: string, value: unknown): string | undefined {
  return value === undefined ? undefined : str(ctx, joinPath(path, 'name'), value, true);
}

/** Normalises a named volume table. */
export function normalizeVolume(ctx: NormalizeContext, path: string, value: unknown): VolumeSpec {
  const raw = isRecord(value) ? value : {};
  if (value !== undefined && !isRecord(value)) problem(ctx, path, `a volume must be a table { driver, driver_opts, labels, external }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, raw, new Set(['driver', 'driver_opts', 'labels', 'external', 'name']));
  return compact({
    driver: raw['driver'] === undefined ? 'local' : (str(ctx, joinPath(path, 'driver'), raw['driver'], true) ?? 'local'),
    driver_opts: raw['driver_opts'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'driver_opts'), raw['driver_opts']),
    external: raw['external'] === undefined ? false : (bool(ctx, joinPath(path, 'external'), raw['external']) ?? false),
    labels: raw['labels'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'labels'), raw['labels'], true),
    name: runtimeName(ctx, path, raw['name']),
  });
}

const NETWORK_FLAGS = ['internal', 'attachable', 'enable_ipv6', 'enable_ipv4'] as const;

/** Normalises a named network table. */
export function normalizeNetwork(ctx: NormalizeContext, path: string, value: unknown): NetworkSpec {
  const raw = isRecord(value) ? value : {};
  if (value !== undefined && value !== null && !isRecord(value))
    problem(ctx, path, `a network must be a table { driver, driver_opts, ipam, labels, external, internal, … }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, raw, new Set(['driver', 'driver_opts', 'ipam', 'labels', 'external', 'name', ...NETWORK_FLAGS]));
  const flags: Partial<Record<(typeof NETWORK_FLAGS)[number], boolean>> = {};
  for (const key of NETWORK_FLAGS) if (raw[key] !== undefined) flags[key] = bool(ctx, joinPath(path, key), raw[key]);
  return compact({
    ...flags,
    driver: raw['driver'] === undefined ? 'bridge' : (str(ctx, joinPath(path, 'driver'), raw['driver'], true) ?? 'bridge'),
    driver_opts: raw['driver_opts'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'driver_opts'), raw['driver_opts']),
    external: raw['external'] === undefined ? false : (bool(ctx, joinPath(path, 'external'), raw['external']) ?? false),
    ipam: raw['ipam'] === undefined ? undefined : normalizeIpam(ctx, joinPath(path, 'ipam'), raw['ipam']),
    labels: raw['labels'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'labels'), raw['labels'], true),
    name: runtimeName(ctx, path, raw['name']),
  });
}

const SOURCES = ['file', 'environment', 'content', 'external'] as const;

/**
 * Normalises a secret or config table: exactly one source — `file`, `environment`, `content`
 * (configs only) or `external = true` — and an optional runtime `name`.
 */
export function normalizeFileObject(ctx: NormalizeContext, path: string, value: unknown, name: string, kind: 'secret' | 'config'): SecretSpec | undefined {
  const allowed = kind === 'secret' ? SOURCES.filter((s) => s !== 'content') : SOURCES;
  const shape = allowed.map((s) => (s === 'external' ? 'external = true' : `${s} = "…"`)).join(' or ');
  if (!isRecord(value)) return problem(ctx, path, `a ${kind} must be a table { ${shape} }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set([...allowed, 'name']));
  const named = runtimeName(ctx, path, value['name']);
  const given = allowed.filter((key) => value[key] !== undefined && value[key] !== false);
  if (given.length > 1) return problem(ctx, path, `${kind} '${name}' has ${given.join(' and ')}; keep exactly one`, 'secret-source');
  const key = given[0];
  if (key === undefined) return problem(ctx, path, `${kind} '${name}' needs ${shape}`, 'secret-source');
  if (key === 'external') {
    const external = bool(ctx, joinPath(path, 'external'), value['external']);
    return external === true ? compact({ external: true as const, name: named }) : undefined;
  }
  // content may be empty (an empty config file is legitimate); the others name something
  const text = str(ctx, joinPath(path, key), value[key], key !== 'content');
  if (text === undefined) return undefined;
  return compact({ [key]: text, name: named }) as SecretSpec;
}

/** Normalises a secret table (see {@link normalizeFileObject}). */
export function normalizeSecret(ctx: NormalizeContext, path: string, value: unknown, name = path): SecretSpec | undefined {
  return normalizeFileObject(ctx, path, value, name, 'secret');
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
  if (raw['services'] === undefined) {
    // the version 1 format put services at the top level; the Compose Specification no longer reads it
    const v1 = Object.entries(raw).some(([key, item]) => !PROJECT_KEYS.has(key) && isRecord(item) && (item['image'] !== undefined || item['build'] !== undefined));
    const hint = v1 ? "; this file looks like Compose's version 1 format (services at the top level), which the Compose Specification no longer reads: move them under `services:`" : '';
    problem(ctx, 'services', `missing: declare at least one [services.NAME] table${hint}`, 'missing-field');
  }
  const services = table<ServiceSpec>(ctx, 'services', raw['services'], (service, path, item) =>
    normalizeService({ sink: ctx.sink, service, lookup: ctx.lookup }, path, item),
  );
  return compact({
    extensions: extensionsOf(raw, 'x-svalinn'),
    name: name ?? fallbackName,
    networks: table(ctx, 'networks', raw['networks'], (_n, path, item) => normalizeNetwork(ctx, path, item)),
    secrets: table(ctx, 'secrets', raw['secrets'], (secret, path, item) => normalizeSecret(ctx, path, item, secret)),
    configs: table<ConfigSpec>(ctx, 'configs', raw['configs'], (config, path, item) => normalizeFileObject(ctx, path, item, config, 'config')),
    services,
    version: '1.0',
    volumes: table(ctx, 'volumes', raw['volumes'], (_n, path, item) => normalizeVolume(ctx, path, item)),
    'x-svalinn': raw['x-svalinn'] === undefined ? undefined : normalizeSvalinn(ctx, 'x-svalinn', raw['x-svalinn']),
  }) as ProjectSpec;
}
