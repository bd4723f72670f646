import { chmodSync, chownSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { ContainerRequest } from '../../../runtime/types.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';
import { MissingCommandError } from '../../../errors/missing-command-error.js';
import { durationOr } from '../../../spec/duration.js';
import { healthArgv } from '../exec/health-command.js';
import { mountEnvName, newContainerId } from '../state/paths.js';
import { markerEnv } from '../state/process-table.js';
import { portEnv, publishPorts } from './ports.js';
import * as resources from './resources.js';
import { stageSecrets } from './secrets.js';
import { resolveRunAs } from './user.js';
import { blockingFolder } from './reachable.js';
import { ProcessUserError } from '../../../errors/process-user-error.js';
import { secretEnvironmentRefs } from '../../../runtime/secret-environment.js';
import type { StateStore } from '../state/store.js';
import type { ContainerRecord, RunAs, SecretEnvRef } from '../state/types.js';

/**
 * Turns a container request into the record of a created (not started) host process: its argv,
 * working folder, published ports, mount folders, staged secrets (a variable holding a secret's
 * value is kept as a reference to its copy, never as the value) and the environment it adds
 * (`PORT`, `PORT_<target>`, `SELUR_MOUNT_<TARGET>`, `<NAME>_FILE` and the `SELUR_COMPOSE_*` marker of
 * state/process-table.ts, which win over the service's own).
 */
export async function buildRecord(store: StateStore, request: ContainerRequest): Promise<ContainerRecord> {
  const { spec, project } = request;
  // the entrypoint comes first, as in a container: `entrypoint = ["node"]`, `command = ["server.js"]`
  const argv = [...(spec.entrypoint ?? []), ...(spec.command ?? [])];
  if (argv.length === 0) throw new MissingCommandError('process', request.service);
  const cwd = resolve(request.workingDir, expandHome(spec.working_dir ?? '.'));
  const runAs = resolveRunAs(request.service, spec.user, spec.group_add);
  const ports = await publishPorts(spec.ports);
  const mounts: ContainerRecord['mounts'] = [];
  const mountEnv: Record<string, string> = {};
  for (const mount of request.mounts) {
    const hostPath = mount.type === 'bind' ? resolve(request.workingDir, expandHome(mount.source)) : await resources.volumeMountPath(store, project, mount.source);
    if (runAs) {
      // A fresh (empty) named volume belongs to the user the service runs as, as in a container.
      if (mount.type !== 'bind') ownEmptyFolder(store, project, hostPath, runAs);
      const blocked = blockingFolder(hostPath, runAs);
      if (blocked) {
        const type = mount.type === 'bind' ? 'bind' : 'volume';
        const declared = spec.volumes.find((v) => v.target === mount.target)?.source; // the file's name, not the runtime's
        throw new ProcessUserError(request.service, spec.user || String(runAs.uid), 'unreachable-mount', 'volumes', { type, source: declared || mount.source, path: hostPath, ...blocked });
      }
    }
    mounts.push({ target: mount.target, hostPath, readOnly: mount.readOnly });
    mountEnv[mountEnvName(mount.target)] = hostPath;
  }
  let staged: Awaited<ReturnType<typeof stageSecrets>>;
  try {
    staged = await stageSecrets(request.secrets, runAs);
  } catch (error) {
    throw new InvalidArgumentError(`process runtime: cannot copy the secrets of service '${request.service}': ${(error as Error).message}`, { service: request.service, field: `services.${request.service}.secrets`, cause: error });
  }
  // A variable that carries a secret's value (injected in development mode) is recorded as a
  // reference to the private copy: the state file never holds the value.
  const environment: Record<string, string> = { ...request.environment };
  const secretEnv: Record<string, SecretEnvRef> = {};
  for (const [variable, secret] of secretEnvironmentRefs(spec)) {
    const file = staged.files[secret];
    if (file === undefined || !(variable in environment)) continue;
    delete environment[variable];
    secretEnv[variable] = { secret, file };
  }
  const id = newContainerId(project);
  return {
    id, name: request.name, project, service: request.service, replica: request.replica, configHash: request.configHash, image: spec.image,
    labels: { ...request.labels }, command: argv, cwd,
    env: { ...environment, ...portEnv(ports), ...mountEnv, ...staged.env, ...markerEnv(store.stateDir, { id, project, service: request.service, replica: request.replica }) },
    ports, mounts, ...(runAs ? { runAs } : {}), ...(Object.keys(secretEnv).length > 0 ? { secretEnv } : {}), secretDir: staged.dir, restart: spec.restart, stopSignal: spec.stop_signal || 'SIGTERM',
    stopGraceMs: durationOr(spec.stop_grace_period, 10_000), healthcheck: spec.healthcheck,
    state: 'created', desired: 'running', createdAt: new Date().toISOString(), restartCount: 0, health: healthArgv(spec.healthcheck) ? 'starting' : 'none',
  };
}

/**
 * Gives a fresh (empty) volume folder to the user the service runs as, and lets that user pass
 * through the folders above it that are this runtime's, from its state folder down (search
 * permission only: their listings stay private). The folders above the state folder are not the
 * runtime's to open: one that user may not pass (a `stateDir` under /root) fails the service
 * before it starts (reachable.ts).
 *
 * Synchronous: five metadata calls on folders of the state folder take microseconds, and each
 * through the thread pool cost a round trip through a busy machine's scheduler; on the real stack
 * PostgreSQL's initdb (the head of the critical path) was created and started after Redis.
 */
function ownEmptyFolder(store: StateStore, project: string, path: string, runAs: RunAs): void {
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return;
  }
  if (entries.length !== 0) return;
  chownSync(path, runAs.uid, runAs.gid);
  const paths = store.paths(project);
  if (!path.startsWith(`${paths.volumesDir}/`)) return;
  for (const folder of [store.stateDir, dirname(paths.dataDir), paths.dataDir, paths.volumesDir]) {
    const { mode } = statSync(folder);
    if ((mode & 0o011) !== 0o011) chmodSync(folder, (mode & 0o7777) | 0o011);
  }
}

function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}
