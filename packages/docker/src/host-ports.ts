import { hostPortBindError, LABEL_PROJECT, LABEL_SERVICE } from '@selur/compose';
import type { HostPortClaim, HostPortConflict } from '@selur/compose';
import type { EngineClient } from './client/engine-client.js';

/** One entry of `Ports` in `GET /containers/json`. */
interface SummaryPort {
  readonly IP?: string;
  readonly PrivatePort?: number;
  readonly PublicPort?: number;
  readonly Type?: string;
}

/** What `GET /containers/json` says of a container, as far as the check needs it. */
interface ContainerSummary {
  readonly Id: string;
  readonly Names?: readonly string[];
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly Ports?: readonly SummaryPort[] | null;
}

/** Docker Compose's own project and service labels: a stack it started is named too. */
const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

const WILDCARD = new Set(['', '0.0.0.0', '::']);

/** Two host addresses clash when either is a wildcard or they are the same. @internal */
export function addressesOverlap(a: string, b: string): boolean {
  return WILDCARD.has(a) || WILDCARD.has(b) || a === b || (isLoopback(a) && isLoopback(b) && a.includes(':') === b.includes(':'));
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

/**
 * @internal `Runtime.checkHostPorts` on Docker: a fixed host port is taken when a running
 * container of another project (any container the engine knows, ours or Docker Compose's or
 * anyone's) publishes it, or — when the engine runs on this host (a unix socket) — when it cannot
 * be bound here right now (a host process holds it). A container of Docker Compose or of this
 * SDK is named by its project and service; any other by its container name.
 */
export async function checkHostPorts(client: EngineClient, project: string, claims: readonly HostPortClaim[], options: { readonly localEngine: boolean }): Promise<HostPortConflict[]> {
  if (claims.length === 0) return [];
  const running = await client.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: false } });
  const conflicts: HostPortConflict[] = [];
  await Promise.all(
    claims.map(async (claim) => {
      const holder = running.find((c) => c.Labels?.[LABEL_PROJECT] !== project && (c.Ports ?? []).some((p) => p.PublicPort === claim.port && (p.Type ?? 'tcp') === claim.protocol && addressesOverlap(p.IP ?? '', claim.host)));
      if (holder) {
        const labels = holder.Labels ?? {};
        const heldProject = labels[LABEL_PROJECT] ?? labels[COMPOSE_PROJECT];
        const heldService = labels[LABEL_SERVICE] ?? labels[COMPOSE_SERVICE];
        const name = (holder.Names?.[0] ?? holder.Id.slice(0, 12)).replace(/^\//, '');
        conflicts.push({
          ...claim,
          heldBy: heldProject !== undefined && heldService !== undefined ? { project: heldProject, service: heldService } : undefined,
          detail: `published by container '${name}'`,
        });
        return;
      }
      if (!options.localEngine) return;
      const error = await hostPortBindError(claim);
      if (error) conflicts.push({ ...claim, detail: error });
    }),
  );
  return conflicts.sort((a, b) => a.port - b.port);
}
