// Preloaded into the CLI under test with `NODE_OPTIONS=--require <this file>`: at exit, writes the
// modules of Node itself that the process loaded (process.moduleLoadList, one per line) to the file
// named by SELUR_RECORD_INTERNALS. Unlike record-modules.mjs it brings no ES module loader along.
const { writeFileSync } = require('node:fs');

const file = process.env.SELUR_RECORD_INTERNALS;
if (file) process.on('exit', () => writeFileSync(file, `${process.moduleLoadList.join('\n')}\n`));
