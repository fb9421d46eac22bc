// Writes `mb` MiB to stderr (lines of 1023 chars + newline) BEFORE anything on stdout, then `lines` stdout lines.
// On Linux, writes to pipes are synchronous: if the parent read only stdout, this would block forever on a full
// stderr pipe while the parent waits for stdout — the classic deadlock.
const mb = Number(process.argv[2] ?? 10);
const outLines = Number(process.argv[3] ?? 100);
const line = 'e'.repeat(1023) + '\n';
const total = mb * 1024;
for (let i = 0; i < total; i++) process.stderr.write(i === total - 1 ? 'last-stderr-line\n' : line);
for (let i = 0; i < outLines; i++) process.stdout.write(`out ${i}\n`);
