// Bundles the CLI (dist/vmm.js), the benchmark (dist/bench.js) and the fuzzer (dist/fuzz.js)
// with esbuild. Code only some commands need (the assembler and its grammar) goes into chunks
// loaded on demand, so `vmm --version` starts almost as fast as node itself.
// The grammar module src/asm/toy32.ohm-bundle.js must exist: `npm run grammar` makes it.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const banner = { js: "import { createRequire as __vmmCreateRequire } from 'node:module'; const require = __vmmCreateRequire(import.meta.url);" };
// Chunk names carry a content hash: clear old ones so dist/ holds only this build.
rmSync('dist/chunks', { recursive: true, force: true });
// The build's id: a hash of the sources, so that what a run of vmm keeps for later runs (the
// overhead's bare runs, src/cli/bare-cache.ts) is never taken for another build's.
const { createHash } = await import('node:crypto');
const buildHash = createHash('sha256');
for (const dir of ['src', 'bin']) {
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const path = `${dir}/${f}`;
    try {
      buildHash.update(path);
      buildHash.update(readFileSync(path));
    } catch {
      // a folder
    }
  }
}
const result = await build({
  define: { __VMM_BUILD__: JSON.stringify(buildHash.digest('hex').slice(0, 32)) },
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
  metafile: true,
});
chmodSync('dist/vmm.js', 0o755);

// The bundle carries the code of its npm dependencies (the package has none), so it carries
// their licenses too: dist/THIRD_PARTY_LICENSES.txt has each bundled package's license file.
const packages = new Set();
for (const [input, { inputs }] of Object.entries(result.metafile.outputs)) {
  if (!input.startsWith('dist/vmm') && !input.startsWith('dist/chunks/')) continue;
  for (const path of Object.keys(inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (m) packages.add(m[1]);
  }
}
// The HTML report's page embeds these files as they are (src/report/html/page.ts reads them
// from dist/assets/ when running from the bundle): the viewer, its style, and Chart.js.
const ASSETS = { 'viewer.js': 'src/report/html/viewer.js', 'viewer.css': 'src/report/html/viewer.css', 'chart.umd.min.js': 'node_modules/chart.js/dist/chart.umd.min.js' };
rmSync('dist/assets', { recursive: true, force: true });
mkdirSync('dist/assets', { recursive: true });
for (const [name, from] of Object.entries(ASSETS)) copyFileSync(from, `dist/assets/${name}`);
packages.add('chart.js');

const notices = [...packages].sort().map((name) => {
  const dir = `node_modules/${name}`;
  const { version, license } = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const file = readdirSync(dir).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
  if (!file || !existsSync(`${dir}/${file}`)) throw new Error(`${name}: no license file to ship with the bundle`);
  return `${name} ${version} (${license})\n\n${readFileSync(`${dir}/${file}`, 'utf8').trim()}\n`;
});
writeFileSync('dist/THIRD_PARTY_LICENSES.txt', `Packages bundled into dist/vmm.js, dist/chunks/ and dist/assets/ (the HTML report's page), with their licenses.\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`);

