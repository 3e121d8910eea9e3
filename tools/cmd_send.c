/* SPDX-License-Identifier: MIT */
/* wirecraft send: a packet set onto the wire through AF_XDP, AF_PACKET or a pcap file, at a
 * chosen rate, with a progress line each second and a clean stop on Ctrl-C. */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "wirecraft/live.h"
#include "wirecraft/iface.h"
#include "wirecraft/port.h"
#include "wirecraft/send.h"
#include "wirecraft/tmpl.h"

static const char send_help[] =
	"Usage: wirecraft send -i IFACE [OPTIONS] EXPR\n"
	"       wirecraft send --dry-run -w FILE [OPTIONS] EXPR\n\n"
	"Send every packet of the Scapy expression EXPR. An expression that starts at IP or\n"
	"IPv6 gets an Ethernet header from the interface (its MAC, the next hop's MAC).\n\n"
	"Options:\n"
	"  -i, --iface IFACE     the interface to send on\n"
	"  -c, --count N         send at most N packets: the set stops at its end, so N above\n"
	"                        the set's size sends the set once, unless --loop (default: the\n"
	"                        set once; with --loop, forever). Not Scapy's count (repetitions\n"
	"                        of the set): for K of those, --loop -c K*SETSIZE\n"
	"      --loop            start the set over at its end (with -c: until N packets)\n"
	"      --rate PPS|max    packets per second in all (default: max)\n"
	"      --bandwidth BPS   bits per second on the wire (k, M, G suffixes)\n"
	"      --duration S      stop after S seconds\n"
	"      --engine E        auto|xsk|xsk-copy|xsk-zc|live|packet|pcap (default: auto):\n"
	"                        auto takes AF_XDP zero-copy if the driver has it, else live\n"
	"                        frames (generated in the kernel by XDP, 5.18+), else AF_XDP\n"
	"                        copy mode, else AF_PACKET, and says which\n"
	"      --queues N        send from N queues, one thread each (default: 1); live: N\n"
	"                        threads, one per CPU\n"
	"      --queue Q         the first queue (default: 0)\n"
	"      --dry-run         write to a pcap file (-w) instead of sending\n"
	"  -w, --write FILE      the pcap file for --dry-run / --engine pcap\n"
	"      --seed N          seed for random fields\n"
	"  -q, --quiet           no progress line\n"
	"  -u, --user USER       once the engine is open, run as USER (under sudo: the user who\n"
	"                        ran sudo, by default); --dry-run's file is made as that user\n"
	"  -h, --help            this text\n\n"
	"Ctrl-C and SIGTERM stop cleanly (exit 0, with the count sent). IFACE going down or\n"
	"away, or nothing leaving it for 3 s (a full transmit ring), stops the send with one\n"
	"line and exit 1; frames the device dropped (no carrier) are counted at the end.\n\n"
	"Examples: wirecraft send -i veth0 --rate 1000 -c 200 'IP(dst=\"198.18.0.0/24\")/TCP(dport=80)'\n"
	"            (the first 200 of the /24's 256 packets)\n"
	"          wirecraft send -i veth0 --loop -c 10000000 'IP(dst=\"198.18.0.0/16\")/TCP(dport=80)'\n"
	"            (the /16 about 152 times over: 10,000,000 packets)\n";

struct send_cli {
	const char *iface, *write, *user;
	struct wc_send_opts so;
	enum wc_engine engine;
	unsigned queues, queue;
	uint64_t seed;
	bool has_seed, quiet;
	/* faults while sending, watched once a second by progress() */
	char fault[160];          /* why the send was stopped, when it was */
	uint64_t last_sent;
	unsigned stall_s;         /* seconds in a row with nothing sent */
	bool said_no_carrier;
};

/* Seconds of nothing sent, while the rate wants packets, before a send gives up: a transmit
 * ring that stays full (a veth whose peer is down keeps AF_PACKET's ring full) must not keep
 * a counted send waiting forever. */
#define STALL_S 3

