/* SPDX-License-Identifier: MIT */
/* The target set of scan and traceroute (cli_targets.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_targets.h"

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
	if (o->allowlist) {
		struct wc_ipset *a;

		if (wc_ipset_new(&a))
			cli_die_err("memory", -ENOMEM);
		add_file(a, o->allowlist);
		if (o->ntargets || o->ninputs) {
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
