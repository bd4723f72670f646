/**
 * The CLI itself, loaded by cli.ts once the compile cache is on: runs {@link main} with the real
 * process and exits with its code.
 *
 * It exits as soon as the command is done and what it wrote to stdout and stderr is handed to
 * the system, rather than letting Node end on its own: a natural exit waits for every handle a
 * runtime left open and then tears the whole heap down, ~10–40 ms of every command spent after its
 * last line (longer the more the command loaded). `process.exit` still runs the `exit` listeners
 * (the compile cache is written there, see compile-cache.ts). The exit waits one turn of the event
 * loop first, so that what was queued for it (a process warning emitted on the next tick) is
 * written too. A stdout that never drains (a reader that stopped reading) exits after 2 s.
 */
import { processIo } from './io.js';
import { main } from './main.js';

const io = processIo();
// Process warnings (a repaired state file of the process runtime, SELUR_STATE_RECOVERED) are
// one `warning:` line like the CLI's own, not Node's `(node:<pid>) …` and its trace hint.
process.removeAllListeners('warning');
process.on('warning', (warning) => void io.stderr.write(`warning: ${warning.message}\n`));

void main(process.argv.slice(2), io).then(async (code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2_000).unref();
  await new Promise((next) => setImmediate(next));
  await io.drained();
  process.exit(code);
});
