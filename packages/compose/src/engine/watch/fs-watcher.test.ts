import { mkdirSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { watchPaths, type PathWatcher } from './fs-watcher.js';

const open: PathWatcher[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fs-watcher-'));
  dirs.push(dir);
  return dir;
}

/** Resolves once `seen` holds `path`, within 10 s. */
function until(seen: Set<string>, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const look = () => {
      if (seen.has(path)) resolve();
      else if (Date.now() - started > 10_000) reject(new Error(`no change of ${path}; saw ${[...seen].join(', ')}`));
      else setTimeout(look, 10);
    };
    look();
  });
}

describe.each([
  ['recursive fs.watch', true],
  ['one watcher per folder (the fallback)', false],
])('watchPaths: %s', (_name, recursive) => {
  test('reports changes deep in a folder, in a folder made after it started, and of a watched file replaced by a rename', async () => {
    const root = folder();
    mkdirSync(join(root, 'tree', 'a'), { recursive: true });
    writeFileSync(join(root, 'single.txt'), '1');
    const seen = new Set<string>();
    open.push(await watchPaths([join(root, 'tree'), join(root, 'single.txt')], (p) => seen.add(p), (e) => { throw e; }, { recursive }));
    writeFileSync(join(root, 'tree', 'a', 'x.txt'), 'x');
    await until(seen, join(root, 'tree', 'a', 'x.txt'));
    mkdirSync(join(root, 'tree', 'b'));
    await until(seen, join(root, 'tree', 'b'));
    // the fallback adds a watcher for the new folder once it saw it: write until it is seen (bounded)
    for (let i = 0; i < 200 && !seen.has(join(root, 'tree', 'b', 'y.txt')); i++) {
      writeFileSync(join(root, 'tree', 'b', 'y.txt'), `y${i}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.has(join(root, 'tree', 'b', 'y.txt'))).toBe(true);
    writeFileSync(join(root, 'other.txt'), 'not watched');
    writeFileSync(join(root, 'single.tmp'), '2');
    renameSync(join(root, 'single.tmp'), join(root, 'single.txt'));
    await until(seen, join(root, 'single.txt'));
    expect(seen.has(join(root, 'other.txt'))).toBe(false);
  });
});

test('watchPaths refuses a path that does not exist, holding nothing', async () => {
  const root = folder();
  await expect(watchPaths([join(root, 'missing')], () => undefined, () => undefined)).rejects.toMatchObject({ code: 'ENOENT' });
});
