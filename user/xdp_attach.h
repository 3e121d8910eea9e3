/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How the library's XDP programs (the reflector, reply steering, sniff --steal) get onto an
 * interface, in one place. Not installed.
 *
 *   interface without an XDP program  -> a bpf_link held by this process: when the process
 *                                        ends, however it ends (kill -9 too), the program goes
 *   a libxdp multiprog dispatcher     -> the program joins it through libxdp, after the
 *                                        interface's other programs or before them as its
 *                                        XDP_RUN_CONFIG priority says, and leaves it again on
 *                                        detach; stale wirecraft components left by a killed
 *                                        process are removed first (wc_xdp_clean)
 *   any other program (netlink, link) -> -EBUSY, nothing is touched
 *
 * Joining needs the program loaded as a freplace (BPF_PROG_TYPE_EXT) extension of the
 * dispatcher, which only libxdp can do, and only with an object that is not loaded yet. The
 * skeleton's own object is already loaded (as XDP: callers fill its maps before attaching), so
 * a second object is opened from the same ELF bytes and given the first one's map descriptors
 * (bpf_map__reuse_fd): both programs share every map, .rodata and .bss included, and userspace
 * keeps using the skeleton's pointers.
 */
#ifndef WIRECRAFT_XDP_ATTACH_H
#define WIRECRAFT_XDP_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecraft/xdp.h"

struct bpf_object;
struct xdp_program;

/* What to attach: the program `prog_name` of the loaded skeleton object `loaded`, whose ELF is
 * elf[0..elf_sz) (the skeleton's *__elf_bytes()). */
struct wc_xdp_att_req {
	struct bpf_object *loaded;
	const char *prog_name;
	const void *elf;
	size_t elf_sz;
	enum wc_xdp_mode mode;
};

/* One attachment. Zero it, then set link_fd = -1 (wc_xdp_att_init). */
struct wc_xdp_att {
	int ifindex;
	int link_fd;              /* bpf_link path */
	struct bpf_object *obj;   /* dispatcher path: the second object, sharing the maps */
	struct xdp_program *xprog;
};

void wc_xdp_att_init(struct wc_xdp_att *a);
/* 0, or -EBUSY (a program that is not a libxdp dispatcher), -ESTALE (a dispatcher whose state
 * in bpffs cannot be read), -EXDEV (a dispatcher in another mode than the one asked for),
 * -ENOEXEC (a dispatcher, but the kernel refuses freplace programs), -EOPNOTSUPP (mode
 * unavailable), or another -errno. */
int wc_xdp_att_attach(struct wc_xdp_att *a, const struct wc_xdp_att_req *rq, int ifindex);
/* Leave the interface; idempotent. A dispatcher that another process already rebuilt without
 * us (wc_xdp_clean elsewhere, xdp-loader unload --all) is not an error. */
void wc_xdp_att_detach(struct wc_xdp_att *a);
bool wc_xdp_att_attached(const struct wc_xdp_att *a);
/* True when the program runs inside a libxdp dispatcher: leaving it then needs the same
 * privileges as joining (CAP_BPF, CAP_NET_ADMIN and bpffs), so callers must keep them. */
bool wc_xdp_att_shared(const struct wc_xdp_att *a);
/* The id of the program that runs on the interface for us (the freplace extension when
 * shared), 0 when not attached. */
uint32_t wc_xdp_att_prog_id(const struct wc_xdp_att *a);

#endif
