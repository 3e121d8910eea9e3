/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wirecraft/xdp.h: the XDP programs of wirecraft, loaded from skeletons embedded in the library.
 *
 * The reflector (bpf/reflect.bpf.c) answers probes to a whole population of addresses on an
 * interface, with XDP_TX: ARP and NDP for neighbour resolution, SYN-ACK/RST for TCP SYNs, echo
 * replies, UDP echo or ICMP port unreachable. It is attached through a bpf_link owned by the
 * process, so the kernel detaches it when the process exits, however it exits; or, on an
 * interface that runs a libxdp dispatcher, as one of its programs (see wc_xdp_clean below).
 *
 * Functions return 0 or a negative errno and never print (libbpf's own messages go to the
 * callback set with wc_xdp_set_log, and nowhere by default).
 *
 * The first part of this header (counters and flags) is plain C with no includes: the BPF
 * program includes it too, so the two sides cannot disagree about the numbering.
 */
#ifndef WIRECRAFT_XDP_H
#define WIRECRAFT_XDP_H

/* Per-verdict counters of the reflector, one per-CPU slot each. */
enum wc_reflect_counter {
	WC_RC_PASS = 0,  /* not for the population: XDP_PASS */
	WC_RC_IGNORED,   /* for the population but not a probe we answer (non-SYN TCP, fragment,
			    bad source, ...): XDP_PASS */
	WC_RC_MALFORMED, /* truncated or inconsistent headers, bad IPv4 header checksum: XDP_PASS */
	WC_RC_ARP,       /* ARP who-has -> is-at */
	WC_RC_NDP,       /* IPv6 Neighbour Solicitation -> Advertisement */
	WC_RC_SYNACK,    /* TCP SYN to an open port -> SYN-ACK */
	WC_RC_RST,       /* TCP SYN to a closed port -> RST-ACK */
	WC_RC_ECHO,      /* ICMP / ICMPv6 echo request -> echo reply */
	WC_RC_UDP_ECHO,  /* UDP to an open port -> the datagram echoed */
	WC_RC_UNREACH,   /* UDP to a closed port -> ICMP / ICMPv6 port unreachable */
	WC_RC_ERROR,     /* a helper failed while building an answer: XDP_DROP */
	WC_RC__MAX
};

/* Reflector behaviour flags (wc_reflect_opts.flags; also the BPF program's cfg_flags). */
#define WC_RF_HOSTS4  (1u << 0) /* hosts4/hosts4_len are set */
#define WC_RF_HOSTS6  (1u << 1) /* hosts6/hosts6_len are set */
#define WC_RF_ICMP    (1u << 2) /* answer ICMP / ICMPv6 echo requests */
#define WC_RF_RST     (1u << 3) /* answer SYNs to closed TCP ports with RST-ACK */
#define WC_RF_UNREACH (1u << 4) /* answer UDP to closed ports with port unreachable */

/* Most addresses of each family that the reflector leaves alone (the interface's own). */
#define WC_REFLECT_MAX_EXCL 8

#ifndef __bpf__ /* ---------------------------------------------------------------- userspace */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct wc_reflect;

/* How to attach (wc_reflect_opts.mode). AUTO lets the kernel pick (native where the driver has
 * it, as on veth); SKB forces generic XDP, which works everywhere at lower speed. */
enum wc_xdp_mode { WC_XDP_AUTO = 0, WC_XDP_NATIVE, WC_XDP_SKB };

struct wc_reflect_opts {
	size_t sz;          /* sizeof(struct wc_reflect_opts): lets the struct grow compatibly */
	uint32_t flags;     /* WC_RF_* */
	struct in_addr hosts4;   /* IPv4 population: prefix and length (WC_RF_HOSTS4) */
	uint8_t hosts4_len;
	struct in6_addr hosts6;  /* IPv6 population (WC_RF_HOSTS6) */
	uint8_t hosts6_len;
	const uint16_t *tcp_open; /* open TCP ports (SYN-ACK), n_tcp_open of them */
	size_t n_tcp_open;
	const uint16_t *udp_open; /* open UDP ports (echo), n_udp_open of them */
	size_t n_udp_open;
	/* Addresses inside the population that are never answered for: the interface's own
	 * addresses, so the host's stack keeps them. At most WC_REFLECT_MAX_EXCL of each. */
	const struct in_addr *excl4;
	size_t n_excl4;
	const struct in6_addr *excl6;
	size_t n_excl6;
	enum wc_xdp_mode mode;
};

