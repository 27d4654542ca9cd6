// `vmm disasm IMAGE`: print an image as assembly that reassembles to the same bytes.

import { checkOutputPath, type CommandSpec } from '../command.js';
import { EXIT } from '../errors.js';
import { printable } from '../../text/printable.js';

export const disasmCommand: CommandSpec = {
  name: 'disasm',
  summary: 'disassemble a .bin image to assembly (that reassembles to the same bytes)',
  define(cmd) {
    cmd
      .argument('<image>', 'a .bin image made by vmm asm')
      .option('-o, --output <file>', 'write the assembly to a file instead of stdout')
      .addHelpText('after', '\nExamples (in the folder that holds vmm\'s guests/):\n  vmm asm guests/bare/hello.s -o hello.bin && vmm disasm hello.bin\n  vmm disasm hello.bin -o hello.dis.s && vmm asm hello.dis.s');
  },
  async run(args, options, io) {
    const { disassembleImage } = await import('../../image/disassembly.js');
    const { readImageFile } = await import('../image-file.js');
    const { MAX_LINES } = await import('../../asm/max-lines.js');
    const { FILE_LIMITS } = await import('../files.js');
    const path = args[0]!;
    const outPath = (options.output as string | undefined) ?? '-';
    checkOutputPath('-o', outPath, [path], io);
    const { image } = readImageFile(path, io);
    checkOutputPath('-o', outPath, [path]); // (and not the image by another name: a link)
    const out = io.openOutput(outPath);
    // (a listing past what the assembler reads, lines or bytes, will not assemble back)
    let [lines, bytes] = [0, 0];
    disassembleImage(image, `vmm disasm ${printable(path)}`, (text, count) => {
      lines += count;
      bytes += Buffer.byteLength(text);
      out.write(text);
    }, MAX_LINES);
    out.close();
    if (lines > MAX_LINES || bytes > FILE_LIMITS.source) io.err.write(`vmm: warning: the listing has ${lines.toLocaleString('en-US')} lines (${(bytes / 2 ** 20).toFixed(1)} MiB), more than the assembler reads (${MAX_LINES.toLocaleString('en-US')} lines, ${FILE_LIMITS.source >>> 20} MiB): it will not assemble back\n`);
    return EXIT.OK;
  },
};
