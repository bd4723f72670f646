import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '@selur/compose';
import { DEFAULT_DOCKER_SOCKET, parseEngineAddress, resolveEngineAddress } from './docker-host.js';

describe('engine address', () => {
  it('parses unix sockets, tcp addresses and bare paths', () => {
    expect(parseEngineAddress('unix:///run/podman/podman.sock')).toEqual({ kind: 'unix', socketPath: '/run/podman/podman.sock', display: 'unix:///run/podman/podman.sock' });
    expect(parseEngineAddress('/tmp/d.sock')).toMatchObject({ kind: 'unix', socketPath: '/tmp/d.sock' });
    expect(parseEngineAddress('tcp://127.0.0.1:2375')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 2375, display: 'tcp://127.0.0.1:2375' });
    expect(parseEngineAddress('tcp://[::1]:2376')).toMatchObject({ kind: 'tcp', host: '::1', port: 2376 });
    expect(parseEngineAddress('tcp://localhost')).toMatchObject({ port: 2375 });
  });

  it('rejects what it cannot speak, with a typed error', () => {
    for (const bad of ['ssh://user@host', 'npipe:////./pipe/docker_engine', 'unix://relative', 'tcp://h:99999']) {
      expect(() => parseEngineAddress(bad)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    }
    try {
      parseEngineAddress('ssh://x');
    } catch (error) {
      expect(isInvalidArgumentError(error)).toBe(true);
    }
  });

  it('prefers the option, then DOCKER_HOST, then the default socket', () => {
    expect(resolveEngineAddress('unix:///a.sock', { DOCKER_HOST: 'unix:///b.sock' })).toMatchObject({ socketPath: '/a.sock' });
    expect(resolveEngineAddress(undefined, { DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toMatchObject({ kind: 'tcp', port: 2375 });
    expect(resolveEngineAddress(undefined, {})).toMatchObject({ socketPath: DEFAULT_DOCKER_SOCKET });
  });
});
