/* SPDX-License-Identifier: MIT */
/* wirecraft dissect: packets from hex arguments, hex lines on stdin, or a pcap/pcapng
 * file, shown as Scapy's show(), as its summary() line, or as JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wirecraft/format.h"
#include "wirecraft/pcapio.h"

static const char dissect_help[] =
	"Usage: wirecraft dissect [OPTIONS] HEX...\n"
	"       wirecraft dissect [OPTIONS] -          (hex lines on stdin)\n"
	"       wirecraft dissect [OPTIONS] -r FILE    (pcap or pcapng)\n\n"
	"Dissect packets and print each as Scapy's show() does (the default), as its\n"
	"summary() line, or as one JSON array of layers per line.\n\n"
	"Options:\n"
	"  -r, --read FILE    read packets from a pcap or pcapng file\n"
	"  -f, --filter EXPR  with -r: only the packets that pass a tcpdump filter (libpcap's\n"
	"                     syntax, for the file's link type)\n"
	"  -c, --count N      stop after N packets (that passed the filter)\n"
	"      --first LAYER  dissect starting at LAYER (default Ether; from a file, what its\n"
	"                     link type says)\n"
	"      --json         JSON: [{\"layer\":\"IP\",\"fields\":{...}},...]\n"
	"      --summary      one summary line per packet\n"
	"      --no-status    no [truncated]/[malformed] lines: exactly Scapy's text\n"
	"  -h, --help         this text\n\n"
	"HEX is contiguous hex digits, one argument per packet.\n";

enum out_mode { OUT_SHOW, OUT_SHOW_EXACT, OUT_JSON, OUT_SUMMARY };

struct dissect_opts {
	const char *read, *filter;
	const struct wc_proto *first;
	enum out_mode mode;
	uint64_t count;
	bool has_count, no_status;
};

struct dissect_ctx {
	struct dissect_opts o;
	struct cli_buf text;
	uint64_t done;
	bool failed; /* a packet could not be read: exit 1 at the end */
};

