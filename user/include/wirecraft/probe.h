/* SPDX-License-Identifier: MIT */
/* Scan probe modules: what a scan sends to a target and how it recognises the answer.
 *
 * A probe is a template frame (Ethernet, IPv4 or IPv6, L4) built once from a Scapy expression,
 * either a preset (tcp-syn with OS-like options, tcp-ack, icmp-echo, icmpv6-echo, udp with a
 * payload per port) or the user's own. Per target only the destination address, the destination
 * port and the probe cookie (bpf/cookie.h: SipHash of addresses, protocol and ports, keyed per
 * run) are written, and the checksums are finished from sums precomputed over everything else:
 * a copy, three stores and a few additions per probe.
 *
 * The cookie goes where the answer hands it back: TCP seq (SYN probes: the SYN-ACK or RST
 * acknowledges seq + 1) or ack (ACK probes: the RST carries it as its seq), the UDP source port,
 * the ICMP echo id and sequence. ICMP errors quote the probe's headers and so carry it too.
 * wc_probe_classify checks it again in userspace (the steering program checked it in the
 * kernel already), which also makes any other capture path (libpcap) exact.
 *
 * Functions return 0 or a negative errno and never print; where `why` is taken (160 bytes, may
 * be NULL) a failure leaves a reason ready to print. */
#ifndef WIRECRAFT_PROBE_H
#define WIRECRAFT_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target.h"

enum wc_probe_kind {
	WC_PROBE_TCP_SYN = 0,
	WC_PROBE_TCP_ACK,
	WC_PROBE_ICMP_ECHO,
	WC_PROBE_ICMP6_ECHO,
	WC_PROBE_UDP,
	WC_PROBE_EXPR, /* the user's expression (wc_probe_opts.expr) */
};

/* The SYN's look: window, options and TTL as the named system sends them. */
enum wc_tcp_preset {
	WC_TCP_LINUX = 0, /* MSS, SAckOK, Timestamp, NOP, WScale 7; window 64240; TTL 64 */
	WC_TCP_WINDOWS,   /* MSS, NOP, WScale 8, NOP, NOP, SAckOK; window 64240; TTL 128 */
	WC_TCP_BSD,       /* MSS, NOP, WScale 6, SAckOK, Timestamp; window 65535; TTL 64 */
	WC_TCP_NONE,      /* no options; window 65535; TTL 64 */
};

/* UDP payloads by destination port (a file: see wc_udp_payloads_load). */
struct wc_udp_payloads;

/* Lines "PORTS PAYLOAD": PORTS a port list (22,53,100-200) or "default"; PAYLOAD hex digits
 * (blanks between bytes allowed) or a "quoted string" with C escapes (\x12 \n \r \t \0 \\ \");
 * '#' outside a string starts a comment. A later line wins for a port. -EINVAL with *line
 * (1-based), -E2BIG for a payload over 1400 bytes, or -errno from the file. */
int wc_udp_payloads_load(const char *path, struct wc_udp_payloads **out, unsigned *line);
/* The payload for a port (the default's when none is given; NULL, 0 when no default). */
const uint8_t *wc_udp_payload(const struct wc_udp_payloads *u, uint16_t port, size_t *len);
void wc_udp_payloads_free(struct wc_udp_payloads *u);

struct wc_probe_opts {
	size_t sz; /* sizeof(struct wc_probe_opts) */
	enum wc_probe_kind kind;
	enum wc_tcp_preset preset;               /* tcp-syn */
	const char *expr;                        /* WC_PROBE_EXPR: one packet, IP or IPv6 (or Ether
						    over them); dst and the port/cookie fields are
						    overwritten per target unless pinned */
	const struct wc_udp_payloads *payloads;  /* udp; NULL: empty datagrams */
	uint64_t src_mac, dst_mac;               /* Ethernet source and next hop (48 bits) */
	uint64_t dst_mac6;                       /* the IPv6 next hop when not dst_mac's; 0: same */
	bool has_src4, has_src6;                 /* our addresses, per family */
	uint8_t src4[4], src6[16];
	uint16_t sport;                          /* TCP source port; 0: 61000 */
	uint16_t sport_lo;                       /* UDP cookie ports [lo, lo + n); 0: 32768 ... */
	uint32_t sport_n;                        /* ... 28232 of them (to 60999) */
	uint64_t key[2];                         /* the cookie key (SipHash-2-4) */
	/* Tracing (wirecraft/trace.h; kinds tcp-syn, udp, icmp-echo: the echo of each family,
	 * icmpv6-echo: IPv6 only). wc_probe_make's port is then the TTL (IPv6 hop limit,
	 * 1..255) and the destination port is trace_dport. The TTL travels where every answer
	 * hands it back, the cookie keeping the bits above it: the low byte of the TCP seq (an
	 * ICMP error quotes it, a SYN-ACK or RST acknowledges it), of the echo sequence (the
	 * payload's first word compensates it, so the ICMP checksum stays the same for every TTL
	 * of a target, as Paris traceroute keeps it) or of the UDP checksum (steered by the
	 * payload's first word; the ports stay the target's). The flow (addresses, protocol,
	 * ports) is thus one per target: load balancers send every TTL down the same path. An
	 * answer's wc_probe_reply.tport is the TTL of the probe it answers. */
	bool trace;
	uint16_t trace_dport;
};

