import type { HealthStatus } from '../../../runtime/types.js';
import { healthArgv } from '../exec/health-command.js';
import { ownStartTime } from '../spawn/proc.js';
import { ownerIsDead, processRuns } from './container-info.js';
import { projectOfId, type ProjectPaths } from './paths.js';
import type { StateStore } from './store.js';
import type { ContainerRecord } from './types.js';

/** A process that was started for a container: its pid (also its process group), start time, and when. */
export interface Run {
  readonly pid: number;
  readonly startTime: string | undefined;
  readonly at: number;
}

/** What {@link ContainerRecords.exited} made of an exit. */
export type ExitOutcome = 'gone' | 'stale' | 'restart' | 'final';

/**
 * The containers' records as the rest of the runtime uses them: each change to a record is one
 * named operation here, made in one {@link StateStore.update} (so changes that arrive together
 * are still written together), instead of a closure that each caller writes against the draft.
 * A start is then one read and one or two operations, not a walk back and forth between the
 * runtime and the store.
 *
 * Every operation finds its record by id (the project is in the id, see paths.ts) and does
 * nothing to a record that is gone, unless it says otherwise. Operations that take a callback
 * call it under the lock, on the record as it is then.
 */
export class ContainerRecords {
  constructor(readonly store: StateStore) {}

  paths(project: string): ProjectPaths {
    return this.store.paths(project);
  }

  /** The record of container `id` as on disk (shared: read-only), or undefined. */
  async get(id: string): Promise<ContainerRecord | undefined> {
    const project = projectOfId(id);
    return project ? (await this.store.read(project)).containers[id] : undefined;
  }

  /** Every record of `project` as on disk (shared: read-only). */
  async all(project: string): Promise<ContainerRecord[]> {
    return Object.values((await this.store.read(project)).containers);
  }

  /** Records a created container. */
  add(record: ContainerRecord): Promise<void> {
    return this.store.update(record.project, (state) => {
      state.containers[record.id] = record;
    });
  }

  /** Forgets a container. */
  remove(record: ContainerRecord): Promise<void> {
    return this.store.update(record.project, (state) => {
      delete state.containers[record.id];
    });
  }

  /** Records `desired: running` (before a start spawns anything); false when the record is gone. */
  wantRunning(record: ContainerRecord): Promise<boolean> {
    return this.store.update(record.project, (state) => {
      const current = state.containers[record.id];
      if (current) current.desired = 'running';
      return current !== undefined;
    });
  }

  /**
   * Records `desired: stopped` (so no supervisor restarts it; one waiting to restart is exited
   * now) and gives the record as it then is, or undefined when there is none.
   */
  async wantStopped(id: string): Promise<ContainerRecord | undefined> {
    const project = projectOfId(id);
    if (!project) return undefined;
    return this.store.update(project, (state) => {
      const current = state.containers[id];
      if (!current) return undefined;
      current.desired = 'stopped';
      if (current.state === 'restarting') current.state = 'exited';
      return { ...current };
    });
  }

  /**
   * Records `run` as the container's running process, owned by this process (released at once
   * when `released()` says so: a start in flight while its runtime object closed), a fresh run
   * with its restart count reset when `resetRestarts`. Gives the record as it then is and whether
   * the container is still wanted running (`desired: running`, and `wanted()`); undefined when
   * the record is gone.
   */
  started(record: ContainerRecord, run: Run, options: { readonly resetRestarts: boolean; readonly released: () => boolean; readonly wanted: () => boolean }): Promise<{ readonly record: ContainerRecord; readonly wanted: boolean } | undefined> {
    return this.store.update(record.project, (state) => {
      const current = state.containers[record.id];
      if (!current) return undefined;
      const wanted = current.desired === 'running' && options.wanted();
      Object.assign(current, runningFields(current, run, options.released(), options.resetRestarts));
      return { record: { ...current }, wanted };
    });
  }

  /** Records that the container's process could not be started (exit code 127). */
  spawnFailed(record: ContainerRecord): Promise<void> {
    return this.store.update(record.project, (state) => {
      const current = state.containers[record.id];
      if (current) Object.assign(current, { state: 'exited', exitCode: 127, finishedAt: new Date().toISOString() });
    });
  }

