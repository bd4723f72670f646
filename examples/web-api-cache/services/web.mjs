// web: the page a person sees; asks the api (API_URL, else API_HOST and API_PORT) for the visit count.
import { createServer } from 'node:http';
const apiUrl = process.env.API_URL ?? `http://${process.env.API_HOST}:${process.env.API_PORT}`;
createServer(async (req, res) => {
  if (req.url === '/health') return res.end('ok');
  const { visits } = await (await fetch(`${apiUrl}/`)).json();
  res.setHeader('content-type', 'text/html');
  res.end(`<h1>Hello</h1><p>visit number ${visits}</p>\n`);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`web: listening on ${process.env.PORT}`));