static void parse_opts(int argc, char **argv, struct dissect_opts *o)
{
	static const struct option lopts[] = {
		{"read", required_argument, NULL, 'r'},  {"count", required_argument, NULL, 'c'},
		{"filter", required_argument, NULL, 'f'},
		{"first", required_argument, NULL, 'F'}, {"json", no_argument, NULL, 'J'},
		{"summary", no_argument, NULL, 'M'},     {"no-status", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:c:f:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->read = optarg;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'c':
			o->count = cli_opt_u64("dissect", "-c", optarg);
			o->has_count = true;
			break;
		case 'F':
			o->first = cli_layer("dissect", optarg);
			break;
		case 'J':
		case 'M':
			if (o->mode != OUT_SHOW)
				cli_usage("dissect", "--json and --summary exclude each other");
			o->mode = c == 'J' ? OUT_JSON : OUT_SUMMARY;
			break;
		case 'N':
			o->no_status = true;
			break;
		case 'h':
			fputs(dissect_help, stdout);
			cli_flush();
			exit(0);
		case ':':
			cli_usage("dissect", "%s needs a value", argv[optind - 1]);
		default:
			cli_usage("dissect", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->read && optind < argc)
		cli_usage("dissect", "give either -r FILE or HEX arguments, not both");
	if (o->filter && !o->read)
		cli_usage("dissect", "--filter is for -r FILE");
	if (!o->read && optind >= argc)
		cli_usage("dissect", "missing HEX, '-' or -r FILE");
	if (o->no_status && o->mode == OUT_SHOW)
		o->mode = OUT_SHOW_EXACT;
}

static int show_exact(const struct wc_pkt *p, char *out, size_t cap)
{
	return wc_fmt_show_ex(p, WC_FMT_NO_STATUS, out, cap);
}

static cli_fmt_fn formatter(enum out_mode mode)
{
	switch (mode) {
	case OUT_JSON:
		return wc_fmt_json;
	case OUT_SUMMARY:
		return wc_fmt_summary;
	case OUT_SHOW_EXACT:
		return show_exact;
	default:
		return wc_fmt_show;
	}
}

static bool more(const struct dissect_ctx *c)
{
	return !c->o.has_count || c->done < c->o.count;
}

/* Dissect and print one packet. `where` names it in messages. */
static void one(struct dissect_ctx *c, const uint8_t *b, size_t n,
		const struct wc_proto *first, const char *where)
{
	static struct wc_pkt p;
	int err = wc_dissect(&p, b, n, first);

	c->done++;
	if (err) {
		cli_warn(where, "%s", strerror(-err));
		c->failed = true;
		return;
	}
	cli_out_format(&c->text, formatter(c->o.mode), &p);
	/* Ends a JSON or summary line; after show's text, the blank line Scapy's print() leaves. */
	cli_out("\n", 1);
}

static void from_hex(struct dissect_ctx *c, const char *s, size_t n, const char *where)
{
	static uint8_t buf[WC_MAX_PKT];
	char why[96];
	size_t len;

	if (cli_unhex(s, n, buf, sizeof(buf), &len, why, sizeof(why)))
		cli_die(where, "%s", why);
	one(c, buf, len, c->o.first, where);
}

/* One packet per line; blank lines are skipped, spaces and CR around a line ignored. */
static void from_stdin(struct dissect_ctx *c)
{
	char *line = NULL, where[48];
	size_t cap = 0;
	ssize_t got;
	unsigned long long lineno = 0;

	while (more(c) && (got = getline(&line, &cap, stdin)) >= 0) {
		size_t a = 0, z = (size_t)got;

		lineno++;
		while (a < z && strchr(" \t\r\n", line[a]))
			a++;
		while (z > a && strchr(" \t\r\n", line[z - 1]))
			z--;
		if (a == z)
			continue;
		snprintf(where, sizeof(where), "stdin: line %llu", lineno);
		from_hex(c, line + a, z - a, where);
	}
	if (ferror(stdin))
		cli_die_err("stdin", errno ? -errno : -EIO);
	free(line);
}

static void from_file(struct dissect_ctx *c)
{
	char eb[WC_PCAP_ERRBUF], where[64];
	struct wc_pcap_reader *r;
	const uint8_t *data;
	size_t len;
	unsigned long long no = 0;
	int err = wc_pcap_open_read(c->o.read, &r, eb);

	if (err)
		cli_die(c->o.read, "%s", eb);
	if (!c->o.first && wc_pcap_link(r) == WC_LINK_OTHER) {
		int dlt = wc_pcap_dlt(r);

		wc_pcap_close_read(r);
		cli_die(c->o.read, "link type %d is not one wirecraft dissects; try --first LAYER",
			dlt);
	}
	if (wc_pcap_set_filter(r, c->o.filter, eb)) {
		wc_pcap_close_read(r);
		cli_usage("dissect", "%s", eb);
	}
	while (more(c) && (err = wc_pcap_next(r, &data, &len, NULL)) == 0) {
		const struct wc_proto *first = c->o.first;
		size_t skip = 0;

		no++;
		if (!first)
			first = wc_pcap_first_proto(wc_pcap_link(r), data, len, &skip);
		if (!first)
			first = &wc_proto_raw; /* a cooked frame of a protocol we lack */
		snprintf(where, sizeof(where), "%s: packet %llu", c->o.read, no);
		one(c, data + skip, len - skip, first, where);
	}
	if (err && err != -ENOENT) {
		cli_warn(c->o.read, "%s", wc_pcap_read_error(r));
		c->failed = true;
	}
	wc_pcap_close_read(r);
}

int cmd_dissect(int argc, char **argv)
{
	struct dissect_ctx c = {0};

	parse_opts(argc, argv, &c.o);
	if (c.o.read) {
		from_file(&c);
	} else {
		for (int i = optind; i < argc && more(&c); i++) {
			char where[48];

			if (!strcmp(argv[i], "-")) {
				from_stdin(&c);
				continue;
			}
			snprintf(where, sizeof(where), "hex argument %d", i - optind + 1);
			from_hex(&c, argv[i], strlen(argv[i]), where);
		}
	}
	cli_buf_free(&c.text);
	return c.failed ? CLI_EXIT_FAIL : 0;
}
