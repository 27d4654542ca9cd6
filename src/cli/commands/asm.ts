// `vmm asm SOURCE`: assemble TOY32 source to a .bin image (and optionally a listing).

import { checkOutputPath, collect, samePath, UsageProblem, type CommandSpec } from '../command.js';
import { assembleForCli, sourceOptions } from '../assemble.js';
import { EXIT } from '../errors.js';

/** The default image path: the source path with .s (or .asm) replaced by .bin. */
export function defaultImagePath(source: string): string {
  return source.replace(/\.(s|asm)$/i, '') + '.bin';
}

export const asmCommand: CommandSpec = {
  name: 'asm',
  summary: 'assemble TOY32 source (.s) to a bytecode image (.bin)',
  define(cmd) {
    cmd
      .argument('<source>', 'assembly source file')
      .option('-o, --output <file>', 'image to write (default: the source with .bin)')
      .option('-l, --listing <file>', 'also write a listing: address, bytes, line, source')
      .option('-D, --define <NAME[=VALUE]>', 'define a symbol for .if/.ifdef (repeatable; VALUE defaults to 1)', collect)
      .option('-I, --include <dir>', 'also look for .include files in dir (repeatable; after the including file\'s directory, before vmm\'s own guests/include, which holds platform.inc)', collect)
      .addHelpText(
        'after',
        '\nErrors are reported as file:line:col with the source line; all of them, not just the first.\n\nExamples (in the folder that holds vmm\'s guests/):\n  vmm asm guests/bare/hello.s                                   # writes guests/bare/hello.bin\n  vmm asm guests/kernel/tinyos.s -o kernel.bin -l kernel.lst\n  vmm asm guests/bench/exits.s -D COUNT=1000                    # a constant for .ifndef and expressions',
      );
  },
  async run(args, options, io) {
    const source = args[0]!;
    const imagePath = (options.output as string | undefined) ?? defaultImagePath(source);
    checkOutputPath('-o', imagePath, [source], io);
    if (options.listing !== undefined) {
      const listingPath = String(options.listing);
      checkOutputPath('-l', listingPath, [source], io);
      if (imagePath !== '-' && samePath(listingPath, imagePath)) throw new UsageProblem(`-l ${listingPath}: the image goes there (-o ${imagePath})`);
      // (standard output by name too: /dev/stdout, or the file it is redirected to)
      const toStdout = (path: string) => path === '-' || io.isStandardOutput?.(path) === true;
      if (toStdout(imagePath) && toStdout(listingPath)) throw new UsageProblem(`-l ${listingPath}: the image goes to standard output (-o ${imagePath}); write the listing to a file`);
    }
    const { image, listing } = await assembleForCli(source, sourceOptions(options), io);
    // (and none of the files it included)
    checkOutputPath('-o', imagePath, [source]);
    if (options.listing !== undefined) checkOutputPath('-l', String(options.listing), [source]);
    const { writeImage } = await import('../../image/format.js');
    const out = io.openOutput(imagePath);
    out.write(writeImage(image));
    out.close();
    if (options.listing !== undefined) {
      const { formatListing } = await import('../../asm/index.js');
      const lst = io.openOutput(options.listing as string);
      lst.write(formatListing(listing) + '\n');
      lst.close();
    }
    return EXIT.OK;
  },
};
