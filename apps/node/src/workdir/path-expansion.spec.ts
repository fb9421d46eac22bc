import { ValidationError } from '@ccs/core';
import { expandPath } from './path-expansion';

const ctx = { homeDir: '/home/u', env: { PROJECTS: '/srv/projects', EMPTY: '', HOME: '/not/used/for/tilde' } };

describe('expandPath', () => {
  it.each([
    ['~', '/home/u'],
    ['~/projects', '/home/u/projects'],
    ['$PROJECTS/app', '/srv/projects/app'],
    ['${PROJECTS}/app', '/srv/projects/app'],
    ['${PROJECTS}app', '/srv/projectsapp'],
    ['/abs/$PROJECTS', '/abs/srv/projects'],
    ['/a/$EMPTY/b', '/a/b'],
    ['relative/dir', '/home/u/relative/dir'],
    ['/x/../y/./z/', '/y/z'],
    ['/cost/$5', '/cost/$5'],
    ['~other/x', '/home/u/~other/x'],
    ['  ~/trim  ', '/home/u/trim'],
  ])('%j → %j', (input, expected) => {
    expect(expandPath(input, ctx)).toBe(expected);
  });

  it('rejects a variable that is not set instead of dropping it', () => {
    expect(() => expandPath('$NOPE/app', ctx)).toThrow(ValidationError);
    expect(() => expandPath('${NOPE}/app', ctx)).toThrow('path "${NOPE}/app" uses $NOPE, which is not set');
  });
});
