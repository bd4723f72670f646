// cache: an in-memory key/value store over HTTP. GET /<key> reads, POST /<key>/incr adds one.
import { createServer } from 'node:http';
const data = new Map();
createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  const [, key = '', op] = (req.url ?? '/').split('/');
  if (req.method === 'POST' && op === 'incr') data.set(key, (data.get(key) ?? 0) + 1);
  res.end(String(data.get(key) ?? 0));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`cache: listening on ${process.env.PORT}`));
