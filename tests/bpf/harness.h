/* SPDX-License-Identifier: MIT */
/*
 * The BPF hostile-frame harness (tests/bpf/): runs wirecraft's XDP programs with BPF_PROG_RUN
 * over generated and corpus frames and compares each verdict with a reference decision written
 * in plain C from the program's documented rules.
 *
 * The pieces:
 *   bpf_run.c     the driver: the table of programs, loading, running, counting, reporting
 *   frames.c      frame construction (probes), checksum repair, the hostile transforms
 *   ref_reflect.c the reflector's reference decision and the checker of its answers
 *
 * Adding a program is one entry in the table of bpf_run.c: how to load it with a given
 * configuration, which configurations to try, which base frames aim at it, its reference
 * decision and its reply check.
 */
#ifndef WC_TESTS_BPF_HARNESS_H
#define WC_TESTS_BPF_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest frame the harness builds. The kernel takes up to a page minus XDP headroom and
 * skb_shared_info in the linear part; the oversized cases go past that on purpose. */
#define FRAME_MAX 9216

/* ---- byte helpers (network order) ------------------------------------------------------- */

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One's complement sum of len bytes as big-endian words (an odd last byte is the high byte of
 * a word padded with zero, RFC 1071), added to sum; not folded. */
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len);
/* Folded to 16 bits, not complemented. */
uint16_t csum_fold(uint32_t sum);

/* ---- the "world" a program is tested in ------------------------------------------------- */

/* Addresses and ports that base frames aim at. Each program's configuration says which of
 * them are ours (population, open ports) and which are not. Addresses in network order. */
struct world {
	uint8_t mac_peer[6];   /* the prober */
	uint8_t mac_local[6];  /* the interface the program runs on */
	uint8_t src4[4], dst4[4], other4[4], excl4[4], net4[4], bcast4[4];
	uint8_t src6[16], dst6[16], other6[16], excl6[16];
	uint16_t tcp_open, tcp_closed, udp_open, udp_open2, udp_closed;
};

/* ---- frame building --------------------------------------------------------------------- */

/* Where a built frame's headers are, for transforms that poke at them. */
struct layout {
	size_t l2;      /* bytes before L3 */
	size_t l3;      /* offset of the IP/ARP header */
	size_t l4;      /* offset of the L4 header (0: none) */
	int family;     /* 4, 6 or 0 (ARP, other) */
};

/* A callback that receives frames: tag names the case in failure reports. */
typedef void (*emit_fn)(void *ctx, const uint8_t *f, size_t n, const char *tag);

/* The base frames: every kind of probe a reflector answers, aimed at the world, plus frames
 * that must be left alone (not for the population, bad sources, replies, ...). */
void frames_reflect_base(const struct world *w, emit_fn emit, void *ctx);
/* Every hostile variant of one frame: each prefix length, VLAN tags 0-3, oversizing, Ethernet
 * padding, byte flips (with and without checksum repair). seed makes random parts repeatable. */
void frames_hostile(const uint8_t *f, size_t n, const char *tag, uint64_t *seed, int flips,
		    emit_fn emit, void *ctx);
/* Malformed IPv4/IPv6 constructions (header fields out of range, options, extension header
 * chains, fragments, ICMP errors quoting garbage). */
void frames_malformed(const struct world *w, emit_fn emit, void *ctx, uint64_t *seed);
/* Recompute the IPv4 header checksum and the L4 checksum of a frame, as far as its headers can
 * be followed (anything that does not parse is left as it is). */
void frame_refix(uint8_t *f, size_t n);

/* xorshift64*: repeatable pseudo-random numbers for the mutating transforms. */
uint64_t rnd(uint64_t *s);

/* ---- reflector reference ---------------------------------------------------------------- */

/* The reflector's configuration as the harness sets it (mirrors the program's rodata/bss). */
struct reflect_cfg {
	const char *name;
	uint32_t flags;               /* WC_RF_* */
	uint8_t net4[4], mask4[4];
	uint8_t net6[16], mask6[16];
	uint8_t excl4[8][4];
	unsigned n_excl4;
	uint8_t excl6[8][16];
	unsigned n_excl6;
	uint32_t key[2];
	uint16_t mss4, mss6;
	uint16_t tcp_open[8], udp_open[8];
	unsigned n_tcp_open, n_udp_open;
};

/* What the reference expects of one frame. */
struct ref_result {
	int rc;        /* WC_RC_*: which counter the program must bump */
	int xdp;       /* XDP_PASS / XDP_TX / XDP_DROP */
	size_t newlen; /* for an answer: its exact length (0: the probe's own) */
	/* Parsed offsets, for the reply check. */
	size_t l2, l3, l4, l4len, ext, ulen, hlen;
};

void ref_reflect(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r);
/* Is `reply` (rn bytes) a valid answer to `probe` under the reference result r? Returns NULL if
 * so, else what is wrong (a static string or one written into why). */
const char *check_reflect_reply(const struct reflect_cfg *c, const uint8_t *probe, size_t n,
				const struct ref_result *r, const uint8_t *reply, size_t rn,
				char *why, size_t whylen);
/* The reflector's SYN-ACK ISN: HalfSipHash-1-3 over the given 32-bit words, as the program
 * loads them from the frame (host-order loads of network-order bytes). */
uint32_t ref_hsip13(const uint32_t key[2], const uint32_t *m, int n);

/* ---- reply-steering reference ----------------------------------------------------------- */

struct wc_steer_key; /* bpf/cookie.h */

/* The steering program's configuration as the harness sets it (its rodata and `expect` map). */
struct steer_cfg {
	const char *name;
	uint32_t flags;     /* WC_SF_* */
	uint64_t key[2];    /* cookie key */
	uint16_t sport_lo;  /* UDP cookie ports [sport_lo, sport_lo + sport_n) */
	uint32_t sport_n;
	uint32_t tcp_extra; /* largest TCP probe payload */
	uint32_t trace_mask; /* tracing: the cookie's low bits that carry the TTL */
	const struct wc_steer_key *expect; /* the map's keys */
	unsigned nexpect;
};

/* The counter (WC_SC_*) the program must bump for frame f, and its verdict in *xdp. The
 * harness gives the XSKMAP no socket: an answer without WC_SF_COPY is "no socket", passed. */
int ref_steer(const struct steer_cfg *c, const uint8_t *f, size_t n, int *xdp);
/* The 32-bit cookie of a probe ours:ourp -> theirs:theirp (addresses as memory words, 4 of
 * them, IPv4 in the first), and the UDP source port it selects. */
uint32_t steer_cookie(const struct steer_cfg *c, const uint32_t *ours, const uint32_t *theirs,
		      int fam, uint8_t proto, uint16_t ourp, uint16_t theirp);
uint16_t steer_sport(const struct steer_cfg *c, uint32_t c32);
/* Replies (and non-replies) to the probes of world w's prober (src4/src6) to its targets
 * (dst4/dst6), with cookies made for configuration c. */
void frames_steer_base(const struct steer_cfg *c, const struct world *w, emit_fn emit, void *ctx);
/* The expected-reply keys frames_steer_base's map-matched replies need; returns how many. */
unsigned steer_expect_keys(const struct world *w, struct wc_steer_key *out, unsigned cap);

#endif
