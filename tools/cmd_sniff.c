/* SPDX-License-Identifier: MIT */
/* wirecraft sniff: capture from an interface with a tcpdump filter; a summary line, JSON or
 * Scapy's show() text per packet, and/or a pcap file; -c, --timeout, Ctrl-C to stop. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "wirecraft/format.h"
#include "wirecraft/pcapio.h"
#include "wirecraft/sniff.h"

static const char sniff_help[] =
	"Usage: wirecraft sniff -i IFACE [OPTIONS] [FILTER...]\n\n"
	"Capture packets on IFACE and print one line per packet (Scapy's summary()), one JSON\n"
	"array of layers per line, or Scapy's show() text; and/or write them to a pcap file.\n"
	"FILTER is tcpdump's syntax (pcap-filter(7)), in one argument or several words.\n\n"
	"By default this only watches (libpcap, AF_PACKET ring): the host's stack still gets\n"
	"every packet, and the kernel applies the filter.\n\n"
	"Options:\n"
	"  -i, --iface IFACE   the interface to capture on\n"
	"  -c, --count N       stop after N packets that pass the filter\n"
	"      --timeout S     stop after S seconds, whether packets came or not\n"
	"  -w, --write FILE    write the packets to a pcap file; it appears under its name,\n"
	"                      complete, when the capture stops (-c, --timeout, Ctrl-C)\n"
	"      --summary       one summary line per packet (the default, unless -w)\n"
	"      --json          one JSON array of layers per line\n"
	"      --show          Scapy's show() text per packet\n"
	"      --steal         capture through XDP and AF_XDP, at full speed. STOLEN PACKETS DO\n"
	"                      NOT REACH THE HOST: while this runs, nothing that arrives on\n"
	"                      IFACE gets to the host's stack (ARP, ping and TCP to it fail),\n"
	"                      whether it matches the filter or not; only for interfaces\n"
	"                      dedicated to capturing. The filter runs in userspace. The XDP\n"
	"                      program leaves IFACE when wirecraft exits, however it exits.\n"
	"  -p, --no-promisc    do not put IFACE in promiscuous mode (live capture)\n"
	"  -q, --quiet         no per-packet output, no start line (the final count stays)\n"
	"  -u, --user USER     once the capture is open, run as USER (under sudo: the user who\n"
	"                      ran sudo, by default); -w's file is then created as that user\n"
	"  -h, --help          this text\n\n"
	"With -w nothing is printed per packet unless --summary, --json or --show is given.\n"
	"Ctrl-C and SIGTERM stop cleanly. At the end, on stderr:\n"
	"  wirecraft: N packets captured, K dropped by the kernel\n"
	"Needs CAP_NET_RAW (root); --steal also CAP_NET_ADMIN and CAP_BPF. Every privilege is\n"
	"given up once the capture is open, before the first packet is read (doc/privileges.md).\n\n"
	"Example: wirecraft sniff -i veth1 'tcp port 80' -c 100 -w out.pcap\n";

enum out_mode { OUT_DEFAULT, OUT_NONE, OUT_SUMMARY, OUT_JSON, OUT_SHOW };

struct sniff_cli {
	struct wc_sniff_opts so;
	const char *write;
	const char *user;
	char *filter;
	uint64_t count; /* 0: no limit */
	int timeout_ms; /* <0: none */
	enum out_mode mode;
	bool quiet;
};

static int parse_timeout(const char *arg)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (end == arg || *end || errno || !(s > 0) || s > 1e6 || isnan(s))
		cli_usage("sniff", "--timeout wants seconds (more than 0, at most 1000000), not '%s'",
			  arg);
	s *= 1000;
	return s < 1 ? 1 : (int)ceil(s);
}

