import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Argument, Command } from 'commander';
import { bashCompletionScript } from './bash-completion';
import { CommandSpec, flattenSpec, specFromCommander, valueKindOf } from './command-spec';
import { fishCompletionScript } from './fish-completion';
import { zshCompletionScript } from './zsh-completion';

/** A small tree with the features completion must handle: aliases, groups, value options, choices, dirs. */
function sampleProgram(): Command {
  const root = new Command('tool').option('-v, --verbose', 'more logs').option('--data-dir <dir>', 'where data is');
  root.command('alpha').alias('al').description('first: does a thing').option('--color <c>', 'colour');
  root.commands[0].options[0].choices(['red', 'green']);
  const beta = root.command('beta').description("second's group");
  beta.command('gamma').description('leaf').option('-n, --num <n>', 'how many').option('--dry-run', 'no writes');
  beta
    .command('delta')
    .description('leaf two')
    .addArgument(new Argument('<shell>').choices(['bash', 'zsh']));
  root.command('secret', { hidden: true }).description('not shown');
  // commander's implicit `help` command is covered by its own test below.
  root.addHelpCommand(false);
  beta.addHelpCommand(false);
  return root;
}

function bashComplete(script: string, words: string[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-bash-'));
  try {
    const file = path.join(dir, 'c.bash');
    fs.writeFileSync(file, script);
    const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    const out = execFileSync(
      'bash',
      [
        '--norc',
        '--noprofile',
        '-c',
        `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _tool; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8', cwd: dir },
    );
    return out.split('\n').filter((l) => l !== '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('specFromCommander', () => {
  const spec = specFromCommander(sampleProgram());

  it('reads commands, aliases and descriptions, without hidden commands', () => {
    expect(spec.name).toBe('tool');
    expect(spec.subcommands.map((s) => s.name)).toEqual(['alpha', 'beta']);
    expect(spec.subcommands[0]).toMatchObject({ aliases: ['al'], description: 'first: does a thing' });
    expect(spec.subcommands[1].subcommands.map((s) => s.name)).toEqual(['gamma', 'delta']);
  });

  it('reads options: spellings, whether they take a value, choices, and file-name hints', () => {
    const rootOpts = spec.options;
    expect(rootOpts.find((o) => o.flags.includes('--verbose'))).toMatchObject({
      flags: ['-v', '--verbose'],
      takesValue: false,
    });
    expect(rootOpts.find((o) => o.flags.includes('--data-dir'))).toMatchObject({ takesValue: true, valueKind: 'dir' });
    expect(rootOpts.some((o) => o.flags.includes('--help'))).toBe(true);
    expect(spec.subcommands[0].options.find((o) => o.flags.includes('--color'))!.choices).toEqual(['red', 'green']);
    const gamma = spec.subcommands[1].subcommands[0];
    expect(gamma.options.find((o) => o.flags.includes('-n'))).toMatchObject({
      flags: ['-n', '--num'],
      valueKind: 'none',
    });
  });

  it('reads positional argument choices', () => {
    expect(spec.subcommands[1].subcommands[1].arguments).toEqual([{ name: 'shell', choices: ['bash', 'zsh'] }]);
  });

  it("describes commander's implicit help command with its siblings as argument choices", () => {
    const program = sampleProgram();
    program.addHelpCommand(true);
    const help = specFromCommander(program).subcommands.find((s) => s.name === 'help');
    expect(help?.arguments[0]?.choices).toEqual(['alpha', 'al', 'beta']);
  });
});

describe('flattenSpec', () => {
  it('gives every command its own options plus every ancestor option (globals)', () => {
    const nodes = flattenSpec(specFromCommander(sampleProgram()));
    const gamma = nodes.find((n) => n.path.join(' ') === 'beta gamma')!;
    const flags = gamma.options.flatMap((o) => o.flags);
    expect(flags).toEqual(expect.arrayContaining(['-n', '--num', '--dry-run', '-v', '--verbose', '--data-dir']));
    // --help is defined on every level; it appears once.
    expect(flags.filter((f) => f === '--help')).toHaveLength(1);
  });
});

describe('bashCompletionScript (run in a real bash)', () => {
  const script = bashCompletionScript(specFromCommander(sampleProgram()));

  it('completes top-level commands and aliases from a prefix', () => {
    expect(bashComplete(script, ['tool', 'be'])).toEqual(['beta']);
    expect(bashComplete(script, ['tool', 'a'])).toEqual(['alpha', 'al']);
    expect(bashComplete(script, ['tool', ''])).toEqual(['alpha', 'al', 'beta']);
  });

  it('walks into groups, through aliases, global options and their values', () => {
    expect(bashComplete(script, ['tool', 'beta', 'g'])).toEqual(['gamma']);
    expect(bashComplete(script, ['tool', '-v', '--data-dir', 'beta', 'beta', 'd'])).toEqual(['delta']);
    expect(bashComplete(script, ['tool', 'al', '--c'])).toEqual(['--color']);
  });

  it("completes a command's options together with its ancestors' options", () => {
    const opts = bashComplete(script, ['tool', 'beta', 'gamma', '-']);
    expect(opts).toEqual(expect.arrayContaining(['-n', '--num', '--dry-run', '-v', '--verbose', '--data-dir', '-h']));
    expect(opts).not.toContain('--color');
  });

  it('completes option values from choices, and positional arguments from choices', () => {
    expect(bashComplete(script, ['tool', 'alpha', '--color', ''])).toEqual(['red', 'green']);
    expect(bashComplete(script, ['tool', 'beta', 'delta', 'z'])).toEqual(['zsh']);
  });

  it('completes directory names for a <dir> value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-dirs-'));
    try {
      fs.mkdirSync(path.join(dir, 'data-here'));
      fs.writeFileSync(path.join(dir, 'data-file'), '');
      expect(bashComplete(script, ['tool', '--data-dir', path.join(dir, 'data-')])).toEqual([
        path.join(dir, 'data-here'),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers nothing for a value without choices, and never offers hidden commands', () => {
    expect(bashComplete(script, ['tool', 'beta', 'gamma', '-n', ''])).toEqual([]);
    expect(bashComplete(script, ['tool', 'sec'])).toEqual([]);
  });

  it('quotes descriptions and names safely (an apostrophe does not break the script)', () => {
    expect(() => execFileSync('bash', ['-n'], { input: script })).not.toThrow();
  });
});

describe('zshCompletionScript', () => {
  const spec: CommandSpec = specFromCommander(sampleProgram());
  const script = zshCompletionScript(spec);

  it('is a #compdef file that registers itself when sourced', () => {
    expect(script.startsWith('#compdef tool\n')).toBe(true);
    expect(script).toContain('compdef _tool tool');
  });

  it('lists every command with its description for _describe, and every option', () => {
    expect(script).toContain(`'alpha:first: does a thing'`);
    expect(script).toContain(`'al:first: does a thing'`);
    expect(script).toContain(`'beta:second'\\''s group'`);
    expect(script).toContain(`'gamma:leaf'`);
    expect(script).toContain(`'--num:how many'`);
    expect(script).not.toContain('secret');
  });

  it('escapes colons in completed words', () => {
    const withColon: CommandSpec = { ...spec, subcommands: [{ ...spec.subcommands[0], name: 'a:b', aliases: [] }] };
    expect(zshCompletionScript(withColon)).toContain(`'a\\:b:first: does a thing'`);
  });
});

describe('fishCompletionScript', () => {
  const script = fishCompletionScript(specFromCommander(sampleProgram()));

  it('offers each subcommand only at its place in the tree', () => {
    expect(script).toContain(`complete -c tool -f -n '__tool_at \\'\\'' -a 'alpha' -d 'first: does a thing'`);
    expect(script).toContain(`complete -c tool -f -n '__tool_at \\'beta\\'' -a 'gamma' -d 'leaf'`);
  });

  it('declares options with short/long names, required values and choices', () => {
    expect(script).toContain(`-n '__tool_at \\'beta gamma\\'' -s 'n' -l 'num' -x -d 'how many'`);
    expect(script).toContain(`-l 'color' -x -a 'red green'`);
    expect(script).toContain(`-l 'data-dir' -x -a '(__fish_complete_directories)'`);
  });

  it('walks aliases to the real command and knows which options take a value', () => {
    expect(script).toContain(`case '|al'\n            echo 'alpha'`);
    expect(script).toContain(`'beta gamma|-n'`);
    expect(script).not.toContain('secret');
  });
});

describe('valueKindOf', () => {
  it.each([
    ['dir', 'dir'],
    ['work-dir', 'dir'],
    ['file', 'file'],
    ['output-file', 'file'],
    ['path', 'file'],
    ['profile', 'none'],
    ['url', 'none'],
  ])('<%s> → %s', (placeholder, kind) => {
    expect(valueKindOf(placeholder)).toBe(kind);
  });
});
