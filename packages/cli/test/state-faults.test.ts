/**
 * The CLI's `down` after the process runtime's state file was damaged or deleted: it finds the
 * project's processes (their SELUR_COMPOSE_* marker) and leaves none running. The SDK side of the
 * same faults is packages/compose/test/process/state-faults.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, runCli, workspace, type Workspace } from './support/cli.js';

const COMPOSE = `version = "1.0"
[services.db]
image = "host"
command = ["sleep", "120"]
[services.web]
image = "host"
command = ["sh", "-c", "sleep 120 & wait"]
depends_on = ["db"]
`;

const FAULTS: Record<string, (file: string) => void> = {
  'random bytes': (file) => writeFileSync(file, randomBytes(2048)),
  'a future format version': (file) => writeFileSync(file, '{"version":7,"project":"faults","containers":{}}\n'),
  'cut at half': (file) => truncateSync(file, Math.floor(readFileSync(file).length / 2)),
  'deleted': (file) => unlinkSync(file),
};

/** The pids the state file records (read before the fault). */
function recordedPids(file: string): number[] {
  const pids = new Map<string, number | undefined>();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const { containers = {} } = JSON.parse(line) as { containers?: Record<string, { pid?: number } | null> };
    for (const [id, record] of Object.entries(containers)) pids.set(id, record?.pid);
  }
  return [...pids.values()].filter((pid): pid is number => typeof pid === 'number');
}

/** True once `pid` carries the process runtime's marker in its environment. */
function marked(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').includes('\0SELUR_COMPOSE_CONTAINER=');
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('selur-compose down after a state-file fault', { timeout: 120_000 }, () => {
  let ws: Workspace | undefined;
  let pids: number[] = [];
  afterEach(() => {
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    pids = [];
    ws?.remove();
  });

  for (const [name, fault] of Object.entries(FAULTS)) {
    it(`${name}: down stops every service`, async () => {
      ws = workspace('selur-cli-faults-');
      ws.write('compose.toml', COMPOSE);
      const opts = { cwd: ws.dir, env: ws.env, bin: true };
      const up = await runCli(['-p', 'faults', 'up', '-d'], opts);
      expect(up.code, up.stderr).toBe(0);
      const file = join(ws.env['XDG_STATE_HOME'] as string, 'selur-compose', 'projects', 'faults.json');
      pids = recordedPids(file);
      expect(pids).toHaveLength(2);
      expect(pids.every(alive)).toBe(true);
      // A service carries its marker once it has exec'd its program (ms after its start).
      for (let i = 0; i < 100 && !pids.every(marked); i++) await sleep(100); // bounded: 10 s
      fault(file);
      const down = await runCli(['-p', 'faults', 'down', '-t', '2'], opts);
      expect(down.code, down.stderr).toBe(0);
      // Reported in one line of the CLI's own form (not Node's `(node:<pid>)` warning).
      expect(down.stderr).toMatch(/^warning: process runtime state file \S*faults\.json .*(took in|running process)/m);
      expect(down.stderr).not.toContain('(node:');
      for (let i = 0; i < 100 && pids.some(alive); i++) await sleep(100); // bounded: 10 s
      expect(pids.filter(alive)).toEqual([]);
      const ps = await runCli(['-p', 'faults', 'ps', '-a', '--format', 'json'], opts);
      expect(ps.code, ps.stderr).toBe(0);
      expect(JSON.parse(ps.stdout)).toEqual([]);
    });
  }
});
