import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const runScript = (script: string, ...args: string[]) => {
  try {
    return { code: 0, output: execFileSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    return { code: failed.status ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
};

// `pnpm test` is what CI runs, so the repository rules are checked here too.
describe('repository rules', () => {
  it('imports point down the layers, adapters never import the engine, other packages use the public entry, no product file uses any', () => {
    const result = runScript('scripts/lint-architecture.mjs');
    expect(result.output).toContain('imports point down; public entries only; no any');
    expect(result.code).toBe(0);
  });

  it('the architecture rules fail on each kind of violation (checked on a copy of the packages)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'architecture-'));
    try {
      for (const pkg of readdirSync(join(root, 'packages'))) {
        cpSync(join(root, 'packages', pkg, 'src'), join(dir, 'packages', pkg, 'src'), { recursive: true });
        cpSync(join(root, 'packages', pkg, 'package.json'), join(dir, 'packages', pkg, 'package.json'));
      }
      expect(runScript('scripts/lint-architecture.mjs', dir).code).toBe(0);
      const violations: Array<[files: Record<string, string>, message: string]> = [
        [{ 'compose/src/engine/bad.ts': "import { nativeCt } from '@selur/compose-selur';\n" }, 'the core imports the adapter package @selur/compose-selur'],
        [{ 'compose/src/engine/bad.ts': "export const load = () => import('@selur/compose-docker');\n" }, 'the core imports the adapter package @selur/compose-docker'],
        [{ 'compose/src/spec/bad.ts': "import { up } from '../engine/up.js';\n" }, 'spec imports engine'],
        [{ 'selur/src/runtime/bad.ts': "import { x } from '@selur/compose/dist/index.js';\n" }, 'use the public entry only'],
        [{ 'cli/src/bad.ts': "import { x } from '@selur/compose-selur/src/index.js';\n" }, 'use the public entry only'],
        [{ 'selur/src/runtime/bad.ts': "import { x } from '../../../compose/src/index.js';\n" }, 'reaches into packages/compose by path'],
        [{ 'selur/src/errors/bad.ts': "import { selurRuntime } from '../runtime/selur-runtime.js';\n" }, 'errors imports runtime'],
        [{ 'selur/src/ct/bad.ts': "import { svalinnClient } from '../svalinn/svalinn-http-client.js';\n" }, 'ct imports its peer svalinn'],
        [{ 'selur/src/verify/bad-a.ts': "import { b } from './bad-b.js';\nexport const a = () => b;\n", 'selur/src/verify/bad-b.ts': "import { a } from './bad-a.js';\nexport const b = () => a;\n" }, 'import cycle'],
        [{ 'selur/src/bad.ts': "export * from './runtime/naming.js';\n" }, "'export *' hides what is public"],
      ];
      for (const [files, message] of violations) {
        for (const [path, text] of Object.entries(files)) {
          mkdirSync(dirname(join(dir, 'packages', path)), { recursive: true });
          writeFileSync(join(dir, 'packages', path), text);
        }
        const result = runScript('scripts/lint-architecture.mjs', dir);
        expect(result.code, message).toBe(1);
        expect(result.output).toContain(message);
        for (const path of Object.keys(files)) rmSync(join(dir, 'packages', path));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('no file names a folder beside the checkout: a clone with nothing beside it has everything', () => {
    const result = runScript('scripts/lint-standalone.mjs');
    expect(result.output).toMatch(/standalone: \d+ files read, none reaches outside the repository/);
    expect(result.code).toBe(0);
  });

  it('the standalone rule fails on a file that reads the team folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standalone-'));
    try {
      writeFileSync(join(dir, 'vectors.test.ts'), `const v = new URL('${['..', 'shared'].join('/')}/vectors/ct/', import.meta.url);\n`);
      const result = runScript('scripts/lint-standalone.mjs', dir);
      expect(result.code).toBe(1);
      expect(result.output).toContain('vectors.test.ts:1:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the public API is what the committed report says (api-report/): a change to it is a reviewed diff', () => {
    const result = runScript('scripts/api-report.mjs', '--check');
    expect(result.output).toMatch(/api-report: \d+ entries match the committed reports/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('every public export has a doc comment, and every exported value an @example', () => {
    const result = runScript('scripts/check-docs.mjs');
    expect(result.output).toMatch(/^(\d+)\/\1 public exports documented/);
    expect(result.code).toBe(0);
  }, 60_000);
});
