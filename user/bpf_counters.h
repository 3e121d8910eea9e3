/* SPDX-License-Identifier: MIT */
/* Shared by the library's BPF loaders. Per-CPU verdict counters of wirecraft's XDP programs, read from this process or from any
 * other one (found through the interface's attached program: nothing is pinned). Shared by
 * the reflector (xdp.c) and reply steering (steer.c). Not installed. */
#ifndef WIRECRAFT_BPF_COUNTERS_H
#define WIRECRAFT_BPF_COUNTERS_H

#include <stdint.h>

/* Sum keys 0..n-1 of a per-CPU array map over all CPUs. Returns 0 or -errno. */
int wc_bpf_sum_percpu(int map_fd, uint64_t *out, unsigned n);

/* The counters of the XDP program called `prog_name` attached to ifindex (native, generic
 * or offloaded): its per-CPU array map named "counters" with n entries, summed. Returns 0,
 * -ENOENT when no such program is attached, or -errno. */
int wc_bpf_counters_ifindex(int ifindex, const char *prog_name, uint64_t *out, unsigned n);

/* libbpf prints to stderr unless told otherwise; a library must not. user/xdp.c owns the
 * printer (wc_xdp_set_log); every loader of the library calls this before using libbpf. */
void wc_xdp_libbpf_quiet(void);

#endif
