// Enforces the layering of @selur/compose (CONTRIBUTING.md, "Layout and rules"):
// - inside packages/compose/src imports only point down the core's layers, and adapters never
//   import the engine or the plan;
// - inside packages/selur/src imports only point down the selur package's levels (below), and the
//   folders of one level (ct, svalinn, vordr) do not import one another;
// - the core imports no adapter package (`@selur/compose-*`): the packages depend on the core, never
//   the reverse;
// - every other package imports other packages only through their public entries, and never
//   reaches into another package's folder by a relative path;
// - no package has an import cycle among its own files, type-only imports included (two files
//   that need each other's types are one concern: their shared types belong in a file below both);
// - no barrel uses `export *`, and no product file uses `any`.
//
//   node scripts/lint-architecture.mjs [ROOT]   (ROOT defaults to the repository; tests pass a copy)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const layers = ['errors', 'graph', 'spec', 'model', 'toml', 'yaml', 'runtime', 'plan', 'engine', 'adapters'];
const TOP = layers.length; // files directly in src/ (project.ts, load.ts, index.ts, vitest.ts)

// The selur package, lowest level first. A folder imports its own files and the levels below it;
// folders on one level are peers and do not import each other (each client stands alone).
//   errors  → the package's error classes (they import only the core's public entry)
//   ct, svalinn, vordr → one implementation per port: CtDriver, SvalinnClient, VordrClient
//   verify  → bundle lookup, verification, policy evaluation (uses the ct drivers and the policy parser)
//   runtime → selurRuntime: the Runtime port on Svalinn + Vörðr, verifying bundles first
//   (top)   → index.ts, the only barrel
const selurLevels = [['errors'], ['ct', 'svalinn', 'vordr'], ['verify'], ['runtime']];

/** The packages: folder → name. Every folder under packages/ with a package.json and a src/. */
const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => statSync(join(root, 'packages', dir, 'src'), { throwIfNoEntry: false })?.isDirectory())
  .map((dir) => ({ dir, name: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).name }));

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.ts$/.test(name) && !/\.test(-d)?\.ts$/.test(name)) yield path;
  }
}

function layerOf(srcDir, file) {
  const rel = relative(srcDir, file).split(sep);
  if (rel.length === 1) return TOP;
  const index = layers.indexOf(rel[0]);
  return index === -1 ? TOP : index;
}

/** The selur level of a file (`selurLevels.length` for top-level files) and its folder. */
function selurLevelOf(srcDir, file) {
  const rel = relative(srcDir, file).split(sep);
  if (rel.length === 1) return { level: selurLevels.length, folder: '(top level)' };
  const level = selurLevels.findIndex((folders) => folders.includes(rel[0]));
  return { level: level === -1 ? selurLevels.length : level, folder: rel[0] };
}

const problems = [];
const importRe = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
/** The import statements of a file (static, re-export, dynamic), doc comments and line comments removed. */
function statementsOf(file) {
  const text = readFileSync(file, 'utf8').replace(/^\s*\/\*\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '');
  return [...text.matchAll(importRe)].map((match) => {
    const names = /\{([^}]*)\}/.exec(match[0])?.[1]?.split(',').map((n) => n.trim()).filter(Boolean) ?? [];
    // `import type {…}`, or `import { type A, type B }` (no default import, every name a type).
    const typeOnly = /^(import|export) type\s/.test(match[0]) || (/^(import|export)\s*\{/.test(match[0]) && names.length > 0 && names.every((n) => n.startsWith('type ')));
    return { spec: match[1] ?? match[2], typeOnly };
  });
}
/** The module specifiers a file imports. */
const importsOf = (file) => statementsOf(file).map((s) => s.spec);
/** The .ts file a relative specifier names (`./x.js` → `./x.ts`). */
const resolveRelative = (file, spec) => resolve(dirname(file), spec).replace(/\.js$/, '.ts');

for (const { dir } of packages) {
  for (const file of files(join(root, 'packages', dir, 'src'))) {
    if (/^export (type )?\* from/m.test(readFileSync(file, 'utf8'))) problems.push(`${relative(root, file)}: 'export *' hides what is public; export by name`);
  }
}

