/**
 * A secret whose source is an environment variable (Compose's `secrets.NAME.environment`): the
 * engine writes it to a private file, hands it to the runtime like a file secret, recreates the
 * service when the variable changes, redacts it from events, and refuses, before creating
 * anything, a variable that is not set.
 */
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSourceVariableError, parseProject } from '@selur/compose';
import { cleanup, FAST, NODE, runtime, track } from './support.js';

afterEach(cleanup);

function project(name: string, token: string | undefined) {
  const toml = `
version = "1.0"
name = "${name}"
[secrets.token]
environment = "API_TOKEN"
[services.app]
image = "local/app.ctp"
command = [${JSON.stringify(NODE)}, "-e", "console.log('token=' + require('fs').readFileSync(process.env.TOKEN_FILE, 'utf8')); setInterval(() => {}, 1000)"]
secrets = ["token"]
`;
  return parseProject(toml, { format: 'toml', env: token === undefined ? {} : { API_TOKEN: token } });
}

async function firstTokenLine(stack: { logs(service: string, options: { follow: boolean; signal: AbortSignal }): AsyncIterable<{ text: string }> }): Promise<string> {
  for await (const line of stack.logs('app', { follow: true, signal: AbortSignal.timeout(5_000) })) if (line.text.startsWith('token=')) return line.text;
  return '';
}

describe('a secret from an environment variable', () => {
  it('reaches the service as a file, is redacted from events, and a changed value recreates the service', async () => {
    const rt = runtime();
    const name = track(`envsrc${Math.random().toString(16).slice(2, 8)}`);
    const events: string[] = [];
    const stack = await project(name, 'tok-FIRST-value').up({ ...FAST, runtime: rt, logEvents: true, onEvent: (e) => events.push(JSON.stringify(e)) });
    expect(await firstTokenLine(stack)).toBe('token=tok-FIRST-value');
    expect(events.join('\n')).not.toContain('tok-FIRST-value');
    // the written copy is private to this user
    const dir = join(tmpdir(), 'selur-compose-sources', `process-${name}`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(['secret-token']);

    const plan = await project(name, 'tok-SECOND-value').plan(rt);
    expect(plan.services.find((s) => s.name === 'app')).toMatchObject({ action: 'recreate', reasons: ['secret token content changed'] });
    const again = await project(name, 'tok-SECOND-value').up({ ...FAST, runtime: rt });
    expect(await firstTokenLine(again)).toBe('token=tok-SECOND-value');
    await again.down();
    expect(() => statSync(dir)).toThrow();
  });

  it('is refused, naming the variable, before anything is created when the variable is not set', async () => {
    const rt = runtime();
    const name = track(`envsrc${Math.random().toString(16).slice(2, 8)}`);
    const error = await project(name, undefined).up({ ...FAST, runtime: rt }).catch((e: unknown) => e);
    expect(isSourceVariableError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'E_SOURCE_VARIABLE_UNSET', kind: 'secret', resource: 'token', variable: 'API_TOKEN' });
    expect(await rt.listContainers(name)).toHaveLength(0);
  });
});
