import type { ContainerState, HealthStatus, PublishedPort } from '../../../runtime/types.js';
import type { HealthcheckSpec, RestartPolicy } from '../../../spec/types.js';

/**
 * The types of the process runtime's state: what it records of a project (its containers,
 * networks and volumes) and what a change to it is. Every module of state/ (and the runtime
 * around it) takes them from here, so no two of them need import each other.
 */

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
  /**
   * Environment variables whose value is a secret (`KEY = { secret = "NAME" }`, development mode):
   * only a reference to the secret's private copy (in {@link secretDir}) is recorded, never the
   * value, which is read from the copy each time a process is spawned (spawn/environment.ts).
   */
  readonly secretEnv?: Record<string, SecretEnvRef> | undefined;
  /** The user its processes run as (`user`, `group_add`), when not this process's own. */
  readonly runAs?: RunAs | undefined;
  /** Private folder holding the secret files (removed with the container). */
  readonly secretDir?: string | undefined;
  readonly restart: RestartPolicy;
  readonly stopSignal: string;
  readonly stopGraceMs: number;
  readonly healthcheck?: HealthcheckSpec | undefined;
  state: Extract<ContainerState, 'created' | 'running' | 'restarting' | 'paused' | 'exited'>;
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

/** Who a container's processes run as, when not as the runtime's own user (root switching). */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups: the user's groups in /etc/group, then `group_add`. */
  readonly groups: readonly number[];
  /** `setpriv` (util-linux), found on the PATH when the container was created; it does the switch. */
  readonly setpriv: string;
}

/** Where the value of a secret environment variable is read from at spawn time. */
export interface SecretEnvRef {
  /** The secret's name. */
  readonly secret: string;
  /** The private copy (0600) of the secret's file. */
  readonly file: string;
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
  /**
   * Random id of the write that produced the file (new at every write, by any process). It comes
   * first in the file, so a process that kept a parsed copy checks it is still current by
   * reading a few bytes. Absent in files written before it existed.
   */
  readonly writeId?: string | undefined;
  readonly project: string;
  readonly containers: Record<string, ContainerRecord>;
  readonly networks: Record<string, ResourceRecord>;
  readonly volumes: Record<string, ResourceRecord>;
}

/** A change to a project's state: mutates the draft synchronously and returns a result. */
export type StateChange<T> = (state: ProjectState) => T;
