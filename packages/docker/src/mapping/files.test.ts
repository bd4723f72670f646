import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContainerRequest } from '@selur/compose';
import { serviceSpec } from '../../../compose/test/support/host-request.js';
import { fileCopyEntries } from '../copy-files.js';
import { tarStream } from '../client/tar.js';
import { configTarget, secretAndConfigFiles, secretTarget } from './files.js';

const request = (extra: Partial<ContainerRequest>): ContainerRequest => ({
  project: 'shop',
  service: 'api',
  replica: 1,
  name: 'shop_api_1',
  configHash: 'abc',
  spec: serviceSpec('busybox:latest', {}),
  workingDir: '/srv',
  environment: {},
  secrets: [],
  configs: [],
  networks: [],
  networkSettings: {},
  mounts: [],
  labels: {},
  ...extra,
});

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('secret and config files', () => {
  it('targets: secrets under /run/secrets unless absolute, configs at /NAME by default', () => {
    expect(secretTarget('pw', undefined)).toBe('/run/secrets/pw');
    expect(secretTarget('pw', 'db/pw')).toBe('/run/secrets/db/pw');
    expect(secretTarget('pw', '/etc/pw')).toBe('/etc/pw');
    expect(configTarget('app', undefined)).toBe('/app');
    expect(configTarget('app', 'etc/app.conf')).toBe('/etc/app.conf');
  });

  it('an owner or a mode makes a copy (mode 0444 and root by default), the rest bind mounts', () => {
    const { mounts, copies } = secretAndConfigFiles(
      request({
        secrets: [{ name: 'pw', file: '/srv/pw', uid: '1000', gid: '1001', mode: 0o400 }, { name: 'plain', file: '/srv/plain' }],
        configs: [{ name: 'app', file: '/srv/app.conf', target: '/etc/app.conf', mode: 0o640 }],
      }),
    );
    expect(mounts).toEqual([{ Type: 'bind', Source: '/srv/plain', Target: '/run/secrets/plain', ReadOnly: true }]);
    expect(copies).toEqual([
      { kind: 'secret', name: 'pw', file: '/srv/pw', target: '/run/secrets/pw', uid: 1000, gid: 1001, mode: 0o400 },
      { kind: 'config', name: 'app', file: '/srv/app.conf', target: '/etc/app.conf', uid: 0, gid: 0, mode: 0o640 },
    ]);
    expect(() => secretAndConfigFiles(request({ secrets: [{ name: 'pw', file: '/srv/pw', uid: 'postgres' }] }))).toThrow(/uid must be a number/);
  });

  it('a copy is a tar entry whose header carries the target, owner and mode', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'selur-files-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'pw'), 's3cret\n');
    const entries = await fileCopyEntries([{ kind: 'secret', name: 'pw', file: path.join(dir, 'pw'), target: '/run/secrets/pw', uid: 1000, gid: 1001, mode: 0o400 }]);
    const chunks: Buffer[] = [];
    for await (const chunk of tarStream(entries)) chunks.push(chunk);
    const archive = Buffer.concat(chunks);
    const header = archive.subarray(0, 512);
    const field = (offset: number, length: number) => header.subarray(offset, offset + length).toString('ascii').replace(/\0.*$/s, '');
    expect(field(0, 100)).toBe('run/secrets/pw');
    expect(Number.parseInt(field(100, 8), 8)).toBe(0o400);
    expect(Number.parseInt(field(108, 8), 8)).toBe(1000);
    expect(Number.parseInt(field(116, 8), 8)).toBe(1001);
    expect(Number.parseInt(field(124, 12), 8)).toBe(7);
    expect(archive.subarray(512, 519).toString()).toBe('s3cret\n');
  });
});