/* Open and load the reflector (verifier included). Nothing is attached yet. */
int wc_reflect_open(struct wc_reflect **out, const struct wc_reflect_opts *opts);
/* Attach to ifindex in the caller's network namespace: a bpf_link, or a component of the
 * interface's libxdp dispatcher. -EBUSY/-EEXIST if the interface has another XDP program;
 * -EOPNOTSUPP if the requested mode is unavailable; wc_xdp_attach_error() says the rest. */
int wc_reflect_attach(struct wc_reflect *r, int ifindex);
/* Open or close one port while attached or not. proto is IPPROTO_TCP or IPPROTO_UDP. */
int wc_reflect_set_port(struct wc_reflect *r, int proto, uint16_t port, bool open);
/* Sum the per-CPU counters into out[WC_RC__MAX]. */
int wc_reflect_counters(const struct wc_reflect *r, uint64_t out[WC_RC__MAX]);
/* The id of the attached program (for `bpftool prog show id N`), 0 when not attached. */
uint32_t wc_reflect_prog_id(const struct wc_reflect *r);
/* Detach (idempotent). */
void wc_reflect_detach(struct wc_reflect *r);
/* True while attached as a component of a libxdp dispatcher: detaching then needs the
 * privileges of attaching (CAP_BPF, CAP_NET_ADMIN, bpffs), so do not drop them. */
bool wc_reflect_shared(const struct wc_reflect *r);
/* Detach, unload, free. NULL is accepted. */
void wc_reflect_close(struct wc_reflect *r);

/* Read the counters of a reflector attached to ifindex by another process (in the caller's
 * network namespace). -ENOENT if the interface has no wirecraft reflector. */
int wc_reflect_counters_ifindex(int ifindex, uint64_t out[WC_RC__MAX]);

/* Short stable name of a counter ("synack", "passed", ...), NULL when out of range. */
const char *wc_reflect_counter_name(int counter);

/* The MAC address the reflector answers with for addr: 02:00 followed by the IPv4 address, or by
 * the low 32 bits of the IPv6 address (locally administered, unicast). */
void wc_reflect_mac4(struct in_addr addr, uint8_t mac[6]);
void wc_reflect_mac6(const struct in6_addr *addr, uint8_t mac[6]);

/* Where libbpf's messages (verifier log included) go: NULL (the default) drops them. */
typedef void (*wc_xdp_log_fn)(const char *msg);
void wc_xdp_set_log(wc_xdp_log_fn fn);

/* ---- sharing an interface with other XDP programs --------------------------------------------
 * An interface without an XDP program gets a bpf_link (nothing outlives the process). One that
 * runs a libxdp multiprog dispatcher (xdp-loader, or any libxdp user) is joined: wirecraft's
 * program becomes one of its components and leaves it at detach. libxdp pins components in
 * bpffs, so a process killed with SIGKILL leaves its component behind; the next attach on that
 * interface, or wc_xdp_clean, removes wirecraft components that no living process holds. Any
 * other XDP program makes attaching fail with -EBUSY. */
#define WC_XDP_MAX_PROGS 10 /* a libxdp dispatcher runs at most 10 programs */

struct wc_xdp_prog_state {
	uint32_t id;     /* BPF program id */
	char name[16];   /* BPF program name */
	bool ours;       /* a wirecraft program: wc_reflect, wc_steer or wc_steal */
	int holder;      /* ours: pid of a process holding it, 0 none (stale), -1 cannot tell */
	bool removed;    /* taken out of the dispatcher by this call */
};

struct wc_xdp_clean_report {
	bool dispatcher; /* the interface runs a libxdp dispatcher */
	unsigned n;      /* its components */
	struct wc_xdp_prog_state progs[WC_XDP_MAX_PROGS];
};

/* Remove the stale wirecraft components from the dispatcher on ifindex (with dry_run, only
 * report them). An interface without a dispatcher is not an error: rep->dispatcher is false.
 * -ESTALE when a dispatcher is there but its state in bpffs cannot be read. */
int wc_xdp_clean(int ifindex, bool dry_run, struct wc_xdp_clean_report *rep);

/* A sentence for an error of the attach functions (wc_reflect_attach, wc_steer_attach, sniff
 * --steal): the sharing cases in words, strerror() for the rest. */
const char *wc_xdp_attach_error(int err);

#endif /* !__bpf__ */
#endif /* WIRECRAFT_XDP_H */
