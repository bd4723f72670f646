import { delimiter, isAbsolute, resolve } from 'node:path';
import type { FoundComposeFiles } from '@selur/compose';
import type { OptionValues } from './args/parse.js';
import { PROGRESS_MODES, RUNTIMES, type ProgressMode, type RuntimeName } from './args/global-options.js';
import { UsageError } from './errors/usage-error.js';

/** The global settings after options, environment variables and defaults are combined. */
export interface Settings {
  /** The compose file (absolute). */
  readonly file: string;
  /** Files merged on top of it, in order (absolute). */
  readonly overrideFiles: readonly string[];
  /** True when the file came from `-f` or `SELUR_COMPOSE_FILE` (not the default). */
  readonly fileGiven: boolean;
  /** Other compose files found beside the discovered one, which lost to it (warned about). */
  readonly ignoredFiles: readonly string[];
  readonly projectName?: string | undefined;
  readonly profiles: readonly string[];
  /** `--env-file` paths (absolute), in order. */
  readonly envFiles: readonly string[];
  readonly runtime: RuntimeName;
  /** Concurrency cap; undefined for none. */
  readonly parallel?: number | undefined;
  readonly progress: ProgressMode;
  readonly verbose: boolean;
  readonly noColor: boolean;
  /** `--compat`: fields the runtime cannot apply are left out with a warning instead of refused. */
  readonly compat: boolean;
  /** `--namespace`: the Kubernetes namespace (`SELUR_COMPOSE_NAMESPACE` is read where it applies: `kubernetesNamespace()`). */
  readonly namespace?: string | undefined;
  readonly svalinnUrl: string;
  readonly vordrUrl?: string | undefined;
}

/** The compose file name assumed when none is found (see {@link resolveSettings} for discovery). */
export const DEFAULT_FILE = 'compose.toml';
/** The Svalinn gateway's default address: it listens on 8000 (8080 is Vörðr's), as `svalinnClient` assumes. */
export const DEFAULT_SVALINN_URL = 'http://localhost:8000';

const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : []);
const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/**
 * Combines the parsed global options with the environment (`SELUR_COMPOSE_FILE`,
 * `SELUR_PROJECT_NAME`, then Docker Compose's `COMPOSE_PROJECT_NAME`, `SELUR_COMPOSE_PARALLEL`, `SELUR_COMPOSE_RUNTIME`, `SVALINN_URL`,
 * `VORDR_MCP_URL`) and the defaults. Options win over variables.
 */
export function resolveSettings(
  globals: OptionValues,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  // The SDK's discovery, handed in: importing the SDK here would load it for `version` and `--help` too.
  findComposeFiles: (dir: string) => FoundComposeFiles | undefined,
): Settings {
  const given = list(globals['file']);
  const fromEnv = nonEmpty(env['SELUR_COMPOSE_FILE'])?.split(delimiter).filter(Boolean) ?? [];
  const files = (given.length > 0 ? given : fromEnv).map((f) => resolve(cwd, f));
  // none given: found as Docker Compose finds them (this folder, then its parents; compose.toml
  // before compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml)
  const found = files.length > 0 ? undefined : findComposeFiles(cwd);
  const [file = found?.file ?? resolve(cwd, DEFAULT_FILE), ...overrideFiles] = files;

  const runtime = (typeof globals['runtime'] === 'string' ? globals['runtime'] : nonEmpty(env['SELUR_COMPOSE_RUNTIME'])) ?? 'process';
  if (!(RUNTIMES as readonly string[]).includes(runtime))
    throw new UsageError(`SELUR_COMPOSE_RUNTIME must be one of ${RUNTIMES.join(', ')} (got '${runtime}')`);

  const parallelText = typeof globals['parallel'] === 'string' ? globals['parallel'] : nonEmpty(env['SELUR_COMPOSE_PARALLEL']);
  let parallel: number | undefined;
  if (parallelText !== undefined) {
    if (!/^\d+$/.test(parallelText)) throw new UsageError(`SELUR_COMPOSE_PARALLEL must be a whole number ≥ 0 (got '${parallelText}')`);
    parallel = Number(parallelText) === 0 ? undefined : Number(parallelText);
  }
  const progress = (typeof globals['progress'] === 'string' ? globals['progress'] : 'auto') as ProgressMode;
  if (!PROGRESS_MODES.includes(progress)) throw new UsageError(`--progress must be one of ${PROGRESS_MODES.join(', ')}`);

  return {
    file,
    overrideFiles,
    fileGiven: files.length > 0,
    ignoredFiles: found?.ignored ?? [],
    projectName: (typeof globals['project-name'] === 'string' ? globals['project-name'] : undefined) ?? nonEmpty(env['SELUR_PROJECT_NAME']) ?? nonEmpty(env['COMPOSE_PROJECT_NAME']),
    profiles: list(globals['profile']),
    envFiles: list(globals['env-file']).map((f) => (isAbsolute(f) ? f : resolve(cwd, f))),
    runtime: runtime as RuntimeName,
    parallel,
    progress,
    verbose: globals['verbose'] === true,
    noColor: globals['no-color'] === true,
    compat: globals['compat'] === true,
    namespace: typeof globals['namespace'] === 'string' ? globals['namespace'] : undefined,
    svalinnUrl: nonEmpty(env['SVALINN_URL']) ?? DEFAULT_SVALINN_URL,
    vordrUrl: nonEmpty(env['VORDR_MCP_URL']),
  };
}
