// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loading, configuring and attaching the reply-steering program (bpf/steer.bpf.c) from its
 * embedded skeleton; filling its XSKMAP and expected-reply map; reading its counters and its
 * copy ring buffer.
 *
 * As for the reflector (user/xdp.c), attachment goes through user/xdp_attach.c: a bpf_link owned
 * by this process on a free interface (the program leaves when the process exits, kill -9
 * included), or a component of the interface's libxdp dispatcher, run before the others and
 * passing them every frame that is not an answer (bpf/steer.bpf.c's XDP_RUN_CONFIG).
 */
#include "bpf_counters.h"
#include "bpf_features.h"
#include "wirecraft/port.h"
#include "wirecraft/steer.h"
#include "xdp_attach.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/cookie.h"
#include "steer.skel.h"

struct wc_steer {
	struct steer_bpf *skel;
	struct wc_xdp_att att;
	enum wc_xdp_mode mode;
	unsigned flags; /* as loaded: wc_steer_open may add WC_SF_HEAD_STAMP */
	struct ring_buffer *rb;
	int (*copy_fn)(const struct wc_steer_copy *rec, void *arg);
	void *copy_arg;
};

static const char *const counter_names[WC_SC__MAX] = {
	[WC_SC_COOKIE] = "cookie",         [WC_SC_MAP] = "map",
	[WC_SC_PASS] = "passed",           [WC_SC_BAD_COOKIE] = "bad-cookie",
	[WC_SC_NO_ENTRY] = "no-entry",     [WC_SC_MALFORMED] = "malformed",
	[WC_SC_FRAGMENT] = "fragment",     [WC_SC_NO_SOCKET] = "no-socket",
	[WC_SC_COPY_FULL] = "copy-full",   [WC_SC_DROP_IPCSUM] = "drop-ipcsum",
};

const char *wc_steer_counter_name(int counter)
{
	if (counter < 0 || counter >= WC_SC__MAX)
		return NULL;
	return counter_names[counter];
}

/* libbpf prints to stderr unless told otherwise; a library must not. user/xdp.c owns the
 * printer (wc_xdp_set_log): this keeps its choice, silence by default. */

static void quiet_libbpf(void)
{
	wc_xdp_libbpf_quiet();
}

#define MAP_PREALLOC_MAX (1u << 16) /* bigger expected-reply maps grow on demand */

int wc_steer_open(struct wc_steer **out, const struct wc_steer_opts *uo)
{
	struct wc_steer_opts o;
	struct steer_bpf__rodata *ro;
	struct wc_steer *s;
	uint32_t copy_bytes;
	int err;

	if (!out || !uo || uo->sz < offsetof(struct wc_steer_opts, mode))
		return -EINVAL;
	for (size_t n = sizeof(o); n < uo->sz; n++)
		if (((const char *)uo)[n])
			return -E2BIG;
	memset(&o, 0, sizeof(o));
	memcpy(&o, uo, uo->sz < sizeof(o) ? uo->sz : sizeof(o));
	if (o.flags & ~WC_SF__ALL)
		return -EINVAL;
	if ((o.flags & WC_SF_UDP) && (o.sport_n == 0 || o.sport_n > 65536 ||
				      (uint32_t)o.sport_lo + o.sport_n > 65536))
		return -EINVAL;
	if (o.mode != WC_XDP_AUTO && o.mode != WC_XDP_NATIVE && o.mode != WC_XDP_SKB)
		return -EINVAL;
	copy_bytes = o.copy_bytes ? o.copy_bytes : 4u << 20;
	if (copy_bytes < 4096 || (copy_bytes & (copy_bytes - 1)))
		return -EINVAL;

	quiet_libbpf();
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	wc_xdp_att_init(&s->att);
	s->mode = o.mode;
	s->skel = steer_bpf__open();
	if (!s->skel) {
		err = -errno;
		goto fail;
	}
	/* where the kernel refuses the metadata helper, the receive time goes in front of the
	 * frame itself */
	if (!(o.flags & WC_SF_COPY) && !wc_bpf_xdp_meta_allowed())
		o.flags |= WC_SF_HEAD_STAMP;
	s->flags = o.flags;
	ro = s->skel->rodata;
	ro->cfg_flags = o.flags;
	ro->cfg_key0 = o.key[0];
	ro->cfg_key1 = o.key[1];
	ro->cfg_sport_lo = o.sport_lo;
	ro->cfg_sport_n = o.sport_n ? o.sport_n : 1;
	ro->cfg_tcp_extra = o.tcp_extra;
	ro->cfg_trace_mask = o.trace_mask;
	if (o.flags & WC_SF_MAP) {
		uint32_t n = o.map_entries ? o.map_entries : 1;

		err = bpf_map__set_max_entries(s->skel->maps.expect, n);
		/* A preallocated hash costs its full size at load; a big one is cheaper to grow. */
		if (!err && n > MAP_PREALLOC_MAX)
			err = bpf_map__set_map_flags(s->skel->maps.expect, BPF_F_NO_PREALLOC);
		if (err)
			goto fail;
	}
	if (o.flags & WC_SF_COPY) {
		err = bpf_map__set_max_entries(s->skel->maps.copies, copy_bytes);
		if (err)
			goto fail;
	}
	err = steer_bpf__load(s->skel);
	if (err)
		goto fail;
	*out = s;
	return 0;
fail:
	wc_steer_close(s);
	return err < 0 ? err : -EINVAL;
}

int wc_steer_add_socket(struct wc_steer *s, unsigned queue, int xsk_fd)
{
	uint32_t k = queue;

	if (!s || xsk_fd < 0)
		return -EINVAL;
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.xsks), &k, &xsk_fd, BPF_ANY))
		return -errno;
	return 0;
}

