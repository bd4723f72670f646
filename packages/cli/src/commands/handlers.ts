import type { ProjectCommandName } from '../args/commands.js';
import type { Handler } from './common.js';
import { config, convert, plan } from './config.js';
import { exec } from './exec.js';
import { down } from './down.js';
import { pause, restart, scale, start, stop, unpause, up } from './lifecycle.js';
import { events, top } from './monitor.js';
import { health, images, inspect, logs, ls, port, ps, wait } from './observe.js';
import { resourceHandlers } from './resources.js';
import { run, create } from './oneoff.js';
import { build, policy, provenance, pull, push, sbom, verify } from './supply.js';
import { watch } from './watch.js';

/**
 * A handler for each of `Names`, and nothing else. With the default, every command of the table
 * that needs a project: a command added without a handler, or a handler left after its command
 * is gone, does not compile.
 */
export type HandlerTable<Names extends string = ProjectCommandName> = { readonly [K in Names]: Handler };

/** The handler of every command that needs a project, by full command name. */
export const HANDLERS = {
  up,
  watch,
  down,
  create,
  start,
  stop,
  restart,
  pause,
  unpause,
  scale,
  ps,
  ls,
  logs,
  exec,
  run,
  top,
  events,
  inspect,
  port,
  health,
  wait,
  images,
  config,
  convert,
  plan,
  build,
  pull,
  push,
  verify,
  policy,
  sbom,
  provenance,
  ...resourceHandlers,
} as const satisfies HandlerTable;
