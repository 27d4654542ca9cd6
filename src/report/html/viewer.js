// The HTML report's viewer (docs/report.md): draws the page from the JSON in #report-data
// with Chart.js. Plain browser JavaScript, embedded into the page as it is (no build step).
// window.vmmReport keeps the data and the charts for whoever inspects the page (the tests).
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const charts = {};
  window.vmmReport = { data, charts };
  Chart.defaults.font.size = 12;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  const main = document.getElementById('report');
  main.textContent = '';

  // ---- small helpers ------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'style') e.style.cssText = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== undefined && c !== null) e.append(c);
    return e;
  }
  const int = (x) => Math.round(x).toLocaleString('en-US');
  const fixed = (x, d) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  /** Colours: each exit reason (and each technique) its own, in a fixed order, the same in
   *  every chart of the page; lanes a muted colour per guest. */
  const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#17becf', '#bcbd22', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#7f7f7f', '#aec7e8'];
  const LANES = ['#9d8ac7', '#7fb0a8', '#c9a27a', '#8fa8d6', '#c98aa6', '#9fbf7f'];
  const names = new Set();
  if (data.run && data.run.timeline) for (const t of Object.values(data.run.timeline.totals)) for (const r of Object.keys(t)) names.add(r);
  if (data.compare) for (const t of data.compare.techniques) names.add(`technique:${t.id}`);
  const order = [...names].sort();
  function colour(name) {
    if (name.startsWith('guest:')) {
      const lanes = data.run && data.run.timeline ? data.run.timeline.lanes : [];
      return LANES[Math.max(0, lanes.indexOf(name.slice(6))) % LANES.length];
    }
    const i = order.indexOf(name);
    return PALETTE[(i < 0 ? order.length : i) % PALETTE.length];
  }
  /** " at pc 0x..." where a reason does not say where (as the text summary adds it). */
  const atPc = (g) => (g.reason.includes('pc 0x') ? '' : ` at pc 0x${(g.pc >>> 0).toString(16).padStart(8, '0')}`);
  /** A paragraph with how a guest, the host OS or guest 0 ended, if not normally (`where`
   *  follows the reason). */
  const ended = (name, x, where = '') => (x.status === 'halted' ? [] : [el('p', { class: 'bad' }, `${name}: ${x.status}: ${x.reason}${where}`)]);
  function table(head, rows, numeric) {
    const t = el('table');
    t.append(el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', numeric[i] ? { class: 'num' } : {}, h)))));
    const body = el('tbody');
    for (const r of rows) body.append(el('tr', {}, ...r.map((c, i) => el('td', numeric[i] ? { class: 'num' } : {}, c))));
    t.append(body);
    return t;
  }
  function chartBox(height) {
    const canvas = el('canvas');
    return { box: el('div', { class: 'chart', style: `height:${height}px` }, canvas), canvas };
  }
  /** A horizontal stacked bar per guest, in `section`: one dataset per part. */
  function guestBars(section, guests, datasets, axis) {
    // (the legend below takes a row for about every three datasets)
    const { box, canvas } = chartBox(110 + 44 * guests.length + 24 * Math.ceil(datasets.length / 3));
    section.append(box);
    return new Chart(canvas, {
      type: 'bar',
      data: { labels: guests.map((g) => g.name), datasets },
      options: { indexAxis: 'y', scales: { x: { stacked: true, title: { display: true, text: axis }, ticks: { callback: (v) => int(v) } }, y: { stacked: true } }, plugins: { legend: { position: 'bottom' } } },
    });
  }

  // ---- a run ---------------------------------------------------------------------------
  function renderRun(run) {
    const guests = run.guests;
    const tl = run.timeline;
    if (tl) renderTimeline(run, tl);
    // (the mode and topology the run had, typed or not; the command line heads the page)
    const settings = `--mode ${run.mode}${run.translation === 'inline' ? ' --bt inline' : ''}${run.host ? ' --host hosted' : run.dom0 ? ' --host dom0' : ''}`;
    const summary = el('section', { id: 'summary' }, el('h2', {}, `Summary (${settings})`));
    const exitsOf = (g) => sum(Object.values(g.exits || {}));
    summary.append(
      table(
        ['guest', 'status', 'instructions', 'cycles', 'exits', 'TLB misses', 'walk references', 'overhead'],
        guests.map((g) => [
          g.name,
          el('span', { class: g.status === 'halted' ? '' : 'bad', title: g.reason }, g.status),
          int(g.instructions),
          int(g.cycles),
          int(exitsOf(g)),
          int(g.tlb.misses),
          int(g.tlb.walkReferences),
          g.overhead !== undefined ? `${fixed(g.overhead, 2)}x` : 'n/a',
        ]),
        [false, false, true, true, true, true, true, true],
      ),
    );
    // (how a guest that did not halt normally ended, and a silent divergence, in words)
    for (const g of guests) {
      summary.append(...ended(g.name, g, atPc(g)));
      const warning = run.warnings?.[g.name];
      if (warning) summary.append(el('p', { class: 'warn' }, `${g.name}: WARNING: ${warning}`));
    }
    if (run.host) summary.append(renderHost(run.host, guests));
    if (run.dom0) summary.append(renderDom0(run.dom0));
    main.append(summary);
    const grid = el('div', { class: 'grid' });
    grid.append(renderExits(run), renderCycles(run));
    main.append(grid, renderTlb(run));
  }

  /** A hosted run's host OS (docs/topologies.md): how it ended, its share of the CPU, its
   *  world switches, each guest's requests, and its own console. */
  function renderHost(h, guests) {
    const box = el('div', { id: 'host' }, el('h3', {}, `Host OS (${h.topology}: ${h.image}, application ${h.app})`));
    box.append(
      table(
        ['status', 'cycles', "guests' share", 'world switches'],
        [[el('span', { class: h.status === 'halted' ? '' : 'bad', title: h.reason }, h.status), int(h.cycles), fixed(h.guestShare, 3), int(h.worldSwitches)]],
        [false, true, true, true],
      ),
      table(
        ['guest', 'disk reads', 'disk writes', 'console lines', 'host cycles'],
        h.requests.map((r, i) => [guests[i] ? guests[i].name : String(i), int(r.diskReads), int(r.diskWrites), int(r.consoleLines), int(r.hostCycles)]),
        [false, true, true, true, true],
      ),
      ...ended('the host OS', h),
      el('pre', { class: 'console' }, h.console),
    );
    return box;
  }

  /** Guest 0 of --host dom0 (docs/topologies.md): how it ended, its cycles and exits, the
   *  domain switches and routed events and interrupts, each domain's I/O, its console. */
  function renderDom0(d) {
    const box = el('div', { id: 'dom0' }, el('h3', {}, `Guest 0 (dom0: ${d.image})`));
    const io = Object.keys(d.ioWords);
    box.append(
      table(
        ['status', 'cycles', "host's cycles", 'exits', 'domain switches', 'events routed', 'interrupts routed', 'IOMMU refused'],
        [[el('span', { class: d.status === 'halted' ? '' : 'bad', title: d.reason }, d.status), int(d.cycles), int(d.hostCycles), int(d.exits), int(d.domainSwitches), int(d.eventsRouted), int(d.interruptsRouted), int(d.iommuRefused)]],
        [false, true, true, true, true, true, true, true],
      ),
      ...ended('guest 0', d),
      table(
        ['guest', ...io.map((k) => d.ioWords[k])],
        d.io.map((r) => [r.guest, ...io.map((k) => int(r[k]))]),
        [false, ...io.map(() => true)],
      ),
      el('pre', { class: 'console' }, d.console),
    );
    return box;
  }

  /** The lanes: which guest held the CPU (shaded), and the exits as marks. */
  function renderTimeline(run, tl) {
    const section = el('section', { id: 'timeline' }, el('h2', {}, 'Timeline: which guest held the CPU, and its exits'));
    const { box, canvas } = chartBox(70 + 48 * tl.lanes.length);
    section.append(box);
    const thinned = Object.entries(tl.sampledEvery).filter(([, every]) => every > 1);
    const shown = thinned.length ? `${thinned.map(([reason, every]) => `one ${reason} in ${int(every)}`).join(', ')} is marked (${int(tl.marks.length)} marks); the tables count them all` : 'every exit and note is marked';
    section.append(el('p', { class: 'note' }, `Shaded: the guest's share of the CPU in each of ${int(tl.held[0] ? tl.held[0].length : 0)} spans of ${int(tl.bucketCycles)} host cycles; ${shown}. Hover a mark for its record.`));
    main.append(section);
    const byReason = new Map();
    for (const m of tl.marks) {
      if (!byReason.has(m.reason)) byReason.set(m.reason, []);
      byReason.get(m.reason).push({ x: m.cycle, y: tl.lanes.indexOf(m.guest), record: m });
    }
    const datasets = [...byReason].map(([reason, points]) => ({
      label: reason,
      data: points,
      backgroundColor: colour(reason),
      borderColor: colour(reason),
      pointStyle: points[0].record.kind === 'note' ? 'triangle' : 'rectRot',
      pointRadius: 4,
      pointHoverRadius: 6,
    }));
    const lanesPlugin = {
      id: 'lanes',
      beforeDatasetsDraw(chart) {
        const { ctx, scales } = chart;
        const x = scales.x;
        const y = scales.y;
        const band = Math.abs(y.getPixelForValue(0) - y.getPixelForValue(1)) * 0.7;
        ctx.save();
        tl.lanes.forEach((lane, i) => {
          const yc = y.getPixelForValue(i);
          ctx.fillStyle = '#f0f2f5';
          ctx.fillRect(x.left, yc - band / 2, x.right - x.left, band);
          ctx.fillStyle = colour(`guest:${lane}`);
          tl.held[i].forEach((cycles, b) => {
            if (cycles <= 0) return;
            // (its share of the span as drawn: the last ends with the run)
            const start = b * tl.bucketCycles;
            const end = Math.min(tl.end, start + tl.bucketCycles);
            ctx.globalAlpha = 0.25 + 0.5 * Math.min(1, cycles / Math.max(1, end - start));
            const x0 = x.getPixelForValue(start);
            const x1 = x.getPixelForValue(end);
            ctx.fillRect(x0, yc - band / 2, Math.max(1, x1 - x0), band);
          });
          ctx.globalAlpha = 1;
        });
        ctx.restore();
      },
    };
    charts.timeline = new Chart(canvas, {
      type: 'scatter',
      data: { datasets },
      plugins: [lanesPlugin],
      options: {
        scales: {
          x: { type: 'linear', min: 0, max: Math.max(1, tl.end), title: { display: true, text: 'host cycles' }, ticks: { callback: (v) => int(v) } },
          y: {
            type: 'linear',
            min: -0.5,
            max: tl.lanes.length - 0.5,
            reverse: true,
            afterBuildTicks: (scale) => {
              scale.ticks = tl.lanes.map((_, i) => ({ value: i }));
            },
            ticks: { callback: (v) => tl.lanes[v] ?? '' },
            grid: { display: false },
            title: { display: true, text: 'guest' },
          },
        },
        plugins: {
          legend: { position: 'top', labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: (ctx) => describe(ctx.raw.record),
            },
          },
        },
      },
    });
  }

  /** A record as the tooltip shows it, a line per field. */
  function describe(r) {
    const lines = [`#${r.seq} ${r.kind} ${r.reason} (${r.code}) at cycle ${int(r.cycle)}`, `${r.guest} pc 0x${(r.pc >>> 0).toString(16).padStart(8, '0')}: ${r.insn}`];
    if (r.source) lines.push(r.source);
    lines.push(`${r.action}, ${int(r.cost)} cycles`);
    if (r.details) lines.push(r.details); // (the qualification as vmm trace prints it)
    if (r.detail) lines.push(r.detail);
    return lines;
  }

  /** Exits (and notes) by reason, per guest: a stacked bar, and the exact table. */
  function renderExits(run) {
    const section = el('section', { id: 'exits' }, el('h2', {}, 'Exits and notes by reason'));
    const totals = run.timeline ? run.timeline.totals : {};
    const reasons = [...new Set(run.guests.flatMap((g) => Object.keys(totals[g.name] || {})))].sort();
    if (reasons.length === 0) {
      section.append(el('p', { class: 'note' }, 'No exits: nothing left the guest (bare hardware runs no VMM).'));
      return section;
    }
    const datasets = reasons.map((reason) => ({ label: reason, data: run.guests.map((g) => (totals[g.name] || {})[reason]?.count ?? 0), backgroundColor: colour(reason) }));
    charts.exits = guestBars(section, run.guests, datasets, 'exits and notes');
    const rows = [];
    for (const g of run.guests) for (const reason of reasons) {
      const t = (totals[g.name] || {})[reason];
      if (t) rows.push([g.name, reason, t.kind, int(t.count), int(t.cycles)]);
    }
    section.append(table(['guest', 'reason', 'kind', 'count', 'cycles'], rows, [false, false, false, true, true]));
    return section;
  }

  /** Where each guest's cycles went: its own instructions (and traps), page walks, the VMM's
   *  work by reason, guest switches. */
  function renderCycles(run) {
    const section = el('section', { id: 'cycles' }, el('h2', {}, 'Where the cycles went'));
    const totals = run.timeline ? run.timeline.totals : {};
    const parts = run.guests.map((g) => {
      const walks = (g.tlb.walkReferences + g.tlb.walkWrites) * run.walkReference;
      const vmm = Object.entries(totals[g.name] || {}).map(([reason, t]) => [reason, t.cycles]);
      const vmmCycles = sum(vmm.map((v) => v[1]));
      return { walks, vmm, guest: Math.max(0, g.cycles - walks - vmmCycles) };
    });
    const kinds = [...new Set(parts.flatMap((p) => p.vmm.map((v) => v[0])))].sort();
    charts.cycles = guestBars(
      section,
      run.guests,
      [
        { label: 'guest instructions and traps', data: parts.map((p) => p.guest), backgroundColor: '#8fb3d9' },
        { label: 'page walks', data: parts.map((p) => p.walks), backgroundColor: '#c9a66b' },
        ...kinds.map((k) => ({ label: `VMM: ${k}`, data: parts.map((p) => (p.vmm.find((v) => v[0] === k) || [k, 0])[1]), backgroundColor: colour(k) })),
      ],
      'cycles',
    );
    return section;
  }

  function renderTlb(run) {
    const section = el('section', { id: 'tlb' }, el('h2', {}, 'TLB'));
    section.append(
      table(
        ['guest', 'lookups', 'hits', 'misses', 'flushes', 'invalidations', 'walk references', 'walk writes', 'VMM flushes', 'VMM invalidations'],
        run.guests.map((g) => [g.name, int(g.tlb.lookups), int(g.tlb.hits), int(g.tlb.misses), int(g.tlb.flushes), int(g.tlb.invalidations), int(g.tlb.walkReferences), int(g.tlb.walkWrites), int(g.tlb.vmmFlushes ?? 0), int(g.tlb.vmmInvalidations ?? 0)]),
        [false, true, true, true, true, true, true, true, true, true],
      ),
    );
    return section;
  }

  // ---- a comparison ----------------------------------------------------------------------
  function renderCompare(cmp) {
    // (per pass where a guest has ITER, else over its whole run: each block's heading says)
    const section = el('section', { id: 'compare' }, el('h2', {}, 'Cycles against bare hardware (log scale)'));
    const { box, canvas } = chartBox(300);
    section.append(box);
    main.append(section);
    const rowOf = (subject, technique) => cmp.rows.find((r) => r.subject === subject && r.technique === technique);
    charts.compare = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: cmp.subjects.map((s) => s.name),
        datasets: cmp.techniques.map((t) => ({ label: t.label, data: cmp.subjects.map((s) => rowOf(s.name, t.id)?.overhead ?? null), backgroundColor: colour(`technique:${t.id}`) })),
      },
      options: { scales: { y: { type: 'logarithmic', title: { display: true, text: 'cycles / bare' } } }, plugins: { legend: { position: 'top' } } },
    });
    // The table as vmm compare prints it (its cells: compare-table.ts).
    const { note, columns, blocks } = cmp.table;
    const t = el('section', { id: 'compare-table' }, el('h2', {}, 'The table'), el('p', {}, note));
    const numeric = columns.map((_, i) => i > 0 && i < columns.length - 1);
    for (const b of blocks) {
      const drawn = table(columns, b.rows, numeric);
      // (a row with a problem in place of its figures: the problem in red)
      b.rows.forEach((r, i) => {
        if (r[1] === '-') drawn.tBodies[0].rows[i].lastChild.classList.add('bad');
      });
      t.append(el('h3', {}, b.heading), drawn);
    }
    main.append(t);
  }

  if (data.run) renderRun(data.run);
  if (data.compare) renderCompare(data.compare);
})();
