import { posix } from 'node:path';
import type { ServiceFileRef, ServiceSpec } from '@selur/compose';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { Refuse } from './container-options.js';

/** Compose's default mode of a secret or config file (world-readable). */
const COMPOSE_DEFAULT_MODE = 0o444;
/** What the kubelet ORs into the mode of every file of a read-only Secret or ConfigMap volume when the pod has an fsGroup. */
const FS_GROUP_READ = 0o440;

/** @internal One secret or config a service mounts, with what the converter knows of it. */
export interface FileRef {
  readonly kind: 'secret' | 'config';
  /** The ref as written in the service (`source`, `target`, `uid`, `gid`, `mode`). */
  readonly ref: ServiceFileRef;
  /** Its index in the service's `secrets` or `configs` list (for the field path of a refusal). */
  readonly index: number;
  /** The Secret or ConfigMap object it is read from. */
  readonly object: string;
}

/** @internal The volumes and mounts of a service's secrets and configs, and the pod's `fsGroup` when a `gid` asked for one. */
export interface FileMounts {
  readonly volumes: V1Volume[];
  readonly mounts: V1VolumeMount[];
  readonly fsGroup?: number;
}

/** @internal Where a secret is read in the container: absolute as given, relative under `/run/secrets`, `/run/secrets/NAME` by default (as on Docker). */
export function secretTarget(name: string, target: string | undefined): string {
  if (target === undefined || target === '') return `/run/secrets/${name}`;
  return target.startsWith('/') ? posix.normalize(target) : posix.join('/run/secrets', target);
}

/** @internal Where a config is read in the container: absolute as given, relative under `/`, `/NAME` by default. */
export function configTarget(name: string, target: string | undefined): string {
  if (target === undefined || target === '') return `/${name}`;
  return posix.normalize(target.startsWith('/') ? target : `/${target}`);
}

/**
 * @internal Each secret and config as a one-file Secret / ConfigMap volume (`items[].path` = the
 * key, `items[].mode` = `mode`), mounted with `subPath` at its target, read-only.
 *
 * Ownership: a Secret or ConfigMap volume's files belong to root, and a pod can only give them a
 * group through its `fsGroup`, which the kubelet applies to every volume of the pod and whose gid
 * it adds to the container's groups, ORing group and owner read (0440) into each file's mode. So
 * `uid` is accepted only as `0`, and `gid` only where `fsGroup` means exactly that: a numeric gid,
 * one per pod, equal to the group of the service's numeric `user` (the process gains no group),
 * on a service that mounts no named volume (fsGroup would re-own its claims), with a mode that
 * already grants 0440. Anything else is refused by name.
 */
export function fileMounts(s: ServiceSpec, refs: readonly FileRef[], mountsClaims: boolean, no: Refuse): FileMounts {
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const userGroup = /^\d+:(\d+)$/.exec(s.user ?? '')?.[1];
  let fsGroup: number | undefined;
  for (const { kind, ref, index, object } of refs) {
    const at = (field: string) => `${kind}s[${index}].${field}`;
    const target = kind === 'secret' ? secretTarget(ref.source, ref.target) : configTarget(ref.source, ref.target);
    if (ref.mode !== undefined && ref.mode > 0o777) {
      no(at('mode'), `mode 0${ref.mode.toString(8)}: a ${kind === 'secret' ? 'Secret' : 'ConfigMap'} file's mode is at most 0777`);
      continue;
    }
    let ok = true;
    if (ref.uid !== undefined && ref.uid !== '0') {
      no(at('uid'), `uid '${ref.uid}': a ${kind === 'secret' ? 'Secret' : 'ConfigMap'} volume's files belong to root (uid 0); Kubernetes sets no per-file owner`);
      ok = false;
    }
    let mode = ref.mode;
    if (ref.gid !== undefined && ref.gid !== '0') {
      const why = gidProblem(ref.gid, mode ?? COMPOSE_DEFAULT_MODE, userGroup, mountsClaims, fsGroup);
      if (why) {
        no(at('gid'), why);
        ok = false;
      } else {
        fsGroup = Number(ref.gid);
        mode ??= COMPOSE_DEFAULT_MODE; // with an fsGroup the kubelet's default (0644 | 0440) would differ from Compose's 0444
      }
    }
    if (!ok) continue;
    // One volume per object and mode (items carry the mode); the key is the file's path in it.
    const item = { key: ref.source, path: ref.source, ...(mode !== undefined ? { mode } : {}) };
    const same = volumes.find((v) => (v.secret?.secretName ?? v.configMap?.name) === object && !!v.secret === (kind === 'secret') && (v.secret ?? v.configMap)?.items?.[0]?.mode === mode);
    let name = same?.name ?? `${kind}-${object}`.slice(0, 63);
    if (!same && volumes.some((v) => v.name === name)) name = `${kind}-${object}`.slice(0, 58) + `-${mode === undefined ? 'd' : mode.toString(8)}`;
    if (!same)
      // `optional: false` is Kubernetes' default, written out: Podman 4.3's `kube play` dereferences it unread and panics without it.
      volumes.push(kind === 'secret' ? { name, secret: { secretName: object, items: [item], optional: false } } : { name, configMap: { name: object, items: [item] } });
    mounts.push({ name, mountPath: target, subPath: ref.source, readOnly: true });
  }
  return { volumes, mounts, ...(fsGroup !== undefined ? { fsGroup } : {}) };
}

function gidProblem(gid: string, mode: number, userGroup: string | undefined, mountsClaims: boolean, fsGroup: number | undefined): string | undefined {
  const asFsGroup = 'Kubernetes gives a Secret or ConfigMap file a group only through the pod\'s fsGroup';
  if (!/^\d+$/.test(gid)) return `gid '${gid}' is a name; ${asFsGroup}, a numeric gid`;
  if (fsGroup !== undefined && fsGroup !== Number(gid)) return `gid ${gid}: ${asFsGroup}, and this pod already has fsGroup ${fsGroup} (one group per pod)`;
  if (userGroup !== gid)
    return `gid ${gid}: ${asFsGroup}, which also adds ${gid} to the process's groups; accepted only when \`user\` is numeric UID:${gid} (then the process gains nothing)`;
  if (mountsClaims) return `gid ${gid}: ${asFsGroup}, which would also re-own the service's named volumes to group ${gid}`;
  if ((mode & FS_GROUP_READ) !== FS_GROUP_READ)
    return `gid ${gid} with mode 0${mode.toString(8)}: with an fsGroup the kubelet adds read for owner and group (0440), so the file's mode would be 0${(mode | FS_GROUP_READ).toString(8)}`;
  return undefined;
}
