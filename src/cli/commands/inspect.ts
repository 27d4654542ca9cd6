// `vmm inspect IMAGE`: header, entry, segments with sha256, symbols.

import type { CommandSpec } from '../command.js';
import { EXIT } from '../errors.js';
import { printable } from '../../text/printable.js';

/** a, b and c */
const list = (names: readonly string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

export const inspectCommand: CommandSpec = {
  name: 'inspect',
  summary: 'show an image\'s header, entry point, segments (with sha256) and symbols',
  define(cmd) {
    cmd
      .argument('<image>', 'a .bin image')
      .option('--json', 'print one JSON document: {file, size, version, build, entry, segments[{address,size,sha256}], symbols[{name,value,kind}], files, lines}')
      .addHelpText('after', '\nExamples (in the folder that holds vmm\'s guests/):\n  vmm asm guests/bare/hello.s -o hello.bin && vmm inspect hello.bin\n  vmm inspect hello.bin --json | jq .entry');
  },
  async run(args, options, io) {
    const { createHash } = await import('node:crypto');
    const { isParavirt } = await import('../../image/model.js');
    const { hex } = await import('../../isa/disasm.js');
    const { readImageFile } = await import('../image-file.js');
    const { modesFor, REFERENCE } = await import('../../vmm/modes/index.js');
    const path = args[0]!;
    const { image, size, version } = readImageFile(path, io);
    const segments = image.segments.map((s) => ({ address: s.address, size: s.bytes.length, sha256: createHash('sha256').update(s.bytes).digest('hex') }));
    const symbols = image.symbols.map((s) => ({ name: s.name, value: s.value >>> 0, kind: s.kind }));
    const build = isParavirt(image) ? 'paravirt' : 'native';
    if (options.json) {
      const doc = { file: path, size, version, build, entry: image.entry, segments, symbols, files: image.files, lines: image.lines.length };
      io.out.write(JSON.stringify(doc, null, 2) + '\n');
      return EXIT.OK;
    }
    const { chalkFor } = await import('../colors.js');
    const c = chalkFor(io.outColor);
    // (columns as wide as their widest cell; the end is exclusive: a segment that reaches the
    // top of the address space ends at 0x100000000)
    const sizeWidth = Math.max(6, ...segments.map((s) => String(s.size).length));
    const endText = segments.map((s) => `0x${((s.address >>> 0) + s.size).toString(16).padStart(8, '0')}`);
    const ends = { text: endText, width: Math.max(10, ...endText.map((t) => t.length)) };
    const entryName = image.symbols.find((s) => s.kind === 'label' && s.value >>> 0 === image.entry)?.name;
    const lines = [
      `${c.bold('image')}     ${printable(path)} (${size} bytes, format version ${version})`,
      `${c.bold('build')}     ${build === 'paravirt' ? `PARAVIRT (flag 1): runs under --mode ${modesFor(build).join(', ')} only` : `native: runs on ${REFERENCE.name} and under ${list(modesFor(build))}`}`,
      `${c.bold('entry')}     ${hex(image.entry, 8)}${entryName ? ` (${entryName})` : ''}`,
      `${c.bold('segments')}  ${segments.length}`,
      c.dim(`  address     ${'end'.padEnd(ends.width)}  ${'size'.padEnd(sizeWidth)}  sha256`),
      ...segments.map((s, i) => `  ${hex(s.address, 8)}  ${ends.text[i]!.padEnd(ends.width)}  ${String(s.size).padStart(sizeWidth)}  ${s.sha256}`),
      `${c.bold('symbols')}   ${symbols.length}`,
      ...symbols.map((s) => `  ${hex(s.value, 8)}  ${s.kind.padEnd(8)}  ${printable(s.name)}`),
      `${c.bold('sources')}   ${printable(image.files.join(', ')) || '(none)'}; ${image.lines.length} line-map rows`,
    ];
    io.out.write(lines.join('\n') + '\n');
    return EXIT.OK;
  },
};
