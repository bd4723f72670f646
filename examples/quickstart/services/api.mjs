// The API: serves the migrated items on $PORT; /whoami needs the secret token.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const items = JSON.parse(readFileSync(join(process.env.SELUR_MOUNT_DATA ?? '/data', 'items.json'), 'utf8'));
const token = readFileSync(process.env.API_TOKEN_FILE ?? '/run/secrets/api_token', 'utf8').trim();
const server = createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  if (req.url === '/items') return res.end(JSON.stringify(items));
  if (req.url === '/whoami') {
    res.statusCode = req.headers.authorization === `Bearer ${token}` ? 200 : 401;
    return res.end(res.statusCode === 200 ? 'trusted' : 'no');
  }
  res.end(`${process.env.GREETING}\n`);
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => console.log(`api: listening on ${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
