// Enforces the layering of @selur/compose (docs/architecture.md): imports inside
// packages/compose/src only point down the list below, adapters never import the engine or the
// plan, the docker, kubernetes and cli packages import only the public entries, no barrel uses `export *`,
// and no product file uses `any`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const layers = ['errors', 'graph', 'spec', 'model', 'toml', 'runtime', 'plan', 'engine', 'adapters'];
const TOP = layers.length; // files directly in src/ (project.ts, load.ts, index.ts, vitest.ts)

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

const problems = [];
const importRe = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const coreSrc = join(root, 'packages/compose/src');
for (const file of files(coreSrc)) {
  const text = readFileSync(file, 'utf8');
  const from = layerOf(coreSrc, file);
  if (/^export (type )?\* from/m.test(text)) problems.push(`${relative(root, file)}: 'export *' hides what is public; export by name`);
  for (const match of text.matchAll(importRe)) {
    const spec = match[1] ?? match[2];
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

for (const pkg of ['docker', 'cli', 'kubernetes']) {
  const dir = join(root, 'packages', pkg, 'src');
  try { statSync(dir); } catch { continue; }
  for (const file of files(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importRe)) {
      const spec = match[1] ?? match[2];
      if (/^@selur\/compose(-docker|-kubernetes)?\//.test(spec) && !/^@selur\/compose\/(vitest|schema\.json)$/.test(spec))
        problems.push(`${relative(root, file)}: imports ${spec}; use the public entry only`);
      if (spec.startsWith('.') && resolve(dirname(file), spec).includes(`${sep}packages${sep}compose${sep}`))
        problems.push(`${relative(root, file)}: reaches into packages/compose by path (${spec})`);
    }
  }
}

// Product code is typed end to end: no `any` (an escape hatch that also marks measurement
// scaffolding, which belongs in a harness, not in the packages).
const anyRe = /\bas any\b|:\s*any\b|<any>/;
for (const pkg of ['compose', 'docker', 'cli', 'kubernetes']) {
  const dir = join(root, 'packages', pkg, 'src');
  try { statSync(dir); } catch { continue; }
  for (const file of files(dir)) {
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
