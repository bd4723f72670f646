import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerState, HealthStatus, PublishedPort } from '../../runtime/types.js';
import type { HealthcheckSpec, RestartPolicy } from '../../spec/types.js';
import { StateFileError } from '../../errors/state-file-error.js';
import { withFileLock } from './file-lock.js';
import { projectPaths, type ProjectPaths } from './paths.js';

/** What the process runtime records of one container (a supervised host process). */
export interface ContainerRecord {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly service: string;
  readonly replica: number;
  readonly configHash: string;
  readonly image: string;
  readonly labels: Record<string, string>;
  /** argv, no shell. */
  readonly command: string[];
  readonly cwd: string;
  /** What is added to the host environment (request env, PORT*, SELUR_MOUNT_*, *_FILE). */
  readonly env: Record<string, string>;
  readonly ports: PublishedPort[];
  readonly mounts: { readonly target: string; readonly hostPath: string; readonly readOnly: boolean }[];
  /** Private folder holding the secret files (removed with the container). */
  readonly secretDir?: string | undefined;
  readonly restart: RestartPolicy;
  readonly stopSignal: string;
  readonly stopGraceMs: number;
  readonly healthcheck?: HealthcheckSpec | undefined;
  state: Extract<ContainerState, 'created' | 'running' | 'restarting' | 'exited'>;
  /** What was last asked through a runtime: a stop makes restarts stop too. */
  desired: 'running' | 'stopped';
  pid?: number | undefined;
  /** `/proc/<pid>/stat` start time of {@link pid}: a reused pid is never taken for ours. */
  pidStartTime?: string | undefined;
  /**
   * The process whose runtime object supervises it. Undefined once released by `close()` (then
   * {@link releasedAt} is set): a released service is never reaped, while one whose owner died
   * without `close()` (owner recorded, not alive) is.
   */
  ownerPid?: number | undefined;
  ownerStartTime?: string | undefined;
  exitCode?: number | undefined;
  readonly createdAt: string;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  restartCount: number;
  health: HealthStatus;
  /** When `close()` released it (its owner stopped supervising it on purpose). */
  releasedAt?: string | undefined;
  /** Set when reaped after its owner died. */
  reapedAt?: string | undefined;
}

/** A network or volume recorded for a project. */
export interface ResourceRecord {
  readonly id: string;
  readonly name: string;
  readonly runtimeName: string;
  readonly labels: Record<string, string>;
  readonly createdAt: string;
  /** Volumes: the folder that backs it. */
  readonly path?: string | undefined;
}

/** The state file of one project. */
export interface ProjectState {
  readonly version: 1;
  readonly project: string;
  readonly containers: Record<string, ContainerRecord>;
  readonly networks: Record<string, ResourceRecord>;
  readonly volumes: Record<string, ResourceRecord>;
}

interface Pending {
  readonly change: (state: ProjectState) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Parsed state files of this process, by path, with the file version they were parsed from. */
const parsedFiles = new Map<string, { readonly version: string; readonly state: ProjectState }>();

/** Changes waiting for the lock, per state file (shared by every store object of this process). */
const batches = new Map<string, Pending[]>();

const empty = (project: string): ProjectState => ({ version: 1, project, containers: {}, networks: {}, volumes: {} });

/**
 * One JSON state file per project under `<stateDir>/projects/`. Reads need no lock (writes are
 * atomic: temp file + rename); every change is read-modify-write under the project's lock.
 * A project with nothing left loses its state file and its (empty) data folder.
 */
export class StateStore {
  constructor(readonly stateDir: string) {}

  paths(project: string): ProjectPaths {
    return projectPaths(this.stateDir, project);
  }

  /**
   * The project's state as on disk. The result is shared with other readers of this process
   * (parsed once per version of the file): treat it as read-only; change state with `update`.
   */
  async read(project: string): Promise<ProjectState> {
    const file = this.paths(project).stateFile;
    let version: string;
    try {
      const info = await stat(file, { bigint: true });
      version = `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty(project);
      throw new StateFileError(file, 'cannot be read', { cause: error });
    }
    const cached = parsedFiles.get(file);
    if (cached?.version === version) return cached.state;
    const state = await this.readFresh(project);
    parsedFiles.set(file, { version, state });
    return state;
  }

  /** The project's state parsed anew from disk (a private copy to change). */
  private async readFresh(project: string): Promise<ProjectState> {
    const file = this.paths(project).stateFile;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty(project);
      throw new StateFileError(file, 'cannot be read', { cause: error });
    }
    try {
      const parsed = JSON.parse(text) as ProjectState;
      if (parsed.version !== 1 || typeof parsed.containers !== 'object') throw new Error('unexpected shape');
      return parsed;
    } catch (error) {
      throw new StateFileError(file, 'is not a valid process-runtime state file (delete it if no service of the project runs)', { cause: error });
    }
  }

  /**
   * Changes the project's state under its lock; `change` mutates the draft and returns a result.
   * Changes that arrive while the lock is busy are applied together in one read-modify-write
   * (group commit), in arrival order: 200 services starting at once cost a few writes, not 200.
   */
  update<T>(project: string, change: (state: ProjectState) => T | Promise<T>): Promise<T> {
    const paths = this.paths(project);
    return new Promise<T>((resolve, reject) => {
      let batch = batches.get(paths.stateFile);
      if (!batch) {
        const fresh: Pending[] = [];
        batch = fresh;
        batches.set(paths.stateFile, fresh);
        withFileLock(paths.lockFile, () => this.commit(project, paths, fresh)).then(
          (outcomes) => fresh.forEach((item, index) => (outcomes[index]?.ok ? item.resolve(outcomes[index]?.value) : item.reject(outcomes[index]?.value))),
          (error: unknown) => fresh.forEach((item) => item.reject(error)),
        );
      }
      batch.push({ change, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private async commit(project: string, paths: ProjectPaths, batch: Pending[]): Promise<{ ok: boolean; value: unknown }[]> {
    if (batches.get(paths.stateFile) === batch) batches.delete(paths.stateFile); // later changes form the next batch
    const state = await this.readFresh(project);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    for (const item of batch) {
      try {
        outcomes.push({ ok: true, value: await item.change(state) });
      } catch (error) {
        outcomes.push({ ok: false, value: error });
      }
    }
    await this.write(paths, state);
    return outcomes;
  }

  private async write(paths: ProjectPaths, state: ProjectState): Promise<void> {
    const isEmpty = Object.keys(state.containers).length === 0 && Object.keys(state.networks).length === 0 && Object.keys(state.volumes).length === 0;
    try {
      if (isEmpty) {
        await rm(paths.stateFile, { force: true });
        await rm(paths.logsDir, { recursive: true, force: true });
        await rmdir(paths.volumesDir).catch(() => undefined);
        await rmdir(paths.dataDir).catch(() => undefined);
        return;
      }
      await mkdir(dirname(paths.stateFile), { recursive: true, mode: 0o700 });
      const temp = `${paths.stateFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, JSON.stringify(state), { mode: 0o600 });
      await rename(temp, paths.stateFile);
      // What we just wrote is what the next reader of this process would parse: keep it. The
      // draft is no longer shared (changes return copies), so it can serve as the read-only view.
      const info = await stat(paths.stateFile, { bigint: true });
      parsedFiles.set(paths.stateFile, { version: `${info.ino}:${info.size}:${info.mtimeNs}`, state });
    } catch (error) {
      throw new StateFileError(paths.stateFile, 'cannot be written', { cause: error });
    }
  }
}
