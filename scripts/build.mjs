// Bundles the CLI (dist/vmm.js), the benchmark (dist/bench.js) and the fuzzer (dist/fuzz.js)
// with esbuild. Code only some commands need (the assembler and its grammar) goes into chunks
// loaded on demand, so `vmm --version` starts almost as fast as node itself.
// The grammar module src/asm/toy32.ohm-bundle.js must exist: `npm run grammar` makes it.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const banner = { js: "import { createRequire as __vmmCreateRequire } from 'node:module'; const require = __vmmCreateRequire(import.meta.url);" };
// Chunk names carry a content hash: clear old ones so dist/ holds only this build.
rmSync('dist/chunks', { recursive: true, force: true });
await build({
  entryPoints: { vmm: 'bin/vmm.ts', bench: 'scripts/bench.ts', fuzz: 'scripts/fuzz.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner,
  logLevel: 'warning',
  legalComments: 'none',
});
chmodSync('dist/vmm.js', 0o755);
