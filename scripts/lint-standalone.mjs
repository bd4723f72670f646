// The repository stands alone: a clone with nothing beside it must build, test and read its docs.
// Fails when any file of the tree names the team folder that sits beside our own checkouts (the
// string is assembled here so that this script does not name it either).
//
//   node scripts/lint-standalone.mjs [ROOT]   (ROOT defaults to the repository)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const SKIP = new Set(['node_modules', '.git', 'dist', 'coverage', 'docs/api']);
const forbidden = ['..', 'shared'].join('/');

/** The files git tracks or would track (ignored ones are not the repository's); a plain walk outside git. */
function listFiles() {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\0').filter(Boolean).map((name) => join(root, name));
  } catch {
    return [...walk(root)];
  }
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (SKIP.has(name) || SKIP.has(relative(root, path))) continue;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) yield* walk(path);
    else if (stat?.isFile() && stat.size < 4 * 1024 * 1024) yield path;
  }
}

const problems = [];
let count = 0;
for (const file of listFiles()) {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size >= 4 * 1024 * 1024) continue;
  count += 1;
  const bytes = readFileSync(file);
  if (bytes.includes(0)) continue; // binary
  bytes.toString('utf8').split('\n').forEach((line, index) => {
    if (line.includes(forbidden)) problems.push(`${relative(root, file)}:${index + 1}: names '${forbidden}', which a clone does not have; vendor the file into the repository`);
  });
}

if (problems.length > 0) {
  console.error(`standalone: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`standalone: ${count} files read, none reaches outside the repository`);
