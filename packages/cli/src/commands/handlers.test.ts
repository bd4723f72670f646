import { describe, expect, expectTypeOf, it } from 'vitest';
import { COMMANDS, type CommandName, type ProjectCommandName, type StandaloneCommandName } from '../args/commands.js';
import type { Handler } from './common.js';
import { HANDLERS, type HandlerTable } from './handlers.js';

describe('the command table and the handler table', () => {
  it('are joined by the command name: one handler per command that needs a project, no other', () => {
    const needing = COMMANDS.filter((c) => c.needsProject !== false).map((c) => c.name);
    expect(Object.keys(HANDLERS).sort()).toEqual([...needing].sort());
    expect(COMMANDS.filter((c) => c.needsProject === false).map((c) => c.name)).toEqual(['completion bash', 'completion zsh', 'version']);
  });

  it('types: the handler keys are exactly the project commands', () => {
    expectTypeOf<keyof typeof HANDLERS>().toEqualTypeOf<ProjectCommandName>();
    expectTypeOf<StandaloneCommandName>().toEqualTypeOf<'completion bash' | 'completion zsh' | 'version'>();
    expectTypeOf<ProjectCommandName>().toExtend<CommandName>();
  });

  it('types: a missing handler, a command without one, or a handler without a command does not compile', () => {
    const { up: _up, ...withoutUp } = HANDLERS;
    // @ts-expect-error — 'up' has no handler
    const missing: HandlerTable = withoutUp;

    // A command added to the table (here: `frobnicate`) without a handler.
    // @ts-expect-error — 'frobnicate' has no handler
    const added: HandlerTable<ProjectCommandName | 'frobnicate'> = HANDLERS;

    const stray: Handler = async () => 0;
    // @ts-expect-error — no command is named 'frobnicate'
    const extra = { ...HANDLERS, frobnicate: stray } satisfies HandlerTable;

    expect([missing, added, extra].every((table) => typeof table === 'object')).toBe(true);
  });
});
