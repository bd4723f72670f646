import { existsSync } from 'node:fs';
import { InvalidArgumentError } from '@selur/compose';

/** Where the engine listens, parsed from `DOCKER_HOST`-style strings. */
export type EngineAddress =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly display: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly display: string };

/**
 * The socket used when neither the `host` option nor `DOCKER_HOST` says otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_DOCKER_SOCKET, dockerRuntime } from '@selur/compose-docker';
 * const runtime = dockerRuntime({ host: `unix://${DEFAULT_DOCKER_SOCKET}` });
 * ```
 */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Parses `unix:///path`, `tcp://host:port`, `http://host:port` or a bare absolute socket path.
 * @internal
 */
export function parseEngineAddress(value: string): EngineAddress {
  const text = value.trim();
  if (text.startsWith('/')) return { kind: 'unix', socketPath: text, display: `unix://${text}` };
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new InvalidArgumentError(`Docker host '${value}': expected unix:///absolute/path`, { field: 'host' });
    return { kind: 'unix', socketPath, display: text };
  }
  const match = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(text);
  if (match) {
    const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
    const port = match[2] === undefined ? 2375 : Number(match[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`Docker host '${value}': port out of range`, { field: 'host' });
    return { kind: 'tcp', host, port, display: `tcp://${match[1]}:${port}` };
  }
  throw new InvalidArgumentError(
    `Docker host '${value}' is not supported: expected unix:///path/to/docker.sock or tcp://127.0.0.1:2375 (TLS, ssh:// and npipe:// are not supported)`,
    { field: 'host' },
  );
}

/**
 * Chooses the engine address: the explicit option, else `DOCKER_HOST`, else `/var/run/docker.sock`,
 * else (when that is absent) the rootless Podman socket under `XDG_RUNTIME_DIR`.
 * @internal
 */
export function resolveEngineAddress(host: string | undefined, env: NodeJS.ProcessEnv = process.env): EngineAddress {
  if (host !== undefined && host !== '') return parseEngineAddress(host);
  const fromEnv = env['DOCKER_HOST'];
  if (fromEnv !== undefined && fromEnv !== '') return parseEngineAddress(fromEnv);
  const runtimeDir = env['XDG_RUNTIME_DIR'];
  if (!existsSync(DEFAULT_DOCKER_SOCKET) && runtimeDir) {
    const podman = `${runtimeDir}/podman/podman.sock`;
    if (existsSync(podman)) return parseEngineAddress(podman);
  }
  return parseEngineAddress(DEFAULT_DOCKER_SOCKET);
}
