import { describe, expect, it } from 'vitest';
import { unknownFieldIssue } from './normalize-helpers.js';
import { closestName, editDistance } from './suggest.js';
import { isUnsupportedComposeField } from './unsupported-fields.js';

describe('editDistance', () => {
  it.each([
    ['healthcheck', 'healthcheck', 0],
    ['helthcheck', 'healthcheck', 1],
    ['healhtcheck', 'healthcheck', 1],
    ['port', 'ports', 1],
    ['abc', 'xyz', 3],
    ['', 'ab', 2],
  ])('%s → %s is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('stops past the limit', () => {
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
  });
});

describe('closestName', () => {
  const service = ['image', 'command', 'environment', 'ports', 'depends_on', 'healthcheck', 'restart', 'user'];
  it('suggests within distance 2 (1 for short names), case-insensitively', () => {
    expect(closestName('helthcheck', service)).toBe('healthcheck');
    expect(closestName('Image', service)).toBe('image');
    expect(closestName('enviroment', service)).toBe('environment');
    expect(closestName('depends-on', service)).toBe('depends_on');
    expect(closestName('usr', service)).toBe('user');
    expect(closestName('xyz', service)).toBeUndefined();
    expect(closestName('bogus', service)).toBeUndefined();
  });
});

describe('unknown and unsupported fields', () => {
  it('names Compose Specification fields that are not supported yet, by where they are', () => {
    expect(isUnsupportedComposeField('services.api', 'volumes_from')).toBe(true);
    expect(isUnsupportedComposeField('services["my app"]', 'gpus')).toBe(true);
    expect(isUnsupportedComposeField('', 'models')).toBe(true);
    expect(isUnsupportedComposeField('services.api.build', 'entitlements')).toBe(true);
    // implemented now: no longer "not supported"
    expect(isUnsupportedComposeField('services.api', 'entrypoint')).toBe(false);
    expect(isUnsupportedComposeField('networks.front', 'internal')).toBe(false);
    expect(isUnsupportedComposeField('services.api.healthcheck', 'volumes_from')).toBe(false);
    expect(isUnsupportedComposeField('services.api', 'entrypont')).toBe(false);
  });

  it('says "not supported yet", "did you mean", or lists what is allowed', () => {
    const allowed = ['image', 'healthcheck'];
    expect(unknownFieldIssue('services.api', 'volumes_from', allowed, true)).toEqual({
      code: 'unsupported-field',
      message: "field 'volumes_from' is not supported yet (a Compose Specification field that @selur/compose does not implement); remove it to load this file",
    });
    expect(unknownFieldIssue('services.api', 'helthcheck', allowed, true).message).toBe(`unknown field 'helthcheck'; did you mean 'healthcheck'? (extension fields must start with "x-")`);
    expect(unknownFieldIssue('services.api.deploy', 'bogus', allowed, false).message).toBe("unknown field 'bogus'; expected one of image, healthcheck");
  });
});
