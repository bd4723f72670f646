/**
 * The `selur-compose` executable: runs {@link main} with the real process and exits with its code.
 * It lets Node exit on its own (so that log files and output are flushed) and only forces the exit
 * if some handle a runtime left open would keep the process alive.
 */
import { processIo } from './io.js';
import { main } from './main.js';

const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
setTimeout(() => process.exit(code), 2_000).unref();
