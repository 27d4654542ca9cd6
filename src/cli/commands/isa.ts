// `vmm isa`: the TOY32 instruction table grouped by Popek–Goldberg class, and the verdict.

import { UsageProblem, type CommandSpec } from '../command.js';
import { EXIT } from '../errors.js';
import type { Io } from '../io.js';

export const isaCommand: CommandSpec = {
  name: 'isa',
  summary: 'print the TOY32 instruction table by Popek–Goldberg class, and the virtualizability verdict',
  define(cmd) {
    cmd
      .option('--json', 'print one JSON document')
      .option('--markdown', 'print the instruction table as in docs/isa.md')
      .option('--hypercalls', 'print the hypercall table instead: the paravirtual ABI of docs/hypercalls.md (with --json or --markdown too)')
      .addHelpText('after', '\nExamples:\n  vmm isa\n  vmm isa --json | jq \'.instructions[] | select(.class == "sensitive")\'\n  vmm isa --hypercalls');
  },
  async run(_args, options, io) {
    if (options.json && options.markdown) throw new UsageProblem('--json and --markdown: choose one');
    if (options.hypercalls) return printHypercalls(options, io);
    const { FORMATS } = await import('../../isa/formats.js');
    const { INSTRUCTIONS } = await import('../../isa/table.js');
    const { byClass, CLASS_SUMMARY, markdownTable, verdicts } = await import('../../isa/verdict.js');
    if (options.json) {
      const instructions = INSTRUCTIONS.map(({ exec: _exec, flow: _flow, ...row }) => ({ ...row, operands: FORMATS[row.format].syntax }));
      io.out.write(JSON.stringify({ instructions, verdicts: verdicts() }, null, 2) + '\n');
      return EXIT.OK;
    }
    if (options.markdown) {
      io.out.write(markdownTable() + '\n');
      return EXIT.OK;
    }
    const { chalkFor } = await import('../colors.js');
    const c = chalkFor(io.outColor);
    const lines: string[] = [c.bold(`TOY32 instruction set: ${INSTRUCTIONS.length} instructions`), ''];
    const width = Math.max(...INSTRUCTIONS.map((s) => FORMATS[s.format].syntax.length));
    for (const [cls, specs] of byClass()) {
      lines.push(c.bold(`${cls} (${specs.length})`) + ` - ${CLASS_SUMMARY[cls]}`);
      lines.push(c.dim(`  opcode  mnemonic  ${'operands'.padEnd(width)}  cycles  summary`));
      for (const s of specs) {
        const name = cls === 'sensitive' ? c.yellow(s.mnemonic.padEnd(8)) : s.mnemonic.padEnd(8);
        lines.push(`  0x${s.opcode.toString(16).padStart(2, '0')}    ${name}  ${FORMATS[s.format].syntax.padEnd(width)}  ${String(s.cycles).padStart(6)}  ${s.summary}`);
      }
      lines.push('');
    }
    lines.push(c.bold('Popek & Goldberg verdict'));
    for (const v of verdicts()) lines.push(`  ${(v.machine + ' machine:').padEnd(17)} ${v.virtualizable ? c.green(v.text) : c.red(v.text)}`);
    io.out.write(lines.join('\n') + '\n');
    return EXIT.OK;
  },
};

/** `vmm isa --hypercalls`: the hypercall and error tables (src/isa/hypercalls.ts). */
async function printHypercalls(options: Record<string, unknown>, io: Io): Promise<number> {
  const { HYPERCALL_ERRORS, HYPERCALLS, hypercallErrorsMarkdown, hypercallsMarkdown } = await import('../../isa/hypercalls.js');
  if (options.json) {
    io.out.write(JSON.stringify({ hypercalls: HYPERCALLS, errors: HYPERCALL_ERRORS }, null, 2) + '\n');
    return EXIT.OK;
  }
  if (options.markdown) {
    io.out.write(`${hypercallsMarkdown()}\n\n${hypercallErrorsMarkdown()}\n`);
    return EXIT.OK;
  }
  const { chalkFor } = await import('../colors.js');
  const c = chalkFor(io.outColor);
  const width = Math.max(...HYPERCALLS.map((h) => h.name.length));
  const lines = [c.bold(`TOY32 hypercalls: ${HYPERCALLS.length} (hcall: number in r0, arguments in r1..r4, result in r0)`), ''];
  for (const h of HYPERCALLS) {
    lines.push(`  ${String(h.number).padStart(2)}  ${c.cyan(h.name.padEnd(width))}  ${h.summary}`);
    for (const a of h.args) lines.push(`      ${''.padEnd(width)}  ${a.reg} ${a.name}: ${a.meaning}`);
    lines.push(`      ${''.padEnd(width)}  ${c.dim(`r0: ${h.result}${h.errors.length ? `; errors ${h.errors.join(', ')}` : '; no errors'}`)}`);
  }
  lines.push('', c.bold('Errors'), ...HYPERCALL_ERRORS.map((e) => `  ${String(e.value).padStart(3)}  ${e.name.padEnd(6)}  ${e.meaning}`));
  io.out.write(lines.join('\n') + '\n');
  return EXIT.OK;
}

