import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isComposeError } from '@selur/compose';
import { isVordrProtocolError } from '../errors/vordr-protocol-error.js';
import {
  normaliseState,
  parseContainerDetails,
  parseContainerList,
  parseHealth,
  parseImageList,
  parseNetworkList,
  parseToolList,
  parseVerify,
  parseVolumeList,
} from './vordr-results.js';

describe('normaliseState', () => {
  it('maps the capitalised server states to the typed union', () => {
    expect(['Created', 'Running', 'Paused', 'Stopped', 'RUNNING'].map(normaliseState)).toEqual(['created', 'running', 'paused', 'stopped', 'running']);
    expect(normaliseState('Exited')).toBe('unknown');
    expect(normaliseState('')).toBe('unknown');
  });
});

describe('parseContainerDetails', () => {
  const base = { id: 'a', name: 'n', image: 'i', state: 'Paused', pid: 12, bundlePath: '/b', created: '2026-01-01T00:00:00Z' };

  it('parses config from its JSON string and keeps the raw string', () => {
    const details = parseContainerDetails({ ...base, config: '{"readOnlyRoot":true,"env":{"A":"1"}}' }, 'vordr_container_inspect');
    expect(details).toMatchObject({ state: 'paused', rawState: 'Paused', pid: 12, config: { readOnlyRoot: true, env: { A: '1' } } });
    expect(details.rawConfig).toBe('{"readOnlyRoot":true,"env":{"A":"1"}}');
  });

  it('accepts a null pid and an object config, and rejects a config that is a JSON array', () => {
    expect(parseContainerDetails({ ...base, pid: null, config: { a: 1 } }, 't')).toMatchObject({ pid: null, config: { a: 1 } });
    expect(() => parseContainerDetails({ ...base, config: '[1]' }, 't')).toThrow(/result\.config/);
  });

  it('names the tool and the field when a field is missing', () => {
    const { bundlePath: _omit, ...rest } = base;
    expect(() => parseContainerDetails({ ...rest, config: '{}' }, 'vordr_inspect')).toThrow(/vordr_inspect.*result\.bundlePath should be a string/);
  });
});

describe('list parsers', () => {
  it('unwrap the wrapped lists', () => {
    expect(parseContainerList({ containers: [{ id: 'a', name: 'n', image: 'i', state: 'Stopped', created: 5 }] }, 't')).toEqual([
      { id: 'a', name: 'n', image: 'i', state: 'stopped', rawState: 'Stopped', created: '5' },
    ]);
    expect(parseImageList({ images: [{ id: 'x', digest: 'sha256:1', repository: 'r', tags: ['t'], size: 3 }] }, 't')[0]?.tags).toEqual(['t']);
    expect(parseNetworkList({ networks: [{ name: 'n', id: 'i', driver: 'bridge', subnets: null }] }, 't')[0]?.subnets).toBeNull();
    expect(parseVolumeList({ volumes: [{ name: 'v', path: '/p' }] }, 't')).toEqual([{ name: 'v', path: '/p' }]);
    expect(parseToolList({ tools: [{ name: 'x', description: 'd', input_schema: { type: 'object' } }] }, 'tools/list')).toEqual([
      { name: 'x', description: 'd', inputSchema: { type: 'object' } },
    ]);
  });

  it('reject a list item of the wrong type with its index', () => {
    expect(() => parseVolumeList({ volumes: [{ name: 'v', path: '/p' }, 'oops'] }, 'vordr_volume_ls')).toThrow(/result\.volumes\[1\] should be an object/);
    expect(() => parseImageList({ images: [{ id: 'x', digest: 'd', repository: 'r', tags: [1], size: 3 }] }, 't')).toThrow(/tags\[0\]/);
  });
});

describe('parsers on arbitrary input', () => {
  const parsers: ((v: unknown) => unknown)[] = [
    (v) => parseContainerList(v, 't'),
    (v) => parseContainerDetails(v, 't'),
    (v) => parseImageList(v, 't'),
    (v) => parseVerify(v, 't'),
    (v) => parseNetworkList(v, 't'),
    (v) => parseVolumeList(v, 't'),
    (v) => parseToolList(v, 'tools/list'),
    (v) => parseHealth(v),
  ];

  it('either parse or throw a VordrProtocolError, never anything else', () => {
    const wrapped = fc.oneof(
      fc.anything(),
      fc.record({ containers: fc.array(fc.anything()), images: fc.array(fc.anything()), networks: fc.array(fc.anything()), volumes: fc.array(fc.anything()), tools: fc.array(fc.anything()) }),
      fc.record({ id: fc.string(), name: fc.string(), image: fc.string(), state: fc.string(), created: fc.string(), bundlePath: fc.string(), pid: fc.option(fc.integer()), config: fc.oneof(fc.string(), fc.json()) }),
    );
    fc.assert(
      fc.property(wrapped, fc.integer({ min: 0, max: parsers.length - 1 }), (value, index) => {
        try {
          (parsers[index] as (v: unknown) => unknown)(value);
        } catch (error) {
          expect(isComposeError(error) && isVordrProtocolError(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
