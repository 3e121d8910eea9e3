/* SPDX-License-Identifier: MIT */
/* wirecraft: Scapy's packet model on the command line. This file only dispatches; each
 * subcommand lives in its own cmd_*.c. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
};

static const struct cmd cmds[] = {
	{"build", cmd_build, "build the packets of an expression: hex lines or a pcap file"},
	{"show", cmd_show, "show the packets of an expression as Scapy's show2() does"},
	{"dissect", cmd_dissect, "dissect packets from hex or a pcap file: text, summary, JSON"},
	{"match", cmd_match, "pair the probes of one capture with the replies of another, offline"},
	{"ls", cmd_ls, "list the layers, or one layer's fields and defaults (Scapy's ls())"},
	{"reflect", cmd_reflect, "answer probes for a population of hosts with XDP (a test target)"},
	{"send", cmd_send, "send the packets of an expression: AF_XDP, AF_PACKET or a pcap file"},
	{"sniff", cmd_sniff, "capture packets with a tcpdump filter: summary, JSON, pcap"},
	{"sr", cmd_sr, "send packets and pair the answers with them (Scapy's sr()), XDP-steered"},
	{"sr1", cmd_sr1, "send packets and show the first answer in full (Scapy's sr1())"},
	{"stats", cmd_stats, "the counters of the wirecraft XDP programs on an interface"},
	{"scan", cmd_scan, "scan address and port ranges statelessly (as ZMap, masscan), XDP-steered"},
	{"traceroute", cmd_traceroute, "trace the routers to targets or whole prefixes, stateless (as yarrp)"},
	{"xdp-clean", cmd_xdp_clean, "remove what killed wirecraft runs left in a libxdp dispatcher"},
};

static void usage(FILE *f)
{
	fputs("Usage: wirecraft COMMAND [OPTIONS] [ARGS]\n"
	      "       wirecraft --version | --help | help [COMMAND]\n\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].what);
	fputs("  help      this text, or a command's help\n\n"
	      "Expressions are Scapy's: 'Ether()/IP(dst=\"198.18.0.0/30\")/TCP(dport=[22,80])'.\n"
	      "Run 'wirecraft COMMAND --help' for a command's options; see wirecraft(1).\n", f);
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int help(int argc, char **argv)
{
	const struct cmd *c;
	char *args[] = {NULL, "--help", NULL};

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = find_cmd(argv[1]);
	if (!c)
		cli_usage("help", "unknown command '%s'", argv[1]);
	args[0] = argv[1];
	return c->run(2, args);
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int rc;

	/* Pipes get big writes; a terminal sees each line as it comes. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("wirecraft %s\n", WC_VERSION);
		cli_flush();
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		cli_flush();
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		rc = help(argc - 1, argv + 1);
		cli_flush();
		return rc;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "wirecraft: %s: unknown command (see 'wirecraft --help')\n",
			argv[1]);
		return CLI_EXIT_USAGE;
	}
	rc = c->run(argc - 1, argv + 1);
	cli_flush();
	return rc;
}
