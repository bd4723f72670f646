import type { ContainerInfo, ContainerState } from '../../../runtime/types.js';
import { isProcessAlive } from '../spawn/proc.js';
import type { ContainerRecord } from './types.js';

/** True when the process that supervises `record` (its owner) is gone without releasing it. */
export function ownerIsDead(record: ContainerRecord): boolean {
  return record.ownerPid !== undefined && !isProcessAlive(record.ownerPid, record.ownerStartTime);
}

/** True when the record's process runs (same pid and start time as recorded). */
export function processRuns(record: ContainerRecord): boolean {
  return record.pid !== undefined && isProcessAlive(record.pid, record.pidStartTime);
}

/** Whether a record's process runs; {@link processRuns} unless the caller knows better. */
export type RunsCheck = (record: ContainerRecord) => boolean;

/** The state as it really is: a recorded `running` whose process is gone reads `exited`. */
export function liveState(record: ContainerRecord, runs: RunsCheck = processRuns): ContainerState {
  switch (record.state) {
    case 'running':
    case 'paused':
      return runs(record) ? record.state : 'exited';
    case 'restarting':
      return ownerIsDead(record) || record.ownerPid === undefined ? 'exited' : 'restarting';
    default:
      return record.state;
  }
}

/** The port-level view of a record. */
export function toContainerInfo(record: ContainerRecord, runs: RunsCheck = processRuns): ContainerInfo {
  const state = liveState(record, runs);
  return {
    id: record.id,
    name: record.name,
    project: record.project,
    service: record.service,
    replica: record.replica,
    configHash: record.configHash,
    image: record.image,
    state,
    health: record.healthcheck && !record.healthcheck.disable ? (state === 'running' ? record.health : record.health === 'none' ? 'none' : 'unhealthy') : 'none',
    exitCode: state === 'exited' ? record.exitCode : undefined,
    ports: record.ports.map((p) => ({ ...p })),
    pid: state === 'running' || state === 'paused' ? record.pid : undefined,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    restartCount: record.restartCount,
    labels: { ...record.labels },
  };
}
