import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { isComposeError } from './errors/compose-error.js';
import { ComposeFileError } from './errors/compose-file-error.js';
import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import { ComposeValidationError } from './errors/validation-error.js';
import { isValidProjectName, sanitizeProjectName } from './spec/names.js';
import type { VariableLookup } from './spec/interpolate.js';
import { parseDotenv } from './toml/dotenv.js';
import { loadSpec, type ComposeText } from './toml/load-spec.js';
import { Project } from './project.js';

/**
 * Options of {@link loadProject}.
 *
 * @example
 * ```ts
 * await loadProject('compose.toml', { projectName: 'ci-42', env: { TAG: 'v2' }, overrideFiles: ['compose.ci.toml'], profiles: ['debug'] });
 * ```
 */
export interface LoadProjectOptions {
  /** Project name; overrides the file's `name` and the folder name. */
  readonly projectName?: string | undefined;
  /** Extra variables for interpolation; they win over the process environment and `.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Files merged over the main one, in order (tables merged, arrays appended), relative to the
   * current directory. @default `compose.override.toml` beside the main file, when present
   */
  readonly overrideFiles?: readonly string[] | undefined;
  /** Profiles to activate: services with profiles run only when one of theirs is listed. @default [] */
  readonly profiles?: readonly string[] | undefined;
}

/**
 * Options of {@link parseProject}.
 *
 * @example
 * ```ts
 * parseProject(text, { file: 'compose.toml', cwd: '/srv/shop', env: { TAG: 'v2' } });
 * ```
 */
export interface ParseProjectOptions {
  /** The file the text came from (for messages and positions). */
  readonly file?: string | undefined;
  /** Extra variables for interpolation; they win over the process environment and `.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Folder that relative paths resolve against, and where `.env` is read. @default the file's folder, else process.cwd() */
  readonly cwd?: string | undefined;
  /** Project name; overrides the text's `name`. */
  readonly projectName?: string | undefined;
  /** Profiles to activate. @default [] */
  readonly profiles?: readonly string[] | undefined;
}

function lookupFor(workingDir: string, env: Readonly<Record<string, string | undefined>> | undefined): VariableLookup {
  const given: VariableLookup = (name) => (env && Object.hasOwn(env, name) && env[name] !== undefined ? env[name] : process.env[name]);
  let dotenv: Record<string, string> = {};
  const path = resolve(workingDir, '.env');
  let text: string | undefined;
  try {
    if (existsSync(path)) text = readFileSync(path, 'utf8');
  } catch {
    // Unreadable: as if there were none.
  }
  if (text !== undefined) {
    try {
      // Like Docker Compose: `.env` interpolates from the environment (and its own earlier keys).
      dotenv = parseDotenv(text, { lookup: given });
    } catch (error) {
      throw new ComposeValidationError([{ code: 'env-file', path: '.env', message: (error as Error).message, file: path }], { cause: error });
    }
  }
  return (name) => given(name) ?? (Object.hasOwn(dotenv, name) ? dotenv[name] : undefined);
}

function build(texts: ComposeText[], workingDir: string, options: ParseProjectOptions | LoadProjectOptions): Project {
  if (options.projectName !== undefined && !isValidProjectName(options.projectName))
    throw new InvalidArgumentError(`projectName must be lowercase letters, digits, '-' or '_', starting with a letter or digit; received ${JSON.stringify(options.projectName)}`, {
      field: 'projectName',
    });
  const spec = loadSpec({
    texts,
    lookup: lookupFor(workingDir, options.env),
    workingDir,
    fallbackName: sanitizeProjectName(basename(workingDir)),
    projectName: options.projectName,
  });
  const project = new Project(spec.name, { workingDir, files: texts.flatMap((t) => (t.file ? [t.file] : [])) });
  project.adoptSpec(spec);
  const profiled = Object.values(spec.services).some((s) => s.profiles.length > 0);
  return profiled ? project.withProfiles(...(options.profiles ?? [])) : project;
}

/**
 * Parses compose.toml text into a {@link Project} (synchronously): interpolation from `env`, the
 * process environment and `.env` in `cwd`; `env_file`s read relative to `cwd`; the JSON Schema
 * and semantic rules checked, every problem reported at once.
 *
 * @throws {@link TomlSyntaxError} (with line, column and the offending line) or {@link ComposeValidationError}; only `ComposeError`s.
 * @example
 * ```ts
 * const project = parseProject('version = "1.0"\n[services.api]\nimage = "api.ctp"\n', { projectName: 'demo' });
 * project.serviceNames(); // ['api']
 * ```
 */
export function parseProject(text: string, options: ParseProjectOptions = {}): Project {
  const workingDir = resolve(options.cwd ?? (options.file ? dirname(resolve(options.file)) : process.cwd()));
  if (typeof text !== 'string') throw new InvalidArgumentError(`parseProject: expected TOML text, received ${typeof text}`, { field: 'text' });
  return build([{ text, file: options.file }], workingDir, options);
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ComposeFileError(file, error);
  }
}

/**
 * Loads a compose file (and its override files) into a {@link Project}. The project's name is
 * `options.projectName`, else the file's `name`, else its folder's name (made valid). Relative
 * paths resolve against the file's folder.
 *
 * @throws {@link ComposeFileError}, {@link TomlSyntaxError} or {@link ComposeValidationError}; only `ComposeError`s.
 * @example
 * ```ts
 * const project = await loadProject('compose.toml', { profiles: ['debug'], env: { TAG: 'v2' } });
 * console.log(project.toToml());
 * ```
 */
export async function loadProject(path: string, options: LoadProjectOptions = {}): Promise<Project> {
  try {
    const file = resolve(path);
    const workingDir = dirname(file);
    const defaultOverride = resolve(workingDir, 'compose.override.toml');
    const overrides = options.overrideFiles?.map((f) => resolve(f)) ?? (defaultOverride !== file && existsSync(defaultOverride) ? [defaultOverride] : []);
    const texts: ComposeText[] = [];
    for (const f of [file, ...overrides]) texts.push({ text: await read(f), file: f });
    return build(texts, workingDir, options);
  } catch (error) {
    if (isComposeError(error)) throw error;
    throw new ComposeFileError(path, error);
  }
}
