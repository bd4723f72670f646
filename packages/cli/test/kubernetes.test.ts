import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesManifest } from '@selur/compose-kubernetes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startFakeApi, type FakeApi } from '../../kubernetes/test/support/fake-api.js';
import { manifestProblems } from '../../kubernetes/test/support/validate.js';
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

describe('convert --to kubernetes -o DIR, and --namespace', { timeout: 60_000 }, () => {
  const PROJECT = `version = "1.0"
name = "dirk8s"

[secrets.api_token]
file = "./token.txt"

[services.web]
image = "ghcr.io/example/web:1"
ports = ["8080:80"]
user = "1000:1000"
secrets = [{ source = "api_token", target = "api/token", mode = 0o440, gid = "1000" }]
depends_on = ["cache"]

[services.cache]
image = "redis:7"
ports = ["6379"]
`;
  let dirWs: Workspace;
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: dirWs.dir, env: { ...dirWs.env, ...extra } });
  const files = (dir: string) => readdirSync(join(dirWs.dir, dir)).sort();
  const read = (dir: string, file: string) => readFileSync(join(dirWs.dir, dir, file), 'utf8');

  beforeAll(() => {
    dirWs = workspace('selur-cli-k8s-dir-');
    dirWs.write('compose.toml', PROJECT);
    dirWs.write('token.txt', 'tok-value-42\n');
  });
  afterAll(() => dirWs?.remove());

  it('-o DIR: one <kind>-<name>.yaml per manifest, marked, valid, mode 0600, listed on stdout; the same objects as the stream on stdout', async () => {
    const run = await cli(['convert', '--to', 'kubernetes', '-o', 'k8s']);
    expect(run.code, run.stderr).toBe(0);
    const expected = ['deployment-cache.yaml', 'deployment-web.yaml', 'secret-api-token.yaml', 'service-cache.yaml', 'service-web.yaml'];
    expect(files('k8s')).toEqual(expected);
    expect(run.stdout.trim().split('\n').sort()).toEqual(expected.map((f) => `wrote k8s/${f}`));
    const objects = expected.map((file) => {
      const text = read('k8s', file);
      expect(text.split('\n', 1)[0]).toBe("# Generated by selur-compose convert --to kubernetes (project 'dirk8s'); re-running it rewrites or removes this file");
      expect(statSync(join(dirWs.dir, 'k8s', file)).mode & 0o777).toBe(0o600);
      const docs = parseAllDocuments(text).map((d) => d.toJS() as KubernetesManifest);
      expect(docs).toHaveLength(1);
      const [object] = docs as [KubernetesManifest];
      expect(file).toBe(`${object.kind.toLowerCase()}-${object.metadata.name}.yaml`);
      expect(object.metadata.namespace).toBe('dirk8s');
      expect(manifestProblems(object)).toEqual([]);
      return object;
    });
    // the secret's long form arrives in the files: target under /run/secrets, mode, gid as fsGroup
    const web = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web') as Extract<KubernetesManifest, { kind: 'Deployment' }>;
    expect(web.spec?.template.spec?.volumes).toEqual([{ name: 'secret-api-token', secret: { secretName: 'api-token', items: [{ key: 'api_token', path: 'api_token', mode: 0o440 }], optional: false } }]);
    expect(web.spec?.template.spec?.containers[0]?.volumeMounts).toEqual([{ name: 'secret-api-token', mountPath: '/run/secrets/api/token', subPath: 'api_token', readOnly: true }]);
    expect(web.spec?.template.spec?.securityContext).toEqual({ fsGroup: 1000 });
    const stream = await cli(['convert', '--to', 'kubernetes']);
    expect(stream.code, stream.stderr).toBe(0);
    const streamed = parseAllDocuments(stream.stdout).map((d) => d.toJS() as KubernetesManifest);
    expect(streamed.map((o) => `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`).sort()).toEqual(expected);
    expect(streamed.sort((a, b) => `${a.kind}${a.metadata.name}`.localeCompare(`${b.kind}${b.metadata.name}`)))
      .toEqual(objects.sort((a, b) => `${a.kind}${a.metadata.name}`.localeCompare(`${b.kind}${b.metadata.name}`)));
  });

  it('re-running rewrites its own files and removes those the project no longer makes; a file it did not write is refused unless --force', async () => {
    dirWs.write('k8s/README.md', 'notes\n');
    dirWs.write('compose.toml', PROJECT.replace('depends_on = ["cache"]\n', '').replace(/\[services\.cache\][^]*$/, ''));
    const again = await cli(['convert', '--to', 'kubernetes', '-o', 'k8s/']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('removed k8s/deployment-cache.yaml\nremoved k8s/service-cache.yaml\n');
    expect(files('k8s')).toEqual(['README.md', 'deployment-web.yaml', 'secret-api-token.yaml', 'service-web.yaml']);

    dirWs.write('k8s/deployment-web.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    dirWs.write('k8s/service-web.yaml', '# Generated by selur-compose convert --to kubernetes (project \'other\'); re-running it rewrites or removes this file\n');
    const refused = await cli(['convert', '--to', 'kubernetes', '-o', 'k8s']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("already holds deployment-web.yaml, service-web.yaml, not written by convert for project 'dirk8s'; pass --force to overwrite");
    expect(read('k8s', 'deployment-web.yaml')).toBe('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    expect(refused.stdout).toBe('');

    const forced = await cli(['convert', '--to', 'kubernetes', '-o', 'k8s', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(read('k8s', 'deployment-web.yaml')).toContain('kind: Deployment');
    expect(read('k8s', 'README.md')).toBe('notes\n');

    dirWs.write('plain-file', 'x');
    const notDir = await cli(['convert', '--to', 'kubernetes', '-o', 'plain-file']);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain("exists and is not a folder");
    dirWs.write('compose.toml', PROJECT);
  });

  it('--namespace (beating SELUR_COMPOSE_NAMESPACE) sets every object\'s namespace; -o NAME.yaml is one stream; a bad name or another runtime is a usage error', async () => {
    const namespaces = (text: string) => [...new Set(parseAllDocuments(text).map((d) => (d.toJS() as KubernetesManifest).metadata.namespace))];
    const byFlag = await cli(['--namespace', 'team-b', 'convert', '--to', 'kubernetes'], { SELUR_COMPOSE_NAMESPACE: 'team-env' });
    expect(byFlag.code, byFlag.stderr).toBe(0);
    expect(namespaces(byFlag.stdout)).toEqual(['team-b']);
    const byEnv = await cli(['convert', '--to', 'kubernetes', '-o', 'all.yml'], { SELUR_COMPOSE_NAMESPACE: 'team-env' });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(namespaces(readFileSync(join(dirWs.dir, 'all.yml'), 'utf8'))).toEqual(['team-env']);
    // after the command, too (long form)
    const after = await cli(['convert', '--to', 'kubernetes', '--namespace', 'team-c']);
    expect(namespaces(after.stdout)).toEqual(['team-c']);

    const bad = await cli(['--namespace', 'Team_B', 'convert', '--to', 'kubernetes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--namespace 'Team_B' is not a Kubernetes namespace name");
    const otherFormat = await cli(['--namespace', 'team-b', 'convert', '--to', 'yaml']);
    expect(otherFormat.code).toBe(2);
    const docker = await cli(['--runtime', 'docker', '--namespace', 'team-b', 'ps']);
    expect(docker.code).toBe(2);
    expect(docker.stderr).toContain('--namespace is the Kubernetes namespace');
  });

  it('--runtime kubernetes --namespace NS up -d SERVICE applies that service and its dependencies into NS; down there removes them', async () => {
    dirWs.write('compose.toml', PROJECT);
    const k8s = (args: string[]) => cli(['--runtime', 'kubernetes', '--namespace', 'team-n', ...args], { KUBECONFIG: env['KUBECONFIG'] as string });
    fake.requests.length = 0;
    const up = await k8s(['up', '-d', 'web']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('applied 5 objects to namespace team-n');
    expect(fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/team-n/secrets/api-token', '/api/v1/namespaces/team-n/services/cache', '/api/v1/namespaces/team-n/services/web',
      '/apis/apps/v1/namespaces/team-n/deployments/cache', '/apis/apps/v1/namespaces/team-n/deployments/web',
    ]);
    fake.requests.length = 0;
    const alone = await k8s(['up', '-d', '--no-deps', 'cache']);
    expect(alone.code, alone.stderr).toBe(0);
    expect(fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/team-n/services/cache', '/apis/apps/v1/namespaces/team-n/deployments/cache',
    ]);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    const unknown = await k8s(['up', '-d', 'nope']);
    expect(unknown.code).toBe(2);
    const down = await k8s(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect([...fake.objects.keys()].filter((k) => k.includes('/team-n/') && !k.startsWith('v1/Event/'))).toEqual([]);
  });
});
