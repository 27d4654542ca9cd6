; host-snoop.s - a host OS whose application reads the guests' memory: the host OS of
; guests/host/hostos.s, with its busy application replaced (give it as --host-image, with
; --host-app busy).
;
; Attacks: under --host hosted the guests' memory is in host frames above the host OS's own
; (host.inc's HOST_OS_END); a host process that reads there would see every guest.
;
; What must happen: a host process sees only the pages its kernel maps for it, so the load
; faults and the host kernel kills the process ("host: process busy killed: a fault"); the
; VMM's process and its guests run on, their output as with an idle application. (The host
; kernel itself could map the guests' frames: the host OS is trusted, docs/topologies.md.)
; Run alone (not as a host image) it has no boot-info page and panics, as hostos.s does.
;
; Expected console output (run alone, bare): host-snoop.expected; status halted.

.equ SNOOP_APP, 1
.include "../host/hostos.s"
