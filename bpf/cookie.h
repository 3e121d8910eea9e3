/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The probe cookie and the expected-reply key: how wirecraft recognises the replies to its own
 * probes. Header-only, no libc: the same code compiles into bpf/steer.bpf.c (which checks
 * replies) and into the library (which writes cookies into probes and keys into the map), so
 * the two sides cannot disagree.
 *
 * Cookie: SipHash-2-4 (64-bit output, 128-bit key drawn at random for each run) over what the
 * reply hands back unchanged: family, protocol, both addresses and the ports that the probe
 * keeps fixed. It goes where the reply echoes it:
 *
 *   TCP, SYN or no ACK   seq = C          SYN-ACK / RST-ACK: ack = C + 1 (+ payload, + FIN)
 *   TCP, ACK without SYN ack = C          RST: seq = C
 *   UDP                  sport = lo + C mod n (a range of n ports from lo; C over dport only)
 *   ICMP / ICMPv6 echo   id = C >> 16, seq = C & 0xffff (32 bits)
 *
 * and an ICMP error quotes the probe's IP header and first 8 L4 bytes: sport, dport and seq
 * for TCP, sport for UDP, id and seq for echo, so those are checked the same way. C here is
 * wc_cookie32(), the 64-bit hash folded to 32 bits.
 *
 * Addresses go in as the 32-bit words they are in memory (network-order bytes loaded as they
 * lie), ports as host-order numbers; BPF and userspace run on the same CPU, so both load the
 * same words.
 *
 * Expected-reply key (struct wc_steer_key): for probes whose fields the user pinned, leaving
 * no room for a cookie. Userspace puts the key of each probe into a BPF hash map before sending
 * it; steer.bpf.c builds the key of each candidate reply and looks it up. The key is the same
 * from both directions (Scapy's hashret idea): the two endpoints are put in a fixed order.
 */
#ifndef WC_BPF_COOKIE_H
#define WC_BPF_COOKIE_H

#include <linux/types.h>

#define WC_CK_INLINE static inline __attribute__((always_inline))
#define WC_CK_MEMCPY __builtin_memcpy
/* Loops with constant bounds, unrolled: the verifier then sees straight-line code. */
#ifdef __clang__
#define WC_CK_UNROLL _Pragma("unroll")
#else
#define WC_CK_UNROLL _Pragma("GCC unroll 8")
#endif

/* ---- SipHash-2-4 ----------------------------------------------------------------------------- */

struct wc_cookie_key {
	__u64 k0, k1;
};

#define WC_ROTL64(x, b) (__u64)(((x) << (b)) | ((x) >> (64 - (b))))
#define WC_SIPROUND(v0, v1, v2, v3)                                                        \
	do {                                                                               \
		v0 += v1; v1 = WC_ROTL64(v1, 13); v1 ^= v0; v0 = WC_ROTL64(v0, 32);        \
		v2 += v3; v3 = WC_ROTL64(v3, 16); v3 ^= v2;                                \
		v0 += v3; v3 = WC_ROTL64(v3, 21); v3 ^= v0;                                \
		v2 += v1; v1 = WC_ROTL64(v1, 17); v1 ^= v2; v2 = WC_ROTL64(v2, 32);        \
	} while (0)

/* SipHash-2-4 of n 64-bit words (a message of 8n bytes, read as little-endian words as the
 * reference does on a little-endian machine). n is a constant at every call, so the loop
 * unrolls and the verifier sees straight-line code. */
WC_CK_INLINE __u64 wc_siphash24(const __u64 *m, const int n, __u64 k0, __u64 k1)
{
	__u64 v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	__u64 v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	__u64 b = (__u64)(n * 8) << 56;

WC_CK_UNROLL
	for (int i = 0; i < n; i++) {
		v3 ^= m[i];
		WC_SIPROUND(v0, v1, v2, v3);
		WC_SIPROUND(v0, v1, v2, v3);
		v0 ^= m[i];
	}
	v3 ^= b;
	WC_SIPROUND(v0, v1, v2, v3);
	WC_SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	WC_SIPROUND(v0, v1, v2, v3);
	WC_SIPROUND(v0, v1, v2, v3);
	WC_SIPROUND(v0, v1, v2, v3);
	WC_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The last word: family tag, protocol, the two fixed ports. The family tag keeps an IPv4 and
 * an IPv6 probe apart even if their words happened to agree. */
WC_CK_INLINE __u64 wc_cookie_tail(__u8 fam, __u8 proto, __u16 sport, __u16 dport)
{
	return ((__u64)fam << 56) | ((__u64)proto << 32) | ((__u64)sport << 16) | dport;
}

/* saddr/daddr: the probe's (the reply's daddr/saddr). */
WC_CK_INLINE __u64 wc_cookie4(const struct wc_cookie_key *k, __u32 saddr, __u32 daddr,
			      __u8 proto, __u16 sport, __u16 dport)
{
	__u64 m[2];

	m[0] = ((__u64)saddr << 32) | daddr;
	m[1] = wc_cookie_tail(4, proto, sport, dport);
	return wc_siphash24(m, 2, k->k0, k->k1);
}

WC_CK_INLINE __u64 wc_cookie6(const struct wc_cookie_key *k, const __u32 *saddr,
			      const __u32 *daddr, __u8 proto, __u16 sport, __u16 dport)
{
	__u64 m[5];

	m[0] = ((__u64)saddr[0] << 32) | saddr[1];
	m[1] = ((__u64)saddr[2] << 32) | saddr[3];
	m[2] = ((__u64)daddr[0] << 32) | daddr[1];
	m[3] = ((__u64)daddr[2] << 32) | daddr[3];
	m[4] = wc_cookie_tail(6, proto, sport, dport);
	return wc_siphash24(m, 5, k->k0, k->k1);
}

/* The 32 bits that go into a probe: all 64 folded, so every output bit counts. */
WC_CK_INLINE __u32 wc_cookie32(__u64 c)
{
	return (__u32)(c ^ (c >> 32));
}

/* UDP: the source port carrying cookie c, in [lo, lo + n). Multiply-shift rather than a
 * modulo: uniform enough, and no division in the BPF program. n is 1..65536. */
WC_CK_INLINE __u16 wc_cookie_sport(__u32 c32, __u16 lo, __u32 n)
{
	return (__u16)(lo + (__u16)(((__u64)c32 * n) >> 32));
}

/* TCP: does a reply's ack acknowledge a probe whose seq was c32? RFC 9293 answers a SYN with
 * ack = seq + 1, a FIN with seq + len + 1, a segment of len bytes with seq + len; Scapy
 * accepts up to 2 more than the payload. extra is the largest probe payload. */
WC_CK_INLINE int wc_cookie_ack_ok(__u32 ack, __u32 c32, __u32 extra)
{
	return (__u32)(ack - c32) <= 2 + extra;
}

/* ---- expected-reply key -------------------------------------------------------------------- */

enum wc_steer_kind {
	WC_SK_NONE = 0,
	WC_SK_TCP,   /* addresses and ports */
	WC_SK_UDP,   /* addresses and ports */
	WC_SK_ICMP,  /* addresses, id, seq (echo, timestamp, information, address mask) */
	WC_SK_ICMP6, /* addresses, id, seq (echo) */
	WC_SK_IP,    /* addresses and protocol only (any other IP protocol) */
	WC_SK_ARP,   /* the two protocol addresses */
	WC_SK_ND,    /* the target address of an NS / NA */
};

struct wc_steer_key {
	__u8 kind;  /* enum wc_steer_kind */
	__u8 proto; /* IP protocol number (0 for ARP and ND) */
	__u8 fam;   /* 4 or 6 */
	__u8 pad;
	__u16 pa, pb; /* ports with a and b (TCP, UDP); id and seq (ICMP); 0 otherwise */
	__u32 a[4], b[4]; /* addresses as in memory; IPv4 in word 0, the rest zero */
};

/* Is endpoint (x, px) ordered before (y, py)? Addresses compared word by word as numbers:
 * any fixed order will do, both sides use this one. */
WC_CK_INLINE int wc_ep_before(const __u32 *x, __u16 px, const __u32 *y, __u16 py)
{
WC_CK_UNROLL
	for (int i = 0; i < 4; i++) {
		if (x[i] != y[i])
			return x[i] < y[i];
	}
	return px <= py;
}

/*
 * Fill k for an exchange between endpoints x and y (either direction). Addresses are 4 words
 * (IPv4: word 0, rest zero). For TCP and UDP each port stays with its address; for the other
 * kinds pa/pb are not endpoint properties (ICMP id and seq) and keep their places.
 */
WC_CK_INLINE void wc_steer_key_make(struct wc_steer_key *k, __u8 kind, __u8 proto, __u8 fam,
				    const __u32 *x, __u16 px, const __u32 *y, __u16 py)
{
	int ports_move = kind == WC_SK_TCP || kind == WC_SK_UDP;
	int swap = !wc_ep_before(x, ports_move ? px : 0, y, ports_move ? py : 0);

	k->kind = kind;
	k->proto = proto;
	k->fam = fam;
	k->pad = 0;
	if (swap) {
		WC_CK_MEMCPY(k->a, y, 16);
		WC_CK_MEMCPY(k->b, x, 16);
	} else {
		WC_CK_MEMCPY(k->a, x, 16);
		WC_CK_MEMCPY(k->b, y, 16);
	}
	if (ports_move && swap) {
		k->pa = py;
		k->pb = px;
	} else {
		k->pa = px;
		k->pb = py;
	}
}

#endif /* WC_BPF_COOKIE_H */
