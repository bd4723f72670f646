import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseCommandLine, type ParsedCommand } from './args/parse.js';
import { BIN } from './args/commands.js';
import { bashCompletion, zshCompletion } from './completion.js';
import { isUsageError } from './errors/usage-error.js';
import { ExitCode } from './exit-codes.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import type { CliIo } from './io.js';
import { colors, shouldColor } from './render/color.js';
import { resolveSettings } from './settings.js';

/** The CLI's own version, read from its package.json (works from src/ and from dist/). */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function sdkVersion(): string {
  try {
    // createRequire, not import.meta.resolve: dist/ is CommonJS (tsup shims import.meta.url only)
    const file = createRequire(import.meta.url).resolve('@selur/compose/package.json');
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Reads one line of a file for error pointers; undefined when it cannot. */
function readLine(file: string, line: number): string | undefined {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

async function runCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const name = parsed.command.name;
  if (name === 'completion bash') return io.stdout.write(bashCompletion()), ExitCode.ok;
  if (name === 'completion zsh') return io.stdout.write(zshCompletion()), ExitCode.ok;
  if (name === 'version') {
    io.stdout.write(`${BIN} ${cliVersion()} (@selur/compose ${sdkVersion()}, node ${process.versions.node})\n`);
    return ExitCode.ok;
  }
  // The SDK is loaded only for commands that need it: version, help and completion stay instant.
  const { findComposeFiles, isCancelledError, isComposeError } = await import('@selur/compose');
  const settings = resolveSettings(parsed.globals, io.env, io.cwd, findComposeFiles);
  const { createContext } = await import('./context.js');
  const { HANDLERS } = await import('./commands/handlers.js');
  // `name` is now a ProjectCommandName: the compiler knows HANDLERS has it.
  const handler = HANDLERS[name];
  const ctx = createContext(parsed, settings, io);
  // Runtimes unref their pipes and timers; the command keeps the process alive until it is done.
  const alive = setInterval(() => undefined, 1 << 30);
  try {
    return await handler(ctx);
  } catch (error) {
    // Ctrl-C made a wait fail (an aborted exec, a cancelled read): that is an interrupt, not an error.
    if (ctx.signal.aborted && !(isComposeError(error) && !isCancelledError(error))) {
      io.stderr.write('interrupted\n');
      return ExitCode.interrupted;
    }
    throw error;
  } finally {
    clearInterval(alive);
    await ctx.close();
  }
}

/**
 * Runs `selur-compose` with `argv` (without node and the script) and returns the exit code.
 * Never throws: every error is rendered on stderr.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const wantsColor = !argv.includes('--no-color');
  const errColors = colors(shouldColor(io.stderr.isTTY, io.env, !wantsColor));
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  let command: string | undefined;
  try {
    const parsed = parseCommandLine(argv);
    verbose = parsed.globals['verbose'] === true;
    if (parsed.kind === 'version') {
      io.stdout.write(`${BIN} ${cliVersion()}\n`);
      return ExitCode.ok;
    }
    if (parsed.kind === 'help') {
      const topic = parsed.topic;
      io.stdout.write(topic === undefined ? mainHelp(cliVersion()) : 'subcommands' in topic ? groupHelp(topic) : commandHelp(topic));
      return ExitCode.ok;
    }
    command = parsed.command.name;
    return await runCommand(parsed, io);
  } catch (error) {
    if (isUsageError(error)) {
      io.stderr.write(`${errColors.red('error:')} ${error.message}\nRun '${BIN}${error.command ? ` ${error.command}` : ''} --help' for usage.\n`);
      return ExitCode.usage;
    }
    let renderError: typeof import('./render/errors.js').renderError;
    try {
      ({ renderError } = await import('./render/errors.js'));
    } catch {
      // The SDK itself failed to load (a broken install): still one line, no stack trace.
      const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
      io.stderr.write(`${errColors.red('error:')} cannot load @selur/compose: ${message}\n`);
      if (verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
      return ExitCode.error;
    }
    const rendered = renderError(error, { colors: errColors, verbose, readLine, command });
    io.stderr.write(rendered.text);
    return rendered.exitCode;
  }
}
