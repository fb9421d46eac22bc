import { CommanderError } from 'commander';
import { CorruptDataError, NotFoundError, ValidationError } from '@ccs/core';
import { setupLogging } from '@ccs/shared';
import { DataDirLockedError } from '@ccs/storage';
import { reportError } from './cli-error.reporter';
import { NotBuiltError } from './cli.errors';
import { ApiRequestError, ApiUnreachableError } from './client/api-client.errors';

function capture(err: unknown): { code: number; text: string } {
  let text = '';
  const code = reportError(err, { write: (s) => void (text += s) });
  return { code, text };
}

afterEach(() => setupLogging(0));

describe('reportError', () => {
  it('help and version end with 0, other commander errors are usage errors (2); commander printed them already', () => {
    expect(capture(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ code: 0, text: '' });
    expect(capture(new CommanderError(0, 'commander.version', '0.1.0'))).toEqual({ code: 0, text: '' });
    expect(capture(new CommanderError(1, 'commander.unknownOption', "error: unknown option '-x'"))).toEqual({
      code: 2,
      text: '',
    });
  });

  it('domain failures print one Error line and exit 1', () => {
    for (const err of [
      new NotFoundError('No task matches "x"'),
      new CorruptDataError('/d/tasks.json: invalid JSON at line 2, column 1'),
      new DataDirLockedError('/d', { pid: 42, host: 'h', started_at: '' }),
      new NotBuiltError('gui mode is not built yet (tracked in issue #5)'),
      new Error('something unexpected'),
    ]) {
      const { code, text } = capture(err);
      expect(code).toBe(1);
      expect(text).toBe(`Error: ${err.message}\n`);
    }
  });

  it('invalid input (ValidationError) is a usage error', () => {
    expect(capture(new ValidationError('Invalid run id "../x"'))).toEqual({
      code: 2,
      text: 'Error: Invalid run id "../x"\n',
    });
  });

  it('errors that carry their own exit code keep it (cli: 3 when the API cannot be reached)', () => {
    expect(
      capture(new ApiUnreachableError('cannot connect to the scheduler API: GET http://127.0.0.1:9/api/jobs')),
    ).toEqual({
      code: 3,
      text: 'Error: cannot connect to the scheduler API: GET http://127.0.0.1:9/api/jobs\n',
    });
    expect(
      capture(new ApiRequestError('Invalid request body\n  - name: must not be empty', 400, 'VALIDATION_FAILED')).code,
    ).toBe(1);
  });

  it('adds the stack at -vv only', () => {
    setupLogging(1);
    expect(capture(new Error('boom')).text).toBe('Error: boom\n');
    setupLogging(2);
    expect(capture(new Error('boom')).text).toMatch(/^Error: boom\nError: boom\n\s+at /);
  });
});
