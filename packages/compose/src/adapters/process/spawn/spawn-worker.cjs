'use strict';
// The process runtime's spawner thread (see ThreadSpawner in child-spawner.ts): a worker thread
// that spawns detached children, so that the fork and exec of each (which block the thread that
// calls spawn()) run on another core. Plain CommonJS with no dependency but Node's own modules;
// Node reads this file once and evaluates it in the worker (`new Worker(source, { eval: true })`);
// it is shipped beside the bundle (tsup.config.ts copies it into dist/).
//
// Messages in:  { kind: 'spawn', id, hold, program, argv0, args, cwd, env, stdout, stderr, touch }
//               { kind: 'release' | 'drop', id }   (a held child: one line on its stdin, or end of file)
// Messages out: { id, kind: 'spawned', pid }
//               { id, kind: 'error', error: { message, code, errno, syscall, path } }
//               { id, kind: 'exit', code, signal }
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { openSync, closeSync, constants } = require('node:fs');
const FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
const describe = (e) => ({ message: String((e && e.message) || e), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall, path: e && e.path });
const stdins = new Map();
function start(m) {
  let out, err, child;
  try {
    for (const path of m.touch || []) closeSync(openSync(path, FLAGS, 0o600));
    out = openSync(m.stdout, FLAGS, 0o600);
    err = openSync(m.stderr, FLAGS, 0o600);
    child = spawn(m.program, m.args, { argv0: m.argv0, cwd: m.cwd, env: m.env, detached: true, stdio: [m.hold ? 'pipe' : 'ignore', out, err] });
  } catch (e) {
    parentPort.postMessage({ id: m.id, kind: 'error', error: describe(e) });
    return;
  } finally {
    if (out !== undefined) closeSync(out);
    if (err !== undefined) closeSync(err);
  }
  child.on('error', () => {});
  if (child.stdin) child.stdin.on('error', () => {});
  child.once('error', (e) => { if (child.pid === undefined) parentPort.postMessage({ id: m.id, kind: 'error', error: describe(e) }); });
  child.once('spawn', () => {
    if (child.stdin) stdins.set(m.id, child.stdin);
    parentPort.postMessage({ id: m.id, kind: 'spawned', pid: child.pid });
    child.once('exit', (code, signal) => {
      stdins.delete(m.id);
      parentPort.postMessage({ id: m.id, kind: 'exit', code, signal });
    });
  });
}
parentPort.on('message', (m) => {
  if (m.kind === 'spawn') return start(m);
  const stdin = stdins.get(m.id);
  stdins.delete(m.id);
  if (!stdin) return;
  if (m.kind === 'release') stdin.end('\n');
  else stdin.destroy();
});
