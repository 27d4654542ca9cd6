// Bundles the CLI (dist/vmm.js) and the benchmark (dist/bench.js) with esbuild.
// The grammar module src/asm/toy32.ohm-bundle.js must exist: `npm run grammar` makes it.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const banner = { js: "import { createRequire as __vmmCreateRequire } from 'node:module'; const require = __vmmCreateRequire(import.meta.url);" };
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, logLevel: 'warning', legalComments: 'none' };

await build({ ...common, entryPoints: ['bin/vmm.ts'], outfile: 'dist/vmm.js' });
await build({ ...common, entryPoints: ['scripts/bench.ts'], outfile: 'dist/bench.js' });
chmodSync('dist/vmm.js', 0o755);
