/* SPDX-License-Identifier: MIT */
/* wirecraft sr / sr1 / stats: Scapy's sr() and sr1() on the command line, over AF_XDP with
 * the answers picked out by XDP (wirecraft/sr.h), and the steering program's counters.
 *
 * Output follows Scapy: sr prints one line a pair, "REQUEST_SUMMARY ==> REPLY_SUMMARY" (as
 * ans.summary() does), and then on stderr "Received N packets, got M answers, remaining K
 * packets"; sr1 prints the first answer in full (show2). Pairs are printed as they are made,
 * so a long run streams. */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "wirecraft/format.h"
#include "wirecraft/iface.h"
#include "wirecraft/pcapio.h"
#include "wirecraft/sr.h"
#include "wirecraft/steer.h"
#include "wirecraft/xdp.h"

static const char sr_help[] =
	"Usage: wirecraft sr -i IFACE [OPTIONS] EXPR\n"
	"       wirecraft sr1 -i IFACE [OPTIONS] EXPR\n\n"
	"Send the packets of the Scapy expression EXPR and pair each answer with its probe, as\n"
	"Scapy's sr() and sr1() do. sr prints one line a pair (REQUEST ==> REPLY, Scapy's\n"
	"summaries) and the count of answers; sr1 prints the first answer in full.\n"
	"An expression that starts at IP or IPv6 gets an Ethernet header from the interface (its\n"
	"MAC; the next hop's, asked with ARP or ND when the kernel does not know it).\n\n"
	"Answers are recognised in XDP before the kernel sees them, by a keyed cookie in the\n"
	"probe (TCP seq, UDP source port, ICMP echo id/seq) or, for probes whose fields are all\n"
	"yours, by a map of expected replies; the kernel never sees them (no RST for SYN-ACKs)\n"
	"unless --pass-replies. Everything else reaches the kernel untouched.\n\n"
	"Options:\n"
	"  -i, --iface IFACE     the interface\n"
	"  -t, --timeout S       wait S seconds after the last probe (default 2)\n"
	"      --retry N         resend the unanswered probes N more times\n"
	"      --rate PPS|max    probes per second (default: max)\n"
	"      --multi           keep pairing answers after a probe's first one\n"
	"      --json            one JSON object a pair: both packets dissected, rtt in us\n"
	"  -w, --write FILE      write each pair (request, then reply) to a pcap file\n"
	"      --unans           print the unanswered probes too\n"
	"      --pass-replies    let the kernel see the answers too (copied to us instead)\n"
	"      --no-cookie       no cookies: recognise answers by the expected-reply map only\n"
	"      --sport-range LO-HI  UDP source ports for the cookie (default 32768-65535)\n"
	"      --queues N        receive queues to listen on (default: all)\n"
	"      --mode MODE       XDP attach mode: auto (default), native, skb\n"
	"      --seed N          seed for random fields\n"
	"  -q, --quiet           no pair lines: only the counts\n"
	"  -u, --user USER       once set up, run as USER (under sudo: the user who ran sudo, by\n"
	"                        default); -w's file is then created as that user\n"
	"  -v, --verbose         the steering program's counters, and how answers were told\n"
	"  -h, --help            this text\n\n"
	"If IFACE goes down or away while sr runs, the pairs found are printed and written,\n"
	"then one line says so and the exit status is 1.\n\n"
	"Examples:\n"
	"  wirecraft sr -i eth1 --timeout 2 'IP(dst=\"198.18.0.0/28\")/TCP(dport=[22,80,443])'\n"
	"  wirecraft sr1 -i eth1 'IP(dst=\"198.18.0.2\")/ICMP()'\n";

static const char stats_help[] =
	"Usage: wirecraft stats -i IFACE\n\n"
	"Print the counters of the wirecraft XDP programs attached to IFACE by other processes\n"
	"(the reply-steering program of a running sr, the reflector), one line each.\n";

struct sr_cli {
	struct wc_sr_opts so;
	const char *cmd, *write;
	bool json, unans, quiet, verbose, one, has_seed;
	uint64_t seed;
	struct wc_pcap_writer *pw;
	int64_t rt_off_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for pcap timestamps */
	struct cli_buf a, b;
	uint64_t shown;
	int werr;
	const char *user;
	struct cli_drop drop;
	const char *ready_who; /* what the set-up hook failed at, and why */
	char ready_why[200];
};

