// SPDX-License-Identifier: MIT
/* Probes of what this kernel lets an XDP program do (bpf_features.h). */
#include "bpf_features.h"

#include <errno.h>
#include <stdatomic.h>
#include <unistd.h>
#include <linux/bpf.h>

#include <bpf/bpf.h>

/* 0: not asked yet, 1: allowed, 2: refused. Two threads asking at once both probe; the answer
 * is the same. */
static atomic_int meta_allowed;

bool wc_bpf_xdp_meta_allowed(void)
{
	/* r2 = -8; call bpf_xdp_adjust_meta (r1 is still the context); r0 = XDP_PASS; exit */
	const struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = -8 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_xdp_adjust_meta },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int v = atomic_load(&meta_allowed);
	int fd;

	if (v)
		return v == 1;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "wc_meta_probe", "Dual BSD/GPL", prog,
			   sizeof(prog) / sizeof(prog[0]), NULL);
	if (fd >= 0) {
		close(fd);
		v = 1;
	} else {
		/* EINVAL is the verifier's refusal; anything else (EPERM, ENOMEM) says nothing
		 * about the helper, and is not kept */
		if (fd != -EINVAL)
			return true;
		v = 2;
	}
	atomic_store(&meta_allowed, v);
	return v == 1;
}
