// api: counts visits in the cache (CACHE_URL, else the CACHE_HOST and CACHE_PORT the process
// runtime gives a service of its dependencies) and answers JSON.
import { createServer } from 'node:http';
const cacheUrl = process.env.CACHE_URL ?? `http://${process.env.CACHE_HOST}:${process.env.CACHE_PORT}`;
createServer(async (req, res) => {
  if (req.url === '/health') return res.end('ok');
  const visits = await (await fetch(`${cacheUrl}/visits/incr`, { method: 'POST' })).text();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ visits: Number(visits) }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`api: listening on ${process.env.PORT}`));
