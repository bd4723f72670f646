import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
