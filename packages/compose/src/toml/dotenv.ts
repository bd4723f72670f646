/**
 * Parses a `.env` / `env_file` text: `KEY=VALUE` lines, `export KEY=VALUE`, `#` comments,
 * `"double"` (with `\n`, `\t`, `\"`, `\\` escapes) and `'single'` quoted values; an unquoted value
 * ends at ` #`. Lines that are not assignments are ignored.
 *
 * @example
 * ```ts
 * parseDotenv('# db\nexport DB_HOST=db\nGREETING="hello\\nworld"\n'); // { DB_HOST: 'db', GREETING: 'hello\nworld' }
 * ```
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rest] = match as unknown as [string, string, string];
    let value: string;
    if (rest.startsWith('"')) {
      const end = findClosing(rest);
      value = rest.slice(1, end < 0 ? undefined : end).replace(/\\([nrt"\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
    } else if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      value = rest.slice(1, end < 0 ? undefined : end);
    } else value = rest.replace(/\s+#.*$/, '').trim();
    out[key] = value;
  }
  return out;
}

function findClosing(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
