/* SPDX-License-Identifier: MIT */
/* wirecraft match: pair the probes of one capture with the replies of another, offline,
 * by Scapy's rules (hashret and answers), and print what Scapy's sr() would have: one
 * "REQUEST ==> REPLY" summary line a pair, then its "Received ..." line. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wirecraft/format.h"
#include "wirecraft/match.h"
#include "wirecraft/pcapio.h"

static const char match_help[] =
	"Usage: wirecraft match [OPTIONS] SENT RECEIVED\n\n"
	"Pair the requests captured in SENT (pcap or pcapng) with the replies captured in\n"
	"RECEIVED, as Scapy's sr() pairs them (a reply answers the first request sent that\n"
	"it answers), and print one \"REQUEST ==> REPLY\" summary line a pair, then\n"
	"\"Received N packets, got M answers, remaining K packets\". Every request is held\n"
	"before the first reply is looked at, whatever the timestamps say (two captures may\n"
	"not share a clock). When one capture has Ethernet frames and the other starts at IP\n"
	"(raw, cooked or loopback captures), the Ethernet frames are compared from their IP\n"
	"header, as Scapy's layer-3 sr() sees packets.\n\n"
	"Options:\n"
	"      --json              one JSON object a pair: {\"request\": [layers],\n"
	"                          \"reply\": [layers], \"rtt_us\": N, \"request_no\": I,\n"
	"                          \"reply_no\": J} (frame numbers from 1, rtt from the\n"
	"                          capture timestamps), then {\"received\": N, \"answers\": M,\n"
	"                          \"remaining\": K}\n"
	"      --multi             a request may be answered more than once (Scapy's multi)\n"
	"      --unans             then list the requests never answered\n"
	"      --no-check-ipaddr   do not compare reply addresses (Scapy's checkIPaddr off)\n"
	"      --no-check-ipsrc    no source address and ports in the key (checkIPsrc off)\n"
	"      --check-ipid        the IP id quoted in ICMP errors must match (checkIPID)\n"
	"      --no-check-ipinip   look through IP in IP (checkIPinIP off)\n"
	"      --check-tcperror-seqack  quoted TCP seq and ack must match\n"
	"      --scapy-gaps        also miss what Scapy misses (IPv6 multicast requests,\n"
	"                          RST seq 0 after a request without ACK)\n"
	"  -h, --help              this text\n\n"
	"With --unans the unanswered requests come after the pairs, one summary line (or\n"
	"{\"unanswered\": [layers], \"request_no\": I}) each; the \"Received\" line is last.\n";

struct match_cli {
	const char *sent, *received;
	struct wc_match_opts mo;
	bool json, multi, unans;
	bool sent_l3, received_l3; /* compare from the IP header: cut the link layer off */
};

