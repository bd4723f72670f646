/**
 * The CLI itself, loaded by cli.ts once the compile cache is on: runs {@link main} with the real
 * process and exits with its code. It lets Node exit on its own (so that log files and output are
 * flushed) and only forces the exit if some handle a runtime left open would keep the process alive.
 */
import { processIo } from './io.js';
import { main } from './main.js';

const io = processIo();
// Process warnings (a repaired state file of the process runtime, SELUR_STATE_RECOVERED) are
// one `warning:` line like the CLI's own, not Node's `(node:<pid>) …` and its trace hint.
process.removeAllListeners('warning');
process.on('warning', (warning) => void io.stderr.write(`warning: ${warning.message}\n`));

void main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2_000).unref();
});
