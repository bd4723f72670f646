// web: the page a person sees; asks the api (API_URL) for the visit count.
import { createServer } from 'node:http';
createServer(async (req, res) => {
  if (req.url === '/health') return res.end('ok');
  const { visits } = await (await fetch(`${process.env.API_URL}/`)).json();
  res.setHeader('content-type', 'text/html');
  res.end(`<h1>Hello</h1><p>visit number ${visits}</p>\n`);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`web: listening on ${process.env.PORT}`));
