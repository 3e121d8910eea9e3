/* SPDX-License-Identifier: MIT */
/*
 * wirecraft xdp-clean: take the components that killed wirecraft processes left in an
 * interface's libxdp dispatcher out of it. A process that exits in any other way (its end,
 * Ctrl-C, SIGTERM, an error) takes its own component out, and the next wirecraft run on the
 * interface cleans up by itself too: this is for doing it by hand, or looking (--dry-run).
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wirecraft/xdp.h"

static const char help_text[] =
	"Usage: wirecraft xdp-clean -i IFACE [--dry-run]\n\n"
	"Remove the wirecraft XDP programs (reflect, steering, sniff --steal) that no running\n"
	"process holds from the libxdp dispatcher on IFACE. wirecraft joins a dispatcher where it\n"
	"finds one (xdp-loader, or any libxdp user, put it there) and leaves it when it exits;\n"
	"libxdp pins the programs in bpffs, so only a process killed with SIGKILL leaves one\n"
	"behind, and the next wirecraft run on IFACE removes it too. Other programs are never\n"
	"touched. One line per program of the dispatcher on stdout.\n\n"
	"  -i, --iface IFACE  the interface\n"
	"  -n, --dry-run      say what would be removed, remove nothing\n"
	"  -h, --help         this text\n\n"
	"Needs root (CAP_BPF, CAP_NET_ADMIN, and reading /proc/PID/fd of every process to know\n"
	"that nobody holds a program).\n";

static const char *verdict(const struct wc_xdp_prog_state *p, bool dry, char *buf, size_t len)
{
	if (!p->ours)
		return "not wirecraft's: left alone";
	if (p->holder > 0) {
		snprintf(buf, len, "held by pid %d: kept", p->holder);
		return buf;
	}
	if (p->holder < 0)
		return "cannot tell whether a process holds it (not root?): kept";
	if (dry)
		return "no process holds it: would be removed";
	return p->removed ? "no process holds it: removed" : "no process holds it: NOT removed";
}

int cmd_xdp_clean(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct wc_xdp_clean_report rep;
	const char *ifname = NULL;
	bool dry = false;
	int c, ifindex, err;
	char buf[64];

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:nh", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'n': dry = true; break;
		case 'h':
			fputs(help_text, stdout);
			cli_flush();
			exit(0);
		case ':': cli_usage("xdp-clean", "%s needs a value", argv[optind - 1]);
		default: cli_usage("xdp-clean", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!ifname)
		cli_usage("xdp-clean", "no interface: -i IFACE");
	if (optind < argc)
		cli_usage("xdp-clean", "unexpected argument '%s'", argv[optind]);
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		cli_die("xdp-clean", "%s: %s", ifname, strerror(ENODEV));
	cli_need_caps("xdp-clean", CLI_CAP_BPF | CLI_CAP_NET_ADMIN,
		      "reading and rebuilding the interface's XDP dispatcher");
	memset(&rep, 0, sizeof(rep));
	err = wc_xdp_clean(ifindex, dry, &rep);
	/* what was found is worth showing even when taking it out failed */
	if (!rep.dispatcher && !err)
		printf("%s: no libxdp dispatcher: nothing to clean\n", ifname);
	for (unsigned i = 0; i < rep.n; i++)
		printf("%s: %s (prog id %u): %s\n", ifname, rep.progs[i].name, rep.progs[i].id,
		       verdict(&rep.progs[i], dry || err, buf, sizeof(buf)));
	cli_flush();
	if (err)
		cli_die("xdp-clean", "%s: %s", ifname, wc_xdp_attach_error(err));
	return 0;
}
