// `vmm explain [WORD...]`: the legend of the summary and the trace (docs/cli.md, "vmm explain").

import type { CommandSpec } from '../command.js';
import { UsageProblem } from '../command.js';
import { EXIT } from '../errors.js';

export const explainCommand: CommandSpec = {
  name: 'explain',
  summary: 'explain the words of the summary and the trace: modes, exit reasons, notes, actions, trap causes, and the exit controls of --mode hw',
  define(cmd) {
    cmd
      .argument('[words...]', 'words to explain (e.g. hidden-page-fault, overhead, "walk references", irq0); none: all of them')
      .addHelpText('after', '\nExamples:\n  vmm explain\n  vmm explain hidden-page-fault sensitive-unprivileged\n  vmm explain overhead "walk references" irq2');
  },
  async run(args, _options, io) {
    const { explain, legend } = await import('../../report/legend.js');
    const { didYouMean } = await import('../../text/nearest.js');
    const { chalkFor } = await import('../colors.js');
    const c = chalkFor(io.outColor);
    const entries = args.length === 0 ? legend() : args.flatMap((word) => {
      const found = explain(word);
      if (found.length === 0) throw new UsageProblem(`'${word}' is not a word of the summary or the trace${didYouMean(word, legend().map((e) => e.word))}; vmm explain lists them all`);
      return found;
    });
    const width = Math.max(...entries.map((e) => e.word.length));
    const lines: string[] = [];
    let kind = '';
    for (const e of entries) {
      if (args.length === 0 && e.kind !== kind) lines.push(...(kind ? [''] : []), c.bold(`${heading(e.kind)}`));
      kind = e.kind;
      const label = args.length === 0 ? e.word.padEnd(width) : `${e.word} (${e.kind})`;
      lines.push(args.length === 0 ? `  ${c.cyan(label)}  ${wrap(e.meaning, WIDTH - width - 4).join(`\n${' '.repeat(width + 4)}`)}` : `${c.cyan(label)}: ${e.meaning}`);
    }
    io.out.write(lines.join('\n') + '\n');
    return EXIT.OK;
  },
};

/** Lines of the full legend stay within this many columns. */
const WIDTH = 100;

/** Words of `text` in lines of at most `columns` characters (a longer word gets a line). */
function wrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

function heading(kind: string): string {
  return { summary: 'The summary of vmm run', 'trace column': 'Trace columns (vmm trace\'s text header)', mode: 'Modes (the summary\'s header: NAME (MODE))', topology: 'Host topologies (--host; the summary\'s host and guest 0 lines)', 'exit reason': 'Exit reasons (vmm trace; the summary\'s exits line)', note: 'Notes: not exits (the summary\'s notes line)', action: 'Actions (what the VMM did, in the trace)', 'trap cause': 'Trap causes (the summary\'s traps line)' }[kind] ?? kind;
}
