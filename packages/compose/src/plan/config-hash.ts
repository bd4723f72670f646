import { hash } from 'node:crypto';
import type { ServiceSpec } from '../spec/types.js';
import { canonicalJson, canonicalObject, canonicalValue } from './canonical-json.js';

/**
 * Label holding the per-field digests of a container's config (so a plan can name what changed).
 *
 * @example
 * ```ts
 * JSON.parse(container.labels[LABEL_CONFIG_FIELDS])['image']; // '9f86d081884c'
 * ```
 */
export const LABEL_CONFIG_FIELDS = 'io.selur.compose.config-fields';

/**
 * Content digests of the secrets a service uses: secret name → hex digest. Never the content.
 *
 * @example
 * ```ts
 * serviceConfigHash(spec, { db_password: 'e3b0c44298fc1c14' });
 * ```
 */
export type SecretDigests = Readonly<Record<string, string>>;

/** Fields whose keys are compared one by one (`environment.API_URL changed`). */
const KEYED = new Set(['environment', 'labels', 'extensions']);

function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The part of a service's config that decides whether its container must be recreated: the
 * canonical config without `build`, `deploy.replicas`, `depends_on`, `profiles`, `pull_policy` (as Docker
 * Compose does) and `attach`. Secret *contents* never enter; their digests do, through {@link serviceConfigHash}.
 *
 * @example
 * ```ts
 * hashedConfig(spec).deploy; // { strategy: 'rolling' } — replicas left out
 * ```
 */
export function hashedConfig(spec: ServiceSpec): Record<string, unknown> {
  // `attach` (what the CLI streams) and `pull_policy` (how the image is got) do not change the container
  const { build: _build, depends_on: _deps, profiles: _profiles, attach: _attach, pull_policy: _pull, deploy, networks, secrets, ...rest } = spec;
  const { replicas: _replicas, ...deployRest } = deploy;
  // networks and secrets in their short forms (names) when nothing more is said: the bytes hashed
  // before the long forms existed, so no container is recreated by an upgrade of this package
  const names = Object.keys(networks);
  const shortNetworks = names.every((name) => Object.keys(networks[name] ?? {}).length === 0);
  const shortSecrets = secrets.every((ref) => Object.keys(ref).length === 1);
  return {
    ...rest,
    deploy: deployRest,
    networks: shortNetworks ? names : networks,
    secrets: shortSecrets ? secrets.map((ref) => ref.source) : secrets,
  };
}

/**
 * SHA-256 (hex) of a service's canonical config (see {@link hashedConfig}) plus the digests of
 * the secrets it uses, so that editing a secret file recreates the service.
 *
 * @example
 * ```ts
 * const a = serviceConfigHash(spec);
 * const b = serviceConfigHash({ ...spec, deploy: { ...spec.deploy, replicas: 3 } });
 * a === b; // true: scaling is not a config change
 * ```
 */
export function serviceConfigHash(spec: ServiceSpec, secretDigests: SecretDigests = {}): string {
  return configDigests(spec, secretDigests, false).configHash;
}

/**
 * Field path → 12-hex digest of that field's value: one entry per environment variable, label
 * and extension, one per other top-level field, one per secret content (`secret-content.NAME`).
 * Stored on containers (label {@link LABEL_CONFIG_FIELDS}) and compared by the plan.
 *
 * @example
 * ```ts
 * configFields(spec)['environment.API_URL']; // '3f1c0a9b2d4e'
 * ```
 */
export function configFields(spec: ServiceSpec, secretDigests: SecretDigests = {}): Record<string, string> {
  return configDigests(spec, secretDigests).fields;
}

/**
 * @internal {@link serviceConfigHash} and {@link configFields} of one service in one pass: each
 * field is serialised once, for its own digest and for the whole config's. With `withFields`
 * false only the hash is made (`fields` is empty): a field's digest is needed only to explain a
 * change and to label a container, and is most of the work.
 */
export function configDigests(spec: ServiceSpec, secretDigests: SecretDigests = {}, withFields = true): { readonly configHash: string; readonly fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  let whole = '';
  // The fields of hashedConfig(spec), read off the spec itself: the copy (a rest spread of ~30
  // keys) and its garbage were half of a plan's hashing.
  for (const key of Object.keys(spec).sort()) {
    if (UNHASHED.has(key)) continue;
    const value = hashedField(spec, key);
    const keyed = KEYED.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value);
    let json: string | undefined;
    if (keyed && withFields) {
      // A keyed field has one digest per key (`environment.API_URL`), from the same text the whole is made of.
      const subs = new Map<string, string>();
      json = canonicalObject(value as Record<string, unknown>, (sub, subJson) => void subs.set(sub, digest(subJson)));
      for (const sub of [...subs.keys()].sort()) fields[`${key}.${sub}`] = subs.get(sub) as string;
    } else json = keyed ? canonicalObject(value as Record<string, unknown>) : canonicalValue(value);
    if (json === undefined) continue;
    if (withFields && !keyed) fields[key] = digest(json);
    whole += `${whole === '' ? '' : ','}${JSON.stringify(key)}:${json}`;
  }
  const names = Object.keys(secretDigests);
  if (withFields) for (const name of [...names].sort()) fields[`secret-content.${name}`] = (secretDigests[name] as string).slice(0, 12);
  const secrets = names.length > 0 ? `,"secrets":${canonicalJson(secretDigests)}` : '';
  return { configHash: sha256(`{"config":{${whole}}${secrets}}`), fields };
}

/** The spec's fields {@link hashedConfig} leaves out. */
const UNHASHED = new Set(['build', 'depends_on', 'profiles', 'attach', 'pull_policy']);

/** `hashedConfig(spec)[key]` for a key it keeps, without the copy of the rest. */
function hashedField(spec: ServiceSpec, key: string): unknown {
  if (key === 'deploy') {
    const { replicas: _replicas, ...deployRest } = spec.deploy;
    return deployRest;
  }
  if (key === 'networks') {
    const names = Object.keys(spec.networks);
    return names.every((name) => Object.keys(spec.networks[name] ?? {}).length === 0) ? names : spec.networks;
  }
  if (key === 'secrets') return spec.secrets.every((ref) => Object.keys(ref).length === 1) ? spec.secrets.map((ref) => ref.source) : spec.secrets;
  return (spec as unknown as Readonly<Record<string, unknown>>)[key];
}

function digest(json: string): string {
  return sha256(json).slice(0, 12);
}

/**
 * Reasons naming what differs between two field-digest maps, sorted:
 * `environment.API_URL changed`, `ports changed`, `labels.tier added`, `secret db content changed`,
 * `config app_conf content changed`.
 *
 * @example
 * ```ts
 * describeFieldChanges({ image: 'a' }, { image: 'b' }); // ['image changed']
 * ```
 */
export function describeFieldChanges(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const reasons: string[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (a === b) continue;
    const source = key.startsWith('secret-content.') ? key.slice('secret-content.'.length) : undefined;
    const label = source === undefined ? key : source.startsWith('config:') ? `config ${source.slice('config:'.length)} content` : `secret ${source} content`;
    if (a === undefined) reasons.push(`${label} added`);
    else if (b === undefined) reasons.push(`${label} removed`);
    else reasons.push(`${label} changed`);
  }
  return reasons;
}

/** @internal Parses the {@link LABEL_CONFIG_FIELDS} label; `undefined` when absent or unreadable. */
export function parseConfigFields(label: string | undefined): Record<string, string> | undefined {
  if (!label) return undefined;
  try {
    const parsed: unknown = JSON.parse(label);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}
