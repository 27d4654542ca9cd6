// --host dom0 (docs/topologies.md): guest 0, a paravirtual TOY32 kernel beside the guests,
// runs their back ends on the physical devices the VMM passes through to it. A disk read
// goes front end -> ring + event -> guest 0 -> physical DMA -> grant copy -> response +
// event, each hop traced with the request's id; guest 0's crash leaves the guests running,
// their requests answered with an error; hostile guests 0 and hostile front ends are
// contained; bad options are refused.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GNTST, GRANT, SHARED_INFO } from '../../src/isa/paravirt-abi.js';
import { GrantTable } from '../../src/vmm/grant-table.js';
import { dom0Include } from '../../src/vmm/hosts/dom0/dom0-abi.js';
import { cleanTemp, expectUsageError, tempDir, vmmIn as cli } from '../cli/helpers.js';
import { ROOT } from '../support/guests.js';

const tmp = tempDir();
afterAll(cleanTemp);

interface Json {
  guests: { name: string; status: string; reason: string; console: string; instructions: number; cycles: number; notes?: Record<string, number> }[];
  dom0?: { status: string; reason: string; console: string; cycles: number; domainSwitches: number; eventsRouted: number; interruptsRouted: number; iommuRefused: number; io: { guest: string; blockRequests: number; answeredByVmm: number; consoleByVmm: number; unanswered: number }[] };
}

async function runJson(args: string[]): Promise<{ status: number; json: Json; stderr: string }> {
  const r = await cli(['run', ...args, '--json', '--no-overhead']);
  return { status: r.status, json: JSON.parse(r.stdout) as Json, stderr: r.stderr };
}

