import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * A global setup that fails the run when service processes outlive it: every process the process
 * runtime starts carries `SELUR_COMPOSE_STATE_DIR` (state/process-table.ts), and a test's state
 * folder is a temporary one. At the end of the run, any such process under the temporary folder
 * that was not there at its start is a test that left a stack running: it is killed, and the run
 * fails naming its project and service, so the leak is mended rather than found by chance in `ps`
 * (the CLI suite left two servers running after every run for a whole stop).
 *
 * Run nothing else that starts services from a temporary state folder (a bench) at the same time.
 */
const MARKER = 'SELUR_COMPOSE_STATE_DIR=';

interface Marked {
  readonly pid: number;
  readonly stateDir: string;
  readonly project: string;
  readonly service: string;
}

function markedProcesses(root: string): Marked[] {
  const found: Marked[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    if (!environ.includes(MARKER)) continue;
    const vars = new Map(environ.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
    const stateDir = vars.get('SELUR_COMPOSE_STATE_DIR') ?? '';
    if (!stateDir.startsWith(root)) continue;
    found.push({ pid: Number(entry), stateDir, project: vars.get('SELUR_COMPOSE_PROJECT') ?? '?', service: vars.get('SELUR_COMPOSE_SERVICE') ?? '?' });
  }
  return found;
}

export default function setup(): () => void {
  const roots = [...new Set([tmpdir(), realpathSync(tmpdir())])];
  const scan = () => roots.flatMap((root) => markedProcesses(root));
  const before = new Set(scan().map((p) => p.pid));
  return () => {
    const left = scan().filter((p) => !before.has(p.pid));
    if (left.length === 0) return;
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    const named = [...new Set(left.map((p) => `project '${p.project}' service '${p.service}' (state folder ${p.stateDir})`))];
    // vitest reports an error thrown here but still exits 0: the exit code says it
    process.exitCode = 1;
    throw new Error(`${left.length} service process(es) outlived the test run; killed now. A test left a stack running: ${named.join('; ')}`);
  };
}
