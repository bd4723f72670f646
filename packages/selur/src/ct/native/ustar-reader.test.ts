import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBundleError, type BundleErrorReason } from '../../errors/bundle-error.js';
import { readUstar } from './ustar-reader.js';
import { writeUstar } from './ustar-writer.js';

const vector = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/vectors/ct/${name}`, import.meta.url)));
const LIMITS = { maxMembers: 100, maxMemberBytes: 1 << 20 };
const bytes = (text: string) => new TextEncoder().encode(text);

function reasonOf(archive: Uint8Array, limits = LIMITS): BundleErrorReason | 'ok' {
  try {
    readUstar(archive, limits, 'test.ctp');
    return 'ok';
  } catch (error) {
    if (!isBundleError(error)) throw error;
    return error.reason;
  }
}

/** Sets header bytes and fixes the checksum, so only the intended field is wrong. */
function patchHeader(archive: Uint8Array, headerOffset: number, at: number, value: string): Uint8Array {
  const copy = Uint8Array.from(archive);
  copy.set(bytes(value), headerOffset + at);
  copy.set(bytes('        '), headerOffset + 148);
  let sum = 0;
  for (const byte of copy.subarray(headerOffset, headerOffset + 512)) sum += byte;
  copy.set(bytes(`${sum.toString(8).padStart(6, '0')}\0 `), headerOffset + 148);
  return copy;
}

describe('readUstar', () => {
  it("reads ct's signed.ctp: two members, root/root, 0644, the pack time as mtime", () => {
    const entries = readUstar(vector('signed.ctp'), LIMITS);
    expect(entries.map(({ name, size, mode, uid, gid, uname, gname, mtime, type }) => ({ name, size, mode, uid, gid, uname, gname, mtime, type }))).toEqual([
      { name: 'manifest.ctp', size: 1279, mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1795642769, type: 'file' },
      { name: 'summary.json', size: 601, mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1795642769, type: 'file' },
    ]);
    expect(Buffer.from(entries[0]!.data)).toEqual(vector('hello.manifest.ctp'));
  });

  it('accepts zero padding after the end blocks (badsig.ctp is padded to 10240 bytes)', () => {
    expect(readUstar(vector('badsig.ctp'), LIMITS).map((e) => e.name)).toEqual(['manifest.ctp', 'summary.json']);
  });

  it('joins the ustar prefix field to the name', () => {
    const long = `src/${'d'.repeat(120)}/file.c`;
    expect(readUstar(writeUstar([{ name: long, data: bytes('x') }], 0), LIMITS)[0]?.name).toBe(long);
  });

  it('refuses a header whose checksum is wrong', () => {
    const archive = Uint8Array.from(vector('signed.ctp'));
    archive[0] = 'n'.charCodeAt(0);
    expect(reasonOf(archive)).toBe('bad-checksum');
  });

  it.each([
    ['../etc/passwd', 'path-traversal'],
    ['src/../../x', 'path-traversal'],
    ['/etc/passwd', 'path-traversal'],
    ['C:/windows', 'path-traversal'],
    ['src\\..\\x', 'path-traversal'],
    ['src//x', 'malformed-archive'],
    ['./x', 'malformed-archive'],
  ] as const)('refuses the member name %s (%s)', (name, reason) => {
    expect(reasonOf(writeUstar([{ name, data: bytes('x') }], 0))).toBe(reason);
  });

  it('refuses archives that end early', () => {
    const whole = vector('signed.ctp');
    expect(reasonOf(whole.subarray(0, 4096))).toBe('truncated'); // one end block
    expect(reasonOf(whole.subarray(0, 3584))).toBe('truncated'); // no end blocks
    expect(reasonOf(whole.subarray(0, 1024))).toBe('truncated'); // inside the manifest data
    expect(reasonOf(whole.subarray(0, 1000))).toBe('truncated'); // not a multiple of 512
    expect(reasonOf(new Uint8Array(0))).toBe('truncated');
  });

  it('refuses data after the end-of-archive blocks', () => {
    const archive = new Uint8Array(vector('badsig.ctp'));
    archive[archive.length - 1] = 1;
    expect(reasonOf(archive)).toBe('malformed-archive');
  });

  it('refuses something that is not a ustar archive', () => {
    expect(reasonOf(vector('hello.manifest.ctp'))).toBe('malformed-archive');
    expect(reasonOf(patchHeader(vector('signed.ctp'), 0, 257, 'ustar  \0'))).toBe('malformed-archive'); // GNU magic
  });

  it('refuses links, devices and extension headers', () => {
    for (const flag of ['1', '2', '3', '4', '6', 'x', 'g', 'L']) expect(reasonOf(patchHeader(vector('signed.ctp'), 0, 156, flag))).toBe('unsupported-member');
  });

  it('refuses non-octal or base-256 numeric fields', () => {
    expect(reasonOf(patchHeader(vector('signed.ctp'), 0, 124, '0000000239x\0'))).toBe('malformed-archive');
    const base256 = Uint8Array.from(vector('signed.ctp'));
    base256[124] = 0x80;
    expect(reasonOf(patchHeader(base256, 0, 0, 'manifest.ctp'))).toBe('malformed-archive');
  });

  it('refuses a size that runs past the end of the file', () => {
    expect(reasonOf(patchHeader(vector('signed.ctp'), 2048, 124, '00000077777\0'))).toBe('truncated');
  });

  it('enforces the member count and member size limits', () => {
    const three = writeUstar(['a', 'b', 'c'].map((name) => ({ name, data: bytes(name) })), 0);
    expect(reasonOf(three, { maxMembers: 2, maxMemberBytes: 10 })).toBe('oversized');
    expect(reasonOf(writeUstar([{ name: 'a', data: new Uint8Array(11) }], 0), { maxMembers: 2, maxMemberBytes: 10 })).toBe('oversized');
  });

  it('refuses a member that appears twice', () => {
    expect(reasonOf(writeUstar([{ name: 'a', data: bytes('1') }, { name: 'a', data: bytes('2') }], 0))).toBe('duplicate-member');
  });

  it('reads directories (size 0) and refuses a directory with a size', () => {
    const archive = patchHeader(writeUstar([{ name: 'src/', data: new Uint8Array(0) }], 0), 0, 156, '5');
    expect(readUstar(archive, LIMITS)[0]).toMatchObject({ name: 'src', type: 'directory' });
    expect(reasonOf(patchHeader(writeUstar([{ name: 'src/', data: bytes('x') }], 0), 0, 156, '5'))).toBe('malformed-archive');
  });

  describe('strict: every byte outside the member contents is what ct writes', () => {
    it('reads all four vectors made by the real ct', () => {
      for (const name of ['signed.ctp', 'badsig.ctp', 'badman.ctp', 'out-nonl.ctp']) expect(reasonOf(vector(name))).toBe('ok');
    });

    it('refuses a non-zero byte in the padding after a member (each of the padding bytes of signed.ctp)', () => {
      const archive = vector('signed.ctp');
      const padding = [...range(512 + 1279, 2048), ...range(2560 + 601, 3584)];
      const accepted = padding.filter((at) => {
        const copy = Uint8Array.from(archive);
        copy[at] = 0x41;
        return reasonOf(copy) === 'ok';
      });
      expect(padding.length).toBe(680);
      expect(accepted).toEqual([]);
      const copy = Uint8Array.from(archive);
      copy[2047] = 1;
      expect(() => readUstar(copy, LIMITS, 'x.ctp')).toThrow(/manifest\.ctp: non-zero padding after the member data/);
    });

    it('accepts zero blocks after the end only up to the 10240-byte record', () => {
      const signed = vector('signed.ctp');
      expect(reasonOf(Uint8Array.from([...signed, ...new Uint8Array(10240 - signed.length)]))).toBe('ok');
      expect(reasonOf(Uint8Array.from([...signed, ...new Uint8Array(10240 - signed.length + 512)]))).toBe('malformed-archive');
      expect(reasonOf(Uint8Array.from([...vector('badsig.ctp'), ...new Uint8Array(512)]))).toBe('malformed-archive');
    });

    it.each([
      ['a checksum field ending NUL NUL', 148, null],
      ['a link name', 157, 'manifest.ctp'],
      ['bytes after the prefix field', 500, 'x'],
      ['a devmajor', 329, '0000001\0'],
      ['a devminor', 337, '0000001\0'],
      ['a set-uid mode', 100, '0004644\0'],
      ['garbage after the NUL of uname', 265, 'root\0x'],
      ['the legacy NUL type flag', 156, '\0'],
    ] as const)('refuses %s', (_what, at, value) => {
      let archive: Uint8Array;
      if (value === null) {
        archive = Uint8Array.from(vector('signed.ctp'));
        archive[155] = 0; // "013404\0 " → "013404\0\0": the same checksum value, another byte
      } else archive = patchHeader(vector('signed.ctp'), 0, at, value);
      expect(reasonOf(archive)).toBe(at === 156 ? 'unsupported-member' : 'malformed-archive');
    });

    it('accepts all-NUL devmajor/devminor (as some tar writers leave them)', () => {
      expect(reasonOf(patchHeader(vector('signed.ctp'), 0, 329, '\0'.repeat(16)))).toBe('ok');
    });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