  /**
   * Records the exit of process `pid` of container `id`: `gone` (no record), `stale` (the record
   * names another process: nothing recorded), else its exit code and time, and `restarting`
   * (`restart`, its restart count one more) when it is still wanted running and `restarts` says
   * so, `exited` (`final`) otherwise.
   */
  exited(id: string, project: string, pid: number, exitCode: number, restarts: (current: ContainerRecord) => boolean): Promise<ExitOutcome> {
    return this.store.update(project, (state): ExitOutcome => {
      const current = state.containers[id];
      if (!current) return 'gone';
      if (current.pid !== pid) return 'stale';
      current.exitCode = exitCode;
      current.finishedAt = new Date().toISOString();
      const restart = current.desired === 'running' && restarts(current);
      current.state = restart ? 'restarting' : 'exited';
      if (restart) current.restartCount++;
      return restart ? 'restart' : 'final';
    });
  }

  /** A restart that will not happen: a container still `restarting` is `exited`. */
  abandonRestart(record: ContainerRecord): Promise<void> {
    return this.store.update(record.project, (state) => {
      const current = state.containers[record.id];
      if (current?.state === 'restarting') current.state = 'exited';
    });
  }

  /** Records that process `pid` of a running or paused container was stopped from outside its owner, with `exitCode` (undefined: not known). */
  stoppedFromOutside(record: ContainerRecord, pid: number, exitCode: number | undefined): Promise<void> {
    return this.store.update(record.project, (state) => {
      const current = state.containers[record.id];
      if (current && current.pid === pid && (current.state === 'running' || current.state === 'paused')) Object.assign(current, { state: 'exited', exitCode, finishedAt: new Date().toISOString() });
    });
  }

  /**
   * Moves a container from state `from` to `to` (pause, unpause) when it is in `from` and its
   * process runs. Gives the record as found (undefined when there is none) and whether it moved.
   */
  async freeze(id: string, from: 'running' | 'paused', to: 'running' | 'paused'): Promise<{ readonly found: ContainerRecord | undefined; readonly changed: boolean }> {
    const project = projectOfId(id);
    let found: ContainerRecord | undefined;
    const changed = project ? await this.store.update(project, (state) => {
      const current = state.containers[id];
      found = current && { ...current };
      if (!current || current.state !== from || !processRuns(current)) return false;
      current.state = to;
      return true;
    }) : false;
    return { found, changed };
  }

  /** Records the health a probe found, unless the container runs another process by now. */
  setHealth(record: ContainerRecord, health: HealthStatus): Promise<void> {
    return this.store.update(record.project, (state) => {
      const current = state.containers[record.id];
      if (current && current.pid === record.pid) current.health = health;
    });
  }

  /** `close()`: the containers `ids` of `project` that this process owns are released (no owner, `releasedAt` set). */
  release(project: string, ids: readonly string[]): Promise<void> {
    return this.store.update(project, (state) => {
      for (const id of ids) {
        const current = state.containers[id];
        if (!current || current.ownerPid !== process.pid) continue;
        current.ownerPid = undefined;
        current.ownerStartTime = undefined;
        current.releasedAt = new Date().toISOString();
        if (current.state === 'restarting') current.state = 'exited';
      }
    });
  }

  /**
   * Records leftovers of a dead owner as reaped (exited, desired stopped, no owner; exit code 137
   * where `killed`), each only while it still names the same process and its owner is still dead.
   */
  reaped(project: string, leftovers: readonly ContainerRecord[], killed: readonly boolean[]): Promise<void> {
    const now = new Date().toISOString();
    return this.store.update(project, (state) => {
      leftovers.forEach((r, index) => {
        const current = state.containers[r.id];
        if (!current || current.pid !== r.pid || !ownerIsDead(current)) return;
        Object.assign(current, { state: 'exited', desired: 'stopped', reapedAt: now, finishedAt: now, ownerPid: undefined, ownerStartTime: undefined, exitCode: killed[index] ? 137 : current.exitCode });
      });
    });
  }
}

/** What a start records: the process, its owner (none once the runtime object is closed), a fresh run. */
function runningFields(current: ContainerRecord, run: Run, released: boolean, resetRestarts: boolean): Partial<ContainerRecord> {
  return {
    // Started by a closed runtime object (a start in flight during close()): released at once.
    state: 'running', pid: run.pid, pidStartTime: run.startTime, ownerPid: released ? undefined : process.pid, ownerStartTime: released ? undefined : ownStartTime(),
    releasedAt: released ? new Date().toISOString() : undefined,
    exitCode: undefined, startedAt: new Date(run.at).toISOString(), finishedAt: undefined, reapedAt: undefined,
    health: healthArgv(current.healthcheck) ? 'starting' : 'none',
    restartCount: resetRestarts ? 0 : current.restartCount,
  };
}
