// Generates docs/model.md — every field of compose.toml / Compose YAML with its type, default,
// description and example (from the validator's JSON Schema and the field docs in
// scripts/schema-docs.mjs) and the runtimes that honour it (from each runtime's `capabilities`).
//
//   node scripts/gen-model-docs.mjs          writes docs/model.md
//   node scripts/gen-model-docs.mjs --check  exit 1 when docs/model.md differs from the code
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { SCHEMA_IDS, annotate, loadComposeSchema } from './schema-docs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs/model.md');
const check = process.argv.includes('--check');

/** Each runtime's capabilities, read from a runtime object made without connecting to anything. */
async function runtimeCapabilities() {
  const load = (file) => tsImport(join(root, file), import.meta.url);
  const core = await load('packages/compose/src/index.ts');
  const docker = await load('packages/docker/src/index.ts');
  const selur = await load('packages/selur/src/index.ts');
  const kubernetes = await load('packages/kubernetes/src/runtime/kubernetes-runtime.ts');
  const swarm = await load('packages/swarm/src/index.ts');
  const stateDir = mkdtempSync(join(tmpdir(), 'gen-model-docs-'));
  try {
    const runtimes = [
      core.processRuntime({ stateDir }),
      docker.dockerRuntime({ host: `unix://${join(stateDir, 'none.sock')}` }),
      selur.selurRuntimeFromEnv({ env: { SVALINN_URL: 'http://127.0.0.1:1', VORDR_MCP_URL: 'http://127.0.0.1:1' } }),
      kubernetes.runtimeOver({}, { namespace: 'docs' }),
      swarm.swarmRuntime({ host: `unix://${join(stateDir, 'none.sock')}` }),
    ];
    const result = runtimes.map((r) => ({ name: r.name, capabilities: new Set(r.capabilities) }));
    for (const r of runtimes) await r.close?.();
    return result;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * The capability a field needs where a runtime declares it by an operation rather than by a
 * `field:<name>` capability (the engine refuses a project that uses it on a runtime without it).
 */
const NEEDS = {
  'services.*.ports': 'ports',
  'services.*.secrets': 'secrets',
  'services.*.networks': 'networks',
  'services.*.environment.*.secret': 'secrets',
  secrets: 'secrets',
  'services.*.deploy.replicas': 'replicas',
  'services.*.restart': 'restart-policy',
  'services.*.healthcheck': 'health',
  'services.*.build': 'build',
  volumes: 'volumes',
  networks: 'networks',
};

/**
 * The gated Compose field (see `COMPOSE_FIELDS`) a schema path falls under: the path itself or its
 * nearest ancestor that is one (`services.*.volumes[].tmpfs.size` → `volumes.tmpfs`,
 * `services.*.secrets[].uid` → `secrets.ownership`, `networks.*.internal` → `network.internal`).
 */
function gatedField(path, fields) {
  let sub;
  if (path.startsWith('services.*.')) sub = path.slice('services.*.'.length);
  else {
    const top = /^(networks|volumes|secrets|configs)\.\*\.(.+)$/.exec(path);
    if (top === null) return undefined;
    sub = `${top[1].slice(0, -1)}.${top[2]}`;
  }
  const parts = sub.replace(/\[\]/g, '').replace(/\.\*/g, '').replace(/^(secrets|configs)\.(uid|gid)$/, '$1.ownership').split('.');
  for (let n = parts.length; n > 0; n--) {
    const name = parts.slice(0, n).join('.');
    if (fields.has(name)) return name;
  }
  return undefined;
}

/** Who honours a field: runtimes declaring `field:<name>` for the gated field it falls under, else the capability it needs, else every runtime. */
function honouredBy(path, runtimes, fields) {
  const gated = gatedField(path, fields);
  if (gated !== undefined) return runtimes.filter((r) => r.capabilities.has(`field:${gated}`)).map((r) => r.name);
  const prefix = Object.keys(NEEDS).filter((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`)).sort((a, b) => b.length - a.length)[0];
  if (prefix !== undefined) return runtimes.filter((r) => r.capabilities.has(NEEDS[prefix])).map((r) => r.name);
  if (path === 'services.*.volumes' || path.startsWith('services.*.volumes[')) return runtimes.filter((r) => r.capabilities.has('volumes') || r.capabilities.has('bind-mounts')).map((r) => r.name);
  return runtimes.map((r) => r.name);
}

const code = (v) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A short type for a schema node: `string`, `duration`, `"a" \| "b"`, `port[]`, `table of string`. */
function typeOf(node, schema, depth = 0) {
  if (depth > 4 || typeof node !== 'object' || node === null) return 'any';
  if (node.$ref) {
    const name = node.$ref.replace('#/definitions/', '');
    const named = { duration: 'duration', stringOrList: 'string or string[]', stringMap: 'table of string', stringMapOrPairs: 'table of string, or "K=V"[]', name: 'name', port: 'port', mount: 'mount', condition: 'condition' };
    if (named[name]) return named[name];
    return typeOf(schema.definitions[name], schema, depth + 1);
  }
  if (node.const !== undefined) return code(node.const);
  if (node.enum) return node.enum.map(code).join(' | ');
  if (node.anyOf || node.oneOf) return [...new Set((node.anyOf ?? node.oneOf).map((b) => typeOf(b, schema, depth + 1)))].join(' or ');
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  const group = (text) => (text.includes(' or ') || text.includes(' matching ') ? `(${text})` : text);
  if (types.includes('array')) return `${group(typeOf(node.items ?? {}, schema, depth + 1))}[]`;
  if (types.includes('object') || node.properties) {
    if (node.properties) return 'table';
    if (node.additionalProperties && typeof node.additionalProperties === 'object') return `table of ${group(typeOf(node.additionalProperties, schema, depth + 1))}`;
    return 'table';
  }
  let text = types.join(' or ') || 'any';
  if (node.pattern && !node.$ref && types.includes('string') && node.pattern.length < 60) text += ` matching ${code(node.pattern)}`;
  if (node.minimum !== undefined && node.maximum !== undefined) text += ` ${node.minimum}–${node.maximum}`;
  else if (node.minimum !== undefined) text += ` ≥ ${node.minimum}`;
  return text;
}

const SECTIONS = [
  ['Top level', (p) => !p.includes('.') && !p.startsWith('x-svalinn')],
  ['Services (`services.<name>`)', (p) => p.startsWith('services.*.')],
  ['Volumes (`volumes.<name>`)', (p) => p.startsWith('volumes.*.')],
  ['Networks (`networks.<name>`)', (p) => p.startsWith('networks.*.')],
  ['Secrets (`secrets.<name>`)', (p) => p.startsWith('secrets.*.')],
  ['Configs (`configs.<name>`)', (p) => p.startsWith('configs.*.')],
  ['Svalinn (`x-svalinn`)', (p) => p.startsWith('x-svalinn')],
];

const schema = annotate(await loadComposeSchema());
if (schema.problems.length > 0) {
  console.error(`model docs: ${schema.problems.length} problem(s)\n${schema.problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
const runtimes = await runtimeCapabilities();
const composeFields = new Set((await tsImport(join(root, 'packages/compose/src/index.ts'), import.meta.url)).COMPOSE_FIELDS);
const names = runtimes.map((r) => r.name);

const lines = [
  '# The model and the file formats',
  '',
  '<!-- Generated by `node scripts/gen-model-docs.mjs` from the JSON Schema in packages/compose/src/spec/schema.ts, the field docs in scripts/schema-docs.mjs and each runtime\'s `capabilities`; the tests fail when it is stale. Do not edit. -->',
  '',
  'A project is the same document whether it is written in `compose.toml`, in Compose YAML or with the',
  'TypeScript builders (`new Project().service(…)` takes these keys too, and `toJSON()` returns them).',
  'Every field below is checked by the JSON Schema when a file is loaded; problems are reported with',
  'their path and `file:line:column` (see [troubleshooting](errors.md)).',
  '',
  '## Editor support',
  '',
  'The schema is published with the package: `@selur/compose/schema.json` for compose.toml',
  `(\`$id\` ${code(SCHEMA_IDS.toml)}) and \`@selur/compose/schema.yaml.json\` for Compose YAML`,
  `(\`$id\` ${code(SCHEMA_IDS.yaml)}). Name it on the first line of the file; Taplo (Even Better TOML)`,
  'and the YAML language server (the Red Hat YAML extension) then complete, document and check every',
  'field as you type. The path is relative to the file:',
  '',
  '```toml',
  '#:schema ./node_modules/@selur/compose/schema.json',
  'version = "1.0"',
  '',
  '[services.web]',
  'image = "nginx:1.27"',
  'command = ["node", "server.js"]',
  '```',
  '',
  '```yaml',
  '# yaml-language-server: $schema=./node_modules/@selur/compose/schema.yaml.json',
  'services:',
  '  web:',
  '    image: nginx:1.27',
  '    command: ["node", "server.js"]',
  '```',
  '',
  'The examples in [`examples/`](../examples/) carry these lines. A value holding `${VAR}` passes any',
  'pattern in the editor: it is interpolated when the file is loaded, and checked then.',
  '',
  '## Types',
  '',
  '- `duration`: a number with a unit, units may be combined: `"500ms"`, `"30s"`, `"1m30s"`, `"2h"`.',
  '- `port`: `"CONTAINER"`, `"HOST:CONTAINER"`, `"IP:HOST:CONTAINER"`, each optionally `/tcp` or `/udp`',
  '  and with ranges (`"8000-8002:80-82"`), a number, or the long form (a table with `target`, …).',
  '- `mount`: `"SOURCE:TARGET[:ro|rw]"` — a named volume, or a host path starting with `.` or `/` — or',
  '  the long form (a table with `type`, `source`, `target`, `read_only`).',
  '- `condition`: `service_started`, `service_healthy`, `service_completed_successfully` (or without the',
  '  `service_` prefix).',
  '- `name`: letters, digits, `_`, `.` and `-`, starting with a letter or digit, at most 128 characters.',
  '- Keys starting with `x-` are allowed at the top level and in services, and kept as they are.',
  '',
  '## Runtimes',
  '',
  `The last column names the runtimes that honour a field (${names.map(code).join(', ')}). A project that uses a`,
  'field its runtime does not honour is refused before anything is created, with an',
  '`UnsupportedOperationError` naming the runtime and what it lacks (see [runtimes](runtimes.md)).',
  '',
  '| runtime | capabilities |',
  '|---|---|',
  ...runtimes.map((r) => `| ${code(r.name)} | ${[...r.capabilities].sort().map(code).join(' ')} |`),
  '',
];

for (const [title, inSection] of SECTIONS) {
  const fields = schema.fields.filter((f) => inSection(f.path));
  if (fields.length === 0) continue;
  lines.push(`## ${title}`, '', '| field | type | default | description | runtimes |', '|---|---|---|---|---|');
  for (const field of fields) {
    const node = field.node;
    const examples = Array.isArray(node.examples) && node.examples.length > 0 ? ` Example: ${node.examples.map(code).join(', ')}.` : '';
    const required = field.required ? ' **Required.**' : '';
    const who = honouredBy(field.path, runtimes, composeFields);
    const runtimesCell = who.length === names.length ? 'all' : who.length === 0 ? 'none yet' : who.join(', ');
    lines.push(`| \`${field.path}\` | ${cell(typeOf(node, schema.schema))} | ${node.default === undefined ? '' : cell(code(node.default))} | ${cell(`${node.description ?? ''}${required}${examples}`)} | ${runtimesCell} |`);
  }
  lines.push('');
}

lines.push(
  '## Differences from Docker Compose',
  '',
  '- compose.toml requires `version = "1.0"`; in Compose YAML `version` is informative, as in the',
  '  Compose Specification. Both load into the same project ([reference](reference/compose-yaml.md)).',
  '- Fields that are not in the tables above are refused by name at their `file:line:column`, never',
  '  silently dropped.',
  '- On the process runtime `image` is recorded but not run: `command` runs on the host, published',
  '  ports are handed to it as `PORT`, secrets as `<NAME>_FILE` (see',
  '  [the process runtime](../packages/compose/src/adapters/process/README.md)).',
  '- Secrets may be passed by path in `environment` (`KEY = { secret = "name" }`); a secret\'s value',
  '  never enters an environment variable, an event, an error or a plan.',
  '- Merging several files, `!reset`, `!override`, `.env` and `${VAR:-default}` interpolation follow',
  '  the Compose Specification ([reference](reference/compose-yaml.md)).',
  '',
);

const text = `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
if (check) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('docs/model.md is stale: run node scripts/gen-model-docs.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote docs/model.md (${schema.fields.length} fields, ${runtimes.length} runtimes)`);
}
