/* SPDX-License-Identifier: MIT */
/*
 * For tests/net/test_coexist.sh on kernels that refuse BPF_PROG_TYPE_EXT (freplace), where
 * libxdp cannot build a real multiprog dispatcher: puts on an interface exactly what a killed
 * wirecraft leaves behind in one, as libxdp itself records it:
 *
 *   libxdp's xdp_dispatcher program (from its xdp-dispatcher.o, configured for one component),
 *   attached through netlink in native mode, and in bpffs
 *   BPFFS/xdp/dispatch-IFINDEX-ID/prog0-prog  the component program (PROG of OBJ)
 *   BPFFS/xdp/dispatch-IFINDEX-ID/prog0-link  a link that holds it (here: an XDP link on lo;
 *                                             a real dispatcher pins the freplace link)
 *
 * With --hold it then stays alive holding the component's descriptor, as a running wirecraft
 * does (xdp-clean must keep it); without, it exits and the component is stale.
 *
 * Usage: fake_dispatcher IFACE DISPATCHER.o OBJ PROG [--hold]
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/prog_dispatcher.h>

static struct bpf_program *only(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), name));
	return bpf_object__find_program_by_name(obj, name);
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "fake_dispatcher: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

int main(int argc, char **argv)
{
	struct xdp_dispatcher_config cfg = {
		.magic = XDP_DISPATCHER_MAGIC,
		.dispatcher_version = XDP_DISPATCHER_VERSION,
		.num_progs_enabled = 1,
		.chain_call_actions = {(1u << XDP_PASS) | (1u << XDP_DISPATCHER_RETVAL)},
		.run_prios = {30},
	};
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_SKB_MODE);
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	struct bpf_object *disp, *comp;
	struct bpf_program *dp, *cp;
	char dir[256], path[300];
	int ifindex, link;

	if (argc < 5 || !(ifindex = (int)if_nametoindex(argv[1]))) {
		fprintf(stderr, "usage: fake_dispatcher IFACE DISPATCHER.o OBJ PROG [--hold]\n");
		return 2;
	}
	disp = bpf_object__open_file(argv[2], NULL);
	comp = bpf_object__open_file(argv[3], NULL);
	if (!disp || !comp)
		return fail("open", errno);
	dp = only(disp, "xdp_dispatcher");
	cp = only(comp, argv[4]);
	if (!dp || !cp)
		return fail("program", ENOENT);
	if (bpf_map__set_initial_value(bpf_object__next_map(disp, NULL), &cfg, sizeof(cfg)))
		return fail("config", errno);
	if (bpf_object__load(disp) || bpf_object__load(comp))
		return fail("load", errno);
	if (bpf_xdp_attach(ifindex, bpf_program__fd(dp), XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL))
		return fail("attach", errno);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(dp), &info, &len))
		return fail("info", errno);
	mkdir("/sys/fs/bpf/xdp", 0700);
	snprintf(dir, sizeof(dir), "/sys/fs/bpf/xdp/dispatch-%d-%u", ifindex, info.id);
	if (mkdir(dir, 0700))
		return fail(dir, errno);
	link = bpf_link_create(bpf_program__fd(cp), 1 /* lo */, BPF_XDP, &lo);
	if (link < 0)
		return fail("link on lo", link);
	snprintf(path, sizeof(path), "%s/prog0-link", dir);
	if (bpf_obj_pin(link, path))
		return fail(path, errno);
	snprintf(path, sizeof(path), "%s/prog0-prog", dir);
	if (bpf_obj_pin(bpf_program__fd(cp), path))
		return fail(path, errno);
	printf("dispatcher %u on %s, component %s pinned\n", info.id, argv[1], argv[4]);
	fflush(stdout);
	if (argc > 5 && !strcmp(argv[5], "--hold"))
		pause();
	return 0;
}
