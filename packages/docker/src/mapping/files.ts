import { posix } from 'node:path';
import { InvalidArgumentError } from '@selur/compose';
import type { ContainerRequest } from '@selur/compose';
import type { EngineMount } from './engine-types.js';

/**
 * Where secrets are mounted inside a container: secret `NAME` is the read-only file `/run/secrets/NAME`.
 *
 * @example
 * ```ts
 * import { SECRETS_DIR } from '@selur/compose-docker';
 * await runtime.exec(id, ['cat', `${SECRETS_DIR}/db_password`]);
 * ```
 */
export const SECRETS_DIR = '/run/secrets';

/** A file written into a created container (before it starts) with its owner and mode. @internal */
export interface FileCopy {
  /** `secret` or `config`, for messages. */
  readonly kind: 'secret' | 'config';
  readonly name: string;
  /** Host file whose content is copied. */
  readonly file: string;
  /** Absolute path inside the container. */
  readonly target: string;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

/** The default file mode of a secret or config (Compose's). */
const DEFAULT_MODE = 0o444;

function id(service: string, kind: string, name: string, which: 'uid' | 'gid', value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`${kind} '${name}' of service '${service}': ${which} must be a number, got '${value}'`, { service, field: `${kind}s.${which}` });
  }
  return n;
}

/** Secret target: absolute as given, relative under {@link SECRETS_DIR}, `/run/secrets/NAME` by default. @internal */
export function secretTarget(name: string, target: string | undefined): string {
  if (target === undefined || target === '') return `${SECRETS_DIR}/${name}`;
  return target.startsWith('/') ? posix.normalize(target) : posix.join(SECRETS_DIR, target);
}

/** Config target: absolute as given, relative under `/`. @internal */
export function configTarget(name: string, target: string | undefined): string {
  if (target === undefined || target === '') return `/${name}`;
  return posix.normalize(target.startsWith('/') ? target : `/${target}`);
}

/**
 * How a service's secrets and configs reach the container: a read-only bind mount of the host
 * file when it asks for no owner and no mode (so a `read_only` root file system still works), a
 * copy into the created container otherwise (the only way an owner and a mode can be set: a bind
 * mount shows the host file's own). Pure. @internal
 */
export function secretAndConfigFiles(request: ContainerRequest): { readonly mounts: EngineMount[]; readonly copies: FileCopy[] } {
  const mounts: EngineMount[] = [];
  const copies: FileCopy[] = [];
  const sources = [
    ...request.secrets.map((s) => ({ kind: 'secret' as const, source: s, target: secretTarget(s.name, s.target) })),
    ...request.configs.map((c) => ({ kind: 'config' as const, source: c, target: configTarget(c.name, c.target) })),
  ];
  for (const { kind, source, target } of sources) {
    if (source.uid === undefined && source.gid === undefined && source.mode === undefined) {
      mounts.push({ Type: 'bind', Source: source.file, Target: target, ReadOnly: true });
      continue;
    }
    copies.push({
      kind,
      name: source.name,
      file: source.file,
      target,
      uid: id(request.service, kind, source.name, 'uid', source.uid),
      gid: id(request.service, kind, source.name, 'gid', source.gid),
      mode: source.mode ?? DEFAULT_MODE,
    });
  }
  return { mounts, copies };
}
