/**
 * The process runtime's helpers in another language (zygote.pl, spawn-worker.cjs) ship with the
 * package: tsup.config.ts copies every one of them next to the bundle, and both builds (ESM and
 * CommonJS, which has no import.meta.url of its own) find them there at run time.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { copyRuntimeFiles, runtimeFiles } from '../../tsup.config.js';
import { findProgram } from '../../src/adapters/process/spawn/program-path.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const spawnDir = join(packageDir, 'src/adapters/process/spawn');
const hasPerl = findProgram('perl', process.env.PATH) !== undefined;

/**
 * Loads the built package (`esm` or `cjs`), starts one service with the process runtime and
 * prints what its parent process is (the zygote: `perl`) and how many worker threads run (the
 * spawner thread, with SELUR_COMPOSE_SPAWN=thread).
 */
const PROBE = `
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
(async () => {
  const [kind, dist] = process.argv.slice(2);
  const mod = kind === 'cjs' ? require(join(dist, 'index.cjs')) : await import(join(dist, 'index.js'));
  const stateDir = mkdtempSync(join(tmpdir(), 'built-package-state-'));
  const runtime = mod.processRuntime({ stateDir });
  const spec = { image: 'host', command: ['sh', '-c', 'echo "$PPID"; sleep 30'], ports: [], environment: {}, restart: 'no', labels: {} };
  const info = await runtime.createContainer({ project: 'p', service: 's', name: 'p-s-1', replica: 1, configHash: 'h', labels: {}, spec, environment: {}, secrets: [], mounts: [], workingDir: stateDir, networks: [] });
  await new Promise((r) => setTimeout(r, 200)); // the held child is made in the background
  await runtime.startContainer(info.id);
  let line;
  for (let i = 0; i < 100 && !line; i++) {
    for await (const l of runtime.logs(info.id, {})) line = l.text;
    if (!line) await new Promise((r) => setTimeout(r, 20));
  }
  let parent = 'unknown';
  try { parent = readFileSync('/proc/' + line + '/comm', 'utf8').trim(); } catch {}
  const workers = process.report.getReport().workers.length;
  await runtime.removeContainer(info.id, { force: true });
  await runtime.close();
  rmSync(stateDir, { recursive: true, force: true });
  console.log(JSON.stringify({ parent, workers }));
})();
`;

/**
 * Loads the built package and prints whether `ajv`'s compiler, the precompiled validator
 * (`compose-validator.cjs` beside the bundle) and `smol-toml` were loaded by the import, and
 * whether they were once a project had been parsed and validated (each is required on first
 * use; the compiler never is, as the validator comes precompiled).
 */
const AJV_PROBE = `
const { join } = require('node:path');
const loaded = (name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/'));
const ajvLoaded = () => ({
  ajv: Object.keys(require.cache).some((file) => file.endsWith('/node_modules/ajv/dist/ajv.js') || file.endsWith('/node_modules/ajv/dist/core.js')),
  validator: Object.keys(require.cache).some((file) => file === join(process.argv[3], 'compose-validator.cjs')),
  toml: loaded('smol-toml'),
});
(async () => {
  const [kind, dist] = process.argv.slice(2);
  const mod = kind === 'cjs' ? require(join(dist, 'index.cjs')) : await import(join(dist, 'index.js'));
  const atImport = ajvLoaded();
  const project = mod.parseProject('version = "1.0"\\nname = "lazy"\\n[services.api]\\nimage = "api.ctp"\\ncommand = ["api"]\\n');
  let invalid = '';
  try { mod.parseProject('version = "1.0"\\nname = "bad"\\n[services.api]\\nimage = 3\\n'); } catch (error) { invalid = error.code; }
  console.log(JSON.stringify({ atImport, afterValidation: ajvLoaded(), name: project.name, invalid }));
})();
`;

/**
 * Loads the built package and prints whether the process runtime's implementation (its own chunk,
 * `process-runtime-impl-*`) was loaded: by the import, by `processRuntime()`, and by its first
 * call. ES modules are seen through a module loader hook, CommonJS ones in `require.cache`.
 */
