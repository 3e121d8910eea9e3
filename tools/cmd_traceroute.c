/* SPDX-License-Identifier: MIT */
/* wirecraft traceroute: the hops to one target or to whole prefixes, stateless and at scan
 * speed (wirecraft/trace.h): every (target, TTL) probe is one step of the scan permutation,
 * the TTL comes back in the answer. Thin over the library: options into a target set and a
 * probe, progress on stderr, the paths and links written at the end. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "cli.h"
#include "cli_targets.h"
#include "wirecraft/rate.h"
#include "wirecraft/trace.h"

#define CMD "traceroute"

static const char traceroute_help[] =
	"Usage: wirecraft traceroute -i IFACE [OPTIONS] TARGET...\n\n"
	"The routers on the way to each target, one probe per (target, TTL) sent in a\n"
	"pseudo-random order (stateless, as yarrp): the TTL and the target come back in the\n"
	"answer (an ICMP time exceeded quotes the probe; the target's own answer echoes it). The\n"
	"flow (addresses, ports; for ICMP the checksum) is the same for every TTL of a target, as\n"
	"Paris traceroute keeps it, so a load balancer sends them all down one path.\n\n"
	"Targets (at least one, explicitly):\n"
	"  TARGET                 an address, a CIDR (198.18.0.0/20, 2001:db8::/120) or a range\n"
	"  -I, --input-file FILE  targets, one per line ('#' comments)\n"
	"      --allowlist FILE   only these ranges; the targets when none given\n"
	"  -b, --blocklist FILE   never these ranges\n"
	"      --allow-reserved[=CIDR,...]\n"
	"                         trace reserved ranges (private, benchmarking, documentation, ...:\n"
	"                         skipped by default, as scan skips them); with a list, only those\n"
	"Probe:\n"
	"      --probe P          tcp-syn (default), udp, icmp (echo; ICMPv6 echo for IPv6)\n"
	"  -p, --port N           TCP or UDP destination port (default 80 for tcp-syn, 33434 udp)\n"
	"  -f, --first-ttl N      the first TTL (hop limit) probed (default 1)\n"
	"  -m, --max-ttl N        the last (default 30, at most 255)\n"
	"      --preprobe         every 16th target first at --max-ttl: the answers tell the\n"
	"                         distance (FlashRoute's preprobing); the others once at the most\n"
	"                         common one, where the target's own answer is its hop; then only\n"
	"                         the TTLs below (a router there: all the others). No TTL beyond a\n"
	"                         target is sent and no hop is inferred; two bytes per target\n"
	"      --source-port N    TCP source port (default 61000)\n"
	"  -S, --source-ip ADDR   source address (once per family; default: the interface's)\n"
	"  -G, --gateway-mac MAC  next hop (default: the neighbour table, else ARP/ND)\n"
	"Speed and time:\n"
	"      --rate PPS|max     probes per second (default 10000, as scan; 'max': as fast as\n"
	"                         it goes)\n"
	"      --retries N        probe the (target, TTL) pairs that did not answer N more times\n"
	"      --cooldown S       wait S seconds after the last probe (default: adaptive)\n"
	"      --seed N           the order of the probes (default: random)\n"
	"      --threads N        sending threads, one queue each (default 1)\n"
	"      --mode MODE        how the XDP program attaches: auto, native, skb\n"
	"Output:\n"
	"  -o, --output FILE      the result (default: standard output), written whole at the end\n"
	"  -O, --output-format F  text (default: per target hop, router, rtt, reply; then the\n"
	"                         links), json (lines: paths, then links), csv (a line per hop)\n"
	"                         or dot (the router graph, for graphviz)\n"
	"  -q, --quiet            no progress line\n"
	"  -v, --verbose          where the time went (set-up, each phase, tear-down, the paths),\n"
	"                         the answers and the counts (also with -q)\n"
	"  -h, --help             this text\n\n"
	"Example: wirecraft traceroute -i eth1 --max-ttl 16 -p 80 198.18.0.0/20 --allow-reserved\n"
	"         -O json -o hops.jsonl\n";

struct tr_cli {
	struct wc_trace_opts to;
	struct cli_targets tg;
	const char *output, *probe;
	int fmt;
	bool has_rate, has_seed, quiet, verbose;
	uint64_t probes;
	/* the output, written while the datapath is released (write_out) */
	const char *label;
	bool written;
	int write_err;
	double write_s;
};