static void parse_opts(int argc, char **argv, struct sr_cli *o)
{
	enum { O_RETRY = 256, O_RATE, O_MULTI, O_JSON, O_UNANS, O_PASS, O_NOCOOKIE, O_SPORT,
	       O_QUEUES, O_MODE, O_SEED };
	static const struct option lopts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"timeout", required_argument, NULL, 't'},
		{"retry", required_argument, NULL, O_RETRY},
		{"rate", required_argument, NULL, O_RATE},
		{"multi", no_argument, NULL, O_MULTI},
		{"json", no_argument, NULL, O_JSON},
		{"write", required_argument, NULL, 'w'},
		{"unans", no_argument, NULL, O_UNANS},
		{"pass-replies", no_argument, NULL, O_PASS},
		{"no-cookie", no_argument, NULL, O_NOCOOKIE},
		{"sport-range", required_argument, NULL, O_SPORT},
		{"queues", required_argument, NULL, O_QUEUES},
		{"mode", required_argument, NULL, O_MODE},
		{"seed", required_argument, NULL, O_SEED},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"user", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *cmd = o->cmd;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:t:w:u:qvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->so.ifname = optarg; break;
		case 'u': o->user = optarg; break;
		case 't': o->so.timeout_s = cli_opt_si(cmd, "--timeout", optarg, false); break;
		case 'w': o->write = optarg; break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose = true; break;
		case O_RETRY: o->so.retry = (unsigned)cli_opt_u64(cmd, "--retry", optarg); break;
		case O_RATE:
			o->so.rate_pps = strcmp(optarg, "max") ? cli_opt_si(cmd, "--rate", optarg, false)
							       : 0;
			break;
		case O_MULTI: o->so.multi = true; break;
		case O_JSON: o->json = true; break;
		case O_UNANS: o->unans = true; break;
		case O_PASS: o->so.pass_replies = true; break;
		case O_NOCOOKIE: o->so.no_cookie = true; break;
		case O_SPORT: {
			/* strtoul, not sscanf("%u"): that takes 4294967297 for 1 without a word */
			char *e1 = optarg, *e2 = optarg;
			unsigned long lo = 0, hi = 0;

			errno = 0;
			if (*optarg >= '0' && *optarg <= '9')
				lo = strtoul(optarg, &e1, 10);
			if (*e1 == '-' && e1[1] >= '0' && e1[1] <= '9')
				hi = strtoul(e1 + 1, &e2, 10);
			if (errno || e1 == optarg || *e1 != '-' || e2 == optarg || *e2 || lo < 1 ||
			    hi > 65535 || lo > hi)
				cli_usage(cmd, "--sport-range wants LO-HI within 1-65535, not '%s'",
					  optarg);
			o->so.sport_lo = (uint16_t)lo;
			o->so.sport_n = hi - lo + 1;
			break;
		}
		case O_QUEUES:
			o->so.queues = (unsigned)cli_opt_u64(cmd, "--queues", optarg);
			if (o->so.queues < 1 || o->so.queues > 64)
				cli_usage(cmd, "--queues wants 1 to 64");
			break;
		case O_MODE:
			if (!strcmp(optarg, "auto"))
				o->so.mode = WC_XDP_AUTO;
			else if (!strcmp(optarg, "native"))
				o->so.mode = WC_XDP_NATIVE;
			else if (!strcmp(optarg, "skb"))
				o->so.mode = WC_XDP_SKB;
			else
				cli_usage(cmd, "unknown mode '%s' (auto, native, skb)", optarg);
			break;
		case O_SEED:
			o->seed = cli_opt_u64(cmd, "--seed", optarg);
			o->has_seed = true;
			break;
		case 'h':
			fputs(sr_help, stdout);
			cli_flush();
			exit(0);
		case ':': cli_usage(cmd, "%s needs a value", argv[optind - 1]);
		default: cli_usage(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		cli_usage(cmd, "no expression given");
	if (!o->so.ifname)
		cli_usage(cmd, "no interface: -i IFACE");
}

static struct timespec realtime(const struct sr_cli *o, uint64_t mono_ns)
{
	int64_t ns = (int64_t)mono_ns + o->rt_off_ns;

	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000LL),
				 .tv_nsec = (long)(ns % 1000000000LL)};
}

static void write_pcap(struct sr_cli *o, const struct wc_sr_pkt *p)
{
	struct timespec ts = realtime(o, p->ts_ns);
	int err;

	if (!o->pw || o->werr)
		return;
	err = wc_pcap_write(o->pw, p->data, p->len, &ts);
	if (err)
		o->werr = err;
}

