import type { PortListener, PublishedPort } from '../../../runtime/types.js';
import { heldByOthers } from '../setup/port-check.js';
import { liveState } from '../state/container-info.js';
import type { StateStore } from '../state/store.js';
import type { ContainerRecord } from '../state/types.js';
import { portOwner } from './port-owner.js';

/**
 * Who listens on `port` of `record`: its own process tree (`container`), another process
 * (`other`, named by the project and service of this state folder that publishes the port, when
 * one does, and by pid), or `unknown`.
 */
export async function recordPortListener(store: StateStore, record: ContainerRecord, port: PublishedPort): Promise<PortListener> {
  if (record.pid === undefined || liveState(record) !== 'running') return { owner: 'unknown' };
  const found = portOwner(record.pid, port.published, port.protocol);
  if (found.owner === 'self') return { owner: 'container' };
  if (found.owner === 'unknown') return { owner: 'unknown' };
  const held = (await heldByOthers(store, record.project)).get(`${port.protocol}/${port.published}`);
  const who = [held ? `service '${held.service}' of project '${held.project}'` : undefined, found.pids.length > 0 ? `pid ${found.pids.join(', ')}` : undefined].filter(Boolean).join(', ');
  return {
    owner: 'other',
    detail: `${port.host}:${port.published}/${port.protocol} is answered by ${who || 'another process'}, not by service '${record.service}' (pid ${record.pid}); its own server did not bind the port`,
  };
}

/**
 * The first published port of `record` that something other than its process tree listens on,
 * described; undefined when each is its own, free, or unknown. A healthcheck that passed is
 * only the service's answer when this is undefined.
 */
export async function foreignListener(store: StateStore, record: ContainerRecord): Promise<string | undefined> {
  for (const port of record.ports) {
    const who = await recordPortListener(store, record, port);
    if (who.owner === 'other') return who.detail;
  }
  return undefined;
}
