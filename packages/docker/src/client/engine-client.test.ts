import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '@selur/compose';
import { dockerRuntime } from '../docker-runtime.js';
import { parseEngineAddress } from './docker-host.js';
import { EngineClient } from './engine-client.js';

describe('EngineClient', () => {
  const address = parseEngineAddress('unix:///tmp/no-such-engine.sock');

  it('takes an API version as MAJOR.MINOR, and refuses anything else before it sends a request', () => {
    expect(new EngineClient(address, '1.41').address).toBe(address);
    for (const bad of ['v1.41', '1', '1.41.0', 'latest']) {
      let error: unknown;
      try {
        new EngineClient(address, bad);
      } catch (e) {
        error = e;
      }
      expect(isInvalidArgumentError(error), bad).toBe(true);
      expect(error).toMatchObject({ field: 'apiVersion', message: `apiVersion must look like '1.41', got '${bad}'` });
    }
  });

  it('is what dockerRuntime() checks its apiVersion option with', () => {
    expect(() => dockerRuntime({ host: 'unix:///tmp/no-such-engine.sock', apiVersion: 'v2' })).toThrow(/apiVersion must look like '1.41', got 'v2'/);
  });
});
