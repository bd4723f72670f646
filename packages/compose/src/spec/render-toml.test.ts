import { describe, expect, it } from 'vitest';
import { IssueCollector } from './issues.js';
import { normalizeProject } from './normalize-project.js';
import { renderToml } from './render-toml.js';

function spec(document: Record<string, unknown>) {
  const sink = new IssueCollector();
  const result = normalizeProject({ sink }, document, 'demo');
  expect(sink.issues).toEqual([]);
  return result;
}

describe('renderToml', () => {
  it('renders readable, stable TOML with defaults filled', () => {
    const text = renderToml(
      spec({
        version: '1.0',
        name: 'demo',
        'x-team': 'core',
        services: {
          'web.v2': { image: 'web', ports: ['8080:80'], depends_on: { api: { condition: 'service_healthy' } }, environment: { PRICE: '$5', Q: 'say "hi"' } },
          api: { image: 'api', healthcheck: { test: 'true' } },
        },
        secrets: { token: { external: true } },
      }),
    );
    expect(text).toBe(
      [
        'name = "demo"',
        'version = "1.0"',
        'x-team = "core"',
        '',
        '[services.api]',
        'image = "api"',
        'restart = "no"',
        'stop_grace_period = "10s"',
        'stop_signal = "SIGTERM"',
        'read_only = false',
        '',
        '[services.api.healthcheck]',
        'test = "true"',
        'disable = false',
        'interval = "30s"',
        'retries = 3',
        'start_interval = "5s"',
        'start_period = "0s"',
        'timeout = "30s"',
        '',
        '[services.api.deploy]',
        'replicas = 1',
        'strategy = "rolling"',
        '',
        '[services."web.v2"]',
        'image = "web"',
        'environment = { PRICE = "$$5", Q = "say \\"hi\\"" }',
        'ports = ["8080:80"]',
        'restart = "no"',
        'stop_grace_period = "10s"',
        'stop_signal = "SIGTERM"',
        'read_only = false',
        '',
        '[services."web.v2".depends_on.api]',
        'condition = "service_healthy"',
        'required = true',
        'restart = false',
        '',
        '[services."web.v2".deploy]',
        'replicas = 1',
        'strategy = "rolling"',
        '',
        '[secrets.token]',
        'external = true',
        '',
      ].join('\n'),
    );
  });

  it('renders an empty project', () => {
    expect(renderToml(spec({ version: '1.0', services: {} }))).toBe('name = "demo"\nversion = "1.0"\n\n[services]\n');
  });
});
