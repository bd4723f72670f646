// The app behind nginx: plain Node with the `pg` and `redis` clients. It finds PostgreSQL and Redis
// through DB_HOST/DB_PORT and CACHE_HOST/CACHE_PORT, which the runtime gives every service for the
// services it depends on, and listens on $PORT only once both answer and its table exists, so the
// engine's default readiness (its published port accepts connections) means "ready to serve".
//
// GET /        counts a visit in Redis and records it in PostgreSQL; answers JSON
// GET /health  "ok"
import { createServer } from 'node:http';
import pg from 'pg';
import { createClient } from 'redis';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through the stack (see compose.toml)`);
  return value;
};

const db = new pg.Pool({ host: env('DB_HOST'), port: Number(env('DB_PORT')), user: 'postgres', database: 'postgres', max: 4 });
const cache = createClient({ socket: { host: env('CACHE_HOST'), port: Number(env('CACHE_PORT')), reconnectStrategy: false } });
cache.on('error', (error) => console.error(`redis: ${error.message}`));

await Promise.all([
  cache.connect(),
  db.query('CREATE TABLE IF NOT EXISTS visits (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())'),
]);
const redisVersion = (await cache.info('server')).match(/redis_version:(\S+)/)?.[1];

const server = createServer(async (request, response) => {
  if (request.url === '/health') return void response.end('ok');
  try {
    const [visits, row] = await Promise.all([
      cache.incr('visits'),
      db.query("INSERT INTO visits DEFAULT VALUES RETURNING id, current_setting('server_version') AS version"),
    ]);
    const { id, version } = row.rows[0];
    response.setHeader('content-type', 'application/json');
    response.end(`${JSON.stringify({ visits, visitId: id, postgres: version, redis: redisVersion })}\n`);
  } catch (error) {
    response.statusCode = 500;
    response.end(`${error.message}\n`);
  }
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => Promise.allSettled([db.end(), cache.quit()]).then(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(Number(env('PORT')), '127.0.0.1', () => console.log(`app listening on 127.0.0.1:${process.env.PORT}`));
