// Secrets and configs in their long form (target, mode, uid, gid): what the Secret / ConfigMap
// volume and its mount become, validated offline against Kubernetes' schemas, and which owners are
// refused by name (a Secret volume's files belong to root; a group only through the pod's fsGroup).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '@selur/compose';
import { isUnsupportedFieldError, toKubernetes, toYaml, type KubernetesManifests } from '@selur/compose-kubernetes';
import { describe, expect, it } from 'vitest';
import { manifestProblems } from './support/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'selur-k8s-files-'));
writeFileSync(join(dir, 'token.txt'), 'secret-value-123\n');

function valid(m: KubernetesManifests): KubernetesManifests {
  expect(m.objects.flatMap((o) => manifestProblems(o))).toEqual([]);
  return m;
}

function refused(project: Project): Record<string, string> {
  try {
    toKubernetes(project);
  } catch (error) {
    if (isUnsupportedFieldError(error)) return Object.fromEntries(error.problems.map((p) => [p.field, p.reason]));
    throw error;
  }
  return {};
}

const base = () => new Project('files', { workingDir: dir }).secret('api_token', { file: './token.txt' }).config('conf', { content: 'a = 1\n' });
const podOf = (m: KubernetesManifests, name: string) => m.find('Deployment', name)?.spec?.template.spec;

describe('toKubernetes: secrets and configs in long form', () => {
  it('target (relative under /run/secrets, absolute as given) and mode → items[].mode and a read-only subPath mount at the target', () => {
    const m = valid(toKubernetes(base().service('app', {
      image: 'app:1',
      secrets: [
        { source: 'api_token', target: 'tokens/api', mode: 0o400 },
        { source: 'api_token', target: '/etc/creds/token', mode: 0o440 },
        'api_token',
      ],
      configs: [{ source: 'conf', target: 'etc/app.conf', mode: 0o600 }],
    })));
    const pod = podOf(m, 'app');
    expect(pod?.volumes).toEqual([
      { name: 'secret-api-token', secret: { secretName: 'api-token', items: [{ key: 'api_token', path: 'api_token', mode: 0o400 }], optional: false } },
      { name: 'secret-api-token-440', secret: { secretName: 'api-token', items: [{ key: 'api_token', path: 'api_token', mode: 0o440 }], optional: false } },
      { name: 'secret-api-token-d', secret: { secretName: 'api-token', items: [{ key: 'api_token', path: 'api_token' }], optional: false } },
      { name: 'config-conf', configMap: { name: 'conf', items: [{ key: 'conf', path: 'conf', mode: 0o600 }] } },
    ]);
    expect(pod?.containers[0]?.volumeMounts).toEqual([
      { name: 'secret-api-token', mountPath: '/run/secrets/tokens/api', subPath: 'api_token', readOnly: true },
      { name: 'secret-api-token-440', mountPath: '/etc/creds/token', subPath: 'api_token', readOnly: true },
      { name: 'secret-api-token-d', mountPath: '/run/secrets/api_token', subPath: 'api_token', readOnly: true },
      { name: 'config-conf', mountPath: '/etc/app.conf', subPath: 'conf', readOnly: true },
    ]);
    expect(pod?.securityContext).toBeUndefined();
    // the value is in the Secret only, not in the pod template or anywhere else of the YAML
    expect(m.find('Secret', 'api-token')?.data).toEqual({ api_token: Buffer.from('secret-value-123\n').toString('base64') });
    expect(toYaml(m)).not.toContain('secret-value-123');
  });

  it("uid 0 and a gid that is the service's own group become the pod's fsGroup, with Compose's default mode written out", () => {
    const m = valid(toKubernetes(base().service('app', {
      image: 'app:1',
      user: '1000:1000',
      secrets: [{ source: 'api_token', uid: '0', gid: '1000' }],
      configs: [{ source: 'conf', gid: '1000', mode: 0o640 }],
    })));
    const pod = podOf(m, 'app');
    expect(pod?.securityContext).toEqual({ fsGroup: 1000 });
    expect(pod?.volumes).toEqual([
      { name: 'secret-api-token', secret: { secretName: 'api-token', items: [{ key: 'api_token', path: 'api_token', mode: 0o444 }], optional: false } },
      { name: 'config-conf', configMap: { name: 'conf', items: [{ key: 'conf', path: 'conf', mode: 0o640 }] } },
    ]);
    // gid 0 is what the kubelet gives anyway: no fsGroup
    const root = valid(toKubernetes(base().service('app', { image: 'app:1', secrets: [{ source: 'api_token', uid: '0', gid: '0', mode: 0o400 }] })));
    expect(podOf(root, 'app')?.securityContext).toBeUndefined();
  });

  it('owners Kubernetes cannot give are refused by name, each with its reason', () => {
    const problems = refused(base()
      .volume('data')
      .service('a', { image: 'a:1', user: '1000:1000', secrets: [{ source: 'api_token', uid: '1000' }, { source: 'api_token', target: 'x', gid: '1000', mode: 0o400 }] })
      .service('b', { image: 'b:1', user: '1000', secrets: [{ source: 'api_token', gid: '1000' }] })
      .service('c', { image: 'c:1', user: '1000:1000', volumes: ['data:/data'], secrets: [{ source: 'api_token', gid: '1000' }] })
      .service('d', { image: 'd:1', user: '1000:1000', secrets: [{ source: 'api_token', gid: '1000' }], configs: [{ source: 'conf', gid: '2000' }] })
      .service('e', { image: 'e:1', secrets: [{ source: 'api_token', mode: 0o1777 }] }));
    expect(problems['services.a.secrets[0].uid']).toMatch(/belong to root \(uid 0\); Kubernetes sets no per-file owner/);
    expect(problems['services.a.secrets[1].gid']).toMatch(/mode 0400: with an fsGroup the kubelet adds read for owner and group \(0440\), so the file's mode would be 0440/);
    expect(problems['services.b.secrets[0].gid']).toMatch(/accepted only when `user` is numeric UID:1000/);
    expect(problems['services.c.secrets[0].gid']).toMatch(/re-own the service's named volumes/);
    expect(problems['services.d.configs[0].gid']).toMatch(/already has fsGroup 1000 \(one group per pod\)/);
    expect(problems['services.e.secrets[0].mode']).toMatch(/at most 0777/);
    expect(Object.keys(problems).sort()).toEqual([
      'services.a.secrets[0].uid', 'services.a.secrets[1].gid', 'services.b.secrets[0].gid', 'services.c.secrets[0].gid',
      'services.d.configs[0].gid', 'services.e.secrets[0].mode',
    ]);
  });

  it("with unsupported: 'warn' a refused owner leaves that one file out; the others are still mounted", () => {
    const m = valid(toKubernetes(base().service('a', {
      image: 'a:1', secrets: [{ source: 'api_token', uid: '1000' }, { source: 'api_token', target: '/ok', mode: 0o400 }],
    }), { unsupported: 'warn' }));
    expect(m.warnings.map((w) => w.field)).toEqual(['services.a.secrets[0].uid']);
    expect(podOf(m, 'a')?.containers[0]?.volumeMounts).toEqual([{ name: 'secret-api-token', mountPath: '/ok', subPath: 'api_token', readOnly: true }]);
  });
});
