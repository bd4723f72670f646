import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { LABEL_PROJECT, LABEL_SERVICE, UnsupportedOperationError } from '@selur/compose';
import type { CtDriver, CtSignatureCheck, ProjectSpec, Runtime } from '@selur/compose';
import type { DockerRuntime } from '@selur/compose-docker';
import { stringOption, type Context } from '../context.js';
import { loadSelur } from '../runtime-factory.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../render/table.js';
import { json, loaded, requireCapability, selectServices, type Handler } from './common.js';

const isBundle = (image: string) => image.endsWith('.ctp');
const isLocalPath = (image: string) => image.startsWith('./') || image.startsWith('../') || image.startsWith('/') || image.startsWith('~');

/** Where a service's bundle is on disk (relative references resolved against the project folder). */
export function bundlePath(image: string, workingDir: string): string {
  return isAbsolute(image) ? image : resolve(workingDir, image);
}

/** The ct driver for registry operations: the real `ct` (`CT_PATH` or on PATH). */
async function registryCt(ctx: Context): Promise<CtDriver> {
  const path = ctx.io.env['CT_PATH'];
  const { ctCli } = await loadSelur();
  return ctCli(path ? { path } : {});
}

function isDocker(runtime: Runtime): runtime is DockerRuntime {
  return runtime.name === 'docker' && typeof (runtime as Partial<DockerRuntime>).buildImage === 'function';
}

/** `build`: builds the images of services with a `build` section (Docker/Podman). */
export const build: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const services = selectServices(spec, ctx.parsed.positionals, 'build').filter((s) => spec.services[s]!.build);
  if (services.length === 0) {
    ctx.warn('no selected service has a build section: nothing to build');
    return ExitCode.ok;
  }
  const runtime = await ctx.runtime();
  requireCapability(runtime, 'build', 'build', runtime.name === 'process' ? 'host processes run commands, not images; try --runtime docker' : undefined);
  if (!isDocker(runtime)) throw new UnsupportedOperationError(runtime.name, 'build');
  for (const name of services) {
    const service = spec.services[name]!;
    const b = service.build!;
    ctx.io.stderr.write(`building ${name} (${service.image})\n`);
    await runtime.buildImage({
      context: bundlePath(b.context, project.source.workingDir),
      dockerfile: b.dockerfile,
      args: b.args,
      ...(b.target !== undefined ? { target: b.target } : {}),
      tag: service.image,
      // the project's label, as Docker Compose puts it on what it builds (`watch --prune` finds the image by it)
      labels: { [LABEL_PROJECT]: spec.name, [LABEL_SERVICE]: name },
      service: name,
      signal: ctx.signal,
      ...(ctx.settings.verbose ? { onOutput: (line: string) => ctx.io.stderr.write(`  ${ctx.err.dim(line)}\n`) } : {}),
    });
    ctx.io.stderr.write(`${ctx.err.green('built')} ${name} -> ${service.image}\n`);
  }
  return ExitCode.ok;
};

function bundles(spec: ProjectSpec, names: readonly string[]): { service: string; image: string }[] {
  return names.map((service) => ({ service, image: spec.services[service]!.image })).filter((s) => isBundle(s.image));
}

/**
 * `pull`: fetches remote `.ctp` bundles with ct, and OCI images through the Docker runtime. On the
 * process runtime nothing is pulled (it runs commands, and reads no image or bundle): exit 4, as
 * the README says, rather than a ct failure (exit 1).
 */
export const pull: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  if (ctx.settings.runtime === 'process') {
    throw new UnsupportedOperationError('process', 'pull', { hint: 'host processes run each service\'s command and use no image or bundle; pull with --runtime docker (OCI images) or --runtime selur (.ctp bundles)' });
  }
  const names = selectServices(spec, ctx.parsed.positionals, 'pull');
  const remote = bundles(spec, names).filter((b) => !isLocalPath(b.image));
  const images = names.map((service) => ({ service, image: spec.services[service]!.image })).filter((s) => !isBundle(s.image));
  if (images.length > 0) {
    const runtime = await ctx.runtime();
    if (runtime.name !== 'docker') throw new UnsupportedOperationError(runtime.name, 'pull', { hint: `${images.map((i) => i.service).join(', ')} name OCI images; pull them with --runtime docker` });
    for (const i of images) {
      await (runtime as DockerRuntime).pullImage(i.image, { signal: ctx.signal });
      ctx.print(`${i.service}: pulled ${i.image}\n`);
    }
  }
  if (remote.length === 0) {
    if (images.length > 0) return ExitCode.ok;
    const runtime = await ctx.runtime();
    throw new UnsupportedOperationError(runtime.name, 'pull', { hint: 'nothing to pull: every service names a local .ctp bundle' });
  }
  const ct = await registryCt(ctx);
  for (const b of remote) {
    const output = resolve(project.source.workingDir, `${b.service}.ctp`);
    const path = await ct.fetch(b.image, { output });
    ctx.print(`${b.service}: ${b.image} -> ${path ?? output}\n`);
  }
  return ExitCode.ok;
};

/** `push`: pushes local `.ctp` bundles with ct to `SELUR_REGISTRY/<service>.ctp` or a remote image reference. */
export const push: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const names = selectServices(spec, ctx.parsed.positionals, 'push');
  const registry = ctx.io.env['SELUR_REGISTRY'];
  const local = bundles(spec, names).filter((b) => isLocalPath(b.image));
  if (local.length === 0) {
    const runtime = await ctx.runtime();
    throw new UnsupportedOperationError(runtime.name, 'push', { hint: 'only local .ctp bundles are pushed (with ct)' });
  }
  if (!registry) throw new Error('push needs a destination: set SELUR_REGISTRY (e.g. registry.example.com/org)');
  const ct = await registryCt(ctx);
  for (const b of local) {
    const path = bundlePath(b.image, project.source.workingDir);
    if (!existsSync(path)) throw new Error(`${b.service}: bundle ${path} does not exist: build it first`);
    const destination = `${registry.replace(/\/$/, '')}/${b.service}.ctp`;
    await ct.push(path, destination);
    ctx.print(`${b.service}: ${path} -> ${destination}\n`);
  }
  return ExitCode.ok;
};

