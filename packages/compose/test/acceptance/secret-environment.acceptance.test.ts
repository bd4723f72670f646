import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSecretInEnvironmentError, Project, type Runtime } from '@selur/compose';
import { cleanup, FAST, NODE, runtime, stateDir, track } from './support.js';

afterEach(cleanup);

function projectWithEnvSecret(): Project {
  const dir = mkdtempSync(join(tmpdir(), 'env-secret-'));
  writeFileSync(join(dir, 'token.txt'), 'tok-ABC123\n');
  const project = new Project(track(`envsecret${Math.random().toString(16).slice(2, 8)}`), { workingDir: dir })
    .secret('token', { file: './token.txt' })
    .service('app', {
      image: 'local/app.ctp',
      command: [NODE, '-e', 'console.log("TOKEN=" + process.env.TOKEN); setInterval(() => {}, 1000)'],
      environment: { TOKEN: { secret: 'token' } },
      secrets: ['token'],
    });
  return project;
}

describe('environment values that refer to a secret', () => {
  it('are refused before anything is created, naming service, variable and secret', async () => {
    const rt = runtime();
    const project = projectWithEnvSecret();
    const error = await project.up({ ...FAST, runtime: rt, secretsDevMode: false }).catch((e: unknown) => e);
    expect(isSecretInEnvironmentError(error)).toBe(true);
    expect(error).toMatchObject({ service: 'app', variable: 'TOKEN', secret: 'token', reason: 'refused' });
    expect(await rt.listContainers(project.name)).toHaveLength(0);
    expect(await rt.listNetworks(project.name)).toHaveLength(0);
  });

  it('inject the file content in development mode, and the value never reaches events', async () => {
    const rt = runtime();
    const project = projectWithEnvSecret();
    const events: string[] = [];
    await using stack = await project.up({ ...FAST, runtime: rt, secretsDevMode: true, logEvents: true, onEvent: (e) => events.push(JSON.stringify(e)) });
    let seen = '';
    for await (const line of stack.logs('app', { follow: true, signal: AbortSignal.timeout(5_000) })) {
      seen = line.text;
      if (seen.startsWith('TOKEN=')) break;
    }
    expect(seen).toBe('TOKEN=tok-ABC123');
    expect(events.join('\n')).not.toContain('tok-ABC123');
  });
});

const VALUE = 'tok-ABC123';
const HEX = Buffer.from(VALUE).toString('hex');

/** Prints the hex of $TOKEN at each start (never the value itself), healthy only when it sees the value. */
function hexProject(): Project {
  const dir = mkdtempSync(join(tmpdir(), 'env-secret-'));
  writeFileSync(join(dir, 'token.txt'), `${VALUE}\n`);
  const hex = 'Buffer.from(process.env.TOKEN ?? "").toString("hex")';
  return new Project(track(`envref${Math.random().toString(16).slice(2, 8)}`), { workingDir: dir })
    .secret('token', { file: './token.txt' })
    .service('app', {
      image: 'local/app.ctp',
      command: [NODE, '-e', `console.log("HEX=" + ${hex}); setInterval(() => {}, 1000)`],
      environment: { TOKEN: { secret: 'token' } },
      secrets: ['token'],
      healthcheck: { test: ['CMD', NODE, '-e', `process.exit(${hex} === process.argv[1] ? 0 : 1)`, HEX], interval: '50ms', retries: 20 },
    });
}

/** Every byte the runtime keeps under its state folder (state files, journal, logs, volumes). */
function stateBytes(dir: string): string {
  let all = '';
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) all += readFileSync(path, 'latin1');
  }
  return all;
}

/** The number of `HEX=` lines the container has printed, waiting (bounded) until there are at least `count`. */
async function hexLines(rt: Runtime, id: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines: string[] = [];
    for await (const line of rt.logs(id)) if (line.text.startsWith('HEX=')) lines.push(line.text);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a secret injected into the environment, on the process runtime', () => {
  it('is recorded as a reference to its private copy, never as its value, and still reaches restarts and recreations', async () => {
    const dir = stateDir();
    const rt = runtime(dir);
    const project = hexProject();
    const stack = await project.up({ ...FAST, runtime: rt, secretsDevMode: true });
    const [first] = await stack.ps();
    expect(first?.health).toBe('healthy'); // the health probe saw the value too
    const id = first?.id ?? '';
    expect(await hexLines(rt, id, 1)).toEqual([`HEX=${HEX}`]);
    const exec = await rt.exec(id, [NODE, '-e', 'process.stdout.write(Buffer.from(process.env.TOKEN ?? "").toString("hex"))']);
    expect(exec.stdout).toBe(HEX);

    // The raw bytes of the state folder: the reference is there, the value is not.
    const stateFile = join(dir, 'projects', `${project.name}.json`);
    const raw = readFileSync(stateFile, 'utf8');
    expect(raw).toContain('"secretEnv"');
    expect(raw).not.toContain(VALUE);
    expect(stateBytes(dir)).not.toContain(VALUE);
    const ref = /"secretEnv":\{"TOKEN":\{"secret":"token","file":("[^"]+")\}\}/.exec(raw);
    expect(ref).not.toBeNull();
    const copy = JSON.parse(ref?.[1] ?? '""') as string;
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(readFileSync(copy, 'utf8')).toBe(`${VALUE}\n`);

    // Another runtime object reloads the state and restarts the service: it reads the copy again.
    await rt.close();
    const rt2 = runtime(dir);
    track(project.name);
    await rt2.stopContainer(id, { timeoutMs: 2_000 });
    await rt2.startContainer(id);
    expect(await hexLines(rt2, id, 2)).toEqual([`HEX=${HEX}`, `HEX=${HEX}`]);

    // A recreation (a new container, its secrets copied afresh) gets it too.
    const again = await project.up({ ...FAST, runtime: rt2, secretsDevMode: true, forceRecreate: true });
    const [second] = await again.ps();
    expect(second?.id).not.toBe(id);
    expect(second?.health).toBe('healthy');
    expect(await hexLines(rt2, second?.id ?? '', 1)).toEqual([`HEX=${HEX}`]);
    expect(stateBytes(dir)).not.toContain(VALUE);
  });
});
