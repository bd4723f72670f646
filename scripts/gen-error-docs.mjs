// Generates docs/errors.md — every error class of every package, its stable `code`, what causes
// it (its doc comment) and what to do — from `packages/*/src/errors/*.ts`.
//
//   node scripts/gen-error-docs.mjs          writes docs/errors.md
//   node scripts/gen-error-docs.mjs --check  exit 1 when docs/errors.md differs from the code
//
// The cause is the class's own doc comment, so it cannot drift. The advice ("what to do") lives
// here, keyed by code: a class whose code has no advice fails the script, so a new error cannot
// ship undocumented.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs/errors.md');

const packages = [
  ['@selur/compose', 'packages/compose'],
  ['@selur/compose-docker', 'packages/docker'],
  ['@selur/compose-selur', 'packages/selur'],
  ['@selur/compose-kubernetes', 'packages/kubernetes'],
  ['@selur/compose-swarm', 'packages/swarm'],
  ['selur-compose (CLI)', 'packages/cli'],
];

/** What to do, per code. Keep each one line: the cause is the class's doc comment. */
const ADVICE = {
  '(base)': 'Catch it (or test with `isComposeError`) to handle every error of the SDK; branch on `code`.',
  '(per subclass)': 'Catch it (or `isServiceFailureError`) to read `service`, `reason`, `logs`, `healthOutput`, `exitCode` and `skipped` whatever the cause.',
  E_SVALINN_MCP_TOOL: 'The Svalinn tool named by `tool` refused the call: read `toolMessage`, fix the arguments (see the tool list in the selur package README) or the state it names (e.g. an unknown container).',
  E_SVALINN_REDIRECT: 'Point `SVALINN_URL` at the gateway itself (the `location` in the error is where it redirected): the client never follows a redirect, so no key or request body goes to another host.',
  E_SVALINN_RESPONSE_TOO_LARGE: 'Something that is not the gateway answered, or an answer grew past `maxResponseBytes`: check `SVALINN_URL`, or raise `maxResponseBytes` if the answer is legitimate.',
  E_SVALINN_UPSTREAM: 'Not a bug of this SDK: the message names the upstream component (`component`, `defect`) and what it answered. Use `gateway: \'vordr\'` to run on Vörðr directly, or an upstream release with the fix.',
  E_PROJECT_IN_USE: 'Another live process (its pid is in the message) runs this project: stop it, use another project name (`useStack` gives one per worker), or pass `reuse: true` to share its services on purpose.',
  E_UNSUPPORTED_FIELD: 'The runtime cannot apply the fields listed in `fields` (each with its service or resource): remove them, run on a runtime that honours them (see the runtimes guide), or pass `unsupported: \'warn\'` (CLI: `--compat`) to run without them, with a warning for each.',
  E_CANCELLED: 'Expected after an abort or an earlier failure; look for the first error of the run (the one that is not `E_CANCELLED`).',
  E_COMPOSE_FILE: 'Check the path (relative to the working folder or `-f`) and its permissions.',
  E_CONTAINER_NOT_FOUND: 'Something else removed the container: run `plan`/`up` again to recreate it, or `ps` to see what is left.',
  E_DEPENDENCY_CYCLE: 'Remove one of the `depends_on` edges the message lists.',
  E_DEPENDENCY_FAILED: 'Fix the dependency named in the message (its own error comes first); this service was not started because of it.',
  E_HEALTH_TIMEOUT: 'Read `healthOutput` and `logs`: fix the service or its healthcheck/wait strategy, or give it more time (`start_period`, `withTimeout`, `up({ timeout })`).',
  E_INVALID_ARGUMENT: 'Fix the value named by `field` in your code (builder call or option).',
  E_MISSING_COMMAND: 'Give the service a `command` (the process runtime runs commands, not images), or use a container runtime.',
  E_WATCH_CONFIG: 'Fix the `develop.watch` rule named by `field` (a `target` for sync actions, `exec.command` for `sync+exec`, a `build` section for `rebuild` on Docker, a path that exists), or select services that have rules.',
  E_WATCH_ACTION: 'Read the cause (the runtime\'s error, or the command\'s exit code and output): fix the service or the rule; watching goes on and the next change tries again.',
  E_PLAN_CHANGES: 'The deployed stack differs from the file: review the listed changes, then `up` (or fix the drift).',
  E_PORT_CONFLICT: 'Free the host port or publish another (`0` picks a free one); `ss -ltnp` shows who holds it.',
  E_PROCESS_USER: 'Read `problem`: a name missing from /etc/passwd or /etc/group (give a numeric uid/gid), another user while not root (run as root, or drop `user`), or no `setpriv` on the PATH (install util-linux).',
  E_PROCESS_SPAWN: 'Check the `command` exists on the host (`PATH`) and is executable, and the `working_dir` exists.',
  E_PROJECT_LOCKED: 'Another `up`/`down` of the same project runs: wait for it, or raise `lockTimeout`; a dead holder\'s lock is taken over.',
  E_SECRET_IN_ENVIRONMENT: 'Move the value into a `secrets` entry (a file), and read `<NAME>_FILE` in the service.',
  E_SOURCE_VARIABLE_UNSET: 'Set `variable` where `up` runs (the environment, `.env`, or `loadProject(file, { env })`), or give the secret or config a `file`.',
  E_SERVICE_EXITED: 'Read `exitCode` and `logs`: the service crashed or a one-shot job failed.',
  E_ROLLOUT_FAILED: 'Read `reason`, `healthOutput` and `logs` (the failed new replica\'s, batch `batch`, replica `replica`): fix the new version or its healthcheck, then `up` again. With `rolledBack` the old replicas run as before; after `failure_action: pause` the first `replaced` replicas run the new version and the next `up` finishes the rollout.',
  E_SERVICE_START: 'Read the reason and `logs`: the runtime could not start the service (command, image, mounts).',
  E_STATE_FILE: 'The process runtime\'s state file is damaged or unwritable: check the `stateDir` permissions; remove the named file if it is corrupt.',
  E_TOML_SYNTAX: 'Fix the TOML at the `file:line:column` printed.',
  E_UNSUPPORTED: 'Use a runtime that has the capability (see the runtimes guide), or avoid the operation on this one.',
  E_VALIDATION: 'Fix every problem listed (each has its field path and `file:line:column`).',
  E_YAML_SYNTAX: 'Fix the YAML at the `file:line:column` printed.',
  E_CTP_ON_DOCKER: 'Docker cannot run `.ctp` bundles: use an OCI image for Docker, or the selur runtime for the bundle.',
  E_DOCKER_UNREACHABLE: 'Start the Docker/Podman engine, or point `DOCKER_HOST` at its socket.',
  E_DOCKER_ENGINE: 'Read the engine\'s message and status in the error; `docker info` and the engine logs tell more.',
  E_EXTERNAL_NOT_FOUND: 'Create the external network or volume first (`docker network create …`), or drop `external: true`.',
  E_IMAGE_BUILD: 'Read the build output in the message; fix the Dockerfile or the build context.',
  E_HOOK_FAILED: 'Read the hook\'s output in the message; fix its command (it runs inside the container, through exec), or remove the `post_start`/`pre_stop` entry.',
  E_IMAGE_NOT_FOUND: 'Check the image name and tag, log in to the registry, or build it first.',
  E_BUNDLE: 'The `.ctp` file is malformed: rebuild it with `ct pack`, check it with `ct verify`.',
  E_BUNDLE_UNAVAILABLE: 'Check the `image` path or reference of the service: the bundle could not be read or fetched.',
  E_BUNDLE_VERIFICATION: 'Read `report`: re-sign the bundle, add its key to the trust store, or fix the tampered member.',
  E_CT_COMMAND: 'Check that `ct` is installed and on `PATH` (or use `nativeCt()`); read its output in the message.',
  E_INVALID_POLICY: 'Fix the policy document at the path printed (Svalinn gatekeeper policy v1).',
  E_POLICY_DENIED: 'Svalinn\'s policy refused the request: read the reasons, change the stack or the policy.',
  E_SVALINN: 'Read `status` and `serverMessage`; Svalinn\'s own logs tell more.',
  E_SVALINN_TIMEOUT: 'Svalinn did not answer in time: check it is running and reachable (`SVALINN_URL`), or raise the timeout.',
  E_SVALINN_UNAVAILABLE: 'Start Svalinn or fix `SVALINN_URL`.',
  E_SVALINN_VALIDATION: 'Svalinn rejected the request body: read `data` for the fields; usually a field the stack cannot map.',
  E_VORDR_TOOL: 'Vörðr\'s tool failed: read the tool name and message; Vörðr\'s logs tell more.',
  E_VORDR_PROTOCOL: 'The server at `VORDR_MCP_URL` is not a compatible Vörðr (MCP): check the URL and versions.',
  E_VORDR_UNAVAILABLE: 'Start Vörðr or fix `VORDR_MCP_URL`.',
  E_K8S_API: 'Read the API server\'s status and message; check the kubeconfig context and RBAC permissions.',
  E_K8S_ROLLOUT: 'Read the pod conditions and events in the message: image pull, crash loop or readiness probe.',
  E_K8S_SECRET_FILE: 'The secret\'s `file` could not be read: check its path (relative to the compose file).',
  E_K8S_CONFIG_FILE: 'The config\'s `file` could not be read: check its path (relative to the compose file).',
  E_K8S_UNSUPPORTED_FIELD: 'Kubernetes cannot express the listed fields: remove them, or pass `unsupported: \'warn\'` to convert anyway.',
  E_SWARM_DEPLOY: 'It is the `cause` of the `ServiceStartError` that `up` rejects with. Read `tasks`: each failed task\'s `error`, `node` and last `logs` (a missing image on the node, a crash, a failing healthcheck); `reason` says whether Swarm rolled the update back or paused it.',
  E_SWARM_INACTIVE: 'Run `docker swarm init` (or join as a manager), or point `DOCKER_HOST` at a manager node.',
  E_SWARM_SOURCE: 'Fix the secret\'s or config\'s source named in the message: its file path (relative to the compose file), its environment variable, or create the external object (`docker secret create`).',
  '(exit code 2)': 'Run the command with `--help`: it prints the usage and examples.',
};

