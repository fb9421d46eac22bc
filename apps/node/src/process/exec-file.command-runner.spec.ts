import { ExecFileCommandRunner } from './exec-file.command-runner';
import { SpawnError } from './process-runner.port';

const ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

describe('ExecFileCommandRunner', () => {
  const runner = new ExecFileCommandRunner();

  it('returns stdout, stderr and the exit code; no shell', async () => {
    const r = await runner.run(
      process.execPath,
      ['-e', 'console.log(process.argv[1]); console.error("e"); process.exit(5)', '$(id)'],
      {
        timeoutMs: 10_000,
        env: ENV,
      },
    );
    expect(r).toEqual({ exitCode: 5, signal: null, timedOut: false, stdout: '$(id)\n', stderr: 'e\n' });
  });

  it('kills on timeout and says so', async () => {
    const r = await runner.run(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 200, env: ENV });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGKILL');
  });

  it('rejects with SpawnError when the program does not exist', async () => {
    const err = await runner.run('no-such-program-ccs', [], { timeoutMs: 1000, env: ENV }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnError);
    expect((err as SpawnError).errno).toBe('ENOENT');
    expect((err as SpawnError).message).toBe('cannot run "no-such-program-ccs": not found (ENOENT)');
  });
});
