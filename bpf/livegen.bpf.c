// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * wirecraft live frames: packets generated in the kernel.
 *
 * Userspace runs this program with BPF_PROG_RUN in live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES)
 * on a frame holding the set's template, `repeat` times per call. Each run patches the frame
 * into the next packet of the set and returns XDP_TX, which the kernel turns into a redirect
 * out of the interface named as ingress in the run's context. No copy from userspace per
 * packet, no socket, no ring: the frame goes from a page pool straight to the driver.
 *
 * The patch is the template fast path of user/tmpl.c, the same arithmetic on the same plan
 * (bpf/livegen.h): the varying fields' values for this packet (odometer digits over segments
 * of values, splitmix64 draws for random fields), stored into their byte windows; then each
 * checksum that covers a window, innermost first, from its precomputed base plus the exact
 * 16-bit word sums of the windows and inner checksums it covers (RFC 1624 in its exact-sum
 * form), folded once. So a frame is byte for byte the packet `wirecraft build` makes at the
 * same index, random fields included (the same generator, seeded the same way).
 *
 * Why rewriting is enough: in live-frames mode the kernel initialises a page from the template
 * only when its page pool first hands it out; a recycled page keeps what the last run wrote.
 * Every byte that differs between two packets of the set is a window or a checksum, and all of
 * them are rewritten every run, so what an earlier run left behind never shows.
 *
 * Position: each runner (userspace thread) has a slot in slots[], named by the 4 bytes of XDP
 * metadata in front of its frame. The slot holds the odometer and the random state, advanced
 * once per run, and starts over at the end of the runner's share of the set; one syscall runs
 * on one CPU, and a slot is used by one thread at a time, so no atomics are needed, and `made`
 * tells userspace exactly how many frames a call made, even one cut short by a signal.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "livegen.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by userspace before load; constants to the verifier (see livegen.h). */
const volatile struct lg_plan plan = {};

/* Written by userspace through the skeleton's mmap, between runs. */
struct lg_slot slots[LG_MAX_SLOTS] = {};
struct lg_seg segs[LG_MAX_SEGS] = {};

