/**
 * A separate process for the multi-process tests. Usage:
 *   store-child.ts burst <dataDir>   open the store, put records forever, print "ack <file> <id>" after each put
 *                                    resolves (i.e. after it is durable)
 *   store-child.ts hold <dataDir>    open the store, print "ready <pid>", wait to be killed
 *   store-child.ts open <dataDir>    try to open the store; print "opened" or "error <code> <message>"; exit
 */
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { openDataStore } from '../src/json-file.store';

/** fs.writeSync: the line is in the pipe before the next put starts, whatever stdout's buffering. */
function say(line: string): void {
  writeSync(1, `${line}\n`);
}

async function burst(dataDir: string): Promise<void> {
  const store = await openDataStore({ dataDir });
  say(`ready ${process.pid}`);
  const now = new Date().toISOString();
  for (let round = 0; ; round++) {
    // Several puts in flight at once across three files, so coalesced writes are what gets killed.
    const puts: Promise<void>[] = [];
    for (let k = 0; k < 8; k++) {
      const id = randomUUID();
      const which = (round + k) % 3;
      const p =
        which === 0
          ? store.tasks.put({ id, name: `t ${round}.${k}`, prompt: 'x'.repeat(200), created_at: now } as never)
          : which === 1
            ? store.runs.put({
                id,
                task_id: id,
                status: 'success',
                scheduled_time: now,
                raw_output: 'y'.repeat(500),
              } as never)
            : store.jobs.put({ id, name: `j ${round}.${k}` } as never);
      const file = ['tasks', 'runs', 'jobs'][which];
      puts.push(p.then(() => say(`ack ${file} ${id}`)));
    }
    await Promise.all(puts);
  }
}

async function main(): Promise<void> {
  const [mode, dataDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: store-child.ts burst|hold|open <dataDir>');
  if (mode === 'burst') return burst(dataDir);
  if (mode === 'hold') {
    await openDataStore({ dataDir });
    say(`ready ${process.pid}`);
    setInterval(() => undefined, 1 << 30);
    return;
  }
  if (mode === 'open') {
    try {
      const store = await openDataStore({ dataDir });
      say('opened');
      await store.close();
    } catch (err) {
      const e = err as Error & { code?: string };
      say(`error ${e.code ?? e.name} ${e.message}`);
      process.exitCode = 3;
    }
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