int wc_steer_expect(struct wc_steer *s, const struct wc_steer_key *keys, unsigned n)
{
	static const uint8_t ones[256] = {[0 ... 255] = 1};
	int fd;

	if (!s || (n && !keys))
		return -EINVAL;
	fd = bpf_map__fd(s->skel->maps.expect);
	/* One system call per batch of 256 rather than per probe. */
	while (n) {
		uint32_t k = n < 256 ? n : 256;
		LIBBPF_OPTS(bpf_map_batch_opts, bo, .elem_flags = BPF_ANY);

		if (bpf_map_update_batch(fd, keys, ones, &k, &bo)) {
			if (errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP && errno != 524)
				return -errno;
			/* kernels without batch ops for this map: one by one */
			for (k = 0; k < (n < 256 ? n : 256); k++)
				if (bpf_map_update_elem(fd, &keys[k], &ones[0], BPF_ANY))
					return -errno;
		}
		keys += k;
		n -= k;
	}
	return 0;
}

int wc_steer_attach(struct wc_steer *s, int ifindex)
{
	struct wc_xdp_att_req rq = {.prog_name = "wc_steer", .mode = s ? s->mode : WC_XDP_AUTO};

	if (!s || ifindex <= 0)
		return -EINVAL;
	rq.loaded = s->skel->obj;
	rq.elf = steer_bpf__elf_bytes(&rq.elf_sz);
	return wc_xdp_att_attach(&s->att, &rq, ifindex);
}

_Static_assert(sizeof(struct wc_steer_meta) <= WC_PORT_RX_HEADROOM,
	       "the metadata must fit in the headroom the port guarantees");

bool wc_steer_rx_stamp(const struct wc_steer *s, struct wc_rx_frame *f, unsigned queue,
		       uint64_t *ts_ns)
{
	struct wc_steer_meta *m;

	if (!(s->flags & WC_SF_HEAD_STAMP)) {
		/* the metadata area, just before the frame (WC_PORT_RX_HEADROOM holds it) */
		m = (void *)(f->data - sizeof(*m));
		if (m->magic != WC_STEER_META_MAGIC)
			return false;
		m->magic = 0;
		*ts_ns = m->ts_ns;
		return true;
	}
	/* In front of the frame (the program pushes it for every frame it redirects, unless the
	 * headroom is gone). To be taken for one, a frame without it would need a source MAC
	 * ending in the magic's bytes and its EtherType and next two bytes reading as this
	 * queue's number, which no IPv4, IPv6 or VLAN-tagged frame's do. */
	m = (void *)f->data;
	if (f->len < sizeof(*m) || m->magic != WC_STEER_META_MAGIC || m->queue != queue)
		return false;
	*ts_ns = m->ts_ns;
	m->magic = 0;
	f->data += sizeof(*m);
	f->len -= (uint32_t)sizeof(*m);
	return true;
}

bool wc_steer_shared(const struct wc_steer *s)
{
	return s && wc_xdp_att_shared(&s->att);
}

static int on_copy(void *ctx, void *data, size_t size)
{
	struct wc_steer *s = ctx;

	if (size < offsetof(struct wc_steer_copy, data))
		return 0;
	return s->copy_fn ? s->copy_fn(data, s->copy_arg) : 0;
}

int wc_steer_copy_fd(const struct wc_steer *s)
{
	return s ? bpf_map__fd(s->skel->maps.copies) : -EINVAL;
}

int wc_steer_copy_poll(struct wc_steer *s, int timeout_ms,
		       int (*fn)(const struct wc_steer_copy *rec, void *arg), void *arg)
{
	int n;

	if (!s)
		return -EINVAL;
	if (!s->rb) {
		s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.copies), on_copy, s, NULL);
		if (!s->rb)
			return -errno;
	}
	s->copy_fn = fn;
	s->copy_arg = arg;
	n = ring_buffer__poll(s->rb, timeout_ms);
	return n == -EINTR ? 0 : n;
}

int wc_steer_prog_fd(const struct wc_steer *s)
{
	return s ? bpf_program__fd(s->skel->progs.wc_steer) : -EINVAL;
}

/* ---- counters ----------------------------------------------------------------------------- */


int wc_steer_counters(const struct wc_steer *s, uint64_t out[WC_SC__MAX])
{
	if (!s || !out)
		return -EINVAL;
	return wc_bpf_sum_percpu(bpf_map__fd(s->skel->maps.counters), out, WC_SC__MAX);
}

int wc_steer_counters_ifindex(int ifindex, uint64_t out[WC_SC__MAX])
{
	quiet_libbpf();
	return wc_bpf_counters_ifindex(ifindex, "wc_steer", out, WC_SC__MAX);
}

void wc_steer_close(struct wc_steer *s)
{
	if (!s)
		return;
	wc_xdp_att_detach(&s->att);
	ring_buffer__free(s->rb);
	steer_bpf__destroy(s->skel);
	free(s);
}
