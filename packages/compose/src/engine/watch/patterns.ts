import { isAbsolute, posix, relative, sep } from 'node:path';

/**
 * @internal A path filter in the syntax of `.dockerignore` and of `develop.watch`'s `ignore` and
 * `include`: globs (`*` within a segment, `**` across segments, `?`), `!` exceptions, the last
 * matching pattern wins, and a pattern that matches a folder matches everything below it.
 * Patterns are relative to `base`; a path outside `base` never matches.
 */
export type PathMatcher = (absolutePath: string) => boolean;

function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}(?:/.*)?$`);
}

/**
 * Compiles `.dockerignore` patterns into a test of paths relative to the folder they apply to (a
 * build context, a watched path). The syntax is Docker's: `*` and `?` within one path segment, `**`
 * across segments (a `**` segment stands for zero or more whole folders, so `**` then `/foo` matches
 * `foo` and `a/b/foo` but not `barfoo`), `!` exceptions where the last matching pattern wins, and a
 * pattern that matches a folder matches everything below it. Blank lines and `#` comments are
 * skipped; a leading or trailing `/` is ignored, and `.` matches everything.
 *
 * For runtime authors who send a build context or sync files and must honour a `.dockerignore`.
 *
 * @param patterns - The text of a `.dockerignore` file, or its lines.
 * @returns A test of a `/`-separated path relative to the folder (no leading `./`): `true` when
 *   the patterns exclude it.
 *
 * @example
 * ```ts
 * import { dockerignoreMatcher } from '@selur/compose';
 *
 * const ignored = dockerignoreMatcher('node_modules\n**\/*.log\n!keep.log\n'); // `\/` is `/` in a string
 * ignored('node_modules/x/index.js'); // true
 * ignored('logs/app.log'); // true
 * ignored('keep.log'); // false
 * ```
 */
export function dockerignoreMatcher(patterns: string | readonly string[]): (relativePath: string) => boolean {
  const lines = typeof patterns === 'string' ? dockerignoreLines(patterns) : patterns;
  const rules = lines
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = posix.normalize((negate ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '');
      return { negate, regex: globToRegExp(pattern === '.' ? '**' : pattern) };
    });
  if (rules.length === 0) return () => false;
  return (relativePath) => {
    let matched = false;
    for (const rule of rules) if (rule.regex.test(relativePath)) matched = !rule.negate;
    return matched;
  };
}

/** @internal Compiles `patterns` (blank lines and `#` comments skipped) relative to `base`. */
export function patternMatcher(base: string, patterns: readonly string[]): PathMatcher {
  const matches = dockerignoreMatcher(patterns);
  return (absolutePath) => {
    const rel = relative(base, absolutePath).split(sep).join('/');
    if (rel === '' || rel.startsWith('../') || rel === '..' || isAbsolute(rel)) return false;
    return matches(rel);
  };
}

/** @internal The lines of a `.dockerignore` file. */
export function dockerignoreLines(text: string): string[] {
  return text.split(/\r?\n/);
}

const EPHEMERAL_NAMES = [
  /___jb_(?:old|tmp)___$/, // JetBrains' safe write
  /^\.#/, // Emacs lock files
  /^4913$/, // Vim's write test
  /~$/, // backup files
  /^\..*\.sw[pxon]$/, // Vim swap files
];

/**
 * @internal What every watch ignores, as Docker Compose does: editors' temporary and backup files
 * (JetBrains, Emacs, Vim) and anything inside a `.git` or `.idea` folder.
 */
export function isEphemeral(absolutePath: string): boolean {
  const segments = absolutePath.split(sep);
  if (segments.includes('.git') || segments.includes('.idea')) return true;
  const name = segments.at(-1) ?? '';
  return EPHEMERAL_NAMES.some((re) => re.test(name));
}