static const char **push(const char **v, unsigned *n, const char *s)
{
	const char **nv = realloc(v, (*n + 1) * sizeof(*v));

	if (!nv)
		cli_die_err("memory", -ENOMEM);
	nv[(*n)++] = s;
	return nv;
}

static uint8_t opt_ttl(const char *opt, const char *arg)
{
	uint64_t v = cli_opt_u64(CMD, opt, arg);

	if (v < 1 || v > WC_TRACE_MAX_TTL)
		cli_usage(CMD, "%s wants 1 to %d", opt, WC_TRACE_MAX_TTL);
	return (uint8_t)v;
}

static void parse_opts(int argc, char **argv, struct tr_cli *o)
{
	enum { O_ALLOW = 256, O_RESERVED, O_PROBE, O_SPORT, O_RATE, O_RETRIES, O_COOL, O_SEED,
	       O_MODE, O_THREADS, O_PREPROBE };
	static const struct option lopts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"interface", required_argument, NULL, 'i'},
		{"input-file", required_argument, NULL, 'I'},
		{"allowlist", required_argument, NULL, O_ALLOW},
		{"blocklist", required_argument, NULL, 'b'},
		{"allow-reserved", optional_argument, NULL, O_RESERVED},
		{"probe", required_argument, NULL, O_PROBE},
		{"port", required_argument, NULL, 'p'},
		{"first-ttl", required_argument, NULL, 'f'},
		{"max-ttl", required_argument, NULL, 'm'},
		{"source-port", required_argument, NULL, O_SPORT},
		{"source-ip", required_argument, NULL, 'S'},
		{"gateway-mac", required_argument, NULL, 'G'},
		{"rate", required_argument, NULL, O_RATE},
		{"retries", required_argument, NULL, O_RETRIES},
		{"cooldown", required_argument, NULL, O_COOL},
		{"seed", required_argument, NULL, O_SEED},
		{"threads", required_argument, NULL, O_THREADS},
		{"preprobe", no_argument, NULL, O_PREPROBE},
		{"mode", required_argument, NULL, O_MODE},
		{"output", required_argument, NULL, 'o'},
		{"output-format", required_argument, NULL, 'O'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct wc_scan_opts *so = &o->to.scan;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:I:b:p:f:m:S:G:o:O:qvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': so->ifname = optarg; break;
		case 'I': o->tg.inputs = push(o->tg.inputs, &o->tg.ninputs, optarg); break;
		case 'b': o->tg.blocklists = push(o->tg.blocklists, &o->tg.nblock, optarg); break;
		case O_ALLOW: o->tg.allowlist = optarg; break;
		case O_RESERVED: {
			const char *eq = strchr(argv[optind - 1], '=');

			o->tg.allow_reserved = eq ? eq + 1 : "";
			break;
		}
		case O_PROBE: o->probe = optarg; break;
		case 'p': {
			uint64_t v = cli_opt_u64(CMD, "--port", optarg);

			if (v < 1 || v > 65535)
				cli_usage(CMD, "--port wants 1 to 65535");
			o->to.dport = (uint16_t)v;
			break;
		}
		case 'f': o->to.min_ttl = opt_ttl("--first-ttl", optarg); break;
		case 'm': o->to.max_ttl = opt_ttl("--max-ttl", optarg); break;
		case O_SPORT: {
			uint64_t v = cli_opt_u64(CMD, "--source-port", optarg);

			if (v < 1 || v > 65535)
				cli_usage(CMD, "--source-port wants 1 to 65535");
			so->probe.sport = (uint16_t)v;
			break;
		}
		case 'S': {
			struct in6_addr a6;
			struct in_addr a4;

			if (inet_pton(AF_INET, optarg, &a4) == 1) {
				so->has_src4 = true;
				memcpy(so->src4, &a4, 4);
			} else if (inet_pton(AF_INET6, optarg, &a6) == 1) {
				so->has_src6 = true;
				memcpy(so->src6, &a6, 16);
			} else {
				cli_usage(CMD, "--source-ip wants an IPv4 or IPv6 address, not '%s'",
					  optarg);
			}
			break;
		}
		case 'G':
			so->gateway_mac = cli_opt_mac(CMD, "--gateway-mac", optarg);
			so->has_gateway_mac = true;
			break;
		case O_RATE:
			o->has_rate = true;
			so->rate_pps = strcmp(optarg, "max") ? cli_opt_si(CMD, "--rate", optarg, false) : 0;
			break;
		case O_RETRIES:
			so->retries = (unsigned)cli_opt_u64(CMD, "--retries", optarg);
			if (so->retries > 100)
				cli_usage(CMD, "--retries: at most 100");
			break;
		case O_COOL: so->cooldown_s = cli_opt_si(CMD, "--cooldown", optarg, true); break;
		case O_PREPROBE: o->to.preprobe = true; break;
		case O_THREADS:
			so->threads = (unsigned)cli_opt_u64(CMD, "--threads", optarg);
			if (so->threads < 1 || so->threads > WC_SCAN_MAX_THREADS)
				cli_usage(CMD, "--threads wants 1 to %d", WC_SCAN_MAX_THREADS);
			break;
		case O_SEED:
			so->seed = cli_opt_u64(CMD, "--seed", optarg);
			o->has_seed = true;
			break;
		case O_MODE:
			if (!strcmp(optarg, "auto"))
				so->mode = WC_XDP_AUTO;
			else if (!strcmp(optarg, "native"))
				so->mode = WC_XDP_NATIVE;
			else if (!strcmp(optarg, "skb"))
				so->mode = WC_XDP_SKB;
			else
				cli_usage(CMD, "--mode wants auto, native or skb, not '%s'", optarg);
			break;
		case 'o': o->output = optarg; break;
		case 'O':
			o->fmt = wc_trace_format_parse(optarg);
			if (o->fmt < 0)
				cli_usage(CMD, "-O wants text, json, csv or dot, not '%s'", optarg);
			break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose = true; break;
		case 'h':
			fputs(traceroute_help, stdout);
			cli_flush();
			exit(0);
		case ':': cli_usage(CMD, "%s needs a value", argv[optind - 1]);
		default: cli_usage(CMD, "unknown option '%s'", argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++)
		o->tg.targets = push(o->tg.targets, &o->tg.ntargets, argv[i]);
	if (!so->ifname)
		cli_usage(CMD, "no interface: -i IFACE");
	if (!o->tg.ntargets && !o->tg.ninputs && !o->tg.allowlist)
		cli_usage(CMD, "no targets: give addresses, CIDRs or ranges, -I FILE or --allowlist "
			  "FILE");
	if (o->to.min_ttl && o->to.max_ttl && o->to.min_ttl > o->to.max_ttl)
		cli_usage(CMD, "--first-ttl %u is above --max-ttl %u", o->to.min_ttl, o->to.max_ttl);
	if (o->to.min_ttl && !o->to.max_ttl && o->to.min_ttl > 30)
		o->to.max_ttl = o->to.min_ttl;
	if (!o->has_rate)
		so->rate_pps = CLI_DEFAULT_RATE;
	o->tg.quiet = o->quiet;
	so->probe.sz = sizeof(so->probe);
	so->probe.kind = WC_PROBE_TCP_SYN;
	if (o->probe) {
		if (!strcmp(o->probe, "tcp-syn") || !strcmp(o->probe, "syn") || !strcmp(o->probe, "tcp"))
			so->probe.kind = WC_PROBE_TCP_SYN;
		else if (!strcmp(o->probe, "udp"))
			so->probe.kind = WC_PROBE_UDP;
		else if (!strcmp(o->probe, "icmp") || !strcmp(o->probe, "icmp-echo"))
			so->probe.kind = WC_PROBE_ICMP_ECHO;
		else
			cli_usage(CMD, "--probe wants tcp-syn, udp or icmp, not '%s'", o->probe);
		if (so->probe.kind == WC_PROBE_ICMP_ECHO && o->to.dport)
			cli_usage(CMD, "--port: an icmp probe has no ports");
	}
}