static void parse_opts(int argc, char **argv, struct sniff_cli *o)
{
	enum { O_TIMEOUT = 256, O_SUMMARY, O_JSON, O_SHOW, O_STEAL };
	static const struct option lopts[] = {
		{"iface", required_argument, NULL, 'i'},  {"count", required_argument, NULL, 'c'},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"write", required_argument, NULL, 'w'},  {"summary", no_argument, NULL, O_SUMMARY},
		{"json", no_argument, NULL, O_JSON},      {"show", no_argument, NULL, O_SHOW},
		{"steal", no_argument, NULL, O_STEAL},    {"no-promisc", no_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
		{"user", required_argument, NULL, 'u'},   {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:c:w:pqu:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->so.ifname = optarg; break;
		case 'c':
			o->count = cli_opt_u64("sniff", "-c", optarg);
			if (!o->count)
				cli_usage("sniff", "-c wants at least 1");
			break;
		case O_TIMEOUT: o->timeout_ms = parse_timeout(optarg); break;
		case 'w': o->write = optarg; break;
		case O_SUMMARY:
		case O_JSON:
		case O_SHOW:
			if (o->mode != OUT_DEFAULT)
				cli_usage("sniff", "--summary, --json and --show exclude each other");
			o->mode = c == O_SUMMARY ? OUT_SUMMARY : c == O_JSON ? OUT_JSON : OUT_SHOW;
			break;
		case O_STEAL: o->so.mode = WC_SNIFF_STEAL; break;
		case 'p': o->so.no_promisc = true; break;
		case 'q': o->quiet = true; break;
		case 'u': o->user = optarg; break;
		case 'h':
			fputs(sniff_help, stdout);
			cli_flush();
			exit(0);
		case ':': cli_usage("sniff", "%s needs a value", argv[optind - 1]);
		default: cli_usage("sniff", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!o->so.ifname)
		cli_usage("sniff", "no interface: -i IFACE");
	if (o->quiet && o->mode != OUT_DEFAULT)
		cli_usage("sniff", "-q prints no packets: drop --summary/--json/--show");
	if (o->mode == OUT_DEFAULT)
		o->mode = o->quiet || o->write ? OUT_NONE : OUT_SUMMARY;
	if (optind < argc)
		o->filter = cli_join(argc - optind, argv + optind);
}

static cli_fmt_fn formatter(enum out_mode m)
{
	return m == OUT_JSON ? wc_fmt_json : m == OUT_SHOW ? wc_fmt_show : wc_fmt_summary;
}

static bool out_gone; /* stdout's reader left */

/* stdout went away (a pipe into `head`): stop capturing, quietly, and let nothing buffered
 * make the final flush fail. Anything else is an error worth a line. */
static int out_failed(void)
{
	int e = errno ? errno : EIO;

	if (e == EPIPE) {
		out_gone = true;
		__fpurge(stdout);
		clearerr(stdout);
		return 0;
	}
	cli_warn("stdout", "%s", strerror(e));
	return -e;
}

static int print_pkt(struct sniff_cli *o, struct cli_buf *text, enum wc_link link,
		     const struct wc_sniff_pkt *pk)
{
	static struct wc_pkt p; /* too big for the stack */
	const struct wc_proto *first;
	size_t skip = 0, n;
	int err;

	first = wc_pcap_first_proto(link, pk->data, pk->len, &skip);
	if (!first)
		first = &wc_proto_raw; /* a link or protocol wirecraft does not dissect */
	err = wc_dissect(&p, pk->data + skip, pk->len - skip, first);
	if (err) {
		cli_warn("dissect", "%s", strerror(-err));
		return 0;
	}
	n = cli_format(text, formatter(o->mode), &p);
	errno = 0;
	if (fwrite(text->p, 1, n, stdout) != n || fputc('\n', stdout) == EOF)
		return out_failed();
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static enum wc_link write_link(enum wc_link l)
{
	switch (l) {
	case WC_LINK_ETHER:
		return WC_LINK_ETHER;
	case WC_LINK_RAW:
	case WC_LINK_IPV4:
	case WC_LINK_IPV6:
		return WC_LINK_RAW; /* the same bytes; readers tell v4 and v6 by the version */
	default:
		return WC_LINK_OTHER;
	}
}

int cmd_sniff(int argc, char **argv)
{
	struct sniff_cli o = {.timeout_ms = -1};
	struct wc_pcap_writer *w = NULL;
	struct cli_buf text = {0};
	struct wc_sniff_stats st;
	struct wc_sniff *s;
	int64_t deadline = 0;
	char eb[WC_SNIFF_ERRBUF] = "", dwhy[160];
	struct cli_drop drop;
	bool shared;
	int err, rc = 0;

	parse_opts(argc, argv, &o);
	o.so.filter = o.filter;
	/* A bad filter is the user's to fix before anything else: say so even without root. */
	if (wc_sniff_filter_check(o.filter, eb))
		cli_die("filter", "%s", eb + strlen("filter: "));
	/* Checked up front so that the error names the capabilities, not a bare EPERM. */
	if (o.so.mode == WC_SNIFF_STEAL)
		cli_need_caps("sniff", CLI_CAP_NET_RAW | CLI_CAP_NET_ADMIN | CLI_CAP_BPF, "--steal");
	else
		cli_need_caps("sniff", CLI_CAP_NET_RAW, "capturing");
	if (cli_drop_prepare(&drop, o.user, dwhy, sizeof(dwhy)))
		cli_die("sniff", "%s", dwhy);
	cli_catch_signals();
	err = wc_sniff_open(&o.so, &s, eb);
	if (err == -EPERM)
		cli_die("sniff", "%s (needs CAP_NET_RAW%s)", eb,
			o.so.mode == WC_SNIFF_STEAL ? ", CAP_NET_ADMIN and CAP_BPF" : "");
	if (err) {
		fflush(stdout);
		fprintf(stderr, "wirecraft: %s\n", eb);
		return CLI_EXIT_FAIL;
	}
	/* The capture is open: nothing privileged is left to do (reading it, and closing it, which
	 * detaches --steal's program, need no capability). Become the user before -w's file is
	 * made, so that it is made as the user, where the user may write; */
	/* Not so for --steal in a libxdp dispatcher: leaving it at close rebuilds the
	 * dispatcher, which needs every privilege of joining it. */
	shared = wc_sniff_shared(s);
	if (shared)
		fprintf(stderr, "wirecraft: %s runs a libxdp dispatcher: joined it, keeping the "
			"privileges needed to leave it at exit\n", o.so.ifname);
	if (drop.active && !shared && cli_drop_apply(&drop, 0, dwhy, sizeof(dwhy))) {
		wc_sniff_close(s);
		cli_die("sniff", "dropping privileges: %s", dwhy);
	}
	if (o.write) {
		enum wc_link wl = write_link(wc_sniff_link(s));

		err = wl == WC_LINK_OTHER ? -EPROTONOSUPPORT : wc_pcap_open_write(o.write, wl, &w);
		if (err) {
			int dlt = wc_sniff_dlt(s);

			wc_sniff_close(s);
			if (err == -EPROTONOSUPPORT)
				cli_die(o.write, "link type %d: only Ethernet or raw IP can be written",
					dlt);
			cli_die_err(o.write, err);
		}
	}
	/* and whoever we are, no capability is kept past this point, where packets are read;
	 * except that plain root (nobody to become) keeps the right to finish -w's file where
	 * it started it: it is renamed into place at the end. */
	if (!shared && cli_drop_apply(&drop, !drop.active && w ? CLI_CAP_DAC_OVERRIDE : 0, dwhy,
				      sizeof(dwhy))) {
		if (w)
			wc_pcap_abort_write(w);
		wc_sniff_close(s);
		cli_die("sniff", "dropping privileges: %s", dwhy);
	}
	if (!o.quiet) {
		fflush(stdout);
		fprintf(stderr, "wirecraft: sniffing on %s (%s)%s%s%s\n", o.so.ifname,
			wc_sniff_engine(s), o.filter ? ", filter '" : "", o.filter ? o.filter : "",
			o.filter ? "'" : "");
		if (o.so.mode == WC_SNIFF_STEAL)
			fprintf(stderr, "wirecraft: %s: its packets do not reach the host until "
				"wirecraft exits\n", o.so.ifname);
	}
	if (o.timeout_ms >= 0)
		deadline = now_ms() + o.timeout_ms;
	for (uint64_t got = 0; !cli_stop && !out_gone && (!o.count || got < o.count);) {
		struct wc_sniff_pkt pk;
		/* Short waits: a signal that lands between the check of cli_stop and the wait
		 * must not hold the stop back for long. */
		int wait = 200;

		if (o.timeout_ms >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left < wait ? (int)left : wait;
		}
		err = wc_sniff_next(s, &pk, 0);
		if (err == -EAGAIN) {
			/* Idle: what was printed goes out now, not when a buffer fills. */
			errno = 0;
			if (fflush(stdout) != 0 && ((rc = out_failed()) || out_gone))
				break;
			err = wc_sniff_next(s, &pk, wait);
		}
		if (err == -EAGAIN || err == -EINTR)
			continue;
		if (err) {
			cli_warn(o.so.ifname, "%s", wc_sniff_error(s));
			rc = err;
			break;
		}
		got++;
		if (w && (err = wc_pcap_write(w, pk.data, pk.len, &pk.ts))) {
			cli_warn(o.write, "%s", strerror(-err));
			rc = err;
			break;
		}
		if (o.mode != OUT_NONE && (rc = print_pkt(&o, &text, wc_sniff_link(s), &pk)) != 0)
			break;
	}
	/* Counts are ours and always there; only the kernel's drop count can be missing. */
	wc_sniff_get_stats(s, &st);
	/* Detach before the file work: a stolen interface goes back to the host at once. */
	wc_sniff_close(s);
	if (w) {
		err = wc_pcap_close_write(w);
		if (err) {
			cli_warn(o.write, "%s", strerror(-err));
			rc = err;
		}
	}
	errno = 0;
	if (fflush(stdout) != 0 && !rc)
		rc = out_failed();
	if (st.filtered && !o.quiet)
		fprintf(stderr, "wirecraft: %llu more packets were taken that did not match the "
			"filter\n", (unsigned long long)st.filtered);
	fprintf(stderr, "wirecraft: %llu packets captured, %llu dropped by the kernel\n",
		(unsigned long long)st.captured, (unsigned long long)st.kernel_drops);
	cli_buf_free(&text);
	free(o.filter);
	return rc ? CLI_EXIT_FAIL : 0;
}
