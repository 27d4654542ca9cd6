; yourturn.s - lab 4, "your turn": guests/bench/tlbthrash.s with PAGES pages a pass (each
; pass reads a word from each). Choose PAGES and the TLB's size, predict the TLB misses a
; pass natively and under nested paging, and the walk references, then measure:
;   vmm compare docs/labs/04-memory/yourturn.s --modes bare,hw --tlb 64 -D PAGES=60

.ifndef PAGES
.equ PAGES, 48
.endif
.include "../../../guests/bench/tlbthrash.s"