/* splitmix64's output function (wc_rand_next in user/set_impl.h), on a given state. */
static __always_inline __u64 mix(__u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Exact sum of the four big-endian 16-bit words of x. */
static __always_inline __u64 sum16(__u64 x)
{
	x = (x & 0x0000ffff0000ffffULL) + ((x >> 16) & 0x0000ffff0000ffffULL);
	return (x & 0xffffffffULL) + (x >> 32);
}

/* The bytes swapped within each 16-bit word: the same bytes at odd parity. */
static __always_inline __u64 swap16s(__u64 x)
{
	return ((x >> 8) & 0x00ff00ff00ff00ffULL) | ((x & 0x00ff00ff00ff00ffULL) << 8);
}

static __always_inline __u16 fold_not(__u64 s)
{
	s = (s & 0xffffffffULL) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/* The low nb bytes of x, big-endian, at p. nb is a constant to the verifier, so only one case
 * survives; the packet range was checked once against the frame length. */
static __always_inline void store_be(__u8 *p, __u64 x, __u32 nb)
{
	switch (nb) {
	case 1:
		*p = (__u8)x;
		break;
	case 2:
		*(__u16 *)p = bpf_htons((__u16)x);
		break;
	case 4:
		*(__u32 *)p = bpf_htonl((__u32)x);
		break;
	case 8:
		*(__u64 *)p = bpf_cpu_to_be64(x);
		break;
	default: { /* 3, 5, 6, 7 */
		__u64 y = x << (64 - 8 * nb);

		p[0] = (__u8)(y >> 56);
		p[1] = (__u8)(y >> 48);
		p[2] = (__u8)(y >> 40);
		if (nb > 3)
			p[3] = (__u8)(y >> 32);
		if (nb > 4)
			p[4] = (__u8)(y >> 24);
		if (nb > 5)
			p[5] = (__u8)(y >> 16);
		if (nb > 6)
			p[6] = (__u8)(y >> 8);
	}
	}
}

SEC("xdp")
int wc_livegen(struct xdp_md *ctx)
{
	void *meta = (void *)(long)ctx->data_meta;
	__u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 val[2 * LG_MAX_VARS], acc[LG_MAX_CS];
	struct lg_slot *sl;
	struct lg_pos *st;
	__u64 r0;
	__u32 slot;

	/* Only our runs carry metadata. Userspace also attaches this program (generic mode)
	 * to the loopback of an empty private namespace, only to keep it in the kernel's XDP
	 * dispatcher (user/live.c): whatever might arrive there is let through. */
	if (meta + LG_META > (void *)data)
		return XDP_PASS;
	slot = *(__u32 *)meta;
	if (slot >= LG_MAX_SLOTS)
		return XDP_ABORTED;
	sl = &slots[slot];
	st = &sl->cur;
	/* One check for every store below: the length is a constant to the verifier. */
	if (data + plan.len > end)
		return XDP_ABORTED;

	/* The varying fields' values, drawing random ones from this packet's own states. */
	r0 = st->rng;
#pragma clang loop unroll(full)
	for (int i = 0; i < LG_MAX_VARS; i++) {
		__u8 src = plan.v[i].src;

		if (i >= plan.nvars)
			break;
		if (src == LG_SRC_DIGIT) {
			__u32 d = plan.v[i].digit & (LG_MAX_DIGITS - 1);

			val[2 * i] = st->lo[d];
			val[2 * i + 1] = st->hi[d];
		} else {
			__u64 r = mix(r0 + (plan.v[i].draw + 1) * LG_RNG_STEP);

			if (src == LG_SRC_RAND) {
				val[2 * i] = plan.v[i].base | (r & plan.v[i].mask);
				val[2 * i + 1] = plan.v[i].hi;
			} else if (plan.v[i].wide) {
				/* user/tmpl.c copies the two draws' host bytes and reads them
				 * big-endian: a byte swap on this (the same) host */
				val[2 * i + 1] = bpf_be64_to_cpu(r);
				val[2 * i] = bpf_be64_to_cpu(mix(r0 + (plan.v[i].draw + 2) * LG_RNG_STEP));
			} else {
				val[2 * i] = r & plan.v[i].mask;
			}
		}
	}
	st->rng = r0 + plan.ndraws * LG_RNG_STEP;

#pragma clang loop unroll(full)
	for (int c = 0; c < LG_MAX_CS; c++) {
		if (c >= plan.ncs)
			break;
		acc[c] = plan.cs[c].base;
	}

	/* Windows: store, and add their word sums to the checksums that cover them. */
#pragma clang loop unroll(full)
	for (int i = 0; i < LG_MAX_WINS; i++) {
		__u32 nb = plan.w[i].nb, need = plan.w[i].need;
		__u64 x, top, sum[2] = {0, 0};

		if (i >= plan.nwins)
			break;
		x = plan.w[i].tbits;
#pragma clang loop unroll(full)
		for (int k = 0; k < LG_MAX_MEMS; k++) {
			if (k >= plan.w[i].nmem)
				break;
			x |= (val[plan.w[i].m[k].ref & (2 * LG_MAX_VARS - 1)] & plan.w[i].m[k].mask)
			     << plan.w[i].m[k].shift;
		}
		store_be(data + plan.w[i].off, x, nb);
		top = x << (64 - 8 * nb);
		if (need & 1)
			sum[0] = sum16(top);
		if (need & 2)
			sum[1] = sum16(swap16s(top));
#pragma clang loop unroll(full)
		for (int k = 0; k < LG_MAX_COV; k++) {
			if (k >= plan.w[i].ncov)
				break;
			acc[plan.w[i].cov[k].cs & (LG_MAX_CS - 1)] += sum[plan.w[i].cov[k].odd & 1];
		}
	}

	/* Checksums, innermost first: store, then feed the outer ones that cover the field. */
#pragma clang loop unroll(full)
	for (int c = 0; c < LG_MAX_CS; c++) {
		__u16 v;

		if (c >= plan.ncs)
			break;
		v = fold_not(acc[c]);
		if (v == 0 && plan.cs[c].zero_ffff)
			v = 0xffff;
		*(__u16 *)(data + plan.cs[c].off) = bpf_htons(v);
#pragma clang loop unroll(full)
		for (int k = 0; k < LG_MAX_COV; k++) {
			if (k >= plan.cs[c].ncov)
				break;
			acc[plan.cs[c].cov[k].cs & (LG_MAX_CS - 1)] +=
				plan.cs[c].cov[k].odd ? (__u64)((v >> 8) | ((v & 0xff) << 8)) : v;
		}
	}

	sl->made++;
	if (++sl->next == sl->end) { /* the end of the share: start it over */
		sl->next = sl->first;
		sl->cur = sl->start;
		return XDP_TX;
	}
	/* Advance the odometer: the last digit turns fastest, as in user/tmpl.c. */
#pragma clang loop unroll(full)
	for (int k = LG_MAX_DIGITS - 1; k >= 0; k--) {
		__u64 p;
		__u32 s;
		_Bool carry = 0;

		if (k >= plan.ndigits)
			continue;
		p = st->pos[k] + 1;
		if (p < st->n[k]) {
			st->pos[k] = p;
			st->lo[k]++;
			break;
		}
		s = st->seg[k] + 1;
		if (s >= plan.d[k].seg0 + plan.d[k].nsegs) {
			s = plan.d[k].seg0;
			carry = 1;
		}
		s &= LG_MAX_SEGS - 1;
		st->seg[k] = s;
		st->pos[k] = 0;
		st->lo[k] = segs[s].lo;
		st->hi[k] = segs[s].hi;
		st->n[k] = segs[s].n;
		if (!carry)
			break;
	}
	return XDP_TX;
}
