import * as path from 'node:path';
import { DATA_DIR_ENV, expandHome, legacyDataDir, legacyLogsDir, resolveDataDir } from './data-dir.config';

const home = '/home/ada';

describe('resolveDataDir', () => {
  it('defaults to ~/.claude-scheduler', () => {
    expect(resolveDataDir({ env: {}, home })).toBe('/home/ada/.claude-scheduler');
  });

  it('takes CLAUDE_SCHEDULER_DATA_DIR, and the --data-dir flag over it', () => {
    expect(resolveDataDir({ env: { [DATA_DIR_ENV]: '/srv/ccs' }, home })).toBe('/srv/ccs');
    expect(resolveDataDir({ flag: '/tmp/flag', env: { [DATA_DIR_ENV]: '/srv/ccs' }, home })).toBe('/tmp/flag');
  });

  it('expands ~ and resolves relative paths to absolute ones', () => {
    expect(resolveDataDir({ flag: '~/data', env: {}, home })).toBe('/home/ada/data');
    expect(resolveDataDir({ flag: '~', env: {}, home })).toBe(home);
    expect(resolveDataDir({ env: { [DATA_DIR_ENV]: '~/x/' }, home })).toBe('/home/ada/x');
    expect(resolveDataDir({ flag: 'rel/dir', env: {}, home })).toBe(path.resolve('rel/dir'));
  });

  it('treats empty or blank values as unset', () => {
    expect(resolveDataDir({ flag: ' ', env: { [DATA_DIR_ENV]: '' }, home })).toBe('/home/ada/.claude-scheduler');
  });

  it('leaves ~user and ~ in the middle alone', () => {
    expect(expandHome('~bob/x', home)).toBe('~bob/x');
    expect(expandHome('/a/~/b', home)).toBe('/a/~/b');
  });

  it('knows where the original kept its data and logs', () => {
    expect(legacyDataDir(home)).toBe('/home/ada/.config/claude-code-scheduler');
    expect(legacyLogsDir(home)).toBe('/home/ada/.claude-scheduler/logs');
  });
});
