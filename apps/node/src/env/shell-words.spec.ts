import { ValidationError } from '@ccs/core';
import { splitShellWords } from './shell-words';

describe('splitShellWords', () => {
  it.each<[string, string[]]>([
    ['printf %s hello', ['printf', '%s', 'hello']],
    ['  a   b\tc\n d ', ['a', 'b', 'c', 'd']],
    ['echo \'a b\'  "c d"', ['echo', 'a b', 'c d']],
    ["'it'\\''s'", ["it's"]],
    ['a"b"\'c\'d', ['abcd']],
    ['\'\' "" x', ['', '', 'x']],
    ['echo $(id) `id` $HOME ~ *.txt', ['echo', '$(id)', '`id`', '$HOME', '~', '*.txt']],
    ['"$(id)" "${HOME}"', ['$(id)', '${HOME}']],
    ['"a \\" b \\\\ c \\$ d \\x"', ['a " b \\ c $ d \\x']],
    ["'back\\slash'", ['back\\slash']],
    ['a\\ b c', ['a b', 'c']],
    ['line\\\ncontinued', ['linecontinued']],
    ["op '|' \"&&\" '>' \\;", ['op', '|', '&&', '>', ';']],
    [
      'aws secretsmanager get-secret-value --secret-id "my secret"',
      ['aws', 'secretsmanager', 'get-secret-value', '--secret-id', 'my secret'],
    ],
    ['', []],
    ['   ', []],
  ])('%j → %j', (line, argv) => {
    expect(splitShellWords(line)).toEqual(argv);
  });

  it.each(['echo a | cat', 'a && b', 'a; b', 'cat < f', 'echo > f', 'sleep 1 &'])(
    'rejects the unquoted shell operator in %j',
    (line) => {
      expect(() => splitShellWords(line)).toThrow(ValidationError);
      expect(() => splitShellWords(line)).toThrow(/runs without a shell/);
    },
  );

  it.each([
    ["echo 'open", /unterminated single quote/],
    ['echo "open', /unterminated double quote/],
    ['echo a\\', /trailing backslash/],
  ])('rejects %j', (line, msg) => {
    expect(() => splitShellWords(line)).toThrow(msg);
  });
});
