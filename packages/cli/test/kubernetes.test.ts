import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../../kubernetes/test/support/fake-api.js';
import { runCli, workspace, type Workspace } from './support/cli.js';
import { node, stackSession } from './support/stack.js';

// `--runtime kubernetes` through the built CLI, against the Kubernetes package's in-process fake
// of the API on 127.0.0.1 (real @kubernetes/client-node over HTTP), reached through a kubeconfig
// file named by KUBECONFIG. And `--compat`, on the process runtime and in `convert --to kubernetes`.
let fake: FakeApi;
let ws: Workspace;
let env: Record<string, string>;

const COMPOSE = `version = "1.0"
name = "clik8s"

[configs.app_conf]
content = "listen = 8080\\n"

[services.web]
image = "ghcr.io/example/web:1"
ports = ["8080:80"]
configs = [{ source = "app_conf", target = "/etc/web.conf" }]
cap_drop = ["NET_RAW"]
`;

beforeAll(async () => {
  fake = await startFakeApi();
  ws = workspace('selur-cli-k8s-');
  ws.write('compose.toml', COMPOSE);
  env = { ...ws.env, KUBECONFIG: ws.write('kubeconfig.yaml', fake.kubeconfig()) };
});

afterAll(async () => {
  await fake?.close();
  ws?.remove();
});

describe('selur-compose --runtime kubernetes (in-process fake API)', { timeout: 60_000 }, () => {
  it('up -d applies server-side into SELUR_COMPOSE_NAMESPACE → ps --format json lists the pods → down deletes by label', async () => {
    const cli = (args: string[]) => runCli(['--runtime', 'kubernetes', ...args], { cwd: ws.dir, env: { ...env, SELUR_COMPOSE_NAMESPACE: 'team-a' } });
    const up = await cli(['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('applied 3 objects to namespace team-a');
    const patches = fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.path);
    expect(patches).toEqual([
      '/api/v1/namespaces/team-a/configmaps/app-conf',
      '/api/v1/namespaces/team-a/services/web',
      '/apis/apps/v1/namespaces/team-a/deployments/web',
    ]);
    expect(fake.requests.filter((r) => r.method === 'PATCH').every((r) => r.query.get('fieldManager') === 'selur-compose')).toBe(true);
    const deployment = fake.objects.get('apps/v1/Deployment/team-a/web') as { spec?: { template?: { spec?: { containers?: { securityContext?: unknown }[] } } } } | undefined;
    expect(deployment?.spec?.template?.spec?.containers?.[0]?.securityContext).toEqual({ capabilities: { drop: ['NET_RAW'] } });

    const ps = await cli(['ps', '--format', 'json']);
    expect(ps.code, ps.stderr).toBe(0);
    expect((JSON.parse(ps.stdout) as { service: string; state: string }[]).map((r) => [r.service, r.state])).toEqual([['web', 'running']]);

    const down = await cli(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect([...fake.objects.keys()].filter((k) => k.includes('/team-a/') && !k.startsWith('v1/Event/'))).toEqual([]);
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(expect.arrayContaining([
      '/apis/apps/v1/namespaces/team-a/deployments/web', '/api/v1/namespaces/team-a/services/web', '/api/v1/namespaces/team-a/configmaps/app-conf',
    ]));
  });

  it('a field Kubernetes cannot apply fails up by name; --compat applies without it and warns on stderr', async () => {
    const odd = workspace('selur-cli-k8s-odd-');
    try {
      odd.write('compose.toml', 'version = "1.0"\nname = "clik8sodd"\n\n[services.web]\nimage = "web:1"\nulimits = { nofile = 1024 }\n');
      const cli = (args: string[]) => runCli(['--runtime', 'kubernetes', ...args], { cwd: odd.dir, env: { ...odd.env, KUBECONFIG: env['KUBECONFIG'] as string } });
      const before = fake.requests.length;
      const refused = await cli(['up', '-d']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('services.web.ulimits.nofile');
      expect(fake.requests.slice(before).filter((r) => r.method === 'PATCH')).toEqual([]);

      const compat = await cli(['--compat', 'up', '-d']);
      expect(compat.code, compat.stderr).toBe(0);
      expect(compat.stderr).toMatch(/^warning: services\.web\.ulimits\.nofile \(service 'web'\): Kubernetes has no per-container ulimits.*left out \(--compat\)$/m);
      expect(fake.objects.has('apps/v1/Deployment/clik8sodd/web')).toBe(true);
      expect((await cli(['down'])).code).toBe(0);
    } finally {
      odd.remove();
    }
  });
});

describe('--compat', { timeout: 60_000 }, () => {
  const s = stackSession();

  it('on the process runtime: cap_add is refused by name without it; with it the service runs and stderr has one warning', async () => {
    s.open(`version = "1.0"\n\n[services.app]\nimage = "node"\ncommand = ${node('setInterval(() => {}, 1000)')}\ncap_add = ["NET_ADMIN"]\n`);
    const refused = await s.cli(['up', '-d']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('cap_add');
    expect(await s.ps(true)).toEqual([]);

    const compat = await s.cli(['--compat', 'up', '-d']);
    expect(compat.code, compat.stderr).toBe(0);
    const warnings = compat.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([expect.stringMatching(/^warning: the process runtime cannot apply `cap_add` \(service 'app'\); running without it$/)]);
    expect((await s.ps()).map((r) => [r.service, r.state])).toEqual([['app', 'running']]);
  });

  it('convert --to kubernetes: refused by name without it; with it the manifests are written and each left-out field is a warning', async () => {
    s.open('version = "1.0"\nname = "conv"\n\n[services.app]\nimage = "app:1"\nulimits = { nproc = 64 }\ncap_add = ["CAP_SYS_TIME"]\n');
    const refused = await s.cli(['convert', '--to', 'kubernetes']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('services.app.ulimits.nproc');
    expect(refused.stdout).toBe('');

    const compat = await s.cli(['--compat', 'convert', '--to', 'kubernetes']);
    expect(compat.code, compat.stderr).toBe(0);
    expect(compat.stderr).toMatch(/^warning: services\.app\.ulimits\.nproc \(service 'app'\): .*left out \(--compat\)$/m);
    expect(compat.stdout).toContain('kind: Deployment');
    expect(compat.stdout).toContain('- SYS_TIME');
    expect(compat.stdout).not.toContain('nproc');
  });
});
