// A worker: says it is ready, then ticks until stopped.
console.log('worker: ready');
const timer = setInterval(() => console.log('worker: tick'), 1000);
process.on('SIGTERM', () => { clearInterval(timer); process.exit(0); });
