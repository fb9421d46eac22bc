// Starts a grandchild that inherits our stdout (and so keeps the pipe open), prints its pid and exits at once.
const { spawn } = require('node:child_process');
const gc = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'] });
process.stdout.write(`holder ${gc.pid}\n`);
process.exit(0);
