// SPDX-License-Identifier: BSD-2-Clause
/*
 * Attaching wirecraft's XDP programs next to other people's: a bpf_link on a free interface,
 * a component of the libxdp dispatcher where one runs, a refusal otherwise (see xdp_attach.h).
 *
 * Stale components. libxdp pins each component (program and freplace link) under
 * /sys/fs/bpf/xdp/dispatch-IFINDEX-ID/, so a component outlives a process killed with SIGKILL.
 * A wirecraft process holds a descriptor on its program for as long as it runs (its bpf_object
 * does), so "no process holds it" is exactly "its owner is gone", and it is what is checked:
 * /proc/PID/fdinfo of every bpf-prog descriptor names its program id. This needs no mark in
 * the program and is not fooled by a recycled pid. A process whose descriptors cannot be read
 * (another user's, without root) counts as a possible holder: nothing is removed on a guess.
 */
#include "xdp_attach.h"
#include "bpf_counters.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

/* The names our programs have in the kernel (their functions in bpf/). */
static const char *const our_progs[] = {"wc_reflect", "wc_steer", "wc_steal"};

static bool is_ours(const char *name)
{
	for (size_t i = 0; i < sizeof(our_progs) / sizeof(our_progs[0]); i++)
		if (name && !strcmp(name, our_progs[i]))
			return true;
	return false;
}

/* libxdp prints to stderr by default; a library must not. Its printer is global, so ours is
 * set only around our own calls and the previous one put back. */
static int quiet_xdp(enum libxdp_print_level l, const char *f, va_list ap)
{
	(void)l, (void)f, (void)ap;
	return 0;
}

void wc_xdp_att_init(struct wc_xdp_att *a)
{
	memset(a, 0, sizeof(*a));
	a->link_fd = -1;
}

bool wc_xdp_att_attached(const struct wc_xdp_att *a)
{
	return a && (a->link_fd >= 0 || a->xprog);
}

bool wc_xdp_att_shared(const struct wc_xdp_att *a)
{
	return a && a->xprog;
}

/* ---- who holds a program ------------------------------------------------------------------ */

/* Whether the descriptor fd of process pid is one on BPF program `id`. */
static bool fd_is_prog(const char *pid, const char *fd, uint32_t id)
{
	char path[600], line[128];
	bool hit = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "prog_id:", 8)) {
			hit = strtoul(line + 8, NULL, 10) == id;
			break;
		}
	}
	fclose(f);
	return hit;
}

/* The pid of a process other than this one holding a descriptor on BPF program id; 0 when none
 * does; -1 when some process could not be looked at. */
