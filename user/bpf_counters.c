/* SPDX-License-Identifier: MIT */
/* Reading per-CPU counters, also of a program another process attached: from the
 * interface to the program id, from the program to its maps, by name. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_counters.h"

int wc_bpf_sum_percpu(int map_fd, uint64_t *out, unsigned n)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;
	int err = 0;

	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t k = 0; k < n; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(map_fd, &k, vals)) {
			err = -errno;
			break;
		}
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	free(vals);
	return err;
}

static int counters_of_prog(uint32_t prog_id, const char *prog_name, uint64_t *out, unsigned n)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info), map_ids[16], nmaps;
	int prog_fd, err = -ENOENT;

	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		err = -errno;
		goto out;
	}
	if (strcmp(info.name, prog_name) != 0)
		goto out;
	nmaps = info.nr_map_ids < 16 ? info.nr_map_ids : 16;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = nmaps;
	info.map_ids = (uint64_t)(uintptr_t)map_ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		err = -errno;
		goto out;
	}
	for (uint32_t i = 0; i < nmaps && err == -ENOENT; i++) {
		struct bpf_map_info mi;
		uint32_t mlen = sizeof(mi);
		int map_fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (map_fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (!bpf_obj_get_info_by_fd(map_fd, &mi, &mlen) && strcmp(mi.name, "counters") == 0 &&
		    mi.type == BPF_MAP_TYPE_PERCPU_ARRAY && mi.max_entries == n)
			err = wc_bpf_sum_percpu(map_fd, out, n);
		close(map_fd);
	}
out:
	close(prog_fd);
	return err;
}

static int quiet_xdp(enum libxdp_print_level l, const char *f, va_list ap)
{
	(void)l, (void)f, (void)ap;
	return 0;
}

/* The program may be a component of the interface's libxdp dispatcher (user/xdp_attach.c). */
static int counters_in_dispatcher(int ifindex, const char *prog_name, uint64_t *out, unsigned n)
{
	libxdp_print_fn_t old = libxdp_set_print(quiet_xdp);
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p = NULL;
	int err = -ENOENT;

	if (!libxdp_get_error(mp) && !xdp_multiprog__is_legacy(mp))
		while (err == -ENOENT && (p = xdp_multiprog__next_prog(p, mp)))
			err = counters_of_prog(xdp_program__id(p), prog_name, out, n);
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	libxdp_set_print(old);
	return err;
}

int wc_bpf_counters_ifindex(int ifindex, const char *prog_name, uint64_t *out, unsigned n)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	uint32_t ids[3];
	int err;

	if (ifindex <= 0 || !out)
		return -EINVAL;
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return err;
	ids[0] = q.drv_prog_id;
	ids[1] = q.skb_prog_id;
	ids[2] = q.hw_prog_id;
	for (int i = 0; i < 3; i++) {
		if (!ids[i])
			continue;
		err = counters_of_prog(ids[i], prog_name, out, n);
		if (err != -ENOENT)
			return err;
	}
	return ids[0] || ids[1] ? counters_in_dispatcher(ifindex, prog_name, out, n) : -ENOENT;
}