static enum wc_engine parse_engine(const char *s)
{
	static const struct {
		const char *name;
		enum wc_engine e;
	} names[] = {
		{"auto", WC_ENGINE_AUTO}, {"xsk", WC_ENGINE_XSK}, {"xsk-copy", WC_ENGINE_XSK_COPY},
		{"xsk-zc", WC_ENGINE_XSK_ZC}, {"packet", WC_ENGINE_PACKET}, {"pcap", WC_ENGINE_PCAP},
		{"live", WC_ENGINE_LIVE},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].e;
	cli_usage("send", "unknown engine '%s' (auto, xsk, xsk-copy, xsk-zc, live, packet, pcap)", s);
}

static void parse_opts(int argc, char **argv, struct send_cli *o)
{
	enum { O_LOOP = 256, O_RATE, O_BW, O_DUR, O_ENGINE, O_QUEUES, O_QUEUE, O_DRY, O_SEED };
	static const struct option lopts[] = {
		{"iface", required_argument, NULL, 'i'}, {"count", required_argument, NULL, 'c'},
		{"loop", no_argument, NULL, O_LOOP},     {"rate", required_argument, NULL, O_RATE},
		{"bandwidth", required_argument, NULL, O_BW},
		{"duration", required_argument, NULL, O_DUR},
		{"engine", required_argument, NULL, O_ENGINE},
		{"queues", required_argument, NULL, O_QUEUES},
		{"queue", required_argument, NULL, O_QUEUE},
		{"dry-run", no_argument, NULL, O_DRY},   {"write", required_argument, NULL, 'w'},
		{"seed", required_argument, NULL, O_SEED}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},        {"user", required_argument, NULL, 'u'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:c:w:qu:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case 'c': o->so.count = cli_opt_u64("send", "-c", optarg); break;
		case 'w': o->write = optarg; break;
		case 'q': o->quiet = true; break;
		case 'u': o->user = optarg; break;
		case O_LOOP: o->so.loop = true; break;
		case O_RATE:
			o->so.rate_pps = strcmp(optarg, "max") ? cli_opt_si("send", "--rate", optarg, false) : 0;
			break;
		case O_BW: o->so.bandwidth_bps = cli_opt_si("send", "--bandwidth", optarg, false); break;
		case O_DUR: o->so.duration_s = cli_opt_si("send", "--duration", optarg, false); break;
		case O_ENGINE: o->engine = parse_engine(optarg); break;
		case O_QUEUES: o->queues = (unsigned)cli_opt_u64("send", "--queues", optarg); break;
		case O_QUEUE: o->queue = (unsigned)cli_opt_u64("send", "--queue", optarg); break;
		case O_DRY: o->engine = WC_ENGINE_PCAP; break;
		case O_SEED:
			o->seed = cli_opt_u64("send", "--seed", optarg);
			o->has_seed = true;
			break;
		case 'h':
			fputs(send_help, stdout);
			cli_flush();
			exit(0);
		case ':': cli_usage("send", "%s needs a value", argv[optind - 1]);
		default: cli_usage("send", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		cli_usage("send", "no expression given");
	if (o->engine == WC_ENGINE_PCAP && !o->write)
		cli_usage("send", "--dry-run needs -w FILE");
	if (o->engine != WC_ENGINE_PCAP && !o->iface)
		cli_usage("send", "no interface: -i IFACE (or --dry-run -w FILE)");
	if (o->queues == 0 || o->queues > 64)
		cli_usage("send", "--queues wants 1 to 64");
	if (o->engine == WC_ENGINE_PCAP)
		o->queues = 1;
}

/* The interface under a running send: gone or down stops it, with the reason; a lost carrier
 * is said once (frames are then dropped or wait); STALL_S seconds without a frame sent stop
 * it. Without this an AF_XDP or live send on a downed link ran on to its end as if sending,
 * and an AF_PACKET send whose peer went down waited forever. */
static void watch_link(struct send_cli *o, const struct wc_send_stats *st)
{
	struct wc_link_state ls;
	int err = wc_iface_link_state(o->iface, &ls);
	bool can_stall = (o->so.rate_pps == 0 || o->so.rate_pps >= 1) &&
			 (o->so.bandwidth_bps == 0 || o->so.bandwidth_bps >= 64000);

	if (err == -ENODEV)
		snprintf(o->fault, sizeof(o->fault), "%s is gone", o->iface);
	else if (!err && !ls.up)
		snprintf(o->fault, sizeof(o->fault), "%s went down", o->iface);
	else if (!err && !ls.carrier && !o->said_no_carrier) {
		cli_warn("send", "%s has no carrier (a veth: its peer is down): frames are dropped "
			 "or wait", o->iface);
		o->said_no_carrier = true;
	}
	o->stall_s = st->sent == o->last_sent && can_stall ? o->stall_s + 1 : 0;
	o->last_sent = st->sent;
	if (!o->fault[0] && o->stall_s >= STALL_S)
		snprintf(o->fault, sizeof(o->fault), "nothing could be sent for %d s (%s): the "
			 "transmit ring stays full", STALL_S,
			 !err && !ls.carrier ? "no carrier" : "the device takes no frames");
	if (o->fault[0])
		cli_stop = 1;
}

static void progress(const struct wc_send_stats *st, void *arg)
{
	struct send_cli *o = arg;
	double pps = st->elapsed_s > 0 ? (double)st->sent / st->elapsed_s : 0;
	double gbps = st->elapsed_s > 0 ? (double)st->bytes * 8 / st->elapsed_s / 1e9 : 0;

	if (o->iface && o->engine != WC_ENGINE_PCAP && !st->done)
		watch_link(o, st);
	if (o->quiet && !st->done)
		return;
	fprintf(stderr, "%s sent %llu, %.0f pps, %.3f Gbit/s, %.1f s\n",
		st->done ? "wirecraft: done:" : "wirecraft:", (unsigned long long)st->sent, pps,
		gbps, st->elapsed_s);
}

/* Starting at IP/IPv6 on a real interface: Ethernet goes under it, from the interface. */
static void add_link_layer(struct send_cli *o, struct wc_set *set, bool *starts_at_ip)
{
	const struct wc_proto *first = wc_set_layer(set, 0);
	int err;

	bool added = false;
	struct wc_iface ifc;

	*starts_at_ip = first && (first == wc_proto_find("IP") || first == wc_proto_find("IPv6"));
	if (*starts_at_ip && o->engine != WC_ENGINE_PCAP) {
		err = wc_set_push_front(set, wc_proto_find("Ether"));
		if (err)
			cli_die_err("expression", err);
		*starts_at_ip = false;
		added = true;
	}
	if (!o->iface)
		return;
	if ((err = wc_iface_get(o->iface, &ifc)))
		cli_die("interface", "%s: %s", o->iface, strerror(-err));
	/* The Ethernet header is ours: its destination is the next hop, asked with ARP or ND
	 * when the kernel does not know it (as sr does). A header the user wrote keeps
	 * Scapy's rule: the neighbour table, else broadcast. */
	err = added ? wc_set_resolve_iface(set, &ifc) : wc_set_apply_iface(set, &ifc);
	if (err == -ETIMEDOUT || err == -EHOSTUNREACH) {
		if (!o->quiet)
			cli_warn("send", "next hop not resolved (%s): sending to broadcast",
				 strerror(-err));
	} else if (err) {
		cli_die("interface", "%s: %s", o->iface, strerror(-err));
	}
}

/* One port per queue with `engine`; on failure none stays open and `why` says why. */
static int open_ports(const struct send_cli *o, const struct wc_port_opts *base,
		      enum wc_engine engine, struct wc_port **ports, char *why)
{
	for (unsigned q = 0; q < o->queues; q++) {
		struct wc_port_opts po = *base;
		int err;

		po.engine = engine;
		po.queue = o->queue + q;
		why[0] = 0;
		err = wc_port_open(&po, &ports[q], why);
		if (err) {
			for (unsigned i = 0; i < q; i++)
				wc_port_close(ports[i]);
			return err;
		}
	}
	return 0;
}

/* The engine: AUTO takes AF_XDP zero-copy where the driver has it, else live frames where
 * the kernel and the device can run them, else what wc_port_open's AUTO finds (AF_XDP copy
 * mode, else AF_PACKET). LIVE falls back the same way when the set or the system can't have
 * live frames. Returns the live engine, or NULL with the ports open; `note` says what was
 * passed over and why. */
static struct wc_live *open_engine(const struct send_cli *o, const struct wc_tmpl *t,
				   const struct wc_port_opts *base, struct wc_port **ports,
				   char *note, size_t cap)
{
	enum wc_engine e = o->engine;
	char why[160] = "", lwhy[160] = "";
	struct wc_live *live;
	uint64_t feat;
	int err;

	note[0] = 0;
	if (e == WC_ENGINE_AUTO) {
		/* Ask the driver first where the kernel can tell: trying a zero-copy bind
		 * reconfigures a queue on drivers that have it. */
		int ferr = wc_live_xdp_features(o->iface, &feat);

		if ((ferr || (feat & 8 /* XSK_ZEROCOPY */)) &&
		    open_ports(o, base, WC_ENGINE_XSK_ZC, ports, why) == 0)
			return NULL;
		snprintf(note, cap, "auto: no AF_XDP zero-copy on %s", o->iface);
	}
	if (e == WC_ENGINE_AUTO || e == WC_ENGINE_LIVE) {
		struct wc_live_opts lo = {.ifname = o->iface, .threads = o->queues};

		err = wc_live_open(t, &lo, &live, lwhy);
		if (!err) {
			if (note[0])
				snprintf(note + strlen(note), cap - strlen(note), ": using live frames");
			return live;
		}
		if ((err == -EPERM || err == -EACCES) &&
		    cli_caps_missing(CLI_CAP_BPF | CLI_CAP_NET_ADMIN | CLI_CAP_PERFMON))
			cli_die("send", "live frames: %s: needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON)",
				lwhy);
		/* refused with every capability held: the kernel's own policy (some builds refuse
		 * live frames even to root), which no privilege changes */
		if (err == -EPERM || err == -EACCES)
			snprintf(lwhy + strlen(lwhy), sizeof(lwhy) - strlen(lwhy),
				 ", with CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON held: this kernel "
				 "refuses live frames");
		snprintf(note + strlen(note), cap - strlen(note), "%slive frames unavailable (%s)",
			 note[0] ? "; " : "", lwhy);
		e = WC_ENGINE_AUTO;
	}
	err = open_ports(o, base, e, ports, why);
	if (err) {
		/* (a pcap file that cannot be made is the file's problem, not a privilege) */
		if ((err == -EPERM || err == -EACCES) && e != WC_ENGINE_PCAP)
			cli_die("send", "%s: needs root (CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF)", why);
		cli_die("send", "%s", why[0] ? why : strerror(-err));
	}
	if (why[0]) /* the port's own fallback, which says what it took */
		snprintf(note + strlen(note), cap - strlen(note), "%s%s", note[0] ? "; " : "", why);
	else if (note[0])
		snprintf(note + strlen(note), cap - strlen(note), ": using %s",
			 wc_port_engine(ports[0]));
	return NULL;
}

int cmd_send(int argc, char **argv)
{
	struct send_cli o = {.queues = 1};
	struct wc_port *ports[64] = {0};
	struct wc_live *live;
	struct wc_tmpl *t;
	struct wc_set *set;
	struct wc_send_stats st;
	const uint8_t *tb;
	size_t tlen;
	bool at_ip;
	int err, cerr = 0;
	char *expr, dwhy[160];
	struct cli_drop drop;

	parse_opts(argc, argv, &o);
	/* Up front, so that the error names the capabilities rather than a bare EPERM: every
	 * engine but the pcap file needs a raw socket (auto falls back to AF_PACKET), live frames
	 * a BPF program (which the verifier passes only with CAP_PERFMON's pointer rules). */
	if (o.engine == WC_ENGINE_LIVE)
		cli_need_caps("send", CLI_CAP_BPF | CLI_CAP_NET_ADMIN | CLI_CAP_PERFMON,
			      "--engine live");
	else if (o.engine != WC_ENGINE_PCAP)
		cli_need_caps("send", CLI_CAP_NET_RAW, "sending");
	if (cli_drop_prepare(&drop, o.user, dwhy, sizeof(dwhy)))
		cli_die("send", "%s", dwhy);
	/* A pcap file needs no privilege at all: made by the user (--user, sudo), where the user
	 * may write. */
	if (o.engine == WC_ENGINE_PCAP && drop.active)
		cli_drop_or_die("send", &drop, 0);
	expr = cli_join(argc - optind, argv + optind);
	set = cli_parse_expr(expr);
	if (o.has_seed)
		wc_set_seed(set, o.seed);
	add_link_layer(&o, set, &at_ip);
	err = wc_tmpl_new(set, &t);
	if (err)
		cli_die_err("expression", err);
	tb = wc_tmpl_bytes(t, &tlen);
	{
		struct wc_port_opts base = {
			.ifname = o.iface, .path = o.write, .tmpl = tb, .tmpl_len = tlen,
			.starts_at_ip = at_ip,
		};
		char note[480];

		live = open_engine(&o, t, &base, ports, note, sizeof(note));
		if (note[0] && !o.quiet)
			cli_warn("send", "%s", note);
	}
	/* Sockets bound, programs loaded: sending through them needs no capability (plain root
	 * keeps the right to finish its pcap file where it started it, as sniff does). */
	if (cli_drop_apply(&drop, !drop.active && o.engine == WC_ENGINE_PCAP ? CLI_CAP_DAC_OVERRIDE : 0,
			   dwhy, sizeof(dwhy))) {
		if (live)
			wc_live_close(live);
		for (unsigned q = 0; q < o.queues && ports[q]; q++)
			wc_port_close(ports[q]);
		cli_die("send", "dropping privileges: %s", dwhy);
	}
	if (!o.quiet) {
		uint64_t n = wc_tmpl_count(t);

		if (live)
			fprintf(stderr, "wirecraft: sending through live frames (XDP in the kernel), "
				"%u thread%s; the set has ", o.queues, o.queues > 1 ? "s" : "");
		else
			fprintf(stderr, "wirecraft: sending through %s, %u queue%s, %s path; the set has ",
				wc_port_engine(ports[0]), o.queues, o.queues > 1 ? "s" : "",
				wc_tmpl_is_fast(t) ? "template" : "full-build");
		if (n == UINT64_MAX)
			fputs("more than 2^64 packets\n", stderr);
		else
			fprintf(stderr, "%llu packets\n", (unsigned long long)n);
	}
	cli_catch_signals();
	o.so.stop = &cli_stop;
	o.so.progress = progress;
	o.so.arg = &o;
	if (live) {
		err = wc_live_send(live, &o.so, &st);
		if (wc_live_device_drops(live))
			cli_warn("send", "%s dropped %llu frames it could not transmit (a full "
				 "receiver queue?)", o.iface,
				 (unsigned long long)wc_live_device_drops(live));
		wc_live_close(live);
	} else {
		struct wc_link_state l0, l1;
		bool have0 = o.iface && o.engine != WC_ENGINE_PCAP &&
			     !wc_iface_link_state(o.iface, &l0);

		err = wc_send(ports, o.queues, t, &o.so, &st);
		/* what the device threw away (no carrier, a full peer) is not "sent": say it, as
		 * the live engine does */
		if (have0 && !wc_iface_link_state(o.iface, &l1) && l1.tx_dropped != l0.tx_dropped)
			cli_warn("send", "%s counted %u transmit drops (frames, or for AF_PACKET "
				 "attempts at them, that did not leave)", o.iface,
				 l1.tx_dropped - l0.tx_dropped);
	}
	for (unsigned q = 0; q < o.queues && ports[q]; q++) {
		int e = wc_port_close(ports[q]);
		if (e && !cerr)
			cerr = e;
	}
	wc_tmpl_free(t);
	wc_set_free(set);
	free(expr);
	/* an error from the socket ("Network is down" for a deleted interface too): name the
	 * interface's own state when it explains it */
	if (err && !o.fault[0] && o.iface && o.engine != WC_ENGINE_PCAP) {
		struct wc_link_state ls;
		int lerr = wc_iface_link_state(o.iface, &ls);

		if (lerr == -ENODEV)
			snprintf(o.fault, sizeof(o.fault), "%s is gone", o.iface);
		else if (!lerr && !ls.up)
			snprintf(o.fault, sizeof(o.fault), "%s went down", o.iface);
	}
	if (o.fault[0])
		cli_die("send", "%s; stopped after %llu packets", o.fault, (unsigned long long)st.sent);
	if (err)
		cli_die_err("send", err);
	if (cerr)
		cli_die_err(o.write ? o.write : "send", cerr);
	return 0;
}
