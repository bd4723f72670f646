import type { ContainerInfo } from '../runtime/types.js';

/** `db` → `DB`, `my-db.v2` → `MY_DB_V2`: a service name as an environment variable prefix. */
export function peerPrefix(service: string): string {
  const name = service.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/**
 * @internal The variables that tell a service where its dependency `service` answers, on a
 * runtime whose services share the host's network (`host-network`): `<NAME>_HOST` (the host
 * address of its first published port), `<NAME>_PORT` (that port), and `<NAME>_PORT_<target>`
 * for each published port (`<NAME>_PORT_<target>_UDP` for UDP), `<NAME>` being the service name
 * upper-cased with every other character `_`. From its first running replica; none when it
 * publishes no port.
 */
export function peerVariables(service: string, containers: readonly ContainerInfo[]): Record<string, string> {
  const info = [...containers].sort((a, b) => a.replica - b.replica).find((c) => c.ports.length > 0);
  const first = info?.ports[0];
  if (!info || !first) return {};
  const prefix = peerPrefix(service);
  const env: Record<string, string> = { [`${prefix}_HOST`]: connectHost(first.host), [`${prefix}_PORT`]: String(first.published) };
  for (const port of info.ports) {
    const key = port.protocol === 'udp' ? `${prefix}_PORT_${port.target}_UDP` : `${prefix}_PORT_${port.target}`;
    env[key] ??= String(port.published);
  }
  return env;
}

function connectHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  return host === '::' ? '::1' : host;
}
