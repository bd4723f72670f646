import { describe, expect, it } from 'vitest';
import { COMMANDS } from './args/commands.js';
import { GLOBAL_OPTIONS } from './args/global-options.js';
import { allHelpTexts, commandHelp, mainHelp } from './help.js';

describe('help texts', () => {
  const texts = allHelpTexts('0.0.0-test');

  it.each([...texts.keys()])('%s', (name) => {
    expect(texts.get(name)).toMatchSnapshot();
  });

  it('documents every option, positional and example of each command', () => {
    for (const c of COMMANDS) {
      const text = commandHelp(c);
      for (const o of c.options) expect(text, `${c.name} --${o.name}`).toContain(`--${o.name}`);
      for (const p of c.positionals) expect(text, `${c.name} ${p.name}`).toContain(p.name);
      for (const e of c.examples) expect(text).toContain(e.command);
    }
  });

  it('lists every command, global option, variable and exit code at the top level', () => {
    const text = mainHelp('1.2.3');
    expect(text).toMatch(/^selur-compose 1\.2\.3/);
    for (const c of COMMANDS) expect(text).toContain(c.name.split(' ')[0]);
    for (const o of GLOBAL_OPTIONS) expect(text).toContain(`--${o.name}`);
    for (const v of ['SELUR_COMPOSE_FILE', 'SELUR_PROJECT_NAME', 'SELUR_COMPOSE_PARALLEL', 'SVALINN_URL', 'VORDR_MCP_URL']) expect(text).toContain(v);
    for (const code of ['0', '1', '2', '3', '4', '130']) expect(text).toMatch(new RegExp(`^  ${code} `, 'm'));
  });

  it('keeps lines within 100 columns', () => {
    for (const [name, text] of texts) for (const line of text.split('\n')) expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(100);
  });
});
