import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject } from '@selur/compose';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The guides: every Markdown file directly in docs/ but the index and the architecture notes. */
const guides = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md') && f !== 'README.md' && f !== 'architecture.md')
  .sort();

/**
 * The shell blocks of a guide. A block runs in the tests unless the line before its fence is
 * `<!-- not run: <why> -->` (it needs a terminal, a registry, Docker, a cluster, or is shown only).
 */
function shellBlocks(file: string): { code: string; skip: string | undefined; line: number }[] {
  const text = read(file);
  return [...text.matchAll(/(?:<!-- not run: ([^>]*?) -->\n)?```(?:sh|bash|shell)\n([\s\S]*?)```/g)].map((m) => ({
    skip: m[1],
    code: m[2] as string,
    line: text.slice(0, m.index).split('\n').length,
  }));
}

describe('guides', { timeout: 60_000 }, () => {
  it('each guide is linked from docs/README.md and from the README\'s Documentation section', () => {
    expect(guides.length).toBeGreaterThanOrEqual(5);
    const index = read('docs/README.md');
    const readme = read('README.md');
    const documentation = readme.slice(readme.lastIndexOf('\n## Documentation'));
    for (const guide of guides) {
      expect(index, `docs/README.md links ${guide}`).toContain(`](${guide})`);
      expect(documentation, `README.md links docs/${guide}`).toContain(`](docs/${guide})`);
    }
  });

  it('every relative link in the guides and example READMEs points at a file that exists', () => {
    const files = [...guides.map((g) => `docs/${g}`), ...readdirSync(join(root, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'node_modules').map((d) => `examples/${d.name}/README.md`)];
    for (const file of files) {
      const base = join(root, file, '..');
      for (const [, target] of read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target as string)) continue;
        expect(() => readFileSync(join(base, target as string)), `${file} -> ${target}`).not.toThrow(/ENOENT/);
      }
    }
  });

  it('docs/errors.md is what scripts/gen-error-docs.mjs generates from the error classes', () => {
    let output = '';
    try {
      execFileSync(process.execPath, [join(root, 'scripts/gen-error-docs.mjs'), '--check'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stderr?: string }).stderr ?? error);
    }
    expect(output).toBe('');
  });

  for (const [doc, script] of [
    ['docs/model.md', 'scripts/gen-model-docs.mjs'],
    ['docs/cli.md', 'scripts/gen-cli-docs.mjs'],
  ] as const) {
    it(`${doc} is what ${script} generates (the schema, the runtimes' capabilities, the CLI's command table)`, () => {
      let output = '';
      try {
        execFileSync(process.execPath, [join(root, script), '--check'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        output = String((error as { stderr?: string }).stderr ?? error);
      }
      expect(output).toBe('');
    }, 60_000);
  }

  it('every ```toml and ```yaml block of a guide is a valid compose file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'selur-guides-'));
    try {
      let count = 0;
      for (const guide of guides) {
        for (const [, kind, body] of read(`docs/${guide}`).matchAll(/```(toml|yaml)\n([\s\S]*?)```/g)) {
          const file = join(dir, `compose-${++count}.${kind}`);
          writeFileSync(file, body as string);
          const project = await loadProject(file, { env: {} });
          expect(() => project.validate(), `docs/${guide}: ${kind} block ${count}`).not.toThrow();
        }
      }
      expect(count).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('getting started: the TOML and the YAML stack are the same project', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'selur-guides-gs-'));
    try {
      const text = read('docs/getting-started.md');
      const toml = /```toml\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
      const yaml = /```yaml\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
      writeFileSync(join(dir, 'compose.toml'), toml);
      writeFileSync(join(dir, 'compose.yaml'), yaml);
      const a = await loadProject(join(dir, 'compose.toml'), { env: {} });
      const b = await loadProject(join(dir, 'compose.yaml'), { env: {} });
      expect(b.toJSON()).toEqual(a.toJSON());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deploy and CI: the exit-code table is the CLI README\'s', () => {
    const table = (file: string) => {
      const text = read(file);
      const start = text.indexOf('| code | meaning |', text.indexOf('xit codes'));
      return text.slice(start, text.indexOf('\n\n', start));
    };
    expect(table('docs/deploy-and-ci.md')).toBe(table('packages/cli/README.md'));
  });

  const runnable = guides.flatMap((guide) => shellBlocks(`docs/${guide}`).map((b) => ({ guide, ...b })));
  it('every shell block either runs here or says why not', () => {
    for (const block of runnable) expect(block.skip === undefined || block.skip.trim().length > 0, `docs/${block.guide}:${block.line}`).toBe(true);
  });
  for (const block of runnable.filter((b) => b.skip === undefined)) {
    it(`docs/${block.guide}:${block.line} runs`, async () => {
      const result = await new Promise<{ code: number; out: string }>((resolve) => {
        const child = execFile('bash', ['-euo', 'pipefail', '-c', block.code], { cwd: root, timeout: 90_000, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout, stderr) => {
          resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0, out: `${stdout}\n${stderr}` });
        });
        child.stdin?.end();
      });
      expect(result.code, result.out).toBe(0);
    }, 120_000);
  }
});
