import { hostPortBindError } from '../../../runtime/host-port-bind.js';
import type { HostPortClaim, HostPortConflict } from '../../../runtime/types.js';
import { liveState } from '../state/container-info.js';
import type { StateStore } from '../state/store.js';

/**
 * The check before a run (`Runtime.checkHostPorts`): a fixed host port is taken when another
 * project of this state folder publishes it from a live process (read through the state store),
 * or when it cannot be bound on the host address right now (something else holds it).
 */
export async function checkHostPorts(store: StateStore, project: string, claims: readonly HostPortClaim[]): Promise<HostPortConflict[]> {
  if (claims.length === 0) return [];
  const held = await heldByOthers(store, project);
  const conflicts: HostPortConflict[] = [];
  await Promise.all(
    claims.map(async (claim) => {
      const owner = held.get(`${claim.protocol}/${claim.port}`);
      if (owner) {
        conflicts.push({ ...claim, heldBy: owner, detail: `published by service '${owner.service}' of project '${owner.project}'` });
        return;
      }
      const error = await hostPortBindError(claim);
      if (error) conflicts.push({ ...claim, detail: error });
    }),
  );
  return conflicts.sort((a, b) => a.port - b.port);
}

/** Ports published by live containers of the other projects of the state folder, by `protocol/port`. */
export async function heldByOthers(store: StateStore, project: string): Promise<Map<string, { project: string; service: string }>> {
  const out = new Map<string, { project: string; service: string }>();
  const others = (await store.projectNames()).filter((n) => n !== project);
  await Promise.all(
    others.map(async (other) => {
      const state = await store.read(other).catch(() => undefined);
      for (const record of Object.values(state?.containers ?? {})) {
        const live = liveState(record);
        if (live !== 'running' && live !== 'restarting' && live !== 'paused') continue;
        for (const p of record.ports) out.set(`${p.protocol}/${p.published}`, { project: record.project, service: record.service });
      }
    }),
  );
  return out;
}
