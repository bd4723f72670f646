// One-shot job: writes the data the API serves into the shared `data` volume, then exits 0.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const dir = process.env.SELUR_MOUNT_DATA ?? '/data';
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'items.json'), JSON.stringify([{ id: 1, name: 'tea' }, { id: 2, name: 'coffee' }]));
console.log(`migrate: wrote ${join(dir, 'items.json')}`);
