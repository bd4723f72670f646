import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBundleError } from '../../errors/bundle-error.js';
import { manifestPackage, withFinalNewline } from './manifest.js';

const hello = readFileSync(fileURLToPath(new URL('../../../test/vectors/ct/hello.manifest.ctp', import.meta.url)), 'utf8');

describe('manifest', () => {
  it('reads [metadata] name and version', () => {
    expect(manifestPackage(hello)).toEqual({ name: 'hello', version: '2.10' });
    expect(manifestPackage("[metadata]\nname = 'lit'  # c\nversion = \"1.0\\u0041\"")).toEqual({ name: 'lit', version: '1.0A' });
  });

  it('ignores name/version outside [metadata]', () => {
    let thrown: unknown;
    try {
      manifestPackage('[outputs]\nname = "x"\nversion = "1"\n[metadata]\nsummary = "s"\n');
    } catch (error) {
      thrown = error;
    }
    expect(isBundleError(thrown) && thrown.reason).toBe('malformed-manifest');
  });

  it('adds one final LF only when missing', () => {
    expect(withFinalNewline('a')).toBe('a\n');
    expect(withFinalNewline('a\n')).toBe('a\n');
    expect(withFinalNewline('a\n\n')).toBe('a\n\n');
  });
});
