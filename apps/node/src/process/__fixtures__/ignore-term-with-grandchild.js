// A child that ignores SIGTERM and starts a grandchild that ignores it too (same process group).
// Prints "grandchild <pid>" once the grandchild is up, then idles until killed.
const { spawn } = require('node:child_process');

process.on('SIGTERM', () => process.stdout.write('child got SIGTERM, ignoring\n'));
const gc = spawn(
  process.execPath,
  ['-e', "process.on('SIGTERM', () => {}); console.log('gc up'); setInterval(() => {}, 1000);"],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
gc.stdout.once('data', () => process.stdout.write(`grandchild ${gc.pid}\n`));
setInterval(() => {}, 1000);
