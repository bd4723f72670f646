import { flag, stringOption } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { json, loaded, selectServices, type Handler } from './common.js';
import { planText } from './plan-text.js';

/** `config`: validates and prints the canonical project (TOML or JSON), names, or config hashes. */
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
  ctx.print(stringOption(ctx, 'format') === 'json' ? json(spec) : ensureNewline(project.toToml()));
  return ExitCode.ok;
};

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** `plan`: what `up` would change, with reasons. */
export const plan: Handler = async (ctx) => {
  const { project, spec } = await loaded(ctx);
  const services = ctx.parsed.positionals.length > 0 ? selectServices(spec, ctx.parsed.positionals, 'plan') : undefined;
  const result = await project.plan(await ctx.runtime(), services ? { services: [...services] } : {});
  if (stringOption(ctx, 'format') === 'json') ctx.print(json(result));
  else ctx.print(planText(result, ctx.out));
  if (flag(ctx, 'expect-no-changes') && result.hasChanges) return ExitCode.error;
  return ExitCode.ok;
};

