/* SPDX-License-Identifier: MIT */
/* The target set of a command that probes many hosts (scan, traceroute): positional targets,
 * -I files, --allowlist, -b blocklists, and the reserved ranges left out unless
 * --allow-reserved[=CIDR,...] lets them in. One copy of those rules for every such command. */
#ifndef WC_CLI_TARGETS_H
#define WC_CLI_TARGETS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "wirecraft/target.h"

/* The default pace of a command that probes many hosts, in probes per second. */
#define CLI_DEFAULT_RATE 10000.0

struct cli_targets {
	const char **targets, **inputs, **blocklists;
	unsigned ntargets, ninputs, nblock;
	const char *allowlist;
	const char *allow_reserved; /* NULL: none; "": all; else a CIDR list */
	bool quiet;                 /* no warning about reserved addresses skipped */
	/* --names FILE: "ADDRESS,NAME" lines; their addresses are targets too, and the table
	 * goes to *names_out */
	const char *names;
	struct wc_names **names_out;
};

/* The set, or exit with a one-line error naming cmd (a bad target, an unreadable file, every
 * target reserved). Never empty-handed silently: an empty set after the lists is the caller's
 * to report (wc_targets_new says -ENOENT). */
struct wc_ipset *cli_target_set(const char *cmd, const struct cli_targets *t);

/* Stop requests of such a command, counted: the first SIGINT/SIGTERM/SIGHUP/SIGPIPE asks the
 * engine to stop sending and finish its cooldown, a second one cuts the cooldown short (the
 * engine reads the count through wc_scan_opts.stop). */
extern volatile sig_atomic_t cli_job_stop;
void cli_catch_job_signals(void);

/* --gateway-mac: aa:bb:cc:dd:ee:ff (one or two hex digits a byte), or exit with usage. */
uint64_t cli_opt_mac(const char *cmd, const char *opt, const char *arg);

#endif
