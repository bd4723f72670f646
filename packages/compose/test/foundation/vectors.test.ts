import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject, parseProject } from '@selur/compose';

const vectors = new URL('../vectors/compose/', import.meta.url);
const path = (name: string) => fileURLToPath(new URL(name, vectors));

describe('upstream vectors', () => {
  for (const name of ['basic.compose.toml', 'parity.compose.toml']) {
    it(`${name} loads, validates and round-trips through TOML`, async () => {
      const project = await loadProject(path(name), { env: {} });
      project.validate();
      expect(project.name).toBe('compose'); // the folder's name
      expect(project.source.files).toEqual([path(name)]);
      const rendered = project.toToml();
      const again = parseProject(rendered, { projectName: 'compose' });
      again.validate();
      expect(again.toJSON()).toStrictEqual(project.toJSON());
      expect(again.toToml()).toBe(rendered);
      expect(project.toJSON()).toStrictEqual(JSON.parse(JSON.stringify(project.toJSON())));
    });
  }

  it('basic.compose.toml has the upstream meaning', async () => {
    const spec = (await loadProject(path('basic.compose.toml'))).toJSON();
    expect(Object.keys(spec.services)).toEqual(['backend', 'frontend', 'postgres', 'redis']);
    const backend = spec.services['backend'];
    expect(backend?.deploy).toEqual({ replicas: 3, strategy: 'rolling' });
    expect(Object.keys(backend?.depends_on ?? {})).toEqual(['postgres', 'redis']);
    expect(backend?.healthcheck?.interval).toBe('30s');
    expect(backend?.healthcheck?.timeout).toBe('30s');
    expect(backend?.healthcheck?.retries).toBe(3);
    expect(backend?.ports).toEqual([{ protocol: 'tcp', published: 8080, target: 8080 }]);
    expect(spec.services['postgres']?.volumes).toEqual([{ read_only: false, source: 'pgdata', target: '/var/lib/postgresql/data', type: 'volume' }]);
    expect(spec.services['frontend']?.restart).toBe('always');
    expect(spec.networks['default']?.driver).toBe('selur');
    expect(spec.volumes['pgdata']).toEqual({ driver: 'local', driver_opts: {}, external: false, labels: {} });
  });

  it('parity.compose.toml has the upstream meaning', async () => {
    const spec = (await loadProject(path('parity.compose.toml'))).toJSON();
    const web = spec.services['web'];
    expect(web?.healthcheck).toMatchObject({ test: 'curl -f http://localhost/', interval: '10s', timeout: '3s', retries: 3 });
    expect(web?.volumes[0]).toMatchObject({ source: 'webdata', read_only: true });
    expect(web?.networks).toEqual({ front: {} });
    expect(spec.services['redis']?.restart).toBe('on-failure');
    expect(spec.networks['back']?.driver).toBe('bridge');
  });

  it('the text of the vectors parses the same with parseProject', () => {
    const text = readFileSync(path('basic.compose.toml'), 'utf8');
    expect(parseProject(text, { file: path('basic.compose.toml') }).toJSON().services['redis']?.image).toBe('ghcr.io/hyperpolymath/redis:7.ctp');
  });
});
