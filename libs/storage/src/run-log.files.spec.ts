import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '@ccs/core';
import { tempDirs } from '../test-support/temp-dirs';
import { RunLogFiles, parseRunLogFileName } from './run-log.files';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const R1 = '11111111-2222-4333-8444-555555555555';
const R2 = '66666666-7777-4888-9999-aaaaaaaaaaaa';

describe('RunLogFiles', () => {
  it('names files run_<id>.log / run_<id>.jsonl inside logs/ (ids lower-cased)', () => {
    const logs = RunLogFiles.forDataDir('/data');
    expect(logs.path(R1)).toBe(`/data/logs/run_${R1}.log`);
    expect(logs.jsonlPath(R1.toUpperCase())).toBe(`/data/logs/run_${R1}.jsonl`);
  });

  it('refuses anything but a full UUID before it becomes part of a path', async () => {
    const logs = RunLogFiles.forDataDir(dirs.make());
    for (const bad of ['../../etc/passwd', `${R1}/../x`, 'abc', R1.slice(0, 8), '', `${R1}0`]) {
      expect(() => logs.path(bad)).toThrow(ValidationError);
      await expect(logs.append(bad, 'x')).rejects.toThrow(ValidationError);
      await expect(logs.read(bad)).rejects.toThrow(ValidationError);
      await expect(logs.delete(bad)).rejects.toThrow(ValidationError);
    }
  });

  it('appends text and lines, creating logs/ and owner-only files, and reads back (also from an offset)', async () => {
    const dataDir = dirs.make();
    const logs = RunLogFiles.forDataDir(dataDir);
    expect(await logs.read(R1)).toBeNull();
    expect(await logs.exists(R1)).toBe(false);
    await logs.append(R1, 'start\n');
    await logs.appendLines(R1, ['[STDOUT] a', '[STDERR] b']);
    await logs.appendLines(R1, []);
    expect(await logs.read(R1)).toBe('start\n[STDOUT] a\n[STDERR] b\n');
    expect(await logs.read(R1, 'log', 6)).toBe('[STDOUT] a\n[STDERR] b\n');
    expect(await logs.read(R1, 'log', 10_000)).toBe('');
    expect(fs.statSync(logs.path(R1)).mode & 0o777).toBe(0o600);

    await logs.appendJsonl(R1, ['{"type":"system"}', '{"type":"result"}']);
    expect(await logs.readJsonl(R1)).toBe('{"type":"system"}\n{"type":"result"}\n');
    expect(await logs.exists(R1, 'jsonl')).toBe(true);
  });

  it('lists run log files newest first with size and mtime, ignoring other files', async () => {
    const dataDir = dirs.make();
    const logs = RunLogFiles.forDataDir(dataDir);
    expect(await logs.list()).toEqual([]); // no logs/ yet
    await logs.append(R1, 'old');
    await logs.append(R2, 'newer!');
    await logs.appendJsonl(R2, ['{}']);
    fs.writeFileSync(path.join(logs.logsDir, 'notes.txt'), 'x');
    fs.writeFileSync(path.join(logs.logsDir, 'run_not-a-uuid.log'), 'x');
    fs.utimesSync(logs.path(R1), new Date('2025-01-01'), new Date('2025-01-01'));
    fs.utimesSync(logs.path(R2), new Date('2025-03-01'), new Date('2025-03-01'));
    fs.utimesSync(logs.jsonlPath(R2), new Date('2025-02-01'), new Date('2025-02-01'));

    const list = await logs.list();
    expect(list.map((f) => [f.runId, f.kind, f.size])).toEqual([
      [R2, 'log', 6],
      [R2, 'jsonl', 3],
      [R1, 'log', 3],
    ]);
    expect(list[0].mtime.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(list[0].path).toBe(logs.path(R2));
  });

  it('deletes both files of a run (or one kind) and says how many existed', async () => {
    const logs = RunLogFiles.forDataDir(dirs.make());
    await logs.append(R1, 'x');
    await logs.appendJsonl(R1, ['{}']);
    expect(await logs.delete(R1, ['jsonl'])).toBe(1);
    expect(await logs.exists(R1)).toBe(true);
    expect(await logs.delete(R1)).toBe(1);
    expect(await logs.delete(R1)).toBe(0);
    expect(await logs.list()).toEqual([]);
  });

  it('parses run log file names', () => {
    expect(parseRunLogFileName(`run_${R1}.log`)).toEqual({ runId: R1, kind: 'log' });
    expect(parseRunLogFileName(`run_${R1.toUpperCase()}.JSONL`)).toEqual({ runId: R1, kind: 'jsonl' });
    expect(parseRunLogFileName(`run_${R1}.log.bak`)).toBeNull();
    expect(parseRunLogFileName('screenshot.png')).toBeNull();
  });
});
