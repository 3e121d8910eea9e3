/* SPDX-License-Identifier: MIT */
/* The target set of scan and traceroute (cli_targets.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_targets.h"
#include "wirecraft/banner.h"

static void add_file(struct wc_ipset *s, const char *path)
{
	unsigned line;
	int err = wc_ipset_add_file(s, path, &line);

	if (err == -EINVAL)
		cli_die(path, "line %u: not an address, CIDR or range", line);
	if (err)
		cli_die_err(path, err);
}

struct wc_ipset *cli_target_set(const char *cmd, const struct cli_targets *o)
{
	struct wc_ipset *s, *blk, *res;
	uint64_t before;

	if (wc_ipset_new(&s) || wc_ipset_new(&blk) || wc_ipset_new(&res))
		cli_die_err("memory", -ENOMEM);
	for (unsigned i = 0; i < o->ntargets; i++)
		if (wc_ipset_add_text(s, o->targets[i]))
			cli_usage(cmd, "'%s' is not an address, a CIDR or a range", o->targets[i]);
	for (unsigned i = 0; i < o->ninputs; i++)
		add_file(s, o->inputs[i]);
	if (o->names) {
		unsigned line;
		int err = wc_names_load(o->names, o->names_out, s, &line);

		if (err == -EINVAL)
			cli_die(o->names, "line %u: not 'ADDRESS,NAME' (an address and a host name)",
				line);
		if (err == -EEXIST)
			cli_die(o->names, "line %u: a second name for the same address (one name an "
				"address: it is probed once)", line);
		if (err)
			cli_die_err(o->names, err);
	}
	if (o->allowlist) {
		struct wc_ipset *a;

		if (wc_ipset_new(&a))
			cli_die_err("memory", -ENOMEM);
		add_file(a, o->allowlist);
		if (o->ntargets || o->ninputs || o->names) {
			if (wc_ipset_intersect(s, a))
				cli_die_err("memory", -ENOMEM);
			wc_ipset_free(a);
		} else { /* the allowlist alone: it is the targets */
			wc_ipset_free(s);
			s = a;
		}
	}
	for (unsigned i = 0; i < o->nblock; i++)
		add_file(blk, o->blocklists[i]);
	if (wc_ipset_subtract(s, blk))
		cli_die_err("memory", -ENOMEM);
	/* the reserved ranges, but for the holes --allow-reserved=LIST punches in them */
	if (!o->allow_reserved || o->allow_reserved[0]) {
		if (wc_ipset_add_reserved(res))
			cli_die_err("memory", -ENOMEM);
		if (o->allow_reserved) {
			struct wc_ipset *holes;
			char *list = strdup(o->allow_reserved), *tok, *save = NULL;

			if (!list || wc_ipset_new(&holes))
				cli_die_err("memory", -ENOMEM);
			for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				if (wc_ipset_add_text(holes, tok))
					cli_usage(cmd, "--allow-reserved: '%s' is not a CIDR", tok);
			if (wc_ipset_subtract(res, holes))
				cli_die_err("memory", -ENOMEM);
			wc_ipset_free(holes);
			free(list);
		}
		before = wc_ipset_count(s);
		if (wc_ipset_subtract(s, res))
			cli_die_err("memory", -ENOMEM);
		if (wc_ipset_count(s) == 0 && before)
			cli_die(cmd, "every target is in a reserved range (private, loopback, "
				"benchmarking, documentation, multicast, ...): --allow-reserved[=CIDR] "
				"scans them");
		if (wc_ipset_count(s) < before && !o->quiet)
			cli_warn(cmd, "%llu addresses in reserved ranges skipped (--allow-reserved "
				 "scans them)", (unsigned long long)(before - wc_ipset_count(s)));
	}
	wc_ipset_free(blk);
	wc_ipset_free(res);
	return s;
}

volatile sig_atomic_t cli_job_stop;

static void on_job_signal(int sig)
{
	(void)sig;
	cli_job_stop = cli_job_stop < 2 ? cli_job_stop + 1 : 2;
}

void cli_catch_job_signals(void)
{
	struct sigaction sa;
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_job_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

uint64_t cli_opt_mac(const char *cmd, const char *opt, const char *arg)
{
	const char *p = arg;
	uint64_t m = 0;

	for (int i = 0; i < 6; i++) {
		char *end;
		unsigned long b;

		if (!isxdigit((unsigned char)*p))
			break;
		b = strtoul(p, &end, 16);
		if (b > 255 || end - p > 2 || *end != (i < 5 ? ':' : '\0'))
			break;
		m = m << 8 | b;
		if (i == 5)
			return m;
		p = end + 1;
	}
	cli_usage(cmd, "%s wants aa:bb:cc:dd:ee:ff, not '%s'", opt, arg);
}
