// Healthcheck: exits 0 when the API answers /health on $PORT.
const res = await fetch(`http://127.0.0.1:${process.env.PORT}/health`).catch(() => undefined);
process.exit(res?.ok ? 0 : 1);
