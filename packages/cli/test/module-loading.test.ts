import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, workspace } from './support/cli.js';

// The runtime packages are loaded only when a command needs them: the built CLI imports
// `@selur/compose-docker` and `@selur/compose-selur` with `import()` at the point of use, so a
// command on the process runtime never loads either. Observed from outside: the built binary runs
// with a resolve hook (support/record-modules.mjs) that writes every module URL it resolves.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HOOK = fileURLToPath(new URL('./support/record-modules.mjs', import.meta.url));
const INTERNALS = fileURLToPath(new URL('./support/record-internals.cjs', import.meta.url));
const ADAPTERS = { docker: /\/packages\/docker\/|\/@selur\/compose-docker\//, selur: /\/packages\/selur\/|\/@selur\/compose-selur\//, kubernetes: /\/packages\/kubernetes\/|\/@selur\/compose-kubernetes\//, swarm: /\/packages\/swarm\/|\/@selur\/compose-swarm\// };

const ws = workspace('selur-cli-modules-');
afterAll(() => ws.remove());
ws.write('compose.toml', 'version = "1.0"\nname = "lazy"\n\n[services.web]\nimage = "node"\ncommand = ["node", "-e", "setInterval(() => {}, 1000)"]\n');

/** Runs the built CLI with the hook; returns how it exited and every module URL it resolved. */
async function modulesOf(args: string[], env: Record<string, string> = {}) {
  const record = join(ws.dir, `modules-${args.join('-').replace(/[^a-z-]/g, '')}.txt`);
  rmSync(record, { force: true }); // this run's modules only (the hook appends)
  const result = await runCli(args, { cwd: ws.dir, env: { ...ws.env, ...env, NODE_OPTIONS: `--import ${HOOK}`, SELUR_RECORD_MODULES: record } });
  const urls = readFileSync(record, 'utf8').split('\n').filter(Boolean);
  return { result, urls, loaded: (pattern: RegExp) => urls.some((url) => pattern.test(url)) };
}

describe('which packages the built CLI loads (subprocess)', { timeout: 60_000 }, () => {
  it('`ps` on the process runtime loads the core, and neither the Docker nor the selur package', async () => {
    const { result, urls, loaded } = await modulesOf(['ps']);
    expect(result.code, result.stderr).toBe(0);
    expect(loaded(/\/packages\/compose\/dist\/index\.cjs$/)).toBe(true); // the hook sees the workspace packages
    // the CLI is CommonJS (the compile cache): it requires the SDK's CommonJS build, never both builds
    expect(loaded(/\/packages\/compose\/dist\/index\.js$/)).toBe(false);
    expect(urls.filter((url) => ADAPTERS.docker.test(url) || ADAPTERS.selur.test(url) || ADAPTERS.kubernetes.test(url) || ADAPTERS.swarm.test(url))).toEqual([]);
    // The YAML library is required on first use (spec/yaml-library.ts): a static import of it
    // anywhere in the core would show here, on a project that has no YAML file.
    expect(urls.filter((url) => /\/node_modules\/(\.pnpm\/yaml@[^/]+\/node_modules\/)?yaml\//.test(url))).toEqual([]);
  });

  it('`ps` and `down` load neither the engine\'s converging half (its own chunk, loaded by `up`) nor the built-ins only `up`, a spawn, a port or a large state file needs', async () => {
    const upChunk = /\/packages\/compose\/dist\/up-[A-Za-z0-9_-]+\.c?js$/;
    // child_process and net (with the streams they pull in) are required at the first spawn or
    // port; zlib only for a state file line too large to sum in JavaScript (state/crc32.ts).
    const lazyBuiltins = (urls: readonly string[]) => urls.filter((url) => /^node:(http|worker_threads|dgram|child_process|net|zlib)$/.test(url));
    const ps = await modulesOf(['ps']);
    expect(ps.result.code, ps.result.stderr).toBe(0);
    expect(ps.urls.filter((url) => upChunk.test(url))).toEqual([]);
    expect(lazyBuiltins(ps.urls)).toEqual([]);
    // crypto is required at the first hash or random id (the SDK's build/lazy-crypto.ts, `run`'s
    // container name): `ps` draws none
    expect(ps.urls).not.toContain('node:crypto');
    // `up` does load that chunk (so the pattern names a real file), and `down` afterwards does not
    const up = await modulesOf(['up', '-d', '--wait']);
    expect(up.result.code, up.result.stderr).toBe(0);
    expect(up.loaded(upChunk)).toBe(true);
    expect(up.urls).toContain('node:crypto'); // (so the recorder sees it when it is loaded)
    const down = await modulesOf(['down']);
    expect(down.result.code, down.result.stderr).toBe(0);
    expect(down.urls.filter((url) => upChunk.test(url))).toEqual([]);
    expect(lazyBuiltins(down.urls)).toEqual([]);
  });

  it('a second `ps` of the same file loads no schema validator (the document that passed is remembered), and an invalid file is still rejected, located', async () => {
    const validator = /\/packages\/compose\/dist\/compose-validator\.cjs$/;
    // a cache folder of this test's own: the first run finds nothing remembered
    const env = { NODE_COMPILE_CACHE: join(ws.dir, 'compile-cache') };
    const first = await modulesOf(['ps'], env);
    expect(first.result.code, first.result.stderr).toBe(0);
    expect(first.loaded(validator)).toBe(true);
    const second = await modulesOf(['ps'], env);
    expect(second.result.code, second.result.stderr).toBe(0);
    expect(second.loaded(validator)).toBe(false);
    // the same folder, the file now invalid: checked, and the error points at the line
    const file = join(ws.dir, 'compose.toml');
    const valid = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, `${valid}imagee = "typo"\n`);
      const invalid = await modulesOf(['ps'], env);
      expect(invalid.result.code).not.toBe(0);
      expect(invalid.result.stderr).toContain(`${file}:7:1`);
      expect(invalid.result.stderr).toContain("unknown field 'imagee'");
      expect(invalid.loaded(validator)).toBe(true);
    } finally {
      writeFileSync(file, valid);
    }
  });

  it('`up` loads no ES module: requiring one from CommonJS brings Node\'s ES module loader up, 12–15 ms before the first start', async () => {
    const internals = join(ws.dir, 'internals-up.txt');
    const env = { ...ws.env, NODE_OPTIONS: `--require ${INTERNALS}`, SELUR_RECORD_INTERNALS: internals };
    const up = await runCli(['up', '-d', '--wait'], { cwd: ws.dir, env });
    try {
      expect(up.code, up.stderr).toBe(0);
      const loaded = readFileSync(internals, 'utf8').split('\n');
      expect(loaded).toContain('NativeModule child_process'); // (it did start something)
      // the loader's module translators load only to run an ES module (p-queue, once)
      expect(loaded.filter((name) => /internal\/modules\/esm\/(translators|module_job)|cjs-module-lexer/.test(name))).toEqual([]);
    } finally {
      await runCli(['down'], { cwd: ws.dir, env: ws.env });
    }
  });

  it('`version` loads nothing of the SDK (it answers before any project is read)', async () => {
    const { result, urls } = await modulesOf(['version']);
    expect(result.code, result.stderr).toBe(0);
    expect(urls.filter((url) => /\/(packages|@selur)\/compose\/dist\//.test(url))).toEqual([]);
  });

  it('`--runtime docker` loads the Docker package and not the selur one', async () => {
    const { loaded } = await modulesOf(['--runtime', 'docker', 'ps'], { DOCKER_HOST: `unix://${join(ws.dir, 'no-docker.sock')}` });
    expect(loaded(ADAPTERS.docker)).toBe(true);
    expect(loaded(ADAPTERS.selur)).toBe(false);
  });

  it('`--runtime swarm` loads the swarm package (and the Docker one, whose Engine API client it shares), not the selur one', async () => {
    const { result, loaded } = await modulesOf(['--runtime', 'swarm', 'ps'], { DOCKER_HOST: `unix://${join(ws.dir, 'no-docker.sock')}` });
    expect(loaded(ADAPTERS.swarm)).toBe(true);
    expect(loaded(ADAPTERS.docker)).toBe(true);
    expect(loaded(ADAPTERS.selur)).toBe(false);
    expect(result.code).not.toBe(0); // no engine answers at that socket
  });

  it('`--runtime selur` loads the selur package and not the Docker one', async () => {
    const closed = 'http://127.0.0.1:9';
    const { loaded } = await modulesOf(['--runtime', 'selur', 'ps'], { SVALINN_URL: closed, VORDR_MCP_URL: closed });
    expect(loaded(ADAPTERS.selur)).toBe(true);
    expect(loaded(ADAPTERS.docker)).toBe(false);
  });

  it('`--runtime kubernetes` loads the Kubernetes package and neither the Docker nor the selur one', async () => {
    const kubeconfig = join(ws.dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:9\ncontexts:\n- name: c\n  context:\n    cluster: c\nusers: []\n');
    const { loaded } = await modulesOf(['--runtime', 'kubernetes', 'ps'], { KUBECONFIG: kubeconfig });
    expect(loaded(ADAPTERS.kubernetes)).toBe(true);
    expect(loaded(ADAPTERS.docker)).toBe(false);
    expect(loaded(ADAPTERS.selur)).toBe(false);
  });

  it('the built binary keeps the runtime packages external and requires them only when a command needs them', () => {
    // Every file of dist/ that cli.js reaches (run.js, and any chunk), not stale ones.
    const dist = join(ROOT, 'packages/cli/dist');
    const seen = new Set<string>();
    const walk = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const text = readFileSync(join(dist, name), 'utf8');
      for (const match of text.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*|\)\s*\(\s*)["']\.\/([^"']+\.js)["']/g)) walk(match[1]!);
    };
    walk('cli.js');
    expect(seen.has('run.js')).toBe(true);
    const code = [...seen].map((name) => readFileSync(join(dist, name), 'utf8')).join('\n');
    for (const name of ['@selur/compose-docker', '@selur/compose-kubernetes', '@selur/compose-selur', '@selur/compose-swarm']) {
      // esbuild writes `import()` as a require in a promise: at the call, not when the file loads
      const all = code.split(`require("${name}")`).length - 1;
      const lazy = code.split(`Promise.resolve().then(() => __toESM(require("${name}")`).length - 1;
      expect(all, name).toBeGreaterThan(0);
      expect(lazy, name).toBe(all);
    }
  });
});
