import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ProjectSpec } from '../spec/types.js';

/** @internal A function that replaces every secret value in a text with `***`. */
export type Redactor = (text: string) => string;

/** @internal Reads the project's file secrets once and builds a redactor for them (values of 4+ chars). */
export async function secretRedactor(spec: ProjectSpec, workingDir: string): Promise<Redactor> {
  const values: string[] = [];
  await Promise.all(
    Object.values(spec.secrets).map(async (secret) => {
      if (!secret.file) return;
      try {
        const text = (await readFile(resolve(workingDir, secret.file), 'utf8')).replace(/\r?\n$/, '');
        for (const v of new Set([text, text.trim()])) if (v.length >= 4) values.push(v);
      } catch {
        // Unreadable: nothing to redact.
      }
    }),
  );
  if (values.length === 0) return (text) => text;
  values.sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join('***');
    return out;
  };
}
