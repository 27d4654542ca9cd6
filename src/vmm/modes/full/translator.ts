// The binary translator of full mode. Guest-kernel code never runs from guest memory:
// the CPU fetches it from a translation of its page, built basic block by basic block just
// before it first runs. TOY32's fixed-width instructions let a translation keep the page's
// layout: each innocuous instruction is copied as it is (VMware's IDENT translation); with
// --bt inline, a control-register access that only the register sees becomes an access to
// the virtual CPU's register, carried out in place (inlineTranslation); each other sensitive
// or privileged instruction (and any word that does not decode) becomes a callout into the
// VMM, which emulates it on the virtual CPU. Untranslated slots hold a callout too,
// so the first jump into new code asks for its translation. A page with translations is
// write-protected; the VMM emulates a guest write to it and forgets the translation of just
// the word written, which is retranslated when it next runs (self-modifying code works, and
// data that shares a page with code costs an exit per write, not a retranslation).
// The CPU compiles translated code into blocks like any other (jit.ts), callouts included,
// but never an untranslated slot (CALLOUT_FILL): translating a block fills in only such
// slots, so no compiled code goes stale then. The translator reports every page whose
// translated words changed, or that it forgot, so that the blocks made from it go too.

import { decode, type Decoded } from '../../../isa/encoding.js';
import { CALLOUT_FILL, CALLOUT_OPCODE, INLINE_CALLOUT, INLINE_WRITABLE, inlineCallout } from '../../../machine/execution.js';
import type { GuestMemory } from '../../guest-memory.js';

/** Callout words: the low bits say what the VMM is asked for. */
export const CALLOUT = { TRANSLATE: CALLOUT_FILL, EMULATE: (CALLOUT_OPCODE << 24) | 1 } as const;

/** The inline translation of a privileged instruction, or undefined when it needs a callout.
 *  A control-register access that does nothing beyond the register (mfcr of any, mtcr of
 *  one that does not change how addresses translate) becomes a load or store of the virtual
 *  CPU's register, which the CPU carries out without leaving translated code (execution.ts
 *  INLINE_CALLOUT): as a binary translator turns a read of a control register or a cli into
 *  an access to the virtual CPU's state in memory, and saves its callouts for what the VMM
 *  must see (I/O, a new page-table base, rfe, hlt ...). */
export function inlineTranslation(d: Decoded): number | undefined {
  if (d.spec.mnemonic === 'mfcr') return inlineCallout(INLINE_CALLOUT.READ_CR, d.a, d.imm);
  if (d.spec.mnemonic === 'mtcr' && INLINE_WRITABLE[d.imm]) return inlineCallout(INLINE_CALLOUT.WRITE_CR, d.a, d.imm);
  return undefined;
}

export class Translator {
  /** Translation pages by guest frame, oldest first. */
  private readonly pages = new Map<number, Int32Array>();
  blocks = 0;
  instructions = 0;
  invalidations = 0;
  /** Pages forgotten to stay within the bound. */
  evictions = 0;

  constructor(
    private readonly memory: GuestMemory,
    /** Write-protect a guest frame (so that writes to translated code exit). */
    private readonly protect: (gfn: number) => void,
    /** At most this many pages are kept (Bounds.translatedPages): the oldest is forgotten
     *  (its frame stays write-protected; its code is translated again if it runs again). */
    private readonly maxPages: number,
    /** A page's translated words changed or the page was forgotten: code compiled from it
     *  is stale (Processor.forgetCode). */
    private readonly changed: (page: Int32Array) => void,
    /** Translate what inlineTranslation can inline (--bt inline); else every sensitive or
     *  privileged instruction becomes a callout. */
    private readonly inline = false,
  ) {}

  /** Pages of translation kept now. */
  get pageCount(): number {
    return this.pages.size;
  }

  /** The translation page of a guest frame (write-protecting the frame on first use). */
  page(gfn: number): Int32Array {
    let page = this.pages.get(gfn);
    if (!page) {
      if (this.pages.size >= this.maxPages) {
        const [oldest, code] = this.pages.entries().next().value!;
        this.pages.delete(oldest);
        this.changed(code);
        this.evictions++;
      }
      page = new Int32Array(1024).fill(CALLOUT.TRANSLATE | 0);
      this.pages.set(gfn, page);
      this.protect(gfn);
    }
    return page;
  }

  /** Translate the basic block starting at `pc` (in guest frame gfn): up to and including
   *  the first instruction that may change control flow (not one translated inline) or the
   *  first word that does not decode
   *  (one callout, which reports the illegal instruction if it is ever reached), or to the
   *  end of the page. Returns the number of words translated. */
  translateBlock(gfn: number, pc: number): number {
    const page = this.page(gfn);
    let slot = (pc & 4095) >>> 2;
    const start = slot;
    for (; slot < 1024; slot++) {
      const word = this.memory.read32(gfn * 4096 + slot * 4);
      const decoded = decode(word);
      const spec = decoded?.spec;
      const native = spec !== undefined && (spec.class === 'innocuous' || spec.class === 'hypercall');
      const inline = this.inline && decoded ? inlineTranslation(decoded) : undefined;
      page[slot] = native ? word : (inline ?? CALLOUT.EMULATE | 0);
      // (an instruction translated inline only reads or writes a register: the block goes on)
      if (spec === undefined || (spec.flow && inline === undefined)) break;
    }
    const count = Math.min(slot, 1023) - start + 1;
    this.blocks++;
    this.instructions += count;
    return count;
  }

  /** The guest wrote [gpa, gpa + length): forget the translation of every translated word
   *  in that range. Returns how many were forgotten. */
  invalidate(gpa: number, length: number): number {
    let forgotten = 0;
    for (let word = gpa >>> 2, last = (gpa + length - 1) >>> 2; word <= last; word++) {
      const page = this.pages.get(word >>> 10);
      if (!page || page[word & 1023] === (CALLOUT.TRANSLATE | 0)) continue;
      page[word & 1023] = CALLOUT.TRANSLATE | 0;
      this.changed(page);
      forgotten++;
    }
    this.invalidations += forgotten;
    return forgotten;
  }
}
