/* SPDX-License-Identifier: MIT */
/* wirecraft show: each packet of an expression, built and then dissected back from its
 * bytes, as Scapy's show2() prints it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wirecraft/format.h"

#define SHOW_DEFAULT_COUNT 100

static const char show_help[] =
	"Usage: wirecraft show [OPTIONS] EXPR\n\n"
	"Build the packets of the Scapy expression EXPR, dissect each from its bytes and print\n"
	"it as Scapy's show2() does (computed lengths and checksums included).\n\n"
	"Options:\n"
	"  -c, --count N      show at most N packets (default 100)\n"
	"      --seed N       seed for random fields; nonzero\n"
	"  -i, --iface IFACE  take unset addresses from IFACE\n"
	"      --no-status    no [truncated]/[malformed] lines: exactly Scapy's text\n"
	"  -h, --help         this text\n";

struct show_opts {
	const char *iface;
	uint64_t count, seed;
	bool has_count, has_seed, no_status;
};

static void parse_opts(int argc, char **argv, struct show_opts *o)
{
	static const struct option lopts[] = {
		{"count", required_argument, NULL, 'c'}, {"seed", required_argument, NULL, 'S'},
		{"iface", required_argument, NULL, 'i'}, {"no-status", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:i:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->count = cli_opt_u64("show", "-c", optarg);
			o->has_count = true;
			break;
		case 'S':
			o->seed = cli_opt_u64("show", "--seed", optarg);
			o->has_seed = true;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'N':
			o->no_status = true;
			break;
		case 'h':
			fputs(show_help, stdout);
			cli_flush();
			exit(0);
		case ':':
			cli_usage("show", "%s needs a value", argv[optind - 1]);
		default:
			cli_usage("show", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		cli_usage("show", "missing EXPR");
	if (!o->has_count)
		o->count = SHOW_DEFAULT_COUNT;
}

static int show_exact(const struct wc_pkt *p, char *out, size_t cap)
{
	return wc_fmt_show_ex(p, WC_FMT_NO_STATUS, out, cap);
}

int cmd_show(int argc, char **argv)
{
	static uint8_t buf[WC_MAX_PKT];
	static struct wc_pkt pkt, back;
	struct show_opts o = {0};
	struct cli_buf text = {0};
	struct wc_set *set;
	struct wc_iter *it;
	char *expr;
	uint64_t n = 0, total;
	int err;

	parse_opts(argc, argv, &o);
	expr = cli_join(argc - optind, argv + optind);
	set = cli_parse_expr(expr);
	free(expr);
	if (o.has_seed)
		wc_set_seed(set, o.seed);
	if (o.iface && (err = cli_apply_iface(o.iface, set)))
		cli_die_err(o.iface, err);
	err = wc_iter_new(set, &it);
	if (err)
		cli_die_err("show", err);
	for (; n < o.count; n++) {
		wc_pkt_init(&pkt, buf, sizeof(buf));
		err = wc_iter_next(it, &pkt);
		if (err == -ENOENT)
			break;
		if (err)
			cli_die("show", "packet %llu: %s", (unsigned long long)n + 1,
				strerror(-err));
		/* show2(): what the bytes say, read back as the expression's first layer. */
		err = wc_dissect(&back, pkt.buf, pkt.len, pkt.l[0].proto);
		if (err)
			cli_die("show", "packet %llu: %s", (unsigned long long)n + 1,
				strerror(-err));
		cli_out_format(&text, o.no_status ? show_exact : wc_fmt_show, &back);
		cli_out("\n", 1); /* Scapy's print() after the text */
	}
	total = wc_set_count(set);
	if (!o.has_count && n == o.count && total > o.count)
		cli_warn("show", "showed the first %llu packets; -c N for more",
			 (unsigned long long)n);
	cli_buf_free(&text);
	wc_iter_free(it);
	wc_set_free(set);
	return 0;
}
