// api: counts visits in the cache (CACHE_URL) and answers JSON.
import { createServer } from 'node:http';
createServer(async (req, res) => {
  if (req.url === '/health') return res.end('ok');
  const visits = await (await fetch(`${process.env.CACHE_URL}/visits/incr`, { method: 'POST' })).text();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ visits: Number(visits) }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`api: listening on ${process.env.PORT}`));