/** The doc comment just before `index` in `text`, as Markdown prose (tags and examples dropped). */
function docBefore(text, index) {
  const head = text.slice(0, index);
  const end = head.lastIndexOf('*/');
  const start = head.lastIndexOf('/**');
  if (start < 0 || end < start || head.slice(end + 2).trim() !== '') return '';
  const lines = head
    .slice(start + 3, end)
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''));
  const prose = [];
  for (const line of lines) {
    if (line.trim().startsWith('@')) break;
    prose.push(line);
  }
  return prose
    .join('\n')
    .trim()
    .replace(/\{@link\s+([^}|\s]+)(?:\s*\|\s*([^}]+))?\s*\}/g, (_, target, label) => `\`${(label ?? target).trim()}\``)
    .replace(/\n\n+/g, '<br>')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');
}

/** The body of the class declared at `index` (up to the next top-level `}`). */
function bodyAt(text, index) {
  const end = text.indexOf('\n}\n', index);
  return text.slice(index, end < 0 ? undefined : end);
}

const sections = [];
const seen = new Set();
for (const [pkg, dir] of packages) {
  const errorsDir = join(root, dir, 'src/errors');
  if (!existsSync(errorsDir)) continue;
  const rows = [];
  for (const file of readdirSync(errorsDir).sort()) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const text = readFileSync(join(errorsDir, file), 'utf8');
    for (const m of text.matchAll(/export (?:abstract )?class (\w+) extends (\w+)/g)) {
      const [, name, base] = m;
      const body = bodyAt(text, m.index);
      const guard = new RegExp(`guardFor<${name}>\\('(E_[A-Z0-9_]+)'\\)`).exec(text);
      let code = guard?.[1] ?? /'(E_[A-Z0-9_]+)'/.exec(body)?.[1];
      if (!code && name === 'ComposeError') code = '(base)';
      if (!code && (/abstract class/.test(m[0]) || /constructor\(code: string/.test(body))) code = '(per subclass)';
      if (!code && dir === 'packages/cli') code = '(exit code 2)';
      if (!code) throw new Error(`${dir}/src/errors/${file}: cannot find the code of ${name}`);
      if (!(code in ADVICE)) throw new Error(`${dir}/src/errors/${file}: ${name} (${code}) has no advice in scripts/gen-error-docs.mjs`);
      seen.add(code);
      const cause = docBefore(text, m.index) || '(no doc comment)';
      rows.push(`| \`${name}\` | ${code.startsWith('E_') ? `\`${code}\`` : code} | ${base === 'Error' ? '—' : `\`${base}\``} | ${cause} | ${ADVICE[code]} |`);
    }
  }
  if (rows.length === 0) continue;
  sections.push(`## ${pkg}\n\nFrom \`${dir}/src/errors/\`.\n\n| class | code | extends | cause | what to do |\n|---|---|---|---|---|\n${rows.join('\n')}\n`);
}
const stale = Object.keys(ADVICE).filter((code) => !seen.has(code));
if (stale.length > 0) throw new Error(`scripts/gen-error-docs.mjs: advice for codes no error has: ${stale.join(', ')}`);

const doc = `<!-- Generated by \`node scripts/gen-error-docs.mjs\` from packages/*/src/errors/*.ts: do not edit by hand. -->
# Troubleshooting: every error

Every error the SDK throws is a \`ComposeError\` with a stable \`code\` (branch on it, or use the
\`isXxxError\` guard each class exports: guards match by \`code\`, so they work even when two copies
of a package are loaded), a message a person can act on, and what it knows of where: \`service\`,
\`file\`, \`line\`, \`column\`, \`field\`. Errors from a failing service (\`ServiceFailureError\` and its
subclasses) also carry the service's last log lines, its health output, its exit code and the services
skipped because of it. Secrets never appear in any of them.

\`\`\`ts
import { isComposeError, isServiceFailureError, loadProject } from '@selur/compose';

try {
  await (await loadProject('compose.toml')).up();
} catch (error) {
  if (isServiceFailureError(error)) console.error(error.service, error.exitCode, error.logs.join('\\n'));
  else if (isComposeError(error)) console.error(\`\${error.code} at \${error.file ?? '-'}:\${error.line ?? '-'}: \${error.message}\`);
  else throw error;
}
\`\`\`

The command line prints the same message and exits with a code per kind of failure (see
[deploy scripts and CI](deploy-and-ci.md#exit-codes)).

${sections.join('\n')}`;

if (process.argv.includes('--check')) {
  const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
  if (current !== doc) {
    console.error('docs/errors.md is out of date: run `node scripts/gen-error-docs.mjs`');
    process.exit(1);
  }
} else {
  writeFileSync(out, doc);
  console.log(`wrote ${out}`);
}
