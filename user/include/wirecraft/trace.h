/* SPDX-License-Identifier: MIT */
/* Stateless tracing (yarrp's idea, Scapy's traceroute() for the result): every (target, TTL)
 * pair is one element of the scan permutation (wirecraft/scan.h, with the TTLs where a scan
 * has ports), so probes to a whole prefix go out in a pseudo-random order at scan speed and
 * no probe leaves any state behind. The TTL travels in the probe where every answer hands it
 * back (wirecraft/probe.h, wc_probe_opts.trace): an ICMP time exceeded quotes it, the target's
 * own answer (SYN-ACK or RST, echo reply, port unreachable) echoes it; the cookie around it
 * says the answer is ours. The flow identifiers (addresses, protocol, ports; for ICMP the
 * checksum too) are constant per target, as Paris traceroute keeps them, so a load balancer
 * sends every TTL of a target down one path.
 *
 * The answers are gathered into one path per target (the router that answered each TTL, its
 * round-trip time and reply, up to the target itself when it answered) and the links between
 * routers seen at consecutive TTLs, deduplicated over all targets.
 *
 *   struct wc_trace_opts o = { .sz = sizeof(o), .scan = {...}, .targets = set,
 *                              .min_ttl = 1, .max_ttl = 30, .dport = 80 };
 *   wc_trace(&o, &tr, &st, why);
 *   wc_trace_write(tr, "hops.jsonl", WC_TRACE_JSON);
 *
 * Functions return 0 or a negative errno and never print; `why` (WC_SCAN_WHY bytes) gets a
 * reason ready to print after "wirecraft: ". */
#ifndef WIRECRAFT_TRACE_H
#define WIRECRAFT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan.h"
#include "target.h"

#define WC_TRACE_MAX_TTL 255

/* One TTL of a path. A TTL nobody answered has addr.family 0. */
struct wc_trace_hop {
	uint8_t ttl;
	struct wc_ipaddr addr;  /* the router that answered (or the target itself) */
	double rtt_ms;          /* < 0: not known */
	const char *reply;      /* ttl-exceeded, synack, rst, echo-reply, port-unreach, ... */
	uint8_t reply_ttl;      /* the answer's own TTL as it arrived */
};

struct wc_trace_path {
	struct wc_ipaddr target;
	bool reached;           /* the target answered: its hop is the last */
	uint8_t dest_ttl;       /* the TTL it answered at (0 when not reached) */
	unsigned nhops;         /* hops[i] is TTL min_ttl + i; up to the target, or the last
				   TTL that got an answer */
	struct wc_trace_hop *hops;
};

/* Two routers seen at consecutive TTLs of some target: from at TTL `ttl`, to at ttl + 1. */
struct wc_trace_link {
	struct wc_ipaddr from, to;
	uint8_t ttl;            /* the smallest TTL it was seen at */
	uint32_t paths;         /* targets whose path has it */
};

struct wc_trace;

struct wc_trace_opts {
	size_t sz;                    /* sizeof(struct wc_trace_opts) */
	/* The scan: interface, probe (kind tcp-syn, udp or icmp-echo; trace and trace_dport
	 * are set here), rate, retries, cooldown, seed, source, stop, progress, ... Its
	 * targets, all_replies and on_result are the trace's own. */
	struct wc_scan_opts scan;
	const struct wc_ipset *targets;
	uint8_t min_ttl, max_ttl;     /* 1..255; 0: 1 and 30 */
	uint16_t dport;               /* TCP and UDP destination port; 0: 80 (TCP), 33434 (UDP) */
	/* Preprobing, in phases of one scan: a sample of the targets (every 16th; all of 64 or
	 * fewer) at max_ttl, whose answer from the target tells its distance (the initial TTL
	 * it likely used, 64, 128 or 255, less the answer's TTL, is the hops back: FlashRoute's
	 * preprobe); then every other target once at the sample's most common distance, the
	 * split TTL, where the target's own answer is its hop (measured at that TTL) and a
	 * router's says the path goes on; then the TTLs below the split (every other TTL after
	 * a router), up to the distance for a sampled target and beyond it when it did not
	 * answer within it (a path longer out than back). A target that did not answer gets
	 * every TTL. No TTL beyond a target is sent, and every hop reported answered a probe
	 * sent with its TTL. Two bytes per target address while it runs (at most 2^28). */
	bool preprobe;
	/* Called once the paths and links are made, with scan.arg, on the calling thread,
	 * while the scan's datapath is still being released on another (wc_scan_opts.on_over):
	 * a caller that writes them out here does not wait for the tear-down first. Not called
	 * when the trace fails. */
	void (*on_paths)(const struct wc_trace *tr, void *arg);
};

/* Run a trace. 0 with *out (the caller's to free) and *st filled; -errno as wc_scan. */
int wc_trace(const struct wc_trace_opts *o, struct wc_trace **out, struct wc_scan_stats *st,
	     char *why);
void wc_trace_free(struct wc_trace *tr);

/* The paths, in the targets' order; the links, in (from, to) order. */
size_t wc_trace_npaths(const struct wc_trace *tr);
const struct wc_trace_path *wc_trace_path(const struct wc_trace *tr, size_t i);
size_t wc_trace_nlinks(const struct wc_trace *tr);
const struct wc_trace_link *wc_trace_link(const struct wc_trace *tr, size_t i);
/* Targets traced, and how many answered at all / were reached; preprobe: how many probes
 * the preprobe sent and how many (target, TTL) pairs it left out. */
uint64_t wc_trace_preprobes(const struct wc_trace *tr);
uint64_t wc_trace_skipped(const struct wc_trace *tr);
/* Pairs the preprobe's last phase probed beyond a distance (a path longer out than back). */
uint64_t wc_trace_extended(const struct wc_trace *tr);

/* Where the time went, in seconds: set-up (interface, sockets, steering program, next hop),
 * each phase from its first probe to the end of its cooldown (one phase without --preprobe;
 * the preprobe's: 0 the sample's preprobes, 1 the others', 2 the TTLs below, 3 those
 * beyond a distance; 0 for a phase not run), tear-down, and making the paths and links. */
struct wc_trace_times {
	double setup_s, phase_s[4], teardown_s, paths_s;
};
void wc_trace_times(const struct wc_trace *tr, struct wc_trace_times *out);

/* Targets traced, and how many answered at all / were reached. */
uint64_t wc_trace_ntargets(const struct wc_trace *tr);
uint64_t wc_trace_nreached(const struct wc_trace *tr);

/* ---- output (user/trace_out.c) -------------------------------------------------------------- */

enum wc_trace_format {
	WC_TRACE_TEXT = 0, /* per target: hop, router, rtt, reply; then the links */
	WC_TRACE_JSON,     /* JSON lines: {"type":"path",...} per target, {"type":"link",...} */
	WC_TRACE_CSV,      /* target,ttl,addr,rtt_ms,reply,reached: a line per hop answered */
	WC_TRACE_DOT,      /* the router-level graph for graphviz (Scapy's .graph()) */
};

/* "text", "json", "csv", "dot" -> the format; -1 for anything else. */
int wc_trace_format_parse(const char *name);

/* Write everything to path (written whole under a temporary name, then renamed), or to
 * standard output when path is NULL or "-". probe: a label for the text and dot headers
 * ("tcp-syn port 80"); may be NULL. */
int wc_trace_write(const struct wc_trace *tr, const char *path, enum wc_trace_format fmt,
		   const char *probe);

#endif