static double now_s(void)
{
	return (double)wc_now_ns() / 1e9;
}

/* wc_trace_opts.on_paths: the result out, while the scan's tear-down runs beside */
static void write_out(const struct wc_trace *tr, void *arg)
{
	struct tr_cli *o = arg;
	double t = now_s();

	o->write_err = wc_trace_write(tr, o->output, (enum wc_trace_format)o->fmt, o->label);
	o->write_s = now_s() - t;
	o->written = true;
}

static void progress(const struct wc_scan_stats *st, void *arg)
{
	struct tr_cli *o = arg;

	if (o->quiet || st->finished)
		return;
	fprintf(stderr, "wirecraft: traceroute %5.1f%% sent %llu (%.0f pps) replies %llu drops %llu%s\n",
		100.0 * st->done, (unsigned long long)st->sent, st->pps,
		(unsigned long long)st->replies, (unsigned long long)st->drops,
		st->cooling ? " cooling down" : "");
}

int cmd_traceroute(int argc, char **argv)
{
	struct tr_cli o;
	struct wc_ipset *set;
	struct wc_trace *tr = NULL;
	struct wc_scan_stats st;
	char why[WC_SCAN_WHY] = "", label[64];
	unsigned nttl;
	double t_start = now_s(), t_trace;
	int err;

	memset(&o, 0, sizeof(o));
	o.to.sz = sizeof(o.to);
	o.to.scan.sz = sizeof(o.to.scan);
	o.to.scan.cooldown_s = -1;
	parse_opts(argc, argv, &o);
	cli_need_caps(CMD, CLI_CAP_NET_RAW | CLI_CAP_NET_ADMIN | CLI_CAP_BPF | CLI_CAP_PERFMON,
		      "tracing");
	set = cli_target_set(CMD, &o.tg);
	if (!o.has_seed) {
		if (getrandom(&o.to.scan.seed, sizeof(o.to.scan.seed), 0) != sizeof(o.to.scan.seed))
			cli_die_err("random seed", -errno);
		o.to.scan.seed &= (1ull << 53) - 1;
	}
	if (o.output && !strcmp(o.output, "-"))
		o.output = NULL;
	nttl = (o.to.max_ttl ? o.to.max_ttl : 30) - (o.to.min_ttl ? o.to.min_ttl : 1) + 1;
	if (o.to.scan.probe.kind == WC_PROBE_ICMP_ECHO)
		snprintf(label, sizeof(label), "icmp-echo");
	else
		snprintf(label, sizeof(label), "%s port %u",
			 o.to.scan.probe.kind == WC_PROBE_UDP ? "udp" : "tcp-syn",
			 o.to.dport ? (unsigned)o.to.dport
				    : o.to.scan.probe.kind == WC_PROBE_UDP ? 33434u : 80u);
	if (!o.quiet)
		fprintf(stderr, "wirecraft: tracing %llu targets x %u TTLs, %s probes, seed %llu, "
				"rate %s\n", (unsigned long long)wc_ipset_count(set), nttl, label,
			(unsigned long long)o.to.scan.seed,
			o.to.scan.rate_pps > 0 ? (snprintf(why, sizeof(why), "%.0f pps",
							    o.to.scan.rate_pps), why) : "max");
	why[0] = '\0';
	o.to.targets = set;
	o.to.scan.stop = &cli_job_stop;
	o.to.scan.progress = progress;
	o.to.scan.arg = &o;
	o.to.on_paths = write_out;
	o.label = label;
	cli_catch_job_signals();
	t_trace = now_s();
	err = wc_trace(&o.to, &tr, &st, why);
	if (err) {
		if (err == -EPERM || err == -EACCES)
			cli_die(CMD, "%s (needs root: CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON)", why);
		if (err == -ENOENT && !wc_ipset_count(set))
			cli_die(CMD, "no targets left after the allowlist and blocklists");
		cli_die(CMD, "%s", why[0] ? why : strerror(-err));
	}
	if (!o.written) /* never: on_paths comes with every trace that succeeds */
		write_out(tr, &o);
	if (o.write_err)
		cli_die_err(o.output ? o.output : "stdout", o.write_err);
	if (o.verbose) {
		struct wc_trace_times tt;

		wc_trace_times(tr, &tt);
		if (o.to.preprobe)
			snprintf(why, sizeof(why), "preprobe: the sample %.3f s, the rest %.3f s; "
				 "the TTLs below %.3f s, beyond %.3f s", tt.phase_s[0],
				 tt.phase_s[1], tt.phase_s[2], tt.phase_s[3]);
		else
			snprintf(why, sizeof(why), "probes %.3f s", tt.phase_s[0]);
		fprintf(stderr, "wirecraft: traceroute times: before the trace %.3f s, set-up %.3f s, "
				"%s, tear-down %.3f s, paths %.3f s, written %.3f s\n",
			t_trace - t_start, tt.setup_s, why, tt.teardown_s, tt.paths_s, o.write_s);
		fprintf(stderr, "wirecraft: traceroute answers: %llu replies, %llu kept, %llu repeats, "
				"%llu invalid; drops: device %llu, socket %llu, ring full %llu, no "
				"socket %llu; rtt p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
			(unsigned long long)st.replies, (unsigned long long)st.results,
			(unsigned long long)st.repeats, (unsigned long long)st.invalid,
			(unsigned long long)st.drops_device, (unsigned long long)st.xsk_rx_dropped,
			(unsigned long long)st.xsk_rx_ring_full,
			(unsigned long long)st.steer[WC_SC_NO_SOCKET], st.rtt_p50_us / 1e3,
			st.rtt_p99_us / 1e3, st.rtt_max_us / 1e3);
	}
	if (!o.quiet || o.verbose) /* -v: the counts too, also with -q */
		fprintf(stderr, "wirecraft: traceroute %s: %llu probes (%llu preprobes, %llu pairs "
				"at or beyond the targets left out, %llu beyond the distances) in %.2f s (%.0f pps), %llu "
				"replies, %zu targets answered, %llu reached, %zu links, %llu drops, "
				"%.2f s in all, cooldown %.2f s\n",
			cli_job_stop ? "stopped" : "done", (unsigned long long)st.sent,
			(unsigned long long)wc_trace_preprobes(tr), (unsigned long long)wc_trace_skipped(tr),
			(unsigned long long)wc_trace_extended(tr),
			st.send_s,
			st.send_s > 0 ? (double)st.sent / st.send_s : 0.0,
			(unsigned long long)st.replies, wc_trace_npaths(tr),
			(unsigned long long)wc_trace_nreached(tr), wc_trace_nlinks(tr),
			(unsigned long long)st.drops, st.elapsed_s, st.cooldown_s);
	wc_trace_free(tr);
	wc_ipset_free(set);
	free(o.tg.targets);
	free(o.tg.inputs);
	free(o.tg.blocklists);
	return cli_job_stop ? 130 : 0;
}
