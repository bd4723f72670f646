// Writes the JSON Schemas that @selur/compose publishes for editors — packages/compose/schema.json
// (compose.toml) and packages/compose/schema.yaml.json (Compose YAML) — from the validator's own
// schema (packages/compose/src/spec/schema.ts) and the field docs in scripts/schema-docs.mjs.
//
//   node scripts/gen-schema.mjs          rewrite the published schemas
//   node scripts/gen-schema.mjs --check  exit 1 when a published schema differs from the code, or a field has no description
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_FILES, publishedSchemas } from './schema-docs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const { toml, yaml, problems } = await publishedSchemas();
if (problems.length > 0) {
  console.error(`schema: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
let stale = 0;
for (const [kind, schema] of [['toml', toml], ['yaml', yaml]]) {
  const file = join(root, SCHEMA_FILES[kind]);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current === text) continue;
  if (check) {
    console.error(`${SCHEMA_FILES[kind]} is stale: run node scripts/gen-schema.mjs`);
    stale += 1;
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${SCHEMA_FILES[kind]}`);
  }
}
if (stale > 0) process.exit(1);
