import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The CLI suite runs the BUILT binary (`packages/cli/dist/cli.js`), as users do. Build the six
 * packages first, every time, so the tests never run a stale build: JavaScript only (tsup without
 * declaration files, ~2 s), keeping whatever `.d.ts` a full `pnpm build` left.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  for (const pkg of ['compose', 'docker', 'selur', 'kubernetes', 'swarm', 'cli']) {
    execFileSync(`${root}node_modules/.bin/tsup`, ['--no-dts', '--no-clean', '--silent'], {
      cwd: `${root}packages/${pkg}`,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}
