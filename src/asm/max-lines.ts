// The assembler's bound on lines, in a module of its own: vmm disasm lists an image within it
// (src/image/disassembly.ts) without loading the assembler.

/** Lines assembled in all (after macro expansion) before giving up: stops runaway macros. */
export const MAX_LINES = 1_000_000;
