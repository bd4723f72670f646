import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ConfigInput, NetworkInput, SecretInput, VolumeInput } from '../spec/input.js';
import { throwingSink } from '../spec/issues.js';
import { isValidResourceName } from '../spec/names.js';
import { normalizeFileObject, normalizeNetwork, normalizeSecret, normalizeVolume } from '../spec/normalize-project.js';
import type { ConfigSpec, NetworkSpec, SecretSpec, VolumeSpec } from '../spec/types.js';

/** @internal Throws unless `name` is a valid resource name. */
export function checkName(kind: string, name: unknown, service?: string): string {
  if (!isValidResourceName(name))
    throw new InvalidArgumentError(
      `${kind} name must be letters, digits, '.', '-' or '_', starting with a letter or digit; received ${JSON.stringify(name)}`,
      { field: `${kind}.name`, service },
    );
  return name;
}

/**
 * A named volume of a project. Created through `project.volume(name, input)`.
 *
 * @example
 * ```ts
 * new Project('shop').volume('pgdata', { driver: 'local' }).getVolume('pgdata')?.toJSON(); // { driver: 'local', … }
 * ```
 */
export class Volume {
  /** The volume's name in the project. */
  readonly name: string;
  readonly #spec: VolumeSpec;

  /** @throws {@link InvalidArgumentError} for a bad name or field. */
  constructor(name: string, input: VolumeInput | VolumeSpec = {}) {
    this.name = checkName('volume', name);
    this.#spec = normalizeVolume({ sink: throwingSink }, `volumes.${name}`, input);
  }

  /** The canonical spec. */
  toJSON(): VolumeSpec {
    return this.#spec;
  }
}

/**
 * A named network of a project. Created through `project.network(name, input)`.
 *
 * @example
 * ```ts
 * new Project('shop').network('back', { driver: 'selur' });
 * ```
 */
export class Network {
  /** The network's name in the project. */
  readonly name: string;
  readonly #spec: NetworkSpec;

  /** @throws {@link InvalidArgumentError} for a bad name or field. */
  constructor(name: string, input: NetworkInput | NetworkSpec = {}) {
    this.name = checkName('network', name);
    this.#spec = normalizeNetwork({ sink: throwingSink }, `networks.${name}`, input);
  }

  /** The canonical spec. */
  toJSON(): NetworkSpec {
    return this.#spec;
  }
}

/**
 * A secret of a project: a file (relative to the project's working directory) or an external
 * secret. Its value never appears in rendered config, events or errors.
 *
 * @example
 * ```ts
 * new Project('shop').secret('db_password', { file: './secrets/db.txt' });
 * ```
 */
export class Secret {
  /** The secret's name in the project. */
  readonly name: string;
  readonly #spec: SecretSpec;

  /** @throws {@link InvalidArgumentError} unless exactly one of `file` and `external: true` is given. */
  constructor(name: string, input: SecretInput | SecretSpec) {
    this.name = checkName('secret', name);
    const spec = normalizeSecret({ sink: throwingSink }, `secrets.${name}`, input, name);
    if (spec === undefined) throw new InvalidArgumentError(`secret '${name}' needs { file: './path' }, { environment: 'VAR' } or { external: true }`, { field: `secrets.${name}` });
    this.#spec = spec;
  }

  /** The canonical spec. */
  toJSON(): SecretSpec {
    return this.#spec;
  }
}

/**
 * A config of a project: a file (relative to the project's working directory), an environment
 * variable, inline content, or an external config. Services mount it read-only.
 *
 * @example
 * ```ts
 * new Project('shop').config('nginx_conf', { file: './nginx.conf' });
 * ```
 */
export class Config {
  /** The config's name in the project. */
  readonly name: string;
  readonly #spec: ConfigSpec;

  /** @throws {@link InvalidArgumentError} unless exactly one source is given. */
  constructor(name: string, input: ConfigInput | ConfigSpec) {
    this.name = checkName('config', name);
    const spec = normalizeFileObject({ sink: throwingSink }, `configs.${name}`, input, name, 'config');
    if (spec === undefined)
      throw new InvalidArgumentError(`config '${name}' needs { file: './path' }, { content: '…' }, { environment: 'VAR' } or { external: true }`, { field: `configs.${name}` });
    this.#spec = spec;
  }

  /** The canonical spec. */
  toJSON(): ConfigSpec {
    return this.#spec;
  }
}
