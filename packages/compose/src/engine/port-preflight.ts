import { PortConflictError } from '../errors/port-conflict-error.js';
import type { PlanContext } from '../plan/make-plan.js';
import type { HostPortClaim, Runtime } from '../runtime/types.js';

/** Replica actions that publish a service's ports anew in this run. */
const PUBLISHING = new Set(['create', 'recreate', 'start']);

/**
 * @internal The fixed host ports this run will publish anew: services with a replica to create,
 * recreate or start. A port this project's own running containers already publish is left out
 * (a recreate frees it first; an unchanged service keeps it).
 */
export function hostPortClaims(ctx: PlanContext): HostPortClaim[] {
  const ours = new Set(ctx.observed.containers.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused').flatMap((c) => c.ports.map((p) => `${p.protocol}/${p.published}`)));
  const claims: HostPortClaim[] = [];
  const seen = new Set<string>();
  for (const plan of ctx.plan.services) {
    if (!plan.replicas.some((r) => PUBLISHING.has(r.action))) continue;
    const spec = ctx.spec.services[plan.name];
    for (const p of spec?.ports ?? []) {
      const port = p.published ?? 0;
      const key = `${p.protocol}/${port}`;
      if (port <= 0 || ours.has(key) || seen.has(key)) continue;
      seen.add(key);
      claims.push({ service: plan.name, host: p.host_ip ?? '127.0.0.1', port, protocol: p.protocol });
    }
  }
  return claims;
}

/**
 * @internal Before anything is created: asks the runtime whether the fixed host ports of the run
 * are free, and throws {@link PortConflictError} (naming both projects when it knows the other)
 * for the first that is not. The port is the requested one, never read from a message.
 */
export async function assertHostPortsFree(runtime: Runtime, project: string, ctx: PlanContext, start: boolean): Promise<void> {
  if (!start || !runtime.checkHostPorts) return;
  const claims = hostPortClaims(ctx);
  if (claims.length === 0) return;
  const [first, ...more] = await runtime.checkHostPorts(project, claims);
  if (!first) return;
  const by = first.heldBy ? `held by service '${first.heldBy.service}' of project '${first.heldBy.project}', so project '${project}' cannot publish it` : `${first.detail}; project '${project}' cannot publish it`;
  const others = more.length > 0 ? `; also taken: ${more.map((c) => `${c.port}${c.heldBy ? ` (project '${c.heldBy.project}')` : ''}`).join(', ')}` : '';
  throw new PortConflictError({
    service: first.service,
    port: first.port,
    project,
    heldBy: first.heldBy,
    reason: `${first.host}:${first.port}/${first.protocol} is ${by}${others}; nothing was created`,
    rolledBack: false,
  });
}
