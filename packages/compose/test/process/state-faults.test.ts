/**
 * State-file faults: whatever happened to a project's state file (emptied, random bytes, a
 * format version from the future, cut at any point, half a journal, deleted), `down` finds and
 * stops every process of the project, `ps` shows what runs, and `up` starts no duplicate. The
 * services are real processes; every wait is bounded.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProject, processRuntime, type ProcessRuntime, type Project } from '@selur/compose';
import { alive, killGroup, killRecorded, waitFor } from './support.js';

const COMPOSE = `version = "1.0"
[services.db]
image = "host"
command = ["sleep", "120"]
[services.api]
image = "host"
command = ["sh", "-c", "sleep 120 & wait"]
depends_on = ["db"]
[services.web]
image = "host"
command = ["sleep", "120"]
depends_on = ["api"]
`;

type Fault = (file: string) => Promise<void>;

/** True once `pid` carries the process runtime's marker in its environment. */
function marked(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').includes('\0SELUR_COMPOSE_CONTAINER=');
  } catch {
    return false;
  }
}

/** Cuts the file to `fraction` of its size. */
const cutAt = (fraction: number): Fault => async (file) => {
  const size = (await readFile(file)).length;
  await truncate(file, Math.floor(size * fraction));
};

/** Keeps the first `lines` whole lines (a cut at a line boundary: no line is torn). */
const keepLines = (lines: number): Fault => async (file) => {
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.split('\n').slice(0, lines).map((line) => `${line}\n`).join(''));
};

const FAULTS: Record<string, Fault> = {
  'emptied': (file) => writeFile(file, ''),
  'random bytes': (file) => writeFile(file, randomBytes(4096)),
  'a future format version': (file) => writeFile(file, `${JSON.stringify({ version: 99, writeId: 'a'.repeat(24), project: 'faults', containers: {}, networks: {}, volumes: {} })}\n`),
  'cut at 10 %': cutAt(0.1),
  'cut at half': cutAt(0.5),
  'cut at 90 %': cutAt(0.9),
  'cut one byte short': async (file) => truncate(file, (await readFile(file)).length - 1),
  'half a journal (whole lines only)': async (file) => keepLines(Math.max(1, Math.floor((await readFile(file, 'utf8')).split('\n').length / 2)))(file),
  'only its snapshot line': keepLines(1),
  'deleted': (file) => unlink(file),
};

describe('state-file faults: down always leaves nothing running', () => {
  let stateDir: string;
  let project: Project;
  const runtimes: ProcessRuntime[] = [];
  const pids: number[] = [];
  const warnings: string[] = [];
  const onWarning = (warning: Error) => void warnings.push(warning.message);

  const runtime = (): ProcessRuntime => {
    const rt = processRuntime({ stateDir });
    runtimes.push(rt);
    return rt;
  };
  const file = () => join(stateDir, 'projects', 'faults.json');

  /** `up` in a runtime that then lets go of the services (as `up -d`); the pids of every process. */
  async function upDetached(): Promise<number[]> {
    const rt = runtime();
    await project.up({ runtime: rt, timeout: 30_000 });
    const started = (await rt.listContainers('faults')).map((c) => c.pid ?? -1);
    await rt.close();
    expect(started).toHaveLength(3);
    expect(started.every(alive)).toBe(true);
    // A started service carries its marker once it has exec'd its program (a held child of the
    // zygote gets its environment from the zygote until then): a fault now would be the state
    // file lost within a millisecond of the start.
    await waitFor(() => started.every(marked), 'every service to exec its program');
    pids.push(...started);
    return started;
  }

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'state-faults-'));
    project = parseProject(COMPOSE, { projectName: 'faults', cwd: stateDir });
    process.on('warning', onWarning);
  });
  afterEach(async () => {
    process.off('warning', onWarning);
    warnings.splice(0);
    await Promise.all(runtimes.splice(0).map((rt) => rt.close()));
    pids.splice(0).forEach(killGroup);
    killRecorded(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  for (const [name, fault] of Object.entries(FAULTS)) {
    it(`${name}: down (SDK) stops every process and leaves no state`, async () => {
      const started = await upDetached();
      await fault(file());
      const result = await project.down({ runtime: runtime() });
      await waitFor(() => started.every((pid) => !alive(pid)), 'every service to be gone');
      expect(result.removedContainers).toBeGreaterThanOrEqual(name === 'only its snapshot line' ? 0 : 1);
      expect(await runtime().listContainers('faults')).toEqual([]);
    });
  }

  it('a state file cut at half: ps shows the services that run, and a report says what happened', async () => {
    const started = await upDetached();
    await cutAt(0.5)(file());
    const listed = await runtime().listContainers('faults');
    expect(listed.filter((c) => c.state === 'running').map((c) => c.pid).sort()).toEqual([...started].sort());
    // Warnings are emitted on the next tick.
    await waitFor(() => /faults\.json .*(partial line|truncated|checksum).*took in/s.test(warnings.join('\n')), 'the report of the damage');
    await project.down({ runtime: runtime() });
    await waitFor(() => started.every((pid) => !alive(pid)), 'every service to be gone');
  });

  it('a state file cut at half: up starts no duplicate (one process per service)', async () => {
    const started = await upDetached();
    await cutAt(0.5)(file());
    const rt = runtime();
    await project.up({ runtime: rt, timeout: 30_000 });
    const listed = await rt.listContainers('faults');
    const running = listed.filter((c) => c.state === 'running');
    expect(running.map((c) => c.service).sort()).toEqual(['api', 'db', 'web']);
    // What the state lost was replaced, not doubled: none of the old processes runs beside a new one.
    const live = started.filter(alive);
    expect(running.filter((c) => !live.includes(c.pid ?? -1)).length + live.length).toBe(3);
    pids.push(...running.map((c) => c.pid ?? -1));
    await rt.close();
    await project.down({ runtime: runtime() });
    await waitFor(() => [...started, ...running.map((c) => c.pid ?? -1)].every((pid) => !alive(pid)), 'every service to be gone');
  });

  it('a deleted state file: ps finds the services again from the process table', async () => {
    const started = await upDetached();
    await unlink(file());
    const listed = await runtime().listContainers('faults');
    expect(listed.map((c) => [c.service, c.state, c.pid])).toEqual(expect.arrayContaining(['api', 'db', 'web'].map((s) => [s, 'running', expect.any(Number)])));
    expect(listed.map((c) => c.pid).sort()).toEqual([...started].sort());
    await waitFor(() => warnings.join('\n').includes('did not record every running process'), 'the report of the processes taken in');
  });
});
