import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Where the process runtime keeps its state when no `stateDir` is given:
 * `$XDG_STATE_HOME/selur-compose`, else `~/.local/state/selur-compose`.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_STATE_HOME'];
  return xdg && xdg.length > 0 ? join(xdg, 'selur-compose') : join(homedir(), '.local', 'state', 'selur-compose');
}

/** The files and folders of one project under the state folder. */
export interface ProjectPaths {
  /** `<stateDir>/projects/<project>.json` — the state file. */
  readonly stateFile: string;
  /** `<stateDir>/projects/<project>.json.lock` — the cross-process lock beside it. */
  readonly lockFile: string;
  /** `<stateDir>/projects/<project>/` — logs and volumes. */
  readonly dataDir: string;
  readonly logsDir: string;
  readonly volumesDir: string;
}

export function projectPaths(stateDir: string, project: string): ProjectPaths {
  const root = join(stateDir, 'projects');
  const dataDir = join(root, project);
  return {
    stateFile: join(root, `${project}.json`),
    lockFile: join(root, `${project}.json.lock`),
    dataDir,
    logsDir: join(dataDir, 'logs'),
    volumesDir: join(dataDir, 'volumes'),
  };
}

/** Log file of one container. */
export function logFile(paths: ProjectPaths, id: string): string {
  return join(paths.logsDir, `${id}.log`);
}

/** Folder that backs a named volume. */
export function volumeDir(paths: ProjectPaths, runtimeName: string): string {
  return join(paths.volumesDir, safeSegment(runtimeName));
}

/** A file-name-safe form of a name (no separators, no dot-dot). */
export function safeSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? `_${cleaned}` : cleaned;
}

/** Upper-cased, every non-alphanumeric character replaced by `_` (for env var names). */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** `SELUR_MOUNT_<TARGET>`: the target path upper-cased, non-alphanumerics to `_`, outer `_` trimmed. */
export function mountEnvName(target: string): string {
  return `SELUR_MOUNT_${envName(target).replace(/^_+|_+$/g, '') || 'ROOT'}`;
}

/**
 * Ids are `<project>.<12 hex>`: project names cannot hold a dot, so the project (and so the state
 * file) is found from the id alone, from any process.
 */
export function newContainerId(project: string): string {
  return `${project}.${randomBytes(6).toString('hex')}`;
}

/** The project part of an id made by {@link newContainerId}, or undefined. */
export function projectOfId(id: string): string | undefined {
  const dot = id.indexOf('.');
  if (dot <= 0) return undefined;
  const project = id.slice(0, dot);
  return /^[a-z0-9][a-z0-9_-]*$/.test(project) ? project : undefined;
}