struct wc_probe;

int wc_probe_new(const struct wc_probe_opts *o, struct wc_probe **out, char *why);
void wc_probe_free(struct wc_probe *p);

/* "tcp-syn", "tcp-ack", "icmp-echo", "icmpv6-echo", "udp", "expr". */
const char *wc_probe_name(const struct wc_probe *p);
/* A built-in probe by its name: those above but "expr", and the aliases "syn" and
 * "icmp6-echo". Returns 0, or -ENOENT (an expression, a "udp:" module: the caller's). */
int wc_probe_kind_parse(const char *name, enum wc_probe_kind *kind);
/* What a probe needs to know before a scan is set up, without any address: does it go to
 * ports, and the expression's own destination port (0: none). A throwaway build with stand-in
 * addresses (198.18.0.1, 2001:db8::1) answers, so a bad expression is reported (-EINVAL,
 * why: WC_PROBE_WHY bytes) before anything is opened. */
#define WC_PROBE_WHY 160
int wc_probe_shape(const struct wc_probe_opts *o, bool *has_ports, uint16_t *expr_port,
		   char *why);
/* Does the probe go to ports (TCP, UDP)? If not, a scan's port list is the single port 0. */
bool wc_probe_has_ports(const struct wc_probe *p);
/* Can it probe addresses of this family (AF_INET, AF_INET6)? */
bool wc_probe_family(const struct wc_probe *p, int family);
/* The user's expression: its destination port (to scan when no port list is given); 0. */
uint16_t wc_probe_expr_port(const struct wc_probe *p);
/* What the steering program must look for (WC_SF_* of wirecraft/steer.h), and its
 * WC_SF_TCP_SEQ ack window (largest TCP probe payload). */
uint32_t wc_probe_steer_flags(const struct wc_probe *p);
uint32_t wc_probe_tcp_extra(const struct wc_probe *p);
uint16_t wc_probe_sport_lo(const struct wc_probe *p);
/* Tracing: the cookie bits that carry the TTL (WC_PROBE_TRACE_MASK); 0 otherwise. */
#define WC_PROBE_TRACE_MASK 0xffu
uint32_t wc_probe_trace_mask(const struct wc_probe *p);
uint32_t wc_probe_sport_n(const struct wc_probe *p);
/* Largest frame a probe takes. */
size_t wc_probe_max_len(const struct wc_probe *p);
/* How the cookie travels, for the record: "TCP seq", "UDP source port", ... */
const char *wc_probe_cookie_where(const struct wc_probe *p);

/* The probe to (dst, dport) into frame (cap bytes). Returns its length, or -EAFNOSUPPORT (no
 * template for dst's family), -ENOSPC. No allocation, no system call. */
int wc_probe_make(const struct wc_probe *p, const struct wc_ipaddr *dst, uint16_t dport,
		  uint8_t *frame, size_t cap);

/* What an answer says. */
struct wc_probe_reply {
	struct wc_ipaddr target; /* the probe's destination (an ICMP error: the quoted one) */
	uint16_t tport;          /* the probe's destination port (0 without ports) */
	struct wc_ipaddr saddr, daddr; /* the answer's own addresses: the responder, us */
	uint16_t sport, dport;   /* the answer's ports (ICMP: 0) */
	const char *classification; /* synack, rst, echo-reply, udp, port-unreach, ... */
	bool success;            /* the target is there: open port, echo, UDP answer */
	uint8_t proto;           /* the answer's IP protocol */
	uint8_t ttl;             /* IPv4 TTL, IPv6 hop limit */
	uint16_t ipid;           /* IPv4 identification (IPv6: 0) */
	uint16_t window;         /* TCP window (else 0) */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
};

/* Is this Ethernet frame an answer to one of p's probes? 0 with *r filled; -ENOENT when it is
 * not (another kind, another run's cookie, not for us). Never reads outside frame[0, len). */
int wc_probe_classify(const struct wc_probe *p, const uint8_t *frame, size_t len,
		      struct wc_probe_reply *r);

#endif