/** `signed by KEY`, or why the signature could not be checked. */
function describeSignature(signature: CtSignatureCheck): string {
  if (signature.valid === true && signature.trusted) return `signed by ${signature.keyId}`;
  if (signature.valid === false) return `bad signature by ${signature.keyId}`;
  return `signed by ${signature.keyId} (key not in the trust store: signature not checked)`;
}

interface VerifyRow {
  readonly service: string;
  readonly bundle: string;
  readonly ok: boolean;
  readonly digest: string;
  readonly detail: string;
}

/** The project restricted to the selected services that use a `.ctp` bundle. */
function bundleProject(spec: ProjectSpec, names: readonly string[], workingDir: string): { spec: ProjectSpec; workingDir: string } {
  const services = Object.fromEntries(names.filter((n) => isBundle(spec.services[n]!.image)).map((n) => [n, spec.services[n]!]));
  return { spec: { ...spec, services }, workingDir };
}

/** `verify`: digest, manifest hash and signatures of every bundle (the SDK's `verifyProject`, native verifier). */
export const verify: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const names = selectServices(spec, ctx.parsed.positionals, 'verify');
  const input = bundleProject(spec, names, project.source.workingDir);
  if (Object.keys(input.spec.services).length === 0) {
    ctx.warn('no selected service uses a .ctp bundle: nothing to verify');
    return ExitCode.ok;
  }
  const { verifyProject } = await loadSelur();
  const result = await verifyProject(input, { requireSignature: spec['x-svalinn']?.verify === true });
  const rows: VerifyRow[] = result.services.map((s) => ({
    service: s.service,
    bundle: s.bundle ?? s.image,
    ok: s.ok,
    digest: s.digest ?? '',
    detail: s.ok ? (s.signatures.length > 0 ? s.signatures.map(describeSignature).join(', ') : 'unsigned') : s.problems.join('; '),
  }));
  if (stringOption(ctx, 'format') === 'json') ctx.print(json(rows));
  else
    ctx.print(
      formatTable<VerifyRow>(
        [
          { header: 'service', value: (r) => r.service },
          { header: 'result', value: (r) => (r.ok ? ctx.out.green('ok') : ctx.out.red('FAILED')) },
          { header: 'digest', value: (r) => (r.digest ? `${r.digest.slice(0, 19)}…` : '') },
          { header: 'detail', value: (r) => r.detail },
        ],
        rows,
      ),
    );
  return result.ok ? ExitCode.ok : ExitCode.error;
};

const attestation = (kind: 'sbom' | 'provenance'): Handler => async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const [service] = selectServices(spec, ctx.parsed.positionals, kind);
  const image = spec.services[service!]!.image;
  if (!isBundle(image)) throw new UnsupportedOperationError((await ctx.runtime()).name, kind, { hint: `${service} does not use a .ctp bundle` });
  const ct = (await loadSelur()).nativeCt();
  const path = bundlePath(image, project.source.workingDir);
  const result: unknown = kind === 'sbom' ? await ct.sbom(path) : await ct.provenance(path);
  ctx.print(json(result));
  return ExitCode.ok;
};

/** `sbom SVC` and `provenance SVC`: delegated to the ct driver (which reports what it cannot do). */
export const sbom = attestation('sbom');
/** `provenance SVC`. */
export const provenance = attestation('provenance');

/**
 * `policy [--file F]`: evaluates a gatekeeper policy (the file given, or the compose file's
 * `x-svalinn.policy`) against each bundle's attestations (the SDK's `evaluatePolicy`); exit 1
 * unless every service passes.
 */
export const policy: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const names = selectServices(spec, ctx.parsed.positionals, 'policy');
  const given = stringOption(ctx, 'file') ?? spec['x-svalinn']?.policy;
  if (given === undefined) throw new UsageError('no policy: pass --file FILE or set x-svalinn.policy in the compose file', 'policy');
  const path = bundlePath(given, stringOption(ctx, 'file') !== undefined ? ctx.io.cwd : project.source.workingDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read the policy file ${path}`, 'policy');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`, 'policy');
  }
  const { evaluatePolicy, parseGatekeeperPolicy } = await loadSelur();
  const checked = parseGatekeeperPolicy(value, { file: path });
  const input = bundleProject(spec, names, project.source.workingDir);
  if (Object.keys(input.spec.services).length === 0) {
    ctx.warn('no selected service uses a .ctp bundle: nothing to check');
    return ExitCode.ok;
  }
  const result = await evaluatePolicy(input, checked);
  if (stringOption(ctx, 'format') === 'json') ctx.print(json(result));
  else {
    ctx.print(
      formatTable(
        [
          { header: 'service', value: (r: (typeof result.services)[number]) => r.service },
          { header: 'result', value: (r) => (r.passed ? ctx.out.green('pass') : r.allowed ? ctx.out.yellow('warn') : ctx.out.red('FAIL')) },
          { header: 'reasons', value: (r) => r.reasons.join('; ') },
        ],
        result.services,
      ),
    );
    ctx.print(`policy mode: ${result.mode}${result.mode === 'permissive' && !result.passed ? ' (failures are warnings)' : ''}\n`);
  }
  return result.passed ? ExitCode.ok : ExitCode.error;
};
