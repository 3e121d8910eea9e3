/* SPDX-License-Identifier: MIT */
/* wirecraft build: the bytes of every packet of an expression, one hex line each, or a
 * pcap file. Packets are built one at a time as the set is walked, so the first line
 * comes out at once and memory stays flat whatever the set's size. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wirecraft/format.h"
#include "wirecraft/pcapio.h"

static const char build_help[] =
	"Usage: wirecraft build [OPTIONS] EXPR\n\n"
	"Build every packet of the Scapy expression EXPR and print each as one line of\n"
	"lowercase hex, or write them to a pcap file.\n\n"
	"Options:\n"
	"  -w, --write FILE   write a pcap file instead (Ethernet link type when the first\n"
	"                     layer is Ether, raw IP otherwise); FILE appears only complete\n"
	"  -c, --count N      stop after N packets\n"
	"      --seed N       seed for random fields (RandShort(), fuzz(), ...): same N, same\n"
	"                     packets; nonzero\n"
	"  -i, --iface IFACE  take unset addresses from IFACE (Ether src/dst, IP sources)\n"
	"  -h, --help         this text\n\n"
	"Example: wirecraft build 'IP(dst=\"198.18.0.0/30\")/TCP(dport=[22,80])'\n";

struct build_opts {
	const char *write, *iface;
	uint64_t count, seed;
	bool has_count, has_seed;
};

static void parse_opts(int argc, char **argv, struct build_opts *o)
{
	static const struct option lopts[] = {
		{"write", required_argument, NULL, 'w'}, {"count", required_argument, NULL, 'c'},
		{"seed", required_argument, NULL, 'S'},  {"iface", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:c:i:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			o->write = optarg;
			break;
		case 'c':
			o->count = cli_opt_u64("build", "-c", optarg);
			o->has_count = true;
			break;
		case 'S':
			o->seed = cli_opt_u64("build", "--seed", optarg);
			o->has_seed = true;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'h':
			fputs(build_help, stdout);
			cli_flush();
			exit(0);
		case ':':
			cli_usage("build", "%s needs a value", argv[optind - 1]);
		default:
			cli_usage("build", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		cli_usage("build", "missing EXPR");
}

/* Everything a run needs to clean up. */
struct build_run {
	struct wc_set *set;
	struct wc_iter *it;
	struct wc_pcap_writer *w;
	char *expr;
	char *line;
};

static void run_free(struct build_run *r)
{
	if (r->w)
		wc_pcap_abort_write(r->w);
	wc_iter_free(r->it);
	wc_set_free(r->set);
	free(r->expr);
	free(r->line);
}

/* Fail without leaving anything behind: the pcap's temporary file goes too. */
static _Noreturn void run_die(struct build_run *r, const char *what, int err)
{
	run_free(r);
	cli_die_err(what, err);
}

static void emit_hex(struct build_run *r, const struct wc_pkt *p)
{
	size_t n = 2 * p->len;

	wc_fmt_hex(p->buf, p->len, r->line, n + 1);
	r->line[n] = '\n';
	cli_out(r->line, n + 1);
}

static void emit_pcap(struct build_run *r, const struct wc_pkt *p, const char *path)
{
	int err;

	if (!r->w) {
		/* The link type follows the first packet's first layer. */
		enum wc_link link = p->nlayers && p->l[0].proto == &wc_proto_ether ? WC_LINK_ETHER
										     : WC_LINK_RAW;

		err = wc_pcap_open_write(path, link, &r->w);
		if (err)
			run_die(r, path, err);
	}
	err = wc_pcap_write(r->w, p->buf, p->len, NULL);
	if (err)
		run_die(r, path, err);
}

int cmd_build(int argc, char **argv)
{
	static uint8_t buf[WC_MAX_PKT];
	static struct wc_pkt pkt;
	struct build_opts o = {0};
	struct build_run r = {0};
	uint64_t n = 0;
	int err;

	parse_opts(argc, argv, &o);
	r.expr = cli_join(argc - optind, argv + optind);
	r.set = cli_parse_expr(r.expr);
	if (o.has_seed)
		wc_set_seed(r.set, o.seed);
	if (o.iface && (err = cli_apply_iface(o.iface, r.set)))
		run_die(&r, o.iface, err);
	r.line = malloc(2 * WC_MAX_PKT + 2);
	if (!r.line)
		run_die(&r, "memory", -ENOMEM);
	err = wc_iter_new(r.set, &r.it);
	if (err)
		run_die(&r, "build", err);
	if (o.write)
		cli_catch_signals(); /* an interrupted write must not leave a temporary file */
	while ((!o.has_count || n < o.count) && !cli_stop) {
		wc_pkt_init(&pkt, buf, sizeof(buf));
		err = wc_iter_next(r.it, &pkt);
		if (err == -ENOENT)
			break;
		if (err) {
			char what[48];

			snprintf(what, sizeof(what), "packet %llu", (unsigned long long)n + 1);
			run_die(&r, what, err);
		}
		if (o.write)
			emit_pcap(&r, &pkt, o.write);
		else
			emit_hex(&r, &pkt);
		n++;
	}
	if (cli_stop) {
		run_free(&r); /* removes the temporary file */
		cli_die(o.write, "interrupted; nothing written");
	}
	if (o.write) {
		if (!r.w && (err = wc_pcap_open_write(o.write, WC_LINK_ETHER, &r.w)))
			run_die(&r, o.write, err); /* no packet: an empty capture all the same */
		err = wc_pcap_close_write(r.w);
		r.w = NULL;
		if (err)
			run_die(&r, o.write, err);
	}
	run_free(&r);
	return 0;
}
