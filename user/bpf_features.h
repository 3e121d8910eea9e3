/* SPDX-License-Identifier: MIT */
/* What this kernel lets an XDP program do, where it differs between kernels of the same
 * version: asked once with a tiny program, the answer kept. Not installed. */
#ifndef WIRECRAFT_BPF_FEATURES_H
#define WIRECRAFT_BPF_FEATURES_H

#include <stdbool.h>

/* Whether an XDP program may call bpf_xdp_adjust_meta. Some kernel builds refuse the helper
 * to XDP programs ("program of this type cannot use helper"), and libbpf's helper probe does
 * not see it (it only looks for "unknown func"). Without the right to load programs at all
 * the answer is true: the real load then fails with the reason that matters. */
bool wc_bpf_xdp_meta_allowed(void);

#endif
