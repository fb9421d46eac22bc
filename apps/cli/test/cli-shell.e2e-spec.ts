import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VERSION } from '@ccs/core';
import { BIN, CliResult, assertBuilt, rows, runMany } from './cli-runner';

/** The executable's shell: version, help, usage errors, placeholder modes, completion scripts. */

const TOP_LEVEL = ['gui', 'daemon', 'node', 'cli', 'debug', 'import-legacy', 'completion'];
const DEBUG_SUBCOMMANDS = [
  'all',
  'tasks',
  'task',
  'runs',
  'run',
  'logs',
  'log',
  'profiles',
  'env',
  'settings',
  'options',
];

function hasShell(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

let home: string;
let r: Record<string, CliResult>;

beforeAll(async () => {
  assertBuilt();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ccs-cli-shell-'));
  r = await runMany(
    {
      version: { args: ['--version'] },
      help: { args: ['--help'] },
      noArgs: { args: [] },
      helpCommand: { args: ['help', 'debug'] },
      debugRunsHelp: { args: ['debug', 'runs', '-h'] },
      debugNoSub: { args: ['debug'] },
      unknownCommand: { args: ['frobnicate'] },
      unknownDebugCommand: { args: ['debug', 'runz'] },
      unknownOption: { args: ['debug', 'runs', '--bogus'] },
      badLimit: { args: ['debug', 'runs', '-n', 'ten'] },
      extraArg: { args: ['debug', 'runs', 'extra'] },
      badShell: { args: ['completion', 'tcsh'] },
      guiBadPort: { args: ['gui', '--restport', 'abc'] },
      daemon: { args: ['daemon'] },
      node: { args: ['node', '--node-id', 'n1'] },
      cli: { args: ['cli'] },
      bash: { args: ['completion', 'bash'] },
      zsh: { args: ['completion', 'zsh'] },
      fish: { args: ['completion', 'fish'] },
    },
    { home, baseEnv: process.env },
  );
}, 120_000);

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('version and help', () => {
  it('--version prints the product name and version only', () => {
    expect(r.version).toEqual({ code: 0, stdout: `claude-code-scheduler ${VERSION}\n`, stderr: '' });
  });

  it('--help lists every top-level command and the global options, on stdout', () => {
    for (const res of [r.help]) {
      expect(res.code).toBe(0);
      expect(res.stderr).toBe('');
      expect(res.stdout).toContain('Usage: claude-code-scheduler');
      const names = rows(res.stdout).map((l) => l.split(' ')[1]);
      expect(names).toEqual(expect.arrayContaining(TOP_LEVEL));
      expect(res.stdout).toContain('-v, --verbose');
      expect(res.stdout).toContain('--data-dir <dir>');
      expect(res.stdout).toContain('--version');
    }
  });

  it('no arguments prints the same help and succeeds', () => {
    expect(r.noArgs.code).toBe(0);
    expect(r.noArgs.stdout).toBe(r.help.stdout);
  });

  it('a group without a subcommand prints its help; `help debug` is the same', () => {
    expect(r.debugNoSub.code).toBe(0);
    const names = rows(r.debugNoSub.stdout).map((l) => l.split(' ')[1]);
    expect(names).toEqual(expect.arrayContaining(DEBUG_SUBCOMMANDS));
    expect(r.helpCommand).toMatchObject({ code: 0, stdout: r.debugNoSub.stdout });
  });

  it('-h on a subcommand shows its own options and the global ones (-v works everywhere)', () => {
    expect(r.debugRunsHelp.code).toBe(0);
    expect(r.debugRunsHelp.stdout).toContain('Usage: claude-code-scheduler debug runs [options]');
    expect(r.debugRunsHelp.stdout).toContain('-n, --limit <count>');
    expect(r.debugRunsHelp.stdout).toMatch(/Global Options:[\s\S]*--json[\s\S]*-v, --verbose[\s\S]*--data-dir/);
  });
});

describe('usage errors exit 2 with a message on stderr and nothing on stdout', () => {
  it.each([
    ['unknownCommand', /unknown command 'frobnicate'/],
    ['unknownDebugCommand', /unknown command 'runz'[\s\S]*Did you mean runs, run\?/],
    ['unknownOption', /unknown option '--bogus'/],
    ['badLimit', /argument 'ten' is invalid/],
    ['extraArg', /too many arguments for 'runs'/],
    ['badShell', /Allowed choices are bash, zsh, fish/],
    ['guiBadPort', /invalid port "abc"/],
  ])('%s', (key, message) => {
    expect(r[key].code).toBe(2);
    expect(r[key].stderr).toMatch(message);
    expect(r[key].stdout).toBe('');
  });
});

describe('modes', () => {
  it.each([
    ['daemon', '--command-topic is required (flag or CLAUDE_DAEMON_COMMAND_TOPIC)'],
    ['node', '--command-queue is required (flag or CLAUDE_NODE_QUEUE_URL)'],
  ])('%s without its AWS resources is a usage error naming the flag and its variable', (key, message) => {
    expect(r[key].code).toBe(2);
    expect(r[key].stderr).toContain(message);
    expect(r[key].stdout).toBe('');
  });

  it('`cli` is built: without a subcommand it prints its help (its groups and --api-url), not a placeholder', () => {
    expect(r.cli.code).toBe(0);
    expect(r.cli.stderr).toBe('');
    const names = rows(r.cli.stdout).map((l) => l.split(' ')[1]);
    expect(names).toEqual(
      expect.arrayContaining(['tasks', 'runs', 'profiles', 'jobs', 'nodes', 'state', 'health', 'scheduler', 'stats']),
    );
    expect(r.cli.stdout).toContain('--api-url <url>');
    expect(r.cli.stdout).not.toContain('not built yet');
  });

  it('no mode is a placeholder any more', () => {
    expect(r.help.stdout).toMatch(/daemon \[options\]\s+cluster coordinator/);
    expect(r.help.stdout).not.toContain('not built yet');
  });
});

describe('completion', () => {
  /** Sources the script in a real bash and asks for completions of `words` (cursor on the last word). */
  function bashComplete(words: string[]): string[] {
    const script = path.join(home, 'ccs.bash');
    fs.writeFileSync(script, r.bash.stdout);
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const out = execFileSync(
      'bash',
      [
        '--norc',
        '-c',
        `source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _claude_code_scheduler; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    return out.split('\n').filter(Boolean);
  }

  it('bash: the printed script completes commands, subcommands and options of the real tree', () => {
    expect(r.bash.code).toBe(0);
    expect(bashComplete(['claude-code-scheduler', 'deb'])).toEqual(['debug']);
    expect(bashComplete(['claude-code-scheduler', 'debug', 'ru'])).toEqual(['runs', 'run']);
    expect(bashComplete(['claude-code-scheduler', 'debug', 'runs', '-'])).toEqual(
      expect.arrayContaining(['-n', '--limit', '--json', '-v', '--verbose', '--data-dir', '-h', '--help']),
    );
    expect(bashComplete(['claude-code-scheduler', '-vv', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete(['claude-code-scheduler', 'i'])).toEqual(['import-legacy']);
    expect(bashComplete(['claude-code-scheduler', ''])).toEqual(expect.arrayContaining(TOP_LEVEL));
  });

  it('bash: `source <(claude-code-scheduler completion bash)` works as documented', () => {
    const out = execFileSync(
      'bash',
      [
        '--norc',
        '-c',
        `source <('${BIN}' completion bash) && COMP_WORDS=(claude-code-scheduler deb) COMP_CWORD=1 && _claude_code_scheduler && echo "\${COMPREPLY[*]}"`,
      ],
      { encoding: 'utf8', env: { ...process.env, HOME: home } },
    );
    expect(out.trim()).toBe('debug');
  });

  it('zsh: the script names every command and, run in zsh when it is installed, offers them', () => {
    expect(r.zsh.code).toBe(0);
    expect(r.zsh.stdout.startsWith('#compdef claude-code-scheduler\n')).toBe(true);
    for (const c of [...TOP_LEVEL, ...DEBUG_SUBCOMMANDS]) expect(r.zsh.stdout).toContain(`'${c}:`);
    if (!hasShell('zsh')) return; // the content checks above still ran
    const script = path.join(home, '_claude-code-scheduler');
    fs.writeFileSync(script, r.zsh.stdout);
    // compsys's own functions are replaced by probes that print what the script asks them to offer.
    const probe = [
      `source '${script}'`,
      '_describe() { print -rl -- "${(@P)4}"; }',
      'compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }',
      'words=(claude-code-scheduler debug runs -); CURRENT=4; _claude_code_scheduler; print -- ---',
      "words=(claude-code-scheduler debug ''); CURRENT=3; _claude_code_scheduler",
    ].join('\n');
    const out = execFileSync('zsh', ['-f', '-c', probe], { encoding: 'utf8' });
    const [options, subcommands] = out.split('---\n');
    expect(options).toMatch(/^-n:how many runs to show/m);
    expect(options).toMatch(/^--data-dir:data directory/m);
    expect(
      subcommands
        .split('\n')
        .map((l) => l.split(':')[0])
        .filter(Boolean),
    ).toEqual(DEBUG_SUBCOMMANDS.concat('help'));
  });

  it('fish: the script names every command and, in fish when it is installed, completes them', () => {
    expect(r.fish.code).toBe(0);
    for (const c of [...TOP_LEVEL, ...DEBUG_SUBCOMMANDS]) expect(r.fish.stdout).toContain(`-a '${c}'`);
    if (!hasShell('fish')) return; // the content checks above still ran
    const script = path.join(home, 'ccs.fish');
    fs.writeFileSync(script, r.fish.stdout);
    const complete = (line: string): string[] => {
      const r = spawnSync('fish', ['--no-config', '-c', `source '${script}'; complete -C '${line}'`], {
        encoding: 'utf8',
        env: { ...process.env, HOME: home },
      });
      // fish reports a contradictory `complete` definition on stderr while sourcing: the script must have none.
      expect(r.stderr).toBe('');
      return r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]);
    };
    expect(complete('claude-code-scheduler deb')).toEqual(['debug']);
    expect(complete('claude-code-scheduler debug ru').sort()).toEqual(['run', 'runs']);
    expect(complete('claude-code-scheduler debug runs -')).toEqual(expect.arrayContaining(['-n', '--limit', '-v']));
    expect(complete('claude-code-scheduler completion ').sort()).toEqual(['bash', 'fish', 'zsh']);
  });
});
