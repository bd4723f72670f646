import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const runScript = (script: string) => {
  try {
    return { code: 0, output: execFileSync(process.execPath, [script], { cwd: root, encoding: 'utf8', stdio: 'pipe' }) };
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

  it('every public export has a doc comment, and every exported value an @example', () => {
    const result = runScript('scripts/check-docs.mjs');
    expect(result.output).toMatch(/^(\d+)\/\1 public exports documented/);
    expect(result.code).toBe(0);
  }, 60_000);
});