static int prog_holder(uint32_t id)
{
	char self[16], path[300], target[64];
	struct dirent *p, *d;
	int unknown = 0, found = 0;
	DIR *proc, *fds;

	proc = opendir("/proc");
	if (!proc)
		return -1;
	snprintf(self, sizeof(self), "%d", (int)getpid());
	while (!found && (p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9' || !strcmp(p->d_name, self))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (!fds) {
			if (errno != ENOENT) /* ENOENT: it just exited */
				unknown = 1;
			continue;
		}
		while ((d = readdir(fds))) {
			ssize_t n = readlinkat(dirfd(fds), d->d_name, target, sizeof(target) - 1);

			if (n <= 0)
				continue;
			target[n] = '\0';
			if (!strcmp(target, "anon_inode:bpf-prog") && fd_is_prog(p->d_name, d->d_name, id)) {
				found = (int)strtol(p->d_name, NULL, 10);
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return found ? found : unknown ? -1 : 0;
}

/* ---- cleaning ----------------------------------------------------------------------------- */

/* The interface's dispatcher, NULL with *err = 0 when it has no XDP program or another kind. */
static struct xdp_multiprog *get_dispatcher(int ifindex, bool *other, int *err)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	long e = libxdp_get_error(mp);

	*other = false;
	*err = 0;
	if (e) {
		if (e != -ENOENT)
			*err = (int)e;
		return NULL;
	}
	if (xdp_multiprog__is_legacy(mp)) {
		const char *name = xdp_program__name(xdp_multiprog__main_prog(mp));

		/* A dispatcher whose pins libxdp could not read (no bpffs) looks like any program. */
		if (name && !strcmp(name, "xdp_dispatcher"))
			*err = -ESTALE;
		else
			*other = true;
		xdp_multiprog__close(mp);
		return NULL;
	}
	return mp;
}

static int clean(int ifindex, bool dry_run, struct wc_xdp_clean_report *rep)
{
	struct xdp_program *stale[WC_XDP_MAX_PROGS], *p = NULL;
	struct xdp_multiprog *mp;
	unsigned nstale = 0;
	bool other;
	int err;

	memset(rep, 0, sizeof(*rep));
	mp = get_dispatcher(ifindex, &other, &err);
	if (!mp)
		return err;
	rep->dispatcher = true;
	while ((p = xdp_multiprog__next_prog(p, mp)) && rep->n < WC_XDP_MAX_PROGS) {
		struct wc_xdp_prog_state *s = &rep->progs[rep->n++];
		const char *name = xdp_program__name(p);

		s->id = xdp_program__id(p);
		snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
		s->ours = is_ours(name);
		if (!s->ours)
			continue;
		s->holder = prog_holder(s->id);
		if (s->holder == 0)
			stale[nstale++] = p;
	}
	if (nstale && !dry_run) {
		err = xdp_program__detach_multi(stale, nstale, ifindex, XDP_MODE_UNSPEC, 0);
		for (unsigned i = 0; !err && i < rep->n; i++)
			rep->progs[i].removed = rep->progs[i].ours && rep->progs[i].holder == 0;
	}
	xdp_multiprog__close(mp);
	return err;
}

int wc_xdp_clean(int ifindex, bool dry_run, struct wc_xdp_clean_report *rep)
{
	libxdp_print_fn_t old;
	int err;

	if (ifindex <= 0 || !rep)
		return -EINVAL;
	wc_xdp_libbpf_quiet();
	old = libxdp_set_print(quiet_xdp);
	err = clean(ifindex, dry_run, rep);
	libxdp_set_print(old);
	return err;
}

/* ---- attaching ---------------------------------------------------------------------------- */

/* The id of the XDP program on the interface (any mode), 0 when there is none. */
static int attached_id(int ifindex, uint32_t *id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err = bpf_xdp_query(ifindex, 0, &q);

	if (err)
		return err;
	*id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
	return 0;
}

static int link_attach(struct wc_xdp_att *a, const struct wc_xdp_att_req *rq, int ifindex)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(rq->loaded, rq->prog_name);
	LIBBPF_OPTS(bpf_link_create_opts, lo,
		    .flags = rq->mode == WC_XDP_SKB ? XDP_FLAGS_SKB_MODE
			     : rq->mode == WC_XDP_NATIVE ? XDP_FLAGS_DRV_MODE : 0);
	int fd;

	if (!prog)
		return -ENOENT;
	fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &lo);
	if (fd < 0)
		return fd;
	a->link_fd = fd;
	return 0;
}

/* A second, unloaded object of the same ELF that uses the loaded object's maps. */
static int twin_object(const struct wc_xdp_att_req *rq, struct bpf_object **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = bpf_object__name(rq->loaded));
	struct bpf_object *obj = bpf_object__open_mem(rq->elf, rq->elf_sz, &oo);
	struct bpf_program *p;
	struct bpf_map *m;
	int err = 0;

	if (!obj)
		return errno ? -errno : -EINVAL;
	bpf_object__for_each_map(m, obj) {
		struct bpf_map *src = bpf_object__find_map_by_name(rq->loaded, bpf_map__name(m));

		err = src ? bpf_map__reuse_fd(m, bpf_map__fd(src)) : -ENOENT;
		if (err)
			goto fail;
	}
	bpf_object__for_each_program(p, obj) {
		err = bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), rq->prog_name));
		if (err)
			goto fail;
	}
	*out = obj;
	return 0;
fail:
	bpf_object__close(obj);
	return err;
}

static int join(struct wc_xdp_att *a, const struct wc_xdp_att_req *rq, int ifindex,
		struct xdp_multiprog *mp)
{
	enum xdp_attach_mode have = xdp_multiprog__attach_mode(mp), want = have;
	struct xdp_program_opts xo;
	int err;