static void on_pair(const struct wc_sr_pair *pr, void *arg)
{
	struct sr_cli *o = arg;
	size_t n;

	write_pcap(o, &pr->req);
	write_pcap(o, &pr->rep);
	if (o->quiet)
		return;
	if (o->one) {
		/* sr1: the first answer, in full */
		if (o->shown++)
			return;
		if (o->json)
			goto json;
		n = cli_format(&o->a, wc_fmt_show, pr->rep.pkt);
		cli_out(o->a.p, n);
		return;
	}
	if (o->json)
		goto json;
	n = cli_format(&o->a, wc_fmt_summary, pr->req.pkt);
	cli_out(o->a.p, n);
	cli_out(" ==> ", 5);
	n = cli_format(&o->a, wc_fmt_summary, pr->rep.pkt);
	cli_out(o->a.p, n);
	cli_out("\n", 1);
	return;
json:
	printf("{\"index\":%llu,\"rtt_us\":%.3f,\"rtt_clock\":\"%s\",\"request\":",
	       (unsigned long long)pr->index, pr->rtt_us, pr->rep.kernel_ts ? "kernel" : "user");
	n = cli_format(&o->a, wc_fmt_json, pr->req.pkt);
	cli_out(o->a.p, n);
	cli_out(",\"reply\":", 9);
	n = cli_format(&o->b, wc_fmt_json, pr->rep.pkt);
	cli_out(o->b.p, n);
	cli_out("}\n", 2);
}

static void on_unans(const struct wc_sr_pkt *req, uint64_t index, void *arg)
{
	struct sr_cli *o = arg;
	size_t n;

	if (o->json) {
		printf("{\"index\":%llu,\"unanswered\":", (unsigned long long)index);
		n = cli_format(&o->a, wc_fmt_json, req->pkt);
		cli_out(o->a.p, n);
		cli_out("}\n", 2);
		return;
	}
	n = cli_format(&o->a, wc_fmt_summary, req->pkt);
	cli_out(o->a.p, n);
	cli_out("\n", 1);
}

static void print_steer(FILE *f, const char *prefix, const uint64_t c[WC_SC__MAX])
{
	fputs(prefix, f);
	for (int i = 0; i < WC_SC__MAX; i++)
		fprintf(f, "%s%s=%llu", i ? " " : "", wc_steer_counter_name(i),
			(unsigned long long)c[i]);
	fputc('\n', f);
}

/* Everything privileged is done (steering program attached, sockets open): give it all up
 * before the first answer is read, then make -w's file, as the user when there is one, so
 * that it is theirs and only where they may write. Plain root (nobody to become) keeps only
 * CAP_DAC_OVERRIDE when it writes a file: the file is renamed into place at the end. */
static int ready(void *arg)
{
	struct sr_cli *o = arg;
	char why[160];
	int err;

	err = cli_drop_apply(&o->drop, !o->drop.active && o->write ? CLI_CAP_DAC_OVERRIDE : 0, why,
			     sizeof(why));
	if (err) {
		o->ready_who = o->cmd;
		snprintf(o->ready_why, sizeof(o->ready_why), "dropping privileges: %s", why);
		return err;
	}
	if (o->write) {
		err = wc_pcap_open_write(o->write, WC_LINK_ETHER, &o->pw);
		if (err) {
			o->ready_who = o->write;
			snprintf(o->ready_why, sizeof(o->ready_why), "%s", strerror(-err));
			return err;
		}
	}
	return 0;
}

