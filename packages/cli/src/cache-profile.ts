/**
 * Which compile cache a command line uses (compile-cache.ts): one per command. A module's cache
 * is V8's code of the functions that the run which wrote it compiled, and it is written once (an
 * accepted cache is not rewritten). Shared by every command, the cache of dist/run.js or of the
 * SDK held whatever the first command run after an install needed: after a `version`, every `ps`
 * compiled its own functions anew (about 15 M instructions, ~7% of its start); after an `up`,
 * every `ps` read the code of the converge too. With a cache per command, each holds what that
 * command runs.
 *
 * Known before anything is parsed (the cache must be on before the CLI loads), so it is a guess
 * that needs no option table: the first argument that is one of the top-level command words
 * below (`-f compose.toml ps` is `ps`, `volume ls` is `volume`), else `none` (help, a typo).
 * A wrong guess (a project named `up` given with `-p up ps`) only means another cache folder.
 */

/**
 * The first word of every command and command group of the CLI (args/commands.ts; a test keeps
 * the two the same). Here rather than imported, so that dist/cli.js, which is compiled before
 * the cache is on, does not hold the whole command table.
 */
export const COMMAND_WORDS: ReadonlySet<string> = new Set([
  'up', 'watch', 'down', 'create', 'start', 'stop', 'restart', 'pause', 'unpause', 'scale', 'ps', 'ls', 'logs', 'exec', 'run', 'top', 'events', 'inspect', 'port', 'health', 'wait', 'images',
  'config', 'convert', 'plan', 'build', 'pull', 'push', 'verify', 'policy', 'sbom', 'provenance', 'network', 'volume', 'completion', 'version',
]);

/** The compile cache profile of a command line (`argv` without node and the script). */
export function cacheProfile(argv: readonly string[]): string {
  for (const arg of argv) {
    if (arg === '--') break;
    if (COMMAND_WORDS.has(arg)) return arg;
  }
  return 'none';
}
