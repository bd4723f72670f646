import { describe, expect, it } from 'vitest';
import { colors } from './color.js';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('aligns columns, upper-cases headers, right-aligns numbers and ignores colour codes', () => {
    const c = colors(true);
    const rows = [
      { name: 'shop_api_1', state: c.green('running'), n: 1 },
      { name: 'shop_db_1', state: 'exited (1)', n: 12 },
    ];
    const text = formatTable(
      [
        { header: 'name', value: (r: (typeof rows)[number]) => r.name },
        { header: 'restarts', value: (r) => String(r.n), right: true },
        { header: 'state', value: (r) => r.state },
      ],
      rows,
    );
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe('NAME        RESTARTS  STATE\nshop_api_1         1  running\nshop_db_1         12  exited (1)\n');
  });
});
