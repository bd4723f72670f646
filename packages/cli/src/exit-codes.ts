/**
 * The exit codes of `selur-compose`. `run` and `exec` exit with the command's own code, and a
 * foreground `up` with the failing service's exit code when it is known.
 */
export const ExitCode = {
  /** Everything went as asked. */
  ok: 0,
  /** Something failed (a service, the runtime, a check). */
  error: 1,
  /** The command line is wrong. */
  usage: 2,
  /** The compose file is invalid (TOML/YAML syntax or validation). */
  validation: 3,
  /** The chosen runtime (or driver) cannot do this. */
  unsupported: 4,
  /** Interrupted (Ctrl-C / SIGINT). */
  interrupted: 130,
  /** Standard output was closed by its reader (`selur-compose config | head -1`): 128 + SIGPIPE, as a shell shows a program that signal ended. */
  brokenPipe: 141,
} as const;

/** One of the fixed exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
