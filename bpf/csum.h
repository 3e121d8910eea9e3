/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internet checksum helpers for XDP programs.
 *
 * All sums are taken over 16-bit words exactly as they lie in memory (network order read as a
 * host-order u16). The one's complement sum is byte-order independent (RFC 1071 section 2(B)),
 * so a sum of raw words, folded and complemented, can be stored back raw without any byte
 * swapping. Values that the program makes up (a protocol number, a length) must therefore be
 * passed already in network order (bpf_htons).
 *
 * Two styles, chosen per header:
 *  - incremental update (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')) when a header is kept and
 *    only a few words change (TTL, ICMP type): its cost does not depend on the payload length;
 *  - a fresh sum over the words a program writes, when it rebuilds a small header whole
 *    (TCP SYN-ACK/RST, NDP NA, ICMP errors): fewer operations than undoing every old field, and
 *    correct even if the probe's own checksum was only a partial (offloaded) one.
 */
#ifndef WC_BPF_CSUM_H
#define WC_BPF_CSUM_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

/* Fold a 32/64-bit accumulator to 16 bits (not complemented). Three folds absorb every carry of
 * a 64-bit sum of up to 2^32 words, which is more than any frame holds. */
static __always_inline __u16 wc_csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* The two 16-bit memory words of a 32-bit value loaded from a packet. */
static __always_inline __u64 wc_csum_add32(__u64 sum, __u32 v)
{
	return sum + (v >> 16) + (v & 0xffff);
}

/* Sum of the four 32-bit words of an IPv6 address. */
static __always_inline __u64 wc_csum_add_in6(__u64 sum, const __u32 a[4])
{
	sum = wc_csum_add32(sum, a[0]);
	sum = wc_csum_add32(sum, a[1]);
	sum = wc_csum_add32(sum, a[2]);
	return wc_csum_add32(sum, a[3]);
}

/* Checksum field value for a finished sum. */
static __always_inline __u16 wc_csum_finish(__u64 sum)
{
	return (__u16)~wc_csum_fold(sum);
}

/* RFC 1624 eqn. 3 for one 16-bit word that changes from old to new. Using eqn. 3 rather than
 * the older eqn. 2 (RFC 1141) keeps the result right when the checksum is 0xffff or 0x0000. */
static __always_inline void wc_csum_replace2(__u16 *check, __u16 old, __u16 new)
{
	__u64 sum = (__u16)~*check;

	sum += (__u16)~old;
	sum += new;
	*check = (__u16)~wc_csum_fold(sum);
}

/* The same for a 32-bit field (two words at once). */
static __always_inline void wc_csum_replace4(__u16 *check, __u32 old, __u32 new)
{
	__u64 sum = (__u16)~*check;

	sum += (__u16)~(old >> 16);
	sum += (__u16)~(old & 0xffff);
	sum += new >> 16;
	sum += new & 0xffff;
	*check = (__u16)~wc_csum_fold(sum);
}

/*
 * Sum nwords 16-bit words starting at p, never reading past end. Returns -1 if the words do not
 * all lie inside the frame. The loop bound is a constant so the verifier can walk it; MAXW is
 * the largest count a caller may ask for. Used for the parts of a frame whose length is only
 * known at run time (IPv4 options, quoted headers in ICMP errors).
 */
#define WC_CSUM_MAXW 64
static __always_inline int wc_csum_words(const void *p, __u32 nwords, const void *end, __u64 *sum)
{
	const __u16 *w = p;
	__u64 s = *sum;

	if (nwords > WC_CSUM_MAXW)
		return -1;
	for (__u32 i = 0; i < WC_CSUM_MAXW; i++) {
		if (i >= nwords)
			break;
		/* Hide w's history from clang: otherwise it folds the bound into arithmetic on
		 * end, which the verifier refuses ("pointer arithmetic on pkt_end"). */
		asm volatile("" : "+r"(w));
		if ((const void *)(w + 1) > end)
			return -1;
		s += *w;
		w++;
	}
	*sum = s;
	return 0;
}

/*
 * Sum len bytes of the frame at p (a payload of any length up to WC_CSUM_PKT_MAX), never reading
 * past end. bpf_csum_diff does the summing in the kernel; it is called on chunks of constant
 * sizes (256 bytes, then 128, 64, ... 4 for the tail) because the verifier checks a helper's
 * packet access against the largest size the size register can hold. An odd last byte counts
 * as the high byte of a word padded with zero (RFC 1071), which in memory order is just the byte.
 * Returns -1 if the bytes are not all in the frame or len is too large.
 *
 * Each chunk's result is added to the 64-bit accumulator rather than chained as the seed, so
 * the code does not depend on whether the kernel returns it folded to 16 bits (6.13+) or not.
 */
#define WC_CSUM_PKT_MAX 4096
static __always_inline int wc_csum_pkt(void *p, __u32 len, void *end, __u64 *sum)
{
	__u64 s = *sum;

	if (len > WC_CSUM_PKT_MAX)
		return -1;
	for (int i = 0; i < WC_CSUM_PKT_MAX / 256; i++) {
		if (len < 256)
			break;
		asm volatile("" : "+r"(p)); /* see wc_csum_words */
		if (p + 256 > end)
			return -1;
		s += (__u32)bpf_csum_diff(0, 0, p, 256, 0);
		p += 256;
		len -= 256;
	}
#define WC_CSUM_CHUNK(n)                                                                   \
	if (len & (n)) {                                                                   \
		asm volatile("" : "+r"(p));                                                \
		if (p + (n) > end)                                                         \
			return -1;                                                         \
		s += (__u32)bpf_csum_diff(0, 0, p, (n), 0);                                \
		p += (n);                                                                  \
	}
	WC_CSUM_CHUNK(128)
	WC_CSUM_CHUNK(64)
	WC_CSUM_CHUNK(32)
	WC_CSUM_CHUNK(16)
	WC_CSUM_CHUNK(8)
	WC_CSUM_CHUNK(4)
#undef WC_CSUM_CHUNK
	if (len & 2) {
		asm volatile("" : "+r"(p));
		if (p + 2 > end)
			return -1;
		s += *(__u16 *)p;
		p += 2;
	}
	if (len & 1) {
		asm volatile("" : "+r"(p));
		if (p + 1 > end)
			return -1;
		s += *(__u8 *)p;
	}
	*sum = s;
	return 0;
}

#endif /* WC_BPF_CSUM_H */
