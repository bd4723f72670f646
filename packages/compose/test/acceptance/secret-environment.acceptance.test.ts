import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSecretInEnvironmentError, Project } from '@selur/compose';
import { cleanup, FAST, NODE, runtime, track } from './support.js';

afterEach(cleanup);

function projectWithEnvSecret(): Project {
  const dir = mkdtempSync(join(tmpdir(), 'env-secret-'));
  writeFileSync(join(dir, 'token.txt'), 'tok-ABC123\n');
  const project = new Project(track(`envsecret${Math.random().toString(16).slice(2, 8)}`), { workingDir: dir })
    .secret('token', { file: './token.txt' })
    .service('app', {
      image: 'local/app.ctp',
      command: [NODE, '-e', 'console.log("TOKEN=" + process.env.TOKEN); setInterval(() => {}, 1000)'],
      environment: { TOKEN: { secret: 'token' } },
      secrets: ['token'],
    });
  return project;
}

describe('environment values that refer to a secret', () => {
  it('are refused before anything is created, naming service, variable and secret', async () => {
    const rt = runtime();
    const project = projectWithEnvSecret();
    const error = await project.up({ ...FAST, runtime: rt, secretsDevMode: false }).catch((e: unknown) => e);
    expect(isSecretInEnvironmentError(error)).toBe(true);
    expect(error).toMatchObject({ service: 'app', variable: 'TOKEN', secret: 'token', reason: 'refused' });
    expect(await rt.listContainers(project.name)).toHaveLength(0);
    expect(await rt.listNetworks(project.name)).toHaveLength(0);
  });

  it('inject the file content in development mode, and the value never reaches events', async () => {
    const rt = runtime();
    const project = projectWithEnvSecret();
    const events: string[] = [];
    await using stack = await project.up({ ...FAST, runtime: rt, secretsDevMode: true, logEvents: true, onEvent: (e) => events.push(JSON.stringify(e)) });
    let seen = '';
    for await (const line of stack.logs('app', { follow: true, signal: AbortSignal.timeout(5_000) })) {
      seen = line.text;
      if (seen.startsWith('TOKEN=')) break;
    }
    expect(seen).toBe('TOKEN=tok-ABC123');
    expect(events.join('\n')).not.toContain('tok-ABC123');
  });
});