const TINYOS = ['guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'para'];
const TWO = ['guests/kernel/tinyos.s', 'guests/bench/diskread.s', '-D', 'ITER=5', '--disk', 'tinyos=guests/kernel/disk.txt', '--disk', 'diskread=guests/bench/diskread.txt', '--mode', 'para'];
const expected = (rel: string) => readFileSync(join(ROOT, 'guests', rel), 'utf8');

describe('guests beside guest 0', () => {
  it('write their disks through guest 0 as through the VMM\'s back end: what they read back is what they wrote', async () => {
    // (guest 0's write path once passed its copy's lengths to the physical disk as the
    // command: every write ended with status 5, DISK_BAD_COMMAND)
    const disk = join(tmp, 'write.disk');
    writeFileSync(disk, new Uint8Array(4 * 512));
    const args = ['test/cli/fixtures/pv-disk-write.s', '--disk', disk, '--mode', 'para'];
    const bareMetal = await runJson(args);
    const dom0 = await runJson([...args, '--host', 'dom0']);
    expect(bareMetal.json.guests[0]!.console).toBe('67635712\n');
    expect(dom0.status).toBe(0);
    expect(dom0.json.guests[0]!.console).toBe(bareMetal.json.guests[0]!.console);
    expect([...readFileSync(disk)].every((b) => b === 0)).toBe(true); // (the file is never written)
  });

  it('see the same lines as bare-metal, and their I/O goes through guest 0', async () => {
    const bareMetal = await runJson(TWO);
    const dom0 = await runJson([...TWO, '--host', 'dom0']);
    expect(dom0.status).toBe(0);
    expect(dom0.json.dom0!.status).toBe('halted');
    dom0.json.guests.forEach((g, i) => {
      expect(g.status).toBe('halted');
      expect(g.console.split('\n').sort()).toEqual(bareMetal.json.guests[i]!.console.split('\n').sort());
    });
    expect(dom0.json.guests[0]!.console).toContain('tinyos: disk: hello from the disk');
    const io = dom0.json.dom0!.io;
    expect(io.map((x) => x.guest)).toEqual(['tinyos', 'diskread']);
    expect(io[1]!.blockRequests).toBe(5);
    expect(dom0.json.dom0!.interruptsRouted).toBe(6); // tinyos's read and diskread's five
    expect(dom0.json.dom0!.domainSwitches).toBeGreaterThan(10);
  });

  it('guest 0 writes each domain\'s last lines too: it is shut down only once it has nothing left to do', async () => {
    const r = await runJson([...TWO, '--host', 'dom0']);
    expect(r.json.dom0!.reason).toMatch(/every domain it served has ended/);
    expect(r.json.guests[0]!.console.endsWith('tinyos: all tasks done\n')).toBe(true);
    expect(r.json.dom0!.io.map((x) => x.consoleByVmm)).toEqual([0, 0]);
  });

  it('a guest 0 still busy long after its domains ended is shut down 1,000,000 instructions later, whatever the quantum, and their held output written by the VMM', async () => {
    const src = join(tmp, 'busy0.s');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(src, `.include "${join(ROOT, 'guests', 'include', 'paravirt.inc')}"\n        .org    0x1000\nstart:  jmp     start\n`);
    for (const quantum of ['10000', '50000000']) {
      const r = await runJson(['guests/bare/hello.s', '--mode', 'para', '--host', 'dom0', '--dom0-image', src, '--quantum', quantum]);
      expect(r.json.guests[0]!.status).toBe('halted');
      expect(r.json.guests[0]!.console).toBe('hello, world\n');
      expect(r.json.dom0!.status).toBe('killed');
      expect(r.json.dom0!.reason).toMatch(/every domain it served has ended, and it was still busy 1,000,000 instructions later/);
      expect(r.json.dom0!.cycles).toBeLessThan(1_100_000);
      expect(r.json.dom0!.io[0]!.consoleByVmm).toBeGreaterThan(0);
      expect(r.status).toBe(1);
    }
  });

  it('a domain that only prints is served to its end, however long (its console turns are not a storm)', async () => {
    const r = await runJson(['guests/bench/console.s', '-D', 'LINES=1000', '--mode', 'para', '--host', 'dom0']);
    expect(r.json.guests[0]!.status).toBe('halted');
    expect(r.json.guests[0]!.console.length).toBe(64_000);
  });

  it('guest 0 with too little memory for its stack says so and stops; its domains run on', async () => {
    const r = await runJson(['guests/bare/hello.s', '--mode', 'para', '--host', 'dom0', '--dom0-mem', '56K']);
    expect(r.json.dom0!.console).toContain('dom0: too little memory for its stack above its image: raise --dom0-mem');
    expect(r.json.dom0!.status).toBe('faulted');
    expect(r.json.guests[0]!.console).toBe('hello, world\n');
  });

  it('a disk read: every hop is traced with one request id, guest 0\'s work included', async () => {
    const r = await cli(['trace', ...TINYOS, '--host', 'dom0', '--format', 'jsonl', '-q']);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { guest: string; reason: string; request?: number; hypercall?: string; detail?: string; action: string });
    const notify = records.find((x) => x.guest === 'tinyos' && x.hypercall === 'event_channel_op' && x.request !== undefined)!;
    expect(notify).toBeDefined();
    const hops = records.filter((x) => x.request === notify.request);
    const kinds = hops.map((x) => `${x.guest} ${x.reason}${x.hypercall ? ` ${x.hypercall}` : ''}`);
    expect(kinds).toContain('dom0 domain-event');
    expect(kinds).toContain('dom0 hypercall grant_table_op');
    expect(kinds).toContain('dom0 io');
    expect(kinds).toContain('dom0 dma');
    expect(kinds).toContain('dom0 host-interrupt');
    expect(kinds).toContain('tinyos domain-event');
    // guest 0's answer: its notification back ends the request, and carries its id
    expect(kinds.indexOf('dom0 hypercall event_channel_op')).toBeLessThan(kinds.indexOf('tinyos domain-event'));
    expect(kinds.indexOf('dom0 hypercall event_channel_op')).toBeGreaterThan(kinds.indexOf('dom0 host-interrupt'));
    expect(hops.find((x) => x.reason === 'host-interrupt')!.detail).toMatch(/took the physical disk's interrupt [\d,]+ cycles after it arrived/);
    // --request follows it
    const one = await cli(['trace', ...TINYOS, '--host', 'dom0', '--request', String(notify.request), '-q']);
    expect(one.status).toBe(0);
    expect(one.stdout.split('\n').filter((l) => /request=/.test(l)).length).toBe(hops.length);
  });

  it('--dom0-crash: the guests run on, their requests answered with an error they report', async () => {
    const r = await runJson([...TWO, '--host', 'dom0', '--dom0-crash', '1']);
    expect(r.status).toBe(1); // guest 0 did not halt
    expect(r.json.dom0!.status).toBe('faulted');
    expect(r.json.dom0!.console).toContain('dom0: crashed: page-read at 0xdead0000');
    const [tinyos, diskread] = r.json.guests;
    expect(tinyos!.status).toBe('halted');
    expect(tinyos!.console).toContain('tinyos: disk: error 6 (no back end: guest 0 is gone)');
    expect(tinyos!.console).toMatch(/^A2$/m); // its tasks ran on
    expect(diskread!.status).toBe('halted');
    expect(r.json.dom0!.io.reduce((n, x) => n + x.answeredByVmm, 0)).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
  });
});

describe('hostile guests 0 (--dom0-image)', () => {
  it('a guest 0 that drops a request without a word: its front end runs on (its timer ticks) to its limit, and the request is counted as left unanswered', async () => {
    // guest 0's own code, its answers never published nor notified
    const source = readFileSync(join(ROOT, 'guests/dom0/dom0.s'), 'utf8');
    const answer = '        cmpi    r9, 0\n        beq     .quiet\n        stw     r7, [r12 + RING_RSP_PROD]';
    expect(source).toContain(answer);
    const dropping = join(tmp, 'dropping-dom0.s');
    writeFileSync(dropping, source.replace(answer, '        jmp     .quiet\n        stw     r7, [r12 + RING_RSP_PROD]'));
    const r = await runJson([...TINYOS, '--host', 'dom0', '--dom0-image', dropping, '--max-instructions', '3M']);
    expect(r.status).toBe(1);
    expect(r.json.guests[0]!.status).toBe('limit');
    expect(r.json.dom0!.status).toBe('halted');
    expect(r.json.dom0!.reason).toMatch(/\(it left 1 block request of tinyos unanswered\)$/);
    expect(r.json.dom0!.io[0]).toMatchObject({ blockRequests: 1, unanswered: 1 });
    const stock = await runJson([...TINYOS, '--host', 'dom0']);
    expect(stock.json.dom0!.io[0]).toMatchObject({ blockRequests: 1, unanswered: 0 });
    expect(stock.json.dom0!.reason).not.toMatch(/unanswered/);
  });

  it('dom0-overreach: every copy and DMA outside what it was given is refused; the guest beside it runs as with the normal guest 0', async () => {
    const normal = await runJson([...TINYOS, '--host', 'dom0']);
    const r = await runJson([...TINYOS, '--host', 'dom0', '--dom0-image', 'guests/attack/dom0-overreach.s']);
    expect(r.json.dom0!.console).toBe(expected('attack/dom0-overreach.expected'));
    expect(r.json.dom0!.iommuRefused).toBe(2);
    expect(r.json.guests[0]!.status).toBe('halted');
    expect(r.json.guests[0]!.console).toBe(normal.json.guests[0]!.console);
  });

  it('dom0-forge: the front end rejects a response whose id is not its request\'s', async () => {
    const r = await runJson([...TINYOS, '--host', 'dom0', '--dom0-image', 'guests/attack/dom0-forge.s']);
    expect(r.json.dom0!.console).toBe(expected('attack/dom0-forge.expected'));
    expect(r.json.guests[0]!.console).toContain("tinyos: disk: error 7 (a forged response: its id is not the request's)");
    expect(r.json.guests[0]!.status).toBe('halted');
  });
});

describe('hostile front ends', () => {
  it('evtchn-storm is destroyed by guest 0 with its verdict; the guest beside it runs on', async () => {
    const r = await runJson(['guests/attack/evtchn-storm.s', 'guests/kernel/tinyos.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--mode', 'para', '--host', 'dom0']);
    expect(r.json.guests[0]!.status).toBe('killed');
    expect(r.json.guests[0]!.reason).toMatch(/guest 0's back end had it destroyed \(domctl\): it notified without requests, without end/);
    expect(r.json.guests[1]!.status).toBe('halted');
    expect(r.json.guests[1]!.console).toContain('tinyos: disk: hello from the disk');
  });

  it('a front end whose ring cannot be read is destroyed, not guest 0', async () => {
    const src = join(tmp, 'unring.s');
    // the ring's grant revoked, then a read: guest 0 cannot copy the ring in
    const text = readFileSync(join(ROOT, 'guests', 'attack', 'grant-revoke.s'), 'utf8')
      .replace('.include "../include/paravirt.inc"', `.include "${join(ROOT, 'guests', 'include', 'paravirt.inc')}"`)
      .replace(/\.include "(pvlib|lib)\.s"/g, (_m, f) => `.include "${join(ROOT, 'guests', 'attack', `${f}.s`)}"`)
      .replace('        li      r10, PV_BLK_RING\n', `        li      r1, PV_SHARED_INFO + SH_GRANT_TABLE\n        movi    r2, 0\n        stw     r2, [r1 + GNT_FLAGS]\n        li      r10, PV_BLK_RING\n`);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(src, text);
    const r = await runJson([src, 'guests/kernel/tinyos.s', '--disk', 'unring=guests/kernel/disk.txt', '--disk', 'tinyos=guests/kernel/disk.txt', '--mode', 'para', '--host', 'dom0']);
    expect(r.json.guests[0]!.status).toBe('killed');
    expect(r.json.guests[0]!.reason).toMatch(/its block ring cannot be read/);
    expect(r.json.dom0!.status).toBe('halted');
    expect(r.json.guests[1]!.status).toBe('halted');
  });

  /** A PARAVIRT front end from a body (the attack guests' lib.s in scope, with paravirt.s),
   *  written to tmp; the args to run it beside guest 0. */
  const frontEnd = (name: string, body: string) => {
    const src = join(tmp, `${name}.s`);
    writeFileSync(src, `.include "paravirt.inc"\n        .org 0x1000\nstart:\n${body}\n.include "${join(ROOT, 'guests', 'attack', 'lib.s')}"\n`);
    return [src, '-I', join(ROOT, 'guests', 'include'), '--mode', 'para', '--host', 'dom0'];
  };

  /** Front-end code that queues one request (op 0) on its ring (r5 = the ring) and sends on
   *  the disk's port (r10). */
  const QUEUE_ONE = `        li r5, PV_BLK_RING
        movi r1, 1
        stw r1, [r5 + RING_REQ_PROD]
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_SEND
        mov r2, r10
        hcall`;

  it('a front end that queues a request and never notifies guest 0 deadlocks on its own: guest 0 is not blamed', async () => {
    const r = await runJson(frontEnd('silent', `        li r1, PV_BLK_RING
        movi r2, 1
        stw r2, [r1 + RING_REQ_PROD]
        movi r0, HC_SCHED_OP
        movi r1, SCHEDOP_BLOCK
        hcall
        halt`));
    expect(r.json.guests[0]!.status).toBe('faulted');
    expect(r.json.guests[0]!.reason).toBe('sched_op block (events enabled), but no device will ever interrupt (deadlock)');
    expect(r.json.dom0!.status).toBe('halted'); // (shut down once its one domain ended)
  });

  it('a front end that notifies a req_prod that cannot be true and blocks gets guest 0\'s verdict, not a deadlock of its own', async () => {
    const r = await runJson(frontEnd('jump', `        la r1, handler
        set_trap_entry r1
        irq_lines_enable 1 << IRQ_DISK
        li r10, PV_BLK_RING
        li r11, 1000
        stw r11, [r10 + RING_REQ_PROD]
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_SEND
        movi r2, IRQ_DISK
        hcall
        irq_enable
wait:   wait_for_interrupt
        jmp wait
handler: halt`));
    expect(r.json.guests[0]!.status).toBe('killed');
    expect(r.json.guests[0]!.reason).toBe("guest 0's back end had it destroyed (domctl): its block ring's indices cannot be true");
    expect(r.json.dom0!.status).toBe('halted');
  });

  it('a front end that makes its ring\'s grant read-only is destroyed by guest 0 (its answers cannot reach it), not guest 0', async () => {
    const r = await runJson([...frontEnd('readonly', `        la r1, handler
        set_trap_entry r1
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_BIND_VIRQ
        movi r2, VIRQ_DISK
        hcall
        mov r10, r0
        mov r2, r0
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_UNMASK
        hcall
        li r3, PV_SHARED_INFO + SH_GRANT_TABLE
        ldw r1, [r3 + GNT_FLAGS]
        ori r1, r1, GNT_READONLY
        stw r1, [r3 + GNT_FLAGS]
${QUEUE_ONE}
wait:   ldw r1, [r5 + RING_RSP_PROD]
        cmpi r1, 1
        beq done
        movi r0, HC_SCHED_OP
        movi r1, SCHEDOP_BLOCK
        hcall
        jmp wait
done:   halt
handler: li r12, PV_SHARED_INFO
        movi r13, 0
        stw r13, [r12 + SH_EVTCHN_PENDING]
        iret_keep_r0
        return_from_trap`), 'guests/kernel/tinyos.s', '--disk', 'tinyos=guests/kernel/disk.txt']);
    expect(r.json.guests[0]!.status).toBe('killed');
    expect(r.json.guests[0]!.reason).toBe("guest 0's back end had it destroyed (domctl): its block ring cannot be written (it made the ring's grant read-only, or revoked it): no answer can reach it");
    expect(r.json.dom0!.status).toBe('halted');
    expect(r.json.guests[1]!.status).toBe('halted');
    expect(r.json.guests[1]!.console).toContain('tinyos: disk: hello from the disk');
  });

  it('a notification after guest 0 is gone returns EIO: the VMM answered the ring itself', async () => {
    // a request guest 0 crashes on (--dom0-crash 1), answered by the VMM; then another send
    const r = await runJson([...frontEnd('gone', `        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_BIND_VIRQ
        movi r2, VIRQ_DISK
        hcall
        mov r10, r0
${QUEUE_ONE}
        mov r8, r0
wait:   ldw r1, [r5 + RING_RSP_PROD]
        cmpi r1, 1
        beq gone
        movi r0, HC_SCHED_OP
        movi r1, SCHEDOP_YIELD
        hcall
        jmp wait
gone:   ldw r7, [r5 + RING_SLOTS + RING_RSP_STATUS]
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_SEND
        mov r2, r10
        hcall
        mov r9, r0
        mov r1, r8
        call put_dec
        call newline
        mov r1, r7
        call put_dec
        call newline
        mov r1, r9
        call put_dec
        call newline
        halt`), '--dom0-crash', '1']);
    expect(r.json.dom0!.status).toBe('faulted');
    // the first send: 0; the VMM's answer: RING_STATUS_NO_BACKEND (6); the second send: EIO, -5
    expect(r.json.guests[0]!.console).toBe('0\n6\n4294967291\n'); // (put_dec: unsigned)
  });
});

describe('the grant table', () => {
  const page = new Int32Array(1024);
  const words = { read: (o: number) => page[o >>> 2]!, write: (o: number, v: number) => void (page[o >>> 2] = v) };
  const grants = new GrantTable(words, 16, (pfn) => (pfn === 3 ? 'a page table' : undefined));
  const entry = (ref: number, flags: number, domid: number, frame: number) => {
    words.write(SHARED_INFO.GRANT_TABLE + ref * GRANT.ENTRY_SIZE + GRANT.FLAGS, flags | (domid << GRANT.DOMID_SHIFT));
    words.write(SHARED_INFO.GRANT_TABLE + ref * GRANT.ENTRY_SIZE + GRANT.FRAME, frame);
  };
  it('checks owner, frame, permission and that the grant is still in force, at each use', () => {
    entry(2, GRANT.PERMIT_ACCESS, 0, 5);
    expect(grants.frame(2, 0, true)).toBe(5);
    expect(grants.frame(2, 1, false)).toBe(GNTST.PERMISSION_DENIED); // granted to domain 0 only
    entry(3, GRANT.PERMIT_ACCESS | GRANT.READONLY, 0, 6);
    expect(grants.frame(3, 0, false)).toBe(6);
    expect(grants.frame(3, 0, true)).toBe(GNTST.PERMISSION_DENIED);
    entry(4, GRANT.PERMIT_ACCESS, 0, 16);
    expect(grants.frame(4, 0, false)).toBe(GNTST.BAD_PAGE); // not the granter's frame
    entry(5, GRANT.PERMIT_ACCESS, 0, 3);
    expect(grants.frame(5, 0, false)).toBe(3);
    expect(grants.frame(5, 0, true)).toBe(GNTST.BAD_PAGE); // a page table: never written
    expect(grants.frame(GRANT.ENTRIES, 0, false)).toBe(GNTST.BAD_GNTREF);
    entry(2, 0, 0, 5); // revoked
    expect(grants.frame(2, 0, false)).toBe(GNTST.BAD_GNTREF);
    expect(grants.why).toMatch(/not in force/);
  });
});

describe('--host dom0 options', () => {
  it('guests/include/dom0.inc is generated from dom0-abi.ts', () => {
    expect(readFileSync(join(ROOT, 'guests', 'include', 'dom0.inc'), 'utf8')).toBe(dom0Include());
  });

  it.each([
    [['--host', 'dom0', '--mode', 'full'], /--host dom0 runs paravirtual domains/],
    [['--dom0-crash', '2'], /--dom0-image, --dom0-mem and --dom0-crash set up guest 0 of --host dom0/],
    [['--host', 'dom0', '--mode', 'para', '--dom0-crash', '0'], /--dom0-crash/],
    [['guests/dom0/dom0.s', '--host', 'dom0', '--mode', 'para'], /under --host dom0 guest 0 is named dom0/],
  ])('%j: exit 2', async (flags, message) => {
    expectUsageError(await cli(['run', 'guests/bare/hello.s', ...flags]), message);
  });

  it('--dom0-mem sets guest 0\'s memory; one its kernel does not fit names the option; exit 2', async () => {
    for (const size of ['64K', '4M']) {
      const r = await runJson([...TINYOS, '--host', 'dom0', '--dom0-mem', size]);
      expect(r.status).toBe(0);
      expect(r.json.dom0!.status).toBe('halted');
      expect(r.json.guests[0]!.console).toContain('tinyos: disk: hello from the disk');
    }
    const small = await cli(['run', ...TINYOS, '--host', 'dom0', '--dom0-mem', '12K']);
    expect(small.status).toBe(2);
    expect(small.stderr).toMatch(/guests\/dom0\/dom0\.s: segment 0x1000\.\.0x[0-9a-f]+ does not fit in 12288 bytes of memory \(raise --dom0-mem\)/);
    expectUsageError(await cli(['run', ...TINYOS, '--host', 'dom0', '--dom0-mem', '3K']), /--dom0-mem expects a size that is a multiple of 4K/);
    expectUsageError(await cli(['run', ...TINYOS, '--dom0-mem', '1M']), /--dom0-mem and --dom0-crash set up guest 0 of --host dom0/);
  });

  it('a native image as guest 0: exit 2', async () => {
    const native = join(tmp, 'native.bin');
    expect((await cli(['asm', 'guests/bare/hello.s', '-o', native])).status).toBe(0);
    expectUsageError(await cli(['run', 'guests/bare/hello.s', '--host', 'dom0', '--mode', 'para', '--dom0-image', native]), /is a native image: guest 0 is a paravirtual kernel/);
  });

  it('vmm compare --host bare-metal,hosted,dom0 --modes para: a disk read costs more through guest 0, with two domain switches', async () => {
    const r = await cli(['compare', '--host', 'bare-metal,hosted,dom0', '--modes', 'para', '--json']);
    expect(r.status).toBe(0);
    const rows = (JSON.parse(r.stdout) as { rows: { operation: string; costs: { topology: string; cycles: number; domainSwitches?: number }[] }[] }).rows;
    const read = rows.find((x) => x.operation === 'disk-read')!;
    expect(read.costs[2]!.topology).toBe('dom0');
    expect(read.costs[2]!.cycles).toBeGreaterThan(read.costs[0]!.cycles);
    expect(read.costs[2]!.domainSwitches).toBe(2);
    expectUsageError(await cli(['compare', '--host', 'bare-metal,dom0']), /--host dom0 runs PARAVIRT guests only: compare it with --modes para/);
  });
});

describe('domctl', () => {
  it('destroying a domain that has ended is ENOENT, as a grant copy from it finds it gone (nothing is destroyed)', async () => {
    // guest 0 yields until domain 1 (hello) has halted, then destroys it
    const dom0 = join(tmp, 'late-destroy.s');
    writeFileSync(dom0, `.include "paravirt.inc"
        .org    0x1000
start:  movi    r7, 50
.w:     movi    r0, HC_SCHED_OP
        movi    r1, SCHEDOP_YIELD
        hcall
        subi    r7, r7, 1
        cmpi    r7, 0
        bne     .w
        movi    r0, HC_DOMCTL
        movi    r1, DOMCTL_DESTROY
        movi    r2, 1
        movi    r3, VERDICT_RING
        hcall
        movi    r0, HC_SCHED_OP
        movi    r1, SCHEDOP_SHUTDOWN
        movi    r2, SHUTDOWN_POWEROFF
        hcall
.include "paravirt.s"
`);
    const r = await cli(['trace', 'guests/bare/hello.s', '--mode', 'para', '--host', 'dom0', '--dom0-image', dom0, '-I', 'guests/include', '--reason', 'hypercall', '--format', 'jsonl', '-q']);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { hypercall?: string; result?: number; detail?: string });
    const destroy = records.find((x) => x.hypercall === 'domctl')!;
    expect(destroy.result).toBe(-2);
    expect(destroy.detail).toMatch(/^domain 1 has ended \(halted\)/);
  });
});
