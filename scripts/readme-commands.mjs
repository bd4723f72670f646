// Prints the README's quick-start commands, one per line: the body of each of the first two
// ```sh fenced blocks. .ci/run executes exactly these, so the README cannot drift from CI.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? 'README.md', 'utf8');
const blocks = [...text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].slice(0, 2);
for (const [, body] of blocks) {
  const command = body
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .join(' && ');
  process.stdout.write(`${command}\n`);
}
