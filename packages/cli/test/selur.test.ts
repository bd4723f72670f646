import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeCt, vordrClient } from '@selur/compose-selur';
import { KEY_ID, manifestFor, newKey } from '../../selur/test/runtime/helpers.js';
import { startFakeSvalinn, type FakeSvalinn } from '../../selur/test/servers/svalinn-server.js';
import { vordrBackend } from '../../selur/test/servers/svalinn-vordr-backend.js';
import { startVordrServer, type FakeVordrServer } from '../../selur/test/servers/vordr-server.js';
import { runCli, workspace, type Workspace } from './support/cli.js';

// The CLI against the in-process selur-stack servers (Svalinn forwarding to Vörðr, both following
// docs/reference), with a bundle packed and signed here and the key in ct's trust store layout.
let vordr: FakeVordrServer;
let svalinn: FakeSvalinn;
let ws: Workspace;
let env: Record<string, string>;

beforeAll(async () => {
  vordr = await startVordrServer();
  svalinn = await startFakeSvalinn({ backend: vordrBackend(vordrClient({ url: vordr.url, timeout: 5_000 })) });
  ws = workspace('selur-cli-stack-');
  const key = newKey();
  const trust = join(ws.dir, '.config', 'cerro-torre', 'trust');
  mkdirSync(trust, { recursive: true });
  writeFileSync(join(trust, `${KEY_ID}.pub`), `${key.publicHex}\n`);
  const ct = nativeCt({ keys: { [KEY_ID]: key.publicHex }, trustDir: false });
  await ct.pack({ manifest: await manifestFor('web') }, { output: join(ws.dir, 'web'), sign: { keyId: KEY_ID, privateKey: key.seedHex } });
  ws.write('compose.toml', 'version = "1.0"\nname = "clisel"\n\n[services.web]\nimage = "./web.ctp"\nports = ["18080:80"]\nenvironment = { MODE = "demo" }\n');
  env = { ...ws.env, XDG_CONFIG_HOME: join(ws.dir, '.config'), SVALINN_URL: svalinn.url, VORDR_MCP_URL: vordr.url };
});

afterAll(async () => {
  await svalinn?.close();
  await vordr?.close();
  ws?.remove();
});

describe('selur-compose on the selur stack (in-process Svalinn and Vörðr)', { timeout: 60_000 }, () => {
  it('verify → up -d → ps --format json → logs (unsupported, one line) → down', async () => {
    const cli = (args: string[]) => runCli(['--runtime', 'selur', ...args], { cwd: ws.dir, env });

    const verify = await cli(['verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('web');

    const up = await cli(['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const runs = svalinn.requests.filter((r) => r.method === 'POST' && /\/api\/v[12]\/run$/.test(r.path) && r.status === 201);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.body).toMatchObject({ name: 'clisel_web_1', image: expect.stringMatching(/web\.ctp$/), imageDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });

    const ps = await cli(['ps', '--format', 'json']);
    expect(ps.code, ps.stderr).toBe(0);
    expect((JSON.parse(ps.stdout) as { name: string; state: string }[]).map((r) => [r.name, r.state])).toEqual([['clisel_web_1', 'running']]);

    const logs = await cli(['logs']);
    expect(logs.code).toBe(4);
    expect(logs.stderr.trim().split('\n')).toHaveLength(1);
    expect(logs.stderr).toMatch(/selur does not support 'logs'/);

    const down = await cli(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse((await cli(['ps', '-a', '--format', 'json'])).stdout)).toEqual([]);
  });
});
