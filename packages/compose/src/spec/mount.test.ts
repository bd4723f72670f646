import { describe, expect, it } from 'vitest';
import { formatVolumeMount, hasShortForm, parseVolumeMount } from './mount.js';

describe('volume mounts', () => {
  it.each([
    ['./data:/data:ro', { type: 'bind', source: './data', target: '/data', read_only: true }],
    ['name:/x', { type: 'volume', source: 'name', target: '/x', read_only: false }],
    ['/abs:/x:rw', { type: 'bind', source: '/abs', target: '/x', read_only: false }],
    ['../up:/x', { type: 'bind', source: '../up', target: '/x', read_only: false }],
    ['~/cache:/cache', { type: 'bind', source: '~/cache', target: '/cache', read_only: false }],
  ])('parses %s', (text, spec) => {
    expect(parseVolumeMount(text)).toEqual(spec);
  });

  it('formats back to the short form', () => {
    expect(formatVolumeMount(parseVolumeMount('./data:/data:ro'))).toBe('./data:/data:ro');
    expect(formatVolumeMount(parseVolumeMount('/abs:/x:rw'))).toBe('/abs:/x');
    expect(hasShortForm({ type: 'bind', source: 'relative', target: '/x', read_only: false })).toBe(false);
  });

  it('accepts the long form', () => {
    expect(parseVolumeMount({ source: 'db', target: '/data', read_only: true })).toEqual({ type: 'volume', source: 'db', target: '/data', read_only: true });
  });

  it.each(['data', ':/x', 'a:relative', 'a:/x:rx', 'a:/b:ro:extra'])('rejects %j naming the field', (text) => {
    expect(() => parseVolumeMount(text, 'services.db.volumes[0]')).toThrow(/^services\.db\.volumes\[0\]: /);
  });

  it('rejects bad long forms', () => {
    expect(() => parseVolumeMount({ source: 'db', target: 'x' })).toThrow(/absolute/);
    expect(() => parseVolumeMount({ source: 'db', target: '/x', type: 'tmpfs' })).toThrow(/bind/);
    expect(() => parseVolumeMount(42)).toThrow(/wrong type/);
  });
});
