// The real Swarm suite: puts the local engine into Swarm mode (a single-node swarm on 127.0.0.1),
// runs vitest.swarm.config.ts, and ALWAYS leaves the swarm afterwards (and removes the
// docker_gwbridge network Swarm made), whatever happened. It takes no lock itself: CI runs it after
// the main suite; by hand, hold the Docker lock for the whole swarm period:
//
//   flock /tmp/docker.lock node scripts/swarm-suite.mjs
//
// Fails (never skips) when no engine answers or Swarm mode cannot be entered.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) console.error(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

let status = 1;
try {
  const init = run('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  if (init !== 0) {
    console.error('swarm-suite: `docker swarm init` failed: the Swarm suite needs a running Docker engine that is not already in a swarm (see CONTRIBUTING.md).');
  } else {
    status = run('pnpm', ['exec', 'vitest', 'run', '--config', 'vitest.swarm.config.ts']);
  }
} finally {
  run('docker', ['swarm', 'leave', '--force']);
  run('docker', ['network', 'rm', 'docker_gwbridge']);
}
process.exit(status);
