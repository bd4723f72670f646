import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Project, parseProject, type ServiceInput } from '@selur/compose';

const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
// any printable text, including quotes, backslashes, `$`, unicode and newlines
const text = fc.string({ unit: fc.oneof(fc.constantFrom('$', '"', '\\', "'", '\n', '\t', '#', '=', ' ', '{', '}'), fc.string({ minLength: 1, maxLength: 1 }), fc.constantFrom('é', '✓', '日')), maxLength: 20 });
const duration = fc.constantFrom('0s', '500ms', '30s', '1m30s', '2h', '1h2m3s4ms', '90s');
const envKey = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);

const projectArb = fc
  .record({
    project: name,
    services: fc.uniqueArray(name, { minLength: 1, maxLength: 6 }),
    volumes: fc.uniqueArray(name, { maxLength: 3 }),
    networks: fc.uniqueArray(name, { maxLength: 3 }),
    secrets: fc.uniqueArray(name, { maxLength: 2 }),
    extension: fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 3 }), { nil: undefined }),
  })
  .chain((names) =>
    fc.record({
      names: fc.constant(names),
      services: fc.tuple(
        ...names.services.map((_, index) =>
          fc.record(
            {
              image: text.filter((t) => t.trim() !== ''),
              command: fc.array(text, { maxLength: 3 }),
              environment: fc.dictionary(
                envKey,
                names.secrets.length > 0 ? fc.oneof(text, fc.constantFrom(...names.secrets).map((secret) => ({ secret }))) : text,
                { maxKeys: 4 },
              ),
              ports: fc.array(
                fc.record({
                  target: fc.integer({ min: 1, max: 65535 }),
                  published: fc.constant(0),
                  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
                }),
                { maxLength: 2 },
              ),
              dependsOn: fc.subarray(names.services.slice(0, index)),
              condition: fc.constantFrom('service_started', 'service_healthy', 'service_completed_successfully'),
              volumes: fc.array(
                fc.oneof(
                  fc.record({ source: fc.constantFrom('./data', '../x', '/abs/path'), target: fc.constantFrom('/data', '/x'), ro: fc.boolean() }),
                  ...(names.volumes.length > 0 ? [fc.record({ source: fc.constantFrom(...names.volumes), target: fc.constant('/v'), ro: fc.boolean() })] : []),
                ),
                { maxLength: 2 },
              ),
              networks: fc.subarray(names.networks),
              secrets: fc.subarray(names.secrets),
              restart: fc.constantFrom('no', 'always', 'on-failure', 'unless-stopped', 'on-failure:3') as fc.Arbitrary<'no'>,
              healthcheck: fc.option(fc.record({ test: text, interval: duration, retries: fc.nat(10), start_period: duration, disable: fc.boolean() }), { nil: undefined }),
              replicas: fc.nat(4),
              labels: fc.dictionary(fc.stringMatching(/^[a-z.]{1,8}$/), text, { maxKeys: 2 }),
              user: fc.option(text.filter((t) => t !== ''), { nil: undefined }),
              stop_grace_period: duration,
              read_only: fc.boolean(),
              ext: fc.option(text, { nil: undefined }),
              // the container fields a Project keeps (Service.toJSON once dropped them)
              entrypoint: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
              container: fc.record(
                {
                  container_name: fc.boolean(),
                  hostname: name,
                  tty: fc.boolean(),
                  stdin_open: fc.boolean(),
                  expose: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }).map(String), { maxLength: 2 }),
                  cap_add: fc.uniqueArray(fc.constantFrom('NET_ADMIN', 'SYS_TIME', 'CHOWN'), { maxLength: 2 }),
                  logging: fc.record({ driver: fc.constantFrom('json-file', 'local'), options: fc.dictionary(fc.stringMatching(/^[a-z-]{1,8}$/), text, { maxKeys: 2 }) }),
                },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: ['image'] },
          ),
        ),
      ),
    }),
  )
  .map(({ names, services }) => {
    const project = new Project(names.project);
    for (const v of names.volumes) project.volume(v, { driver: 'local' });
    for (const n of names.networks) project.network(n, { driver: 'selur' });
    for (const s of names.secrets) project.secret(s, { file: `./secrets/${s}.txt` });
    if (names.extension) project.extension('x-meta', names.extension);
    names.services.forEach((serviceName, i) => {
      const s = services[i] as (typeof services)[number];
      const input: Record<string, unknown> = {
        image: s.image,
        environment: s.environment,
        ports: s.ports,
        depends_on: Object.fromEntries((s.dependsOn ?? []).map((d) => [d, { condition: s.condition }])),
        volumes: (s.volumes ?? []).map((v) => `${v.source}:${v.target}${v.ro ? ':ro' : ''}`),
        networks: s.networks,
        secrets: s.secrets,
        restart: s.restart,
        deploy: { replicas: s.replicas ?? 1 },
        labels: s.labels,
        stop_grace_period: s.stop_grace_period,
        read_only: s.read_only,
      };
      if (s.command && s.command.length > 0) input['command'] = s.command;
      if (s.healthcheck) input['healthcheck'] = s.healthcheck.test.trim() === '' ? { ...s.healthcheck, disable: true } : s.healthcheck;
      if (s.user !== undefined && s.user.trim() !== '') input['user'] = s.user;
      if (s.ext !== undefined) input['x-note'] = s.ext;
      if (s.entrypoint !== undefined) input['entrypoint'] = s.entrypoint;
      const { container_name, ...container } = s.container ?? {};
      Object.assign(input, container);
      if (container_name === true) input['container_name'] = `c-${serviceName}`;
      project.service(serviceName, input as ServiceInput);
    });
    return project;
  });

describe('property: builders -> toToml / toYaml -> parseProject', () => {
  it('gives back an equal project', () => {
    fc.assert(
      fc.property(projectArb, (project) => {
        project.validate();
        const toml = project.toToml();
        const loaded = parseProject(toml, { env: {} });
        expect(loaded.toJSON()).toStrictEqual(project.toJSON());
        expect(loaded.toToml()).toBe(toml);
      }),
      { numRuns: 100 },
    );
  });

  it('YAML: builders -> toYaml -> parseProject gives back an equal project, and TOML -> YAML -> TOML the same text', () => {
    fc.assert(
      fc.property(projectArb, (project) => {
        const yaml = project.toYaml();
        const loaded = parseProject(yaml, { format: 'yaml', env: {} });
        expect(loaded.toJSON()).toStrictEqual(project.toJSON());
        expect(loaded.toYaml()).toBe(yaml);
        const toml = project.toToml();
        const viaYaml = parseProject(parseProject(toml, { env: {} }).toYaml(), { format: 'yaml', env: {} });
        expect(viaYaml.toToml()).toBe(toml);
      }),
      { numRuns: 100 },
    );
  });

  it('fromJSON(toJSON()) is the identity and keeps the subclass', () => {
    class MyProject extends Project {
      hello(): string {
        return `hi ${this.name}`;
      }
    }
    fc.assert(
      fc.property(projectArb, (project) => {
        const copy = MyProject.fromJSON(JSON.parse(JSON.stringify(project.toJSON())), { workingDir: '/srv' });
        expect(copy).toBeInstanceOf(MyProject);
        expect(copy.hello()).toBe(`hi ${project.name}`);
        expect(copy.source.workingDir).toBe('/srv');
        expect(copy.toJSON()).toStrictEqual(project.toJSON());
      }),
      { numRuns: 40 },
    );
  });
});
