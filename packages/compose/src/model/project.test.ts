import { describe, expect, it } from 'vitest';
import { isComposeValidationError, type ComposeValidationError } from '../errors/validation-error.js';
import { isInvalidArgumentError } from '../errors/invalid-argument-error.js';
import { ProjectModel } from './project.js';
import { Service } from './service.js';
import { Wait } from './wait.js';

describe('ProjectModel', () => {
  it('generates a unique valid name from an injectable id source', () => {
    expect(new ProjectModel(undefined, { idSource: () => 'cafe1234' }).name).toBe('p-cafe1234');
    const a = new ProjectModel();
    const b = new ProjectModel();
    expect(a.name).toMatch(/^p-[0-9a-f]{8}$/);
    expect(a.name).not.toBe(b.name);
  });

  it('rejects invalid names naming the field', () => {
    for (const bad of ['Shop', '', '-x', 'a b']) {
      try {
        new ProjectModel(bad);
        expect.unreachable();
      } catch (error) {
        expect(isInvalidArgumentError(error)).toBe(true);
        expect((error as { field?: string }).field).toBe('name');
      }
    }
    expect(() => new ProjectModel(undefined, { idSource: () => 'NOPE' })).toThrow(/idSource/);
  });

  it('defaults source.workingDir to the current directory', () => {
    expect(new ProjectModel('x').source).toEqual({ workingDir: process.cwd(), files: [] });
    expect(new ProjectModel('x', { workingDir: '/srv' }).source.workingDir).toBe('/srv');
  });

  it('builders return this, so subclasses keep their type', () => {
    class Mine extends ProjectModel {
      extra(): number {
        return this.serviceNames().length;
      }
    }
    const mine = new Mine('m').service('a', { image: 'a' }).volume('v').network('n').secret('s', { external: true }).extension('x-a', 1);
    expect(mine.extra()).toBe(1);
    expect(mine.withProfiles()).toBeInstanceOf(Mine);
    expect(Mine.fromJSON(mine.toJSON())).toBeInstanceOf(Mine);
  });

  it('edits a service through the callback, keeping earlier settings', () => {
    const p = new ProjectModel('x').service('a', (s) => s.image('a')).service('a', (s) => {
      s.port('80:80');
    });
    expect(p.getService('a')?.toJSON()).toMatchObject({ image: 'a', ports: [{ published: 80, target: 80 }] });
    expect(p.getService('nope')).toBeUndefined();
    expect(() => p.service('b', () => new Service('c'))).toThrow(/returned service 'c'/);
  });

  it('collects wait strategies', () => {
    const p = new ProjectModel('x').service('b', (s) => s.image('b').waitFor(Wait.forPort(80))).service('a', { image: 'a' });
    expect([...p.waitStrategies().keys()]).toEqual(['b']);
    expect(p.withProfiles().waitStrategies().get('b')?.kind).toBe('port');
  });

  it('validate() reports every problem at once', () => {
    const p = new ProjectModel('x')
      .service('api', (s) => s.dependsOn('worker').network('nope').volume('data:/data'))
      .service('worker', (s) => s.image('w').dependsOn('api').port('80:80').port('80:80'));
    try {
      p.validate();
      expect.unreachable();
    } catch (error) {
      expect(isComposeValidationError(error)).toBe(true);
      const codes = (error as ComposeValidationError).issues.map((i) => `${i.code} ${i.path}`).sort();
      expect(codes).toEqual([
        'dependency-cycle services.api.depends_on.worker',
        'duplicate-port services.worker.ports[1]',
        'missing-image services.api.image',
        'unknown-network services.api.networks.nope',
        'unknown-volume services.api.volumes[0]',
      ]);
    }
  });

  it('exposes the dependency graph', () => {
    const p = new ProjectModel('x')
      .service('web', (s) => s.image('w').dependsOn('api'))
      .service('api', (s) => s.image('a').dependsOn('db').dependsOn('ghost'))
      .service('db', { image: 'd' })
      .service('cron', { image: 'c' });
    const graph = p.dependencyGraph();
    expect(graph.startOrder()).toEqual(['cron', 'db', 'api', 'web']);
    expect(graph.closure(['api'])).toEqual(['db', 'api']);
    expect(graph.has('ghost')).toBe(false);
  });

  it('secrets need exactly one source', () => {
    expect(() => new ProjectModel('x').secret('s', {} as never)).toThrow(/needs file = "…" or environment = "…" or external = true/);
    expect(() => new ProjectModel('x').secret('s', { file: './a', external: true } as never)).toThrow(/has file and external; keep exactly one/);
  });

  it('fromJSON rejects a malformed spec with a validation error', () => {
    try {
      ProjectModel.fromJSON({ name: 'x', version: '1.0', services: { a: { image: 'a', ports: ['nope'] } } } as never);
      expect.unreachable();
    } catch (error) {
      expect(isComposeValidationError(error)).toBe(true);
      expect((error as ComposeValidationError).issues[0]?.path).toBe('services.a.ports[0]');
    }
  });

  it('svalinn settings', () => {
    const spec = new ProjectModel('x').svalinn({ policy: 'strict', verify: true, attestations: { 'require-sbom': true } }).toJSON();
    expect(spec['x-svalinn']).toEqual({ attestations: { 'require-sbom': true }, policy: 'strict', verify: true });
    expect(() => new ProjectModel('x').svalinn({ verify: 'yes' } as never)).toThrow(/x-svalinn.verify/);
  });
});
