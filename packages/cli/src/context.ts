import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { COMPOSE_FILE_NAMES, loadProject, Project, type Runtime } from '@selur/compose';
import type { ParsedCommand } from './args/parse.js';
import { BIN } from './args/commands.js';
import type { CliIo } from './io.js';
import { colors, shouldColor, type Colors } from './render/color.js';
import { progressSink, type ProgressSink } from './render/progress-sink.js';
import { createRuntime } from './runtime-factory.js';
import { readEnvFiles } from './env-files.js';
import { schemaCacheFile } from './compile-cache.js';
import type { Settings } from './settings.js';

/** Everything a command handler gets: the parsed line, settings, output, the project and runtime. */
export interface Context {
  readonly parsed: ParsedCommand;
  readonly settings: Settings;
  readonly io: CliIo;
  /** Colours for stdout / stderr. */
  readonly out: Colors;
  readonly err: Colors;
  /** Aborted on the first Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** Aborted on the second Ctrl-C: stop waiting for graceful shutdown. */
  readonly forceSignal: AbortSignal;
  /**
   * Loads (once) the project from the compose files. With `nameOnly`, a missing default file is
   * fine when a project name is given (`-p`): the project is then known by name only (for `down`,
   * `ps`, `logs` of a stack whose file is gone).
   */
  project(options?: { readonly nameOnly?: boolean }): Promise<Project>;
  /** Creates (once) the runtime chosen by `--runtime`. */
  runtime(): Promise<Runtime>;
  /** The progress display for this run (on stderr). */
  progress(): ProgressSink;
  /** Writes to stdout / stderr. */
  print(text: string): void;
  warn(text: string): void;
  /** Releases the runtime and signal handlers. */
  close(): Promise<void>;
}

/** An option value as a string, or undefined. */
export function stringOption(ctx: Context, name: string): string | undefined {
  const value = ctx.parsed.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** An option value as a list. */
export function listOption(ctx: Context, name: string): readonly string[] {
  const value = ctx.parsed.options[name];
  return Array.isArray(value) ? (value as readonly string[]) : typeof value === 'string' ? [value] : [];
}

/** An integer option, or undefined. */
export function intOption(ctx: Context, name: string): number | undefined {
  const value = stringOption(ctx, name);
  return value === undefined ? undefined : Number(value);
}

/** A boolean flag. */
export function flag(ctx: Context, name: string): boolean {
  return ctx.parsed.options[name] === true;
}

/** Builds the context of one command run. */
export function createContext(parsed: ParsedCommand, settings: Settings, io: CliIo): Context {
  const out = colors(shouldColor(io.stdout.isTTY, io.env, settings.noColor));
  const err = colors(shouldColor(io.stderr.isTTY, io.env, settings.noColor));
  const interrupt = new AbortController();
  const force = new AbortController();
  let interrupts = 0;
  const unsubscribe = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) interrupt.abort(new Error('interrupted'));
    else force.abort(new Error('interrupted twice'));
  });
  let project: Promise<Project> | undefined;
  let runtime: Promise<Runtime> | undefined;
  let sink: ProgressSink | undefined;

  const ctx: Context = {
    parsed,
    settings,
    io,
    out,
    err,
    signal: interrupt.signal,
    forceSignal: force.signal,
    project(options = {}) {
      project ??= (async () => {
        if (!existsSync(settings.file) && options.nameOnly && !settings.fileGiven && settings.projectName !== undefined)
          return new Project(settings.projectName, { workingDir: io.cwd });
        if (!existsSync(settings.file)) {
          const message = settings.fileGiven
            ? `compose file not found: ${settings.file}`
            : `no ${COMPOSE_FILE_NAMES.join(', ')} in ${io.cwd} or its parents: pass -f FILE or set SELUR_COMPOSE_FILE`;
          throw new Error(message);
        }
        if (settings.ignoredFiles.length > 0)
          ctx.warn(`found several compose files: using ${settings.file}, not ${settings.ignoredFiles.map((f) => basename(f)).join(', ')}`);
        // Like Docker Compose: the shell's variables win over --env-file values.
        const env: Record<string, string> = settings.envFiles.length > 0 ? readEnvFiles(settings.envFiles, io.env) : {};
        for (const [key, value] of Object.entries(io.env)) if (value !== undefined) env[key] = value;
        const loaded = await loadProject(settings.file, {
          ...(settings.projectName !== undefined ? { projectName: settings.projectName } : {}),
          env,
          ...(settings.overrideFiles.length > 0 ? { overrideFiles: [...settings.overrideFiles] } : {}),
          ...(settings.profiles.length > 0 ? { profiles: [...settings.profiles] } : {}),
          schemaCache: schemaCacheFile(io.env),
        });
        // What loading found worth a warning (an unset variable used bare, say), where it is.
        for (const w of loaded.source.warnings ?? []) ctx.warn(`${w.file ? `${w.file}${w.line !== undefined ? `:${w.line}:${w.column ?? 1}` : ''}: ` : ''}${w.path}: ${w.message}`);
        return loaded;
      })();
      return project;
    },
    runtime() {
      runtime ??= createRuntime(settings, io.env);
      return runtime;
    },
    progress() {
      if (sink) return sink;
      const mode = settings.progress === 'auto' ? (io.stderr.isTTY ? 'tty' : 'plain') : settings.progress;
      sink = progressSink({ mode, out: io.stderr, colors: err, now: () => io.now() });
      return sink;
    },
    print: (text) => io.stdout.write(text),
    warn: (text) => io.stderr.write(`${err.yellow('warning:')} ${text}\n`),
    async close() {
      sink?.close();
      unsubscribe();
      if (runtime) {
        const rt = await runtime.catch(() => undefined);
        await rt?.close?.().catch(() => undefined);
      }
    },
  };
  return ctx;
}

/** The hint shown when a stack is not running. */
export const NOT_RUNNING_HINT = `start it with '${BIN} up -d'`;
