// vmm never writes over its inputs: no output option (-o, -l, --report) may name a file the
// command reads, whichever way it reads it (the guest named on the command line, a source it
// includes, --disk, --input, --cost-model), and whatever path names it (a link included).

import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLE, cleanTemp, expectUsageError, ROOT, tempDir, vmm, vmmIn } from './helpers.js';

let dir: string;
const at = (name: string) => join(dir, name);
const ORIGINAL: Record<string, string> = {
  'main.s': '.include "inc.s"\n',
  'inc.s': 'start: hlt\n',
  'disk.txt': 'my disk data\n',
  'in.txt': 'my input\n',
  'cm.json': '{}\n',
};

beforeEach(() => {
  dir = tempDir();
  for (const [name, text] of Object.entries(ORIGINAL)) writeFileSync(at(name), text);
});
afterAll(cleanTemp);

/** Every input file as it was. */
function expectUntouched(): void {
  for (const [name, text] of Object.entries(ORIGINAL)) expect(readFileSync(at(name), 'utf8'), name).toBe(text);
}

describe('vmm does not write over its inputs', () => {
  it('vmm asm: neither the image nor the listing over a source the main one includes', async () => {
    expectUsageError(await vmmIn(['asm', at('main.s'), '-o', at('inc.s')]), `error: -o ${at('inc.s')}: that is an input (${at('inc.s')}); vmm does not write over its inputs`);
    expectUsageError(await vmmIn(['asm', at('main.s'), '-o', at('main.bin'), '-l', at('inc.s')]), `error: -l ${at('inc.s')}: that is an input`);
    expectUntouched();
  });

  it('vmm run --report: not over a disk', async () => {
    expectUsageError(await vmmIn(['run', at('main.s'), '--disk', at('disk.txt'), '--report', at('disk.txt'), '-q']), `error: --report ${at('disk.txt')}: that is an input (${at('disk.txt')})`);
    expectUntouched();
  });

  it('vmm trace -o: not over console input, a cost model or an included source; --report neither', async () => {
    expectUsageError(await vmmIn(['trace', at('main.s'), '--input', at('in.txt'), '-o', at('in.txt'), '-q']), `error: -o ${at('in.txt')}: that is an input`);
    expectUsageError(await vmmIn(['trace', at('main.s'), '--cost-model', at('cm.json'), '-o', at('cm.json'), '-q']), `error: -o ${at('cm.json')}: that is an input`);
    expectUsageError(await vmmIn(['trace', at('main.s'), '-o', at('inc.s'), '-q']), `error: -o ${at('inc.s')}: that is an input`);
    expectUsageError(await vmmIn(['trace', at('main.s'), '-o', at('t.txt'), '--report', at('inc.s'), '-q']), `error: --report ${at('inc.s')}: that is an input`);
    expectUntouched();
  });

  it('vmm compare --report: not over a source a guest includes', async () => {
    expectUsageError(await vmmIn(['compare', at('main.s'), '--modes', 'bare', '--report', at('inc.s')]), `error: --report ${at('inc.s')}: that is an input`);
    expectUntouched();
  });

  it("vmm compare --report: not over a file of the suite's own guests (restored, should it be written)", async () => {
    const own = join(ROOT, 'guests', 'bench', 'syscall.s');
    const before = readFileSync(own, 'utf8');
    try {
      expectUsageError(await vmmIn(['compare', '--modes', 'bare', '--report', own]), `error: --report ${own}: that is an input`);
    } finally {
      if (readFileSync(own, 'utf8') !== before) writeFileSync(own, before);
    }
    expect(readFileSync(own, 'utf8')).toBe(before);
  });

  it('standard output or error redirected onto an input (`>> x.s`) writes nothing there: standard output is a usage error', () => {
    const appended = (args: string[], stream: 1 | 2, file: string) => {
      const fd = openSync(at(file), 'a');
      try {
        const stdio: ['ignore', 'pipe' | number, 'pipe' | number] = ['ignore', stream === 1 ? fd : 'pipe', stream === 2 ? fd : 'pipe'];
        return spawnSync(process.execPath, [BUNDLE, ...args], { stdio, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
      } finally {
        closeSync(fd);
      }
    };
    const image = appended(['asm', at('main.s'), '-o', '-'], 1, 'main.s');
    expect({ status: image.status, stderr: image.stderr }).toEqual({ status: 2, stderr: `vmm: standard output goes to ${at('main.s')}, an input: vmm does not write over its inputs\n` });
    const cost = appended(['run', at('main.s'), '--json', '--cost-model', at('cm.json')], 1, 'cm.json');
    expect(cost.status).toBe(2);
    const summary = appended(['run', at('main.s'), '--disk', at('disk.txt')], 2, 'disk.txt');
    expect(summary.status).toBe(0);
    expectUntouched();
  });

  it('standard input redirected from a file is an input', () => {
    const stdin = openSync(at('in.txt'), 'r');
    try {
      const r = spawnSync(process.execPath, [BUNDLE, 'trace', at('main.s'), '--input', '-', '-o', at('in.txt'), '-q'], { stdio: [stdin, 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: `error: -o ${at('in.txt')}: that is an input (standard input); vmm does not write over its inputs\n` });
    } finally {
      closeSync(stdin);
    }
    expectUntouched();
  });

  it("two outputs of one command may not be one file, whatever names it (a link, another spelling)", async () => {
    expect((await vmmIn(['asm', at('main.s'), '-o', at('main.bin')])).status).toBe(0);
    linkSync(at('main.bin'), at('hard.bin'));
    expectUsageError(await vmmIn(['asm', at('main.s'), '-o', at('main.bin'), '-l', at('hard.bin')]), `error: -l ${at('hard.bin')}: the image goes there`);
    // (standard output: a binary image and a text listing, one after the other, would be neither)
    expectUsageError(await vmmIn(['asm', at('main.s'), '-o', '-', '-l', '-']), 'error: -l -: the image goes to standard output (-o -)');
    expectUsageError(await vmmIn(['trace', at('main.s'), '-o', at('t.txt'), '--report', join(dir, '.', 't.txt'), '-q']), '-o writes the trace there already');
    // and vmm disasm not over its image by another name
    linkSync(at('main.bin'), at('other.bin'));
    expectUsageError(await vmmIn(['disasm', at('main.bin'), '-o', at('other.bin')]), `error: -o ${at('other.bin')}: that is an input (${at('main.bin')})`);
  });

  it('standard output and standard error count by the file they go to: an output there, by any name, is refused', () => {
    // (the real process: stdout and stderr redirected to files, as a shell's > and 2> do)
    const run = (args: string[], stdout: string, stderr: string) => {
      const [out, err] = [openSync(stdout, 'a'), openSync(stderr, 'a')];
      try {
        return spawnSync(process.execPath, [BUNDLE, ...args], { stdio: ['ignore', out, err], env: { ...process.env, FORCE_COLOR: '0' } }).status;
      } finally {
        closeSync(out);
        closeSync(err);
      }
    };
    const refused = (args: string[], stdout: string, stderr: string, message: string) => {
      expect(run(args, stdout, stderr), args.join(' ')).toBe(2);
      expect(readFileSync(stderr, 'utf8')).toContain(message);
    };
    // the image and the listing both to standard output, one of them by its file's name
    refused(['asm', at('main.s'), '-o', '-', '-l', '/dev/stdout'], at('o1'), at('e1'), 'error: -l /dev/stdout: the image goes to standard output (-o -)');
    refused(['asm', at('main.s'), '-l', at('o2'), '-o', '-'], at('o2'), at('e2'), `error: -l ${at('o2')}: the image goes to standard output (-o -)`);
    refused(['asm', at('main.s'), '-o', '/dev/stdout', '-l', '-'], at('o3'), at('e3'), 'error: -l -: the image goes to standard output (-o /dev/stdout)');
    // a trace (or an image, or a disassembly) where vmm's messages go
    refused(['trace', at('main.s'), '--mode', 'trap', '-o', at('e4')], at('o4'), at('e4'), `error: -o ${at('e4')}: that is where standard error goes (vmm's messages)`);
    refused(['trace', at('main.s'), '--mode', 'trap', '-o', '/dev/stderr'], at('o5'), at('e5'), "error: -o /dev/stderr: that is where standard error goes (vmm's messages)");
    refused(['asm', at('main.s'), '-o', at('e6')], at('o6'), at('e6'), `error: -o ${at('e6')}: that is where standard error goes`);
    // apart, all is well
    expect(run(['asm', at('main.s'), '-o', '-', '-l', at('l7')], at('o7'), at('e7'))).toBe(0);
    expect(readFileSync(at('l7'), 'utf8')).toContain('hlt');
    expectUntouched();
  });

  it('a link to an input is the input', async () => {
    symlinkSync(at('inc.s'), at('link.s'));
    expectUsageError(await vmmIn(['asm', at('main.s'), '-o', at('link.s')]), `error: -o ${at('link.s')}: that is an input (${at('inc.s')})`);
    expectUntouched();
  });

  it('through the bundle too, with exit 2 and the file left as it was', () => {
    const r = vmm(['trace', at('main.s'), '--disk', at('disk.txt'), '-o', at('disk.txt'), '-q']);
    expectUsageError(r, `error: -o ${at('disk.txt')}: that is an input (${at('disk.txt')}); vmm does not write over its inputs`);
    expectUntouched();
  });

  it('what an earlier command in the same process read is no input of the next', async () => {
    expect((await vmmIn(['asm', at('main.s'), '-o', at('main.bin')])).status).toBe(0);
    // (main.s and inc.s were the inputs of that command, not of this one)
    const r = await vmmIn(['trace', at('main.bin'), '-o', at('inc.s'), '-q']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(at('inc.s'), 'utf8')).toContain('seq');
  });
});

describe('--report is checked before anything runs', () => {
  it('a directory, or a file in a folder that is not there, is a usage error before the guest prints a byte', async () => {
    for (const command of [['run', 'guests/bare/hello.s', '--mode', 'trap', '-q'], ['trace', 'guests/bare/hello.s', '--mode', 'trap', '-q'], ['compare', 'guests/bare/hello.s', '--modes', 'bare']]) {
      const folder = await vmmIn([...command, '--report', dir]);
      expectUsageError(folder, `vmm: ${dir}: cannot write: is a directory`);
      expect(folder.stdout, command[0]).toBe('');
      const missing = join(dir, 'nowhere', 'page.html');
      const nowhere = await vmmIn([...command, '--report', missing]);
      expectUsageError(nowhere, `vmm: ${missing}: cannot write: no such file`);
      expect(nowhere.stdout, command[0]).toBe('');
    }
  });
});
