import { describe, expect, it } from 'vitest';
import { createLocator } from './locator.js';

const text = [
  'version = "1.0" # comment',
  '',
  '[services.api]',
  'image = "a"',
  'ports = ["80:80", "x",',
  '  "443:443"]',
  'environment = { A = "1", "B.C" = { secret = "s" } }',
  'deploy.replicas = 2',
  '',
  "[services.'web'.healthcheck]",
  'test = "curl [x] {y} = z"',
  '',
  '[[x-list]]',
  'a = 1',
  '[[x-list]]',
  'a = 2',
].join('\n');

describe('createLocator', () => {
  const locator = createLocator(text);
  it.each([
    ['version', 1, 1],
    ['services.api', 3, 1],
    ['services.api.image', 4, 1],
    ['services.api.ports[0]', 5, 10],
    ['services.api.ports[1]', 5, 19],
    ['services.api.ports[2]', 6, 3],
    ['services.api.environment.A', 7, 17],
    ['services.api.environment["B.C"]', 7, 26],
    ['services.api.environment["B.C"].secret', 7, 36],
    ['services.api.deploy.replicas', 8, 1],
    ['services.web.healthcheck', 10, 1],
    ['services.web.healthcheck.test', 11, 1],
    ['x-list[1].a', 16, 1],
  ])('%s is at %d:%d', (path, line, column) => {
    expect(locator.locate(path)).toEqual({ line, column });
  });

  it('falls back to the closest enclosing field', () => {
    expect(locator.locate('services.api.ports[7]')).toEqual({ line: 5, column: 1 });
    expect(locator.locate('services.web.healthcheck.interval')).toEqual({ line: 10, column: 1 });
    expect(locator.locate('services.nope.image')).toBeUndefined();
  });

  it('survives unbalanced text', () => {
    expect(() => createLocator('a = [ { "x\n[[[\n= = =\n{').locate('a[0]')).not.toThrow();
  });
});