static void parse_opts(int argc, char **argv, struct match_cli *o)
{
	enum { O_JSON = 256, O_MULTI, O_UNANS, O_NOADDR, O_NOSRC, O_IPID, O_NOIPINIP, O_SEQACK,
	       O_GAPS };
	static const struct option lopts[] = {
		{"json", no_argument, NULL, O_JSON},
		{"multi", no_argument, NULL, O_MULTI},
		{"unans", no_argument, NULL, O_UNANS},
		{"no-check-ipaddr", no_argument, NULL, O_NOADDR},
		{"no-check-ipsrc", no_argument, NULL, O_NOSRC},
		{"check-ipid", no_argument, NULL, O_IPID},
		{"no-check-ipinip", no_argument, NULL, O_NOIPINIP},
		{"check-tcperror-seqack", no_argument, NULL, O_SEQACK},
		{"scapy-gaps", no_argument, NULL, O_GAPS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->mo.sz = sizeof(o->mo);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
		switch (c) {
		case O_JSON: o->json = true; break;
		case O_MULTI: o->multi = true; break;
		case O_UNANS: o->unans = true; break;
		case O_NOADDR: o->mo.no_check_ipaddr = true; break;
		case O_NOSRC: o->mo.no_check_ipsrc = true; break;
		case O_IPID: o->mo.check_ipid = true; break;
		case O_NOIPINIP: o->mo.no_check_ipinip = true; break;
		case O_SEQACK: o->mo.check_tcperror_seqack = true; break;
		case O_GAPS: o->mo.scapy_gaps = true; break;
		case 'h':
			fputs(match_help, stdout);
			cli_flush();
			exit(0);
		default:
			cli_usage("match", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		cli_usage("match", "needs two captures: SENT RECEIVED");
	o->sent = argv[optind];
	o->received = argv[optind + 1];
}

/* One frame of a capture: where its packet starts and as what. With to_l3, from its
 * first IP or IPv6 header when it has one (see l3_side()). */
static const struct wc_proto *frame_start(const struct wc_pcap_reader *r, const uint8_t *d,
					  size_t len, size_t *skip, bool to_l3)
{
	static struct wc_pkt p;
	const struct wc_proto *first = wc_pcap_first_proto(wc_pcap_link(r), d, len, skip);

	if (!first) { /* a cooked frame of a protocol we lack: bytes, as Scapy's Raw */
		*skip = 0;
		return &wc_proto_raw;
	}
	if (to_l3 && wc_dissect(&p, d + *skip, len - *skip, first) == 0) {
		const struct wc_proto *ip = wc_proto_find("IP"), *ip6 = wc_proto_find("IPv6");

		for (unsigned i = 0; i < p.nlayers; i++)
			if (p.l[i].proto == ip || p.l[i].proto == ip6) {
				*skip += p.l[i].off;
				return p.l[i].proto;
			}
	}
	return first;
}

static struct wc_pcap_reader *open_capture(const char *path)
{
	char eb[WC_PCAP_ERRBUF];
	struct wc_pcap_reader *r;

	if (wc_pcap_open_read(path, &r, eb))
		cli_die(path, "%s", eb);
	return r;
}

/* Scapy compares a reply with a request layer by layer from the first: an Ethernet frame
 * never answers an IP packet. Captures of one kind of link compare as they are; when one
 * has Ethernet frames and the other starts at IP (raw, cooked, loopback), the Ethernet side
 * is compared from its IP header, as Scapy's sr() at layer 3 would see it. */
static void l3_side(struct match_cli *o)
{
	struct wc_pcap_reader *a = open_capture(o->sent), *b = open_capture(o->received);
	bool ea = wc_pcap_link(a) == WC_LINK_ETHER, eb = wc_pcap_link(b) == WC_LINK_ETHER;

	o->sent_l3 = ea && !eb;
	o->received_l3 = eb && !ea;
	wc_pcap_close_read(a);
	wc_pcap_close_read(b);
}

static void read_error(const char *path, struct wc_pcap_reader *r, int err)
{
	if (err != -ENOENT)
		cli_die(path, "%s", wc_pcap_read_error(r));
}

/* The matcher sized for every request of the capture: one pass to count them. */
static struct wc_matcher *matcher_for(const struct match_cli *o)
{
	struct wc_matcher_opts mopt = {.sz = sizeof(mopt), .match = o->mo, .multi = o->multi};
	struct wc_pcap_reader *r = open_capture(o->sent);
	struct wc_matcher *m;
	const uint8_t *d;
	size_t len, bytes = 0;
	uint64_t n = 0;
	int err;

	while ((err = wc_pcap_next(r, &d, &len, NULL)) == 0) {
		n++;
		bytes += len + 1; /* an empty request still takes a byte */
	}
	read_error(o->sent, r, err);
	wc_pcap_close_read(r);
	if (n > UINT32_MAX / 2)
		cli_die(o->sent, "too many packets (%" PRIu64 ")", n);
	mopt.max_requests = n ? (uint32_t)n : 1;
	mopt.arena_bytes = bytes ? bytes : 1;
	err = wc_matcher_new(&mopt, &m);
	if (err)
		cli_die_err("match", err);
	return m;
}

static void load_requests(const struct match_cli *o, struct wc_matcher *m)
{
	struct wc_pcap_reader *r = open_capture(o->sent);
	const uint8_t *d;
	size_t len;
	struct timespec ts;
	uint64_t no = 0;
	int err;

	while ((err = wc_pcap_next(r, &d, &len, &ts)) == 0) {
		size_t skip = 0;
		const struct wc_proto *first = frame_start(r, d, len, &skip, o->sent_l3);

		no++;
		err = wc_matcher_add(m, d + skip, len - skip, first, no, &ts);
		if (err) {
			char where[64];

			snprintf(where, sizeof(where), "%s: packet %" PRIu64, o->sent, no);
			cli_die_err(where, err);
		}
	}
	read_error(o->sent, r, err);
	wc_pcap_close_read(r);
}

struct out {
	const struct match_cli *o;
	struct cli_buf a, b;
	struct wc_pkt req; /* the request of a pair, dissected for printing */
};

static void dissect_req(struct out *w, const struct wc_match_req *q)
{
	int err = wc_dissect(&w->req, q->data, q->len, q->first);

	if (err)
		cli_die_err("match: request", err);
}

/* Microseconds from request to reply, rounded to the nearest (negative when the two
 * captures' clocks disagree). */
static int64_t rtt_us(const struct timespec *req, const struct timespec *rep)
{
	int64_t ns = ((int64_t)rep->tv_sec - (int64_t)req->tv_sec) * 1000000000 +
		     ((int64_t)rep->tv_nsec - (int64_t)req->tv_nsec);

	return ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);
}

static void print_pair(struct out *w, const struct wc_match_req *q, const struct wc_pkt *rep,
		       const struct timespec *rts, uint64_t rep_no)
{
	dissect_req(w, q);
	if (w->o->json) {
		char tail[128];

		cli_out("{\"request\": ", 12);
		cli_out_format(&w->a, wc_fmt_json, &w->req);
		cli_out(", \"reply\": ", 11);
		cli_out_format(&w->b, wc_fmt_json, rep);
		snprintf(tail, sizeof(tail),
			 ", \"rtt_us\": %" PRId64 ", \"request_no\": %" PRIu64
			 ", \"reply_no\": %" PRIu64 "}\n",
			 rtt_us(&q->ts, rts), q->id, rep_no);
		cli_out(tail, strlen(tail));
		return;
	}
	cli_out_format(&w->a, wc_fmt_summary, &w->req);
	cli_out(" ==> ", 5);
	cli_out_format(&w->b, wc_fmt_summary, rep);
	cli_out("\n", 1);
}

static int print_unans(const struct wc_match_req *q, void *ctx)
{
	struct out *w = ctx;

	dissect_req(w, q);
	if (w->o->json) {
		char tail[64];

		cli_out("{\"unanswered\": ", 15);
		cli_out_format(&w->a, wc_fmt_json, &w->req);
		snprintf(tail, sizeof(tail), ", \"request_no\": %" PRIu64 "}\n", q->id);
		cli_out(tail, strlen(tail));
	} else {
		cli_out_format(&w->a, wc_fmt_summary, &w->req);
		cli_out("\n", 1);
	}
	return 0;
}

int cmd_match(int argc, char **argv)
{
	static struct out w;
	static struct wc_pkt rep;
	struct match_cli o = {0};
	struct wc_matcher *m;
	struct wc_matcher_stats st;
	struct wc_pcap_reader *r;
	const uint8_t *d;
	size_t len;
	struct timespec ts;
	uint64_t no = 0, remaining;
	char line[160];
	int err;

	parse_opts(argc, argv, &o);
	l3_side(&o);
	w.o = &o;
	m = matcher_for(&o);
	load_requests(&o, m);
	r = open_capture(o.received);
	while ((err = wc_pcap_next(r, &d, &len, &ts)) == 0) {
		struct wc_match_req q;
		size_t skip = 0;
		const struct wc_proto *first = frame_start(r, d, len, &skip, o.received_l3);
		int rc;

		no++;
		if (wc_dissect(&rep, d + skip, len - skip, first))
			continue; /* beyond WC_MAX_PKT: no packet, no answer */
		rc = wc_matcher_offer_pkt(m, &rep, &q);
		if (rc < 0)
			cli_die_err("match", rc);
		if (rc > 0)
			print_pair(&w, &q, &rep, &ts, no);
	}
	read_error(o.received, r, err);
	wc_pcap_close_read(r);

	wc_matcher_stats(m, &st);
	remaining = st.requests - st.answered;
	/* Scapy counts every frame it received, answers or not. */
	if (o.json)
		snprintf(line, sizeof(line),
			 "{\"received\": %" PRIu64 ", \"answers\": %" PRIu64
			 ", \"remaining\": %" PRIu64 "}\n",
			 no, st.answers, remaining);
	else
		snprintf(line, sizeof(line),
			 "Received %" PRIu64 " packets, got %" PRIu64 " answers, remaining %" PRIu64
			 " packets\n",
			 no, st.answers, remaining);
	if (o.unans)
		wc_matcher_unanswered(m, print_unans, &w);
	cli_out(line, strlen(line));
	wc_matcher_free(m);
	cli_buf_free(&w.a);
	cli_buf_free(&w.b);
	return 0;
}
