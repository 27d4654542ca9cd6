// --mode hw: hardware-assisted virtualization (VT-x; Intel SDM vol. 3C ch. 24-28). The CPU
// has a mode more privileged than the guest kernel's own: the unmodified guest runs in
// non-root operation in its own supervisor mode, and only what the exit controls select
// leaves it. Memory is nested paging (the guest's tables and the VMM's nested table, walked
// together by the MMU); TLB entries carry the guest's VPID.

import type { Mode } from '../mode.js';
import { AsidAllocator } from '../software/asids.js';
import { CONTROL_WORDS, ControlError, controlSettings, describeControls } from './controls.js';
import { nestedTableFrames } from './nested-paging.js';
import { SHADOW_POOL_FRAMES } from '../software/shadow-paging.js';
import { HardwareVirtualizer } from './virtualizer.js';

export const hwMode: Mode = {
  name: 'hw',
  summary: 'hardware-assisted: the unmodified guest kernel runs natively in non-root mode; only what the exit controls select exits; nested paging maps its memory',
  // The guest runs natively on its own state: everything bare hardware shows, it shows.
  equivalence: {},
  build: 'native',
  techniques: [
    { id: 'hw', label: 'hw' },
    { id: 'hw-npt-off', label: 'hw --npt off', assist: { nestedPaging: false } },
    { id: 'hw-vpid-off', label: 'hw --vpid off', assist: { vpid: false } },
  ],
  // The nested table, or with --npt off the shadow tables' pool.
  framesPerGuest: (bytes) => Math.max(nestedTableFrames(bytes), SHADOW_POOL_FRAMES),
  taggedHostTlb: true,
  words: CONTROL_WORDS,
  checkAssist(assist) {
    try {
      controlSettings(assist.nestedPaging, assist.exitOn, assist.noExitOn);
      return undefined;
    } catch (e) {
      if (e instanceof ControlError) return e.message;
      throw e;
    }
  },
  describeAssist(assist) {
    const settings = controlSettings(assist.nestedPaging, assist.exitOn, assist.noExitOn);
    return { nestedPaging: assist.nestedPaging, vpid: assist.vpid, exitControls: describeControls(settings) };
  },
  start(host) {
    const assist = host.assist;
    const settings = controlSettings(assist.nestedPaging, assist.exitOn, assist.noExitOn);
    // One space of tags on the one physical TLB, shared by every guest: VPIDs, or the
    // shadow roots' ids without nested paging.
    const asids = new AsidAllocator(host.bounds.asids, host.processor.tlb);
    return (vm, frames) => new HardwareVirtualizer(vm, host, frames, settings, asids);
  },
};