const RUNTIME_PROBE = `
const { mkdtempSync, rmSync } = require('node:fs');
const { register } = require('node:module');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { MessageChannel } = require('node:worker_threads');
const urls = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => urls.push(url));
port1.unref();
register('data:text/javascript,let port;export function initialize(data){port=data.port}export async function load(url,context,next){port.postMessage(url);return next(url,context)}', { data: { port: port2 }, transferList: [port2] });
const settle = () => new Promise((r) => setTimeout(r, 100));
const implLoaded = () => [...urls, ...Object.keys(require.cache)].some((file) => /process-runtime-impl-[^/]*\\.c?js$/.test(file));
(async () => {
  const [kind, dist] = process.argv.slice(2);
  const mod = kind === 'cjs' ? require(join(dist, 'index.cjs')) : await import(join(dist, 'index.js'));
  await settle();
  const atImport = implLoaded();
  const stateDir = mkdtempSync(join(tmpdir(), 'built-package-state-'));
  const runtime = mod.processRuntime({ stateDir });
  await settle();
  const atFactory = implLoaded();
  const listed = await runtime.listContainers('lazy');
  await settle();
  const afterCall = implLoaded();
  await runtime.close();
  rmSync(stateDir, { recursive: true, force: true });
  console.log(JSON.stringify({ atImport, atFactory, afterCall, listed: listed.length, stateDir: runtime.stateDir === stateDir }));
})();
`;

describe('the built package', () => {
  let outDir: string;
  let probe: string;

  beforeAll(async () => {
    // Inside the package, so that the bundle finds the package's dependencies as it would installed.
    await mkdir(join(packageDir, 'node_modules/.cache'), { recursive: true });
    outDir = await mkdtemp(join(packageDir, 'node_modules/.cache/built-package-'));
    probe = join(outDir, 'probe.cjs');
    await writeFile(probe, PROBE);
    await writeFile(join(outDir, 'ajv-probe.cjs'), AJV_PROBE);
    await writeFile(join(outDir, 'runtime-probe.cjs'), RUNTIME_PROBE);
    const base = typeof config === 'function' ? await config({}) : config;
    const options = Array.isArray(base) ? base[0] : base;
    // As `pnpm build` run in the package: its dependencies stay outside the bundle.
    const { dependencies = {} } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    await build({
      ...options,
      config: false,
      entry: { index: join(packageDir, 'src/index.ts') },
      external: [...(options?.external ?? []), ...Object.keys(dependencies)],
      outDir,
      dts: false,
      sourcemap: false,
      clean: false,
      silent: true,
      onSuccess: () => copyRuntimeFiles(outDir),
    });
  }, 120_000);
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  const run = async (kind: 'esm' | 'cjs', mode: string): Promise<{ parent: string; workers: number }> => {
    const { stdout } = await promisify(execFile)(process.execPath, [probe, kind, outDir], { env: { ...process.env, SELUR_COMPOSE_SPAWN: mode }, timeout: 20_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { parent: string; workers: number };
  };

  it.each(['esm', 'cjs'] as const)('%s: importing the package loads neither the validator nor smol-toml; parsing and validating a project loads them, never ajv\'s compiler, and works (issue 14: cold start)', { timeout: 30_000 }, async (kind) => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(outDir, 'ajv-probe.cjs'), kind, outDir], { timeout: 20_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      atImport: { ajv: false, validator: false, toml: false },
      afterValidation: { ajv: false, validator: true, toml: true },
      name: 'lazy',
      invalid: 'E_VALIDATION',
    });
  });

  it.each(['esm', 'cjs'] as const)('%s: importing the package and calling processRuntime() do not load the runtime\'s implementation; its first call does (issue 14: cold start)', { timeout: 30_000 }, async (kind) => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(outDir, 'runtime-probe.cjs'), kind, outDir], { timeout: 20_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ atImport: false, atFactory: false, afterCall: true, listed: 0, stateDir: true });
  });

  it('copies every helper of the spawners that is not TypeScript, and the precompiled validator, next to the bundle', async () => {
    const helpers = (await readdir(spawnDir)).filter((name) => !name.endsWith('.ts')).sort();
    expect(helpers).toEqual(['spawn-worker.cjs', 'zygote.pl']);
    expect(runtimeFiles.map((file) => file.slice(file.lastIndexOf('/') + 1)).sort()).toEqual(['compose-validator.cjs', ...helpers]);
    const built = await readdir(outDir);
    for (const helper of [...helpers, 'compose-validator.cjs']) expect(built).toContain(helper);
  });

  it.each(['esm', 'cjs'] as const)('%s: held children come from the zygote (zygote.pl found beside the bundle)', { timeout: 30_000 }, async (kind) => {
    expect(hasPerl).toBe(true);
    expect(await run(kind, 'zygote')).toEqual({ parent: 'perl', workers: 0 });
  });

  it.each(['esm', 'cjs'] as const)('%s: the spawner thread runs (spawn-worker.cjs found beside the bundle)', { timeout: 30_000 }, async (kind) => {
    const { parent, workers } = await run(kind, 'thread');
    expect(workers).toBe(1);
    expect(parent).not.toBe('perl');
    expect(parent).not.toBe('unknown');
  });
});