static void log_stderr(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

static int run(int argc, char **argv, const char *cmd, bool one)
{
	struct sr_cli o = {.cmd = cmd, .one = one};
	struct wc_sr_stats st;
	struct timespec rt, mono;
	struct wc_set *set;
	char why[160] = "";
	char *expr;
	int err;

	parse_opts(argc, argv, &o);
	expr = cli_join(argc - optind, argv + optind);
	set = cli_parse_expr(expr);
	/* Checked up front so that the error names the capabilities, not a bare EPERM; and a bad
	 * --user fails before anything is opened. */
	cli_need_caps(cmd, CLI_CAP_NET_RAW | CLI_CAP_NET_ADMIN | CLI_CAP_BPF | CLI_CAP_PERFMON,
		      "sending and steering answers");
	if (cli_drop_prepare(&o.drop, o.user, why, sizeof(why)))
		cli_die(cmd, "%s", why);
	why[0] = '\0';
	if (o.has_seed)
		wc_set_seed(set, o.seed);
	if (o.verbose)
		wc_xdp_set_log(log_stderr);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	o.rt_off_ns = ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000LL + (rt.tv_nsec - mono.tv_nsec);

	o.so.sz = sizeof(o.so);
	/* nothing to show or write: no callback, and no second dissection per pair */
	o.so.on_pair = o.quiet && !o.write ? NULL : on_pair;
	o.so.on_unans = o.unans && !one ? on_unans : NULL;
	o.so.arg = &o;
	o.so.on_ready = ready; /* -w's file is made there, after the drop */
	o.so.max_answers = one ? 1 : 0;
	cli_catch_signals();
	o.so.stop = &cli_stop;
	err = wc_sr(set, &o.so, &st, why);
	if (err) {
		if (o.pw)
			wc_pcap_abort_write(o.pw);
		if (o.ready_who)
			cli_die(o.ready_who, "%s", o.ready_why);
		if (err == -EPERM || err == -EACCES)
			cli_die(cmd, "%s (needs root: CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON)", why);
		cli_die(cmd, "%s", why[0] ? why : strerror(-err));
	}
	cli_flush();
	if (o.pw) {
		err = o.werr ? o.werr : 0;
		if (err)
			wc_pcap_abort_write(o.pw);
		else
			err = wc_pcap_close_write(o.pw);
		if (err)
			cli_die(o.write, "%s", strerror(-err));
	}
	if (o.verbose) {
		fprintf(stderr, "%s: %s, %s, %llu probes, %llu sent in %.3f s, %llu map keys, "
			"%llu unmatched, %llu dropped by the kernel (rings full), last pair at %.3f s, "
			"%.3f s in all, receiver %.3f s CPU\n",
			cmd, st.engine, st.how, (unsigned long long)st.probes,
			(unsigned long long)st.sent, st.send_s, (unsigned long long)st.map_keys,
			(unsigned long long)st.unmatched, (unsigned long long)st.rx_dropped, st.pair_s,
			st.elapsed_s, st.rx_cpu_s);
		print_steer(stderr, "steer: ", st.steer);
	}
	fprintf(stderr, "Received %llu packets, got %llu answers, remaining %llu packets\n",
		(unsigned long long)st.received, (unsigned long long)st.answers,
		(unsigned long long)st.unanswered);
	cli_buf_free(&o.a);
	cli_buf_free(&o.b);
	wc_set_free(set);
	free(expr);
	/* The interface went down or away while sr ran: the probes still queued never left and
	 * the counts above stop there. Without this sr ended 0 as if every probe had been
	 * asked; the pairs found are written all the same. */
	{
		struct wc_link_state ls;
		int lerr = wc_iface_link_state(o.so.ifname, &ls);

		if (lerr == -ENODEV || (!lerr && !ls.up))
			cli_die(cmd, "%s %s while sending: the counts above are what was seen until then",
				o.so.ifname, lerr ? "is gone" : "went down");
	}
	if (one && !st.answers)
		cli_die(cmd, "no answer");
	return 0;
}

int cmd_sr(int argc, char **argv)
{
	return run(argc, argv, "sr", false);
}

int cmd_sr1(int argc, char **argv)
{
	return run(argc, argv, "sr1", true);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *ifname = NULL;
	uint64_t sc[WC_SC__MAX], rc[WC_RC__MAX];
	int c, ifindex, es, er;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'h':
			fputs(stats_help, stdout);
			cli_flush();
			exit(0);
		case ':': cli_usage("stats", "%s needs a value", argv[optind - 1]);
		default: cli_usage("stats", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!ifname)
		cli_usage("stats", "no interface: -i IFACE");
	if (optind < argc)
		cli_usage("stats", "unexpected argument '%s'", argv[optind]);
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		cli_die("stats", "%s: %s", ifname, strerror(ENODEV));
	es = wc_steer_counters_ifindex(ifindex, sc);
	er = wc_reflect_counters_ifindex(ifindex, rc);
	if (es && es != -ENOENT)
		cli_die("stats", "%s: %s", ifname, strerror(-es));
	if (er && er != -ENOENT)
		cli_die("stats", "%s: %s", ifname, strerror(-er));
	if (es && er)
		cli_die("stats", "%s: no wirecraft XDP program is attached", ifname);
	if (!es)
		print_steer(stdout, "steer: ", sc);
	if (!er) {
		fputs("reflect: ", stdout);
		for (int i = 0; i < WC_RC__MAX; i++)
			printf("%s%s=%llu", i ? " " : "", wc_reflect_counter_name(i),
			       (unsigned long long)rc[i]);
		fputc('\n', stdout);
	}
	return 0;
}
