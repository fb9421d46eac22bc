import { CompletionNode, OptionSpec, subcommandWords } from './command-spec';

/** Single-quotes a word for bash/zsh/fish (fish accepts the same `'\''`-free form via `\'`, see fishQuote). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Fish single quotes escape `\` and `'` with a backslash. */
export function fishQuote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** First line of a description, trimmed: completion menus show one line. */
export function oneLine(s: string): string {
  return (s.split('\n')[0] ?? '').trim();
}

export function pathKey(path: string[]): string {
  return path.join(' ');
}

/** What a value-taking option completes to: its choices, or `@dir` / `@file` for file-name completion. */
export function optionValueWords(o: OptionSpec): string {
  if (o.choices.length) return o.choices.join(' ');
  if (o.valueKind === 'dir') return '@dir';
  if (o.valueKind === 'file') return '@file';
  return '';
}

/**
 * Case arms shared by the bash and zsh scripts (same `case` syntax). Each helper takes the current path key
 * (`''`, `'debug'`, `'debug runs'`) and answers from the generated table.
 */
export function posixCaseHelpers(fn: string, nodes: CompletionNode[]): string {
  const descend: string[] = [];
  const subs: string[] = [];
  const opts: string[] = [];
  const takesValue: string[] = [];
  const optValues: string[] = [];
  const argValues: string[] = [];
  for (const node of nodes) {
    const key = pathKey(node.path);
    for (const sub of node.command.subcommands) {
      for (const word of [sub.name, ...sub.aliases]) {
        descend.push(`    ${shQuote(`${key}|${word}`)}) echo ${shQuote(pathKey([...node.path, sub.name]))} ;;`);
      }
    }
    const words = subcommandWords(node.command);
    if (words.length) subs.push(`    ${shQuote(key)}) echo ${shQuote(words.join(' '))} ;;`);
    const flags = node.options.flatMap((o) => o.flags);
    if (flags.length) opts.push(`    ${shQuote(key)}) echo ${shQuote(flags.join(' '))} ;;`);
    const valued = node.options.filter((o) => o.takesValue);
    const valuedFlags = valued.flatMap((o) => o.flags.map((f) => shQuote(`${key}|${f}`)));
    if (valuedFlags.length) takesValue.push(`    ${valuedFlags.join('|')}) return 0 ;;`);
    for (const o of valued) {
      const values = optionValueWords(o);
      if (!values) continue;
      optValues.push(`    ${o.flags.map((f) => shQuote(`${key}|${f}`)).join('|')}) echo ${shQuote(values)} ;;`);
    }
    node.command.arguments.forEach((a, i) => {
      if (a.choices.length) argValues.push(`    ${shQuote(`${key}|${i}`)}) echo ${shQuote(a.choices.join(' '))} ;;`);
    });
  }
  const block = (name: string, doc: string, arms: string[], fallback: string, subject = '"$1|$2"'): string =>
    [`# ${doc}`, `${fn}_${name}() {`, `  case ${subject} in`, ...arms, `    *) ${fallback} ;;`, '  esac', '}'].join(
      '\n',
    );
  return [
    block(
      'descend',
      'path key + word → the subcommand path key it enters (aliases map to the real name)',
      descend,
      'return 1',
    ),
    block('subcommands', 'path key → subcommand names', subs, 'return 0', '"$1"'),
    block('options', "path key → every option accepted there (its own and its parents')", opts, 'return 0', '"$1"'),
    block('takes_value', 'path key + option → success when the option consumes the next word', takesValue, 'return 1'),
    block('option_values', 'path key + option → its choices, or @dir / @file', optValues, 'return 0'),
    block('argument_values', 'path key + positional index → its choices', argValues, 'return 0'),
  ].join('\n\n');
}
