// Exits with code 3 on SIGTERM, so a timeout result must keep that real code.
process.on('SIGTERM', () => process.exit(3));
process.stdout.write('ready\n');
setInterval(() => {}, 1000);