	if (rq->mode == WC_XDP_NATIVE)
		want = XDP_MODE_NATIVE;
	else if (rq->mode == WC_XDP_SKB)
		want = XDP_MODE_SKB;
	/* libxdp replaces the dispatcher in place: it must stay in the mode it runs in */
	if (want != have)
		return -EXDEV;
	err = twin_object(rq, &a->obj);
	if (err)
		return err;
	memset(&xo, 0, sizeof(xo));
	xo.sz = sizeof(xo);
	xo.obj = a->obj;
	xo.prog_name = rq->prog_name;
	a->xprog = xdp_program__create(&xo);
	err = (int)libxdp_get_error(a->xprog);
	if (!err)
		err = xdp_program__attach(a->xprog, ifindex, want, 0);
	/* A kernel that refuses freplace programs makes libxdp fall back to attaching ours alone,
	 * which the dispatcher in place refuses: say what really failed. */
	if (err == -EBUSY || err == -EEXIST)
		err = -ENOEXEC;
	if (err) {
		if (!libxdp_get_error(a->xprog))
			xdp_program__close(a->xprog);
		a->xprog = NULL;
		bpf_object__close(a->obj);
		a->obj = NULL;
		return err;
	}
	return 0;
}

static int attach(struct wc_xdp_att *a, const struct wc_xdp_att_req *rq, int ifindex)
{
	struct wc_xdp_clean_report rep;
	struct xdp_multiprog *mp;
	uint32_t id;
	bool other;
	int err;

	err = attached_id(ifindex, &id);
	if (err)
		return err;
	if (!id)
		return link_attach(a, rq, ifindex);
	mp = get_dispatcher(ifindex, &other, &err);
	if (!mp)
		return err ? err : other ? -EBUSY : link_attach(a, rq, ifindex);
	xdp_multiprog__close(mp);
	/* Leftovers of killed wirecraft processes first: they would take the frames we want. If
	 * taking them out fails, joining is still worth trying (and says why it fails, if it does);
	 * xdp-clean reports the cleaning's own error. */
	(void)clean(ifindex, false, &rep);
	mp = get_dispatcher(ifindex, &other, &err);
	if (!mp) /* those were its only programs: the interface is free now */
		return err ? err : other ? -EBUSY : link_attach(a, rq, ifindex);
	err = join(a, rq, ifindex, mp);
	xdp_multiprog__close(mp);
	return err;
}

int wc_xdp_att_attach(struct wc_xdp_att *a, const struct wc_xdp_att_req *rq, int ifindex)
{
	libxdp_print_fn_t old;
	int err;

	if (!a || !rq || !rq->loaded || !rq->prog_name || !rq->elf || ifindex <= 0)
		return -EINVAL;
	if (wc_xdp_att_attached(a))
		return -EALREADY;
	wc_xdp_libbpf_quiet();
	old = libxdp_set_print(quiet_xdp);
	err = attach(a, rq, ifindex);
	libxdp_set_print(old);
	if (!err)
		a->ifindex = ifindex;
	return err;
}

void wc_xdp_att_detach(struct wc_xdp_att *a)
{
	libxdp_print_fn_t old;

	if (!a)
		return;
	if (a->link_fd >= 0) {
		close(a->link_fd);
		a->link_fd = -1;
	}
	if (a->xprog) {
		old = libxdp_set_print(quiet_xdp);
		/* -ENOENT: someone else already took it out; nothing more to do either way */
		xdp_program__detach(a->xprog, a->ifindex, XDP_MODE_UNSPEC, 0);
		libxdp_set_print(old);
		xdp_program__close(a->xprog);
		a->xprog = NULL;
	}
	if (a->obj) {
		bpf_object__close(a->obj);
		a->obj = NULL;
	}
	a->ifindex = 0;
}

uint32_t wc_xdp_att_prog_id(const struct wc_xdp_att *a)
{
	struct bpf_link_info li;
	uint32_t len = sizeof(li);

	if (!a)
		return 0;
	if (a->xprog)
		return xdp_program__id(a->xprog);
	if (a->link_fd < 0)
		return 0;
	memset(&li, 0, sizeof(li));
	return bpf_obj_get_info_by_fd(a->link_fd, &li, &len) ? 0 : li.prog_id;
}

const char *wc_xdp_attach_error(int err)
{
	switch (err < 0 ? -err : err) {
	case EBUSY:
	case EEXIST:
		return "another XDP program is attached, not a libxdp dispatcher (remove it, or load "
		       "it with xdp-loader)";
	case ESTALE:
		return "a libxdp dispatcher is attached, but bpffs is not mounted at /sys/fs/bpf";
	case EXDEV:
		return "its libxdp dispatcher runs in another XDP mode than the one asked for";
	case ENOEXEC:
		return "this kernel refuses the freplace programs needed to join its libxdp "
		       "dispatcher";
	case EOPNOTSUPP:
		return "XDP (in the mode asked for) is not supported on this interface";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