const coreSrc = join(root, 'packages/compose/src');
for (const file of files(coreSrc)) {
  const from = layerOf(coreSrc, file);
  for (const spec of importsOf(file)) {
    if (/^@selur\/compose-/.test(spec)) problems.push(`${relative(root, file)}: the core imports the adapter package ${spec}; adapters depend on the core, never the reverse`);
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    const to = layerOf(coreSrc, target);
    const fromName = from === TOP ? 'top level' : layers[from];
    const toName = to === TOP ? 'top level' : layers[to];
    if (to > from) problems.push(`${relative(root, file)}: ${fromName} imports ${toName} (${spec}): imports must point down`);
    if (fromName === 'adapters' && (toName === 'engine' || toName === 'plan'))
      problems.push(`${relative(root, file)}: an adapter imports the ${toName} (${spec})`);
  }
}

const selurSrc = join(root, 'packages/selur/src');
if (statSync(selurSrc, { throwIfNoEntry: false })?.isDirectory()) {
  for (const file of files(selurSrc)) {
    const from = selurLevelOf(selurSrc, file);
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const to = selurLevelOf(selurSrc, resolve(dirname(file), spec));
      if (to.level > from.level) problems.push(`${relative(root, file)}: ${from.folder} imports ${to.folder} (${spec}): imports must point down (${selurLevels.map((l) => l.join('|')).join(' → ')})`);
      else if (to.level === from.level && to.folder !== from.folder)
        problems.push(`${relative(root, file)}: ${from.folder} imports its peer ${to.folder} (${spec}): ${selurLevels[from.level]?.join(', ')} do not import one another`);
    }
  }
}

// Every package but the core: other packages through their public entries only, and never a
// relative path into another package's folder.
const publicSubpaths = /^@selur\/compose\/(vitest|otel|schema\.json|package\.json)$|^@selur\/compose-docker\/engine$/;
for (const { dir } of packages) {
  if (dir === 'compose') continue;
  const own = join(root, 'packages', dir) + sep;
  for (const file of files(join(root, 'packages', dir, 'src'))) {
    for (const spec of importsOf(file)) {
      if (/^@selur\/compose(-[a-z]+)?\//.test(spec) && !publicSubpaths.test(spec))
        problems.push(`${relative(root, file)}: imports ${spec}; use the public entry only`);
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(own)) problems.push(`${relative(root, file)}: reaches into ${relative(root, target).split(sep).slice(0, 2).join('/')} by path (${spec}); import its package`);
      }
    }
  }
}

// No import cycles among a package's own files: a depth-first search over relative imports.
for (const { dir } of packages) {
  const graph = new Map();
  for (const file of files(join(root, 'packages', dir, 'src'))) {
    graph.set(file, statementsOf(file).filter((s) => s.spec.startsWith('.')).map((s) => resolveRelative(file, s.spec)));
  }
  const state = new Map(); // undefined: not seen, 1: on the current path, 2: done
  const reported = new Set();
  const path = [];
  const visit = (file) => {
    state.set(file, 1);
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 1) {
        const cycle = path.slice(path.indexOf(next)).map((f) => relative(join(root, 'packages', dir, 'src'), f));
        const key = [...cycle].sort().join('|');
        if (!reported.has(key)) {
          reported.add(key);
          problems.push(`packages/${dir}/src: import cycle ${[...cycle, cycle[0]].join(' → ')}`);
        }
      } else if (state.get(next) === undefined) visit(next);
    }
    path.pop();
    state.set(file, 2);
  };
  for (const file of [...graph.keys()].sort()) if (state.get(file) === undefined) visit(file);
}

// Product code is typed end to end: no `any` (an escape hatch that also marks measurement
// scaffolding, which belongs in a harness, not in the packages).
const anyRe = /\bas any\b|:\s*any\b|<any>/;
for (const { dir } of packages) {
  for (const file of files(join(root, 'packages', dir, 'src'))) {
    readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
      if (anyRe.test(line.replace(/\/\/.*$/, ''))) problems.push(`${relative(root, file)}:${index + 1}: 'any' in product code; give it a type`);
    });
  }
}

if (problems.length > 0) {
  console.error(`architecture: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('architecture: imports point down; public entries only; no any');
