; dom0-forge.s - a guest 0 (--dom0-image) that answers every block request with a forged id.
;
; Attacks: guest 0 writes the responses on a front end's ring; a hostile one can put any id
; in them. It serves as guest 0 does, but adds 1000 to each response's id.
;
; What must happen: the front end (guests/include/paravirt.s) takes a response only for
; the request it made in that slot: it reports RING_STATUS_FORGED (7), and trusts nothing
; else in it: tinyos prints "tinyos: disk: error 7 (a forged response: its id is not the
; request's)" and runs on. Run it as --dom0-image with a domain beside it
; (test/vmm/dom0.test.ts).
;
; Expected console output (guest 0's, beside kernel/tinyos.s with its disk):
; dom0-forge.expected.

.equ FORGE_IDS, 1
.include "../dom0/dom0.s"
