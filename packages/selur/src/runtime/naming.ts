/**
 * How the selur runtime records identity on Vörðr, which has no labels and no notion of a project:
 * containers are named `<project>_<service>_<replica>`, networks and volumes `<project>_<name>`, and
 * the compose labels travel inside the container's `config` (read back from `vordr_container_inspect`).
 */
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';

/**
 * Label (inside Vörðr's `config.labels`) holding the `sha256:` digest of the bundle that was run.
 *
 * @example
 * ```ts
 * const info = await runtime.inspectContainer('shop_api_1');
 * console.log(info.labels[LABEL_BUNDLE_DIGEST]); // 'sha256:…'
 * ```
 */
export const LABEL_BUNDLE_DIGEST = 'io.selur.compose.bundle-digest';
/**
 * Label holding the absolute path of the local bundle file that was verified and run.
 *
 * @example
 * ```ts
 * console.log((await runtime.inspectContainer('shop_api_1')).labels[LABEL_BUNDLE_PATH]); // '/srv/shop/api.ctp'
 * ```
 */
export const LABEL_BUNDLE_PATH = 'io.selur.compose.bundle-path';
/**
 * Label (added when reading back) holding Vörðr's own 64-hex container id; the runtime's
 * `ContainerInfo.id` is the container name.
 *
 * @example
 * ```ts
 * const vordrId = (await runtime.inspectContainer('shop_api_1')).labels[LABEL_VORDR_ID];
 * ```
 */
export const LABEL_VORDR_ID = 'io.selur.vordr.id';

/** `<project>_<service>_<replica>`. */
export function containerName(project: string, service: string, replica: number): string {
  return `${project}_${service}_${replica}`;
}

/** `<project>_` — the prefix of every container, network and volume of the project. */
export function projectPrefix(project: string): string {
  return `${project}_`;
}

/** Identity read from a container name of the project; `undefined` when the name is not one of its containers. */
export function parseProjectContainerName(project: string, name: string): { service: string; replica: number } | undefined {
  const prefix = projectPrefix(project);
  if (!name.startsWith(prefix)) return undefined;
  const match = /^(.+)_([1-9]\d*)$/.exec(name.slice(prefix.length));
  if (!match) return undefined;
  return { service: match[1] as string, replica: Number(match[2]) };
}

/**
 * Identity guessed from a container name alone (no project known): the last two `_` parts are the
 * service and the replica. Used only when the labels inside Vörðr's config are missing.
 */
export function guessContainerName(name: string): { project: string; service: string; replica: number } | undefined {
  const match = /^(.+)_([^_]+)_([1-9]\d*)$/.exec(name);
  if (!match) return undefined;
  return { project: match[1] as string, service: match[2] as string, replica: Number(match[3]) };
}

/** The identity labels of a container, from the recorded labels if present, else from its name. */
export function identityOf(name: string, labels: Readonly<Record<string, string>>, project?: string): { project: string; service: string; replica: number } | undefined {
  const p = labels[LABEL_PROJECT];
  const s = labels[LABEL_SERVICE];
  const r = Number(labels[LABEL_REPLICA]);
  if (p !== undefined && s !== undefined && Number.isInteger(r) && r >= 1) return { project: p, service: s, replica: r };
  if (project !== undefined) {
    const parsed = parseProjectContainerName(project, name);
    return parsed ? { project, ...parsed } : undefined;
  }
  return guessContainerName(name);
}

/** The labels every container carries (identity and config hash), merged over `labels`. */
export function identityLabels(labels: Readonly<Record<string, string>>, identity: { project: string; service: string; replica: number }, configHash: string | undefined): Record<string, string> {
  return {
    ...labels,
    [LABEL_PROJECT]: identity.project,
    [LABEL_SERVICE]: identity.service,
    [LABEL_REPLICA]: String(identity.replica),
    ...(configHash === undefined ? {} : { [LABEL_CONFIG_HASH]: configHash }),
  };
}
