import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flag, stringOption } from '../context.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import { ensureNewline, json, loaded, selectServices, type Handler } from './common.js';
import { kubernetesConvert } from './kubernetes.js';
import { planText } from './plan-text.js';
import { cliTracing } from './telemetry.js';

/** `config`: validates and prints the canonical project (TOML, YAML or JSON), names, or config hashes. */
export const config: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  project.validate();
  if (flag(ctx, 'quiet')) return ExitCode.ok;
  if (flag(ctx, 'services')) {
    ctx.print(Object.keys(spec.services).map((s) => `${s}\n`).join(''));
    return ExitCode.ok;
  }
  if (flag(ctx, 'hash')) {
    const plan = await project.plan(await ctx.runtime());
    const rows = plan.services.filter((s) => !s.orphan).map((s) => ({ service: s.name, hash: s.configHash }));
    if (stringOption(ctx, 'format') === 'json') ctx.print(json(rows));
    else ctx.print(rows.map((r) => `${r.service} ${r.hash}\n`).join(''));
    return ExitCode.ok;
  }
  const format = stringOption(ctx, 'format');
  ctx.print(format === 'json' ? json(spec) : ensureNewline(format === 'yaml' ? project.toYaml() : project.toToml()));
  return ExitCode.ok;
};

const formatOfName = (file: string): 'yaml' | 'toml' | undefined => (/\.ya?ml$/i.test(file) ? 'yaml' : /\.toml$/i.test(file) ? 'toml' : undefined);

/** `convert`: the canonical project in the other format (YAML ↔ TOML), on stdout or in `-o FILE`; or its Kubernetes manifests. */
export const convert: Handler = async (ctx) => {
  const { project } = await loaded(ctx);
  project.validate();
  const output = stringOption(ctx, 'output');
  const from = formatOfName(project.source.files[0] ?? '') ?? 'toml';
  let to = stringOption(ctx, 'to') as 'yaml' | 'toml' | 'kubernetes' | undefined;
  if (to === 'kubernetes') return kubernetesConvert(ctx, project, output);
  if (ctx.settings.namespace !== undefined) throw new UsageError('--namespace applies to --to kubernetes (and --runtime kubernetes)', 'convert');
  if (flag(ctx, 'force')) throw new UsageError('--force applies to --to kubernetes -o DIR', 'convert');
  if (to === undefined && output !== undefined) {
    to = formatOfName(output);
    if (to === undefined) throw new UsageError(`cannot tell the format of '${output}' from its extension: name it .toml, .yaml or .yml, or pass --to yaml|toml`, 'convert');
  }
  const text = ensureNewline((to ?? (from === 'yaml' ? 'toml' : 'yaml')) === 'yaml' ? project.toYaml() : project.toToml());
  if (output === undefined) ctx.print(text);
  else writeFileSync(resolve(ctx.io.cwd, output), text);
  return ExitCode.ok;
};

/** `plan`: what `up` would change, with reasons. */
export const plan: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const services = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, 'plan') : undefined;
  const runtime = await ctx.runtime();
  const options = services ? { services: [...services] } : {};
  const tracing = await cliTracing(ctx.io.env, (text) => ctx.warn(text));
  let result;
  try {
    result = await (tracing ? tracing.plan(project, runtime, options) : project.plan(runtime, options));
  } finally {
    await tracing?.flush();
  }
  if (stringOption(ctx, 'format') === 'json') ctx.print(json(result));
  else ctx.print(planText(result, ctx.out));
  if (flag(ctx, 'expect-no-changes') && result.hasChanges) return ExitCode.error;
  return ExitCode.ok;
};

