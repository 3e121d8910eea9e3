/* SPDX-License-Identifier: MIT */
/*
 * bpf_run: wirecraft's XDP programs against hostile frames, through BPF_PROG_RUN.
 *
 * For every program in the table and every configuration it lists, the program is loaded (the
 * verifier proves it never reads outside the frame) and run on each frame; the harness then
 * checks that
 *   - the verdict (XDP_PASS/TX/DROP/REDIRECT) is the reference decision's,
 *   - exactly one per-verdict counter moved, and it is the one the reference names,
 *   - an answer (XDP_TX) is a valid one: see the program's check function (checksums right,
 *     addresses swapped, never longer than the probe except bounded ICMP errors).
 *
 * Frames: the program's base frames (probes and non-probes aimed at its configuration), the
 * malformed constructions, the dissector fuzz corpus (as is and retargeted at the population),
 * and for each of those the hostile variants: every prefix length, 1-3 VLAN tags, oversized
 * frames, byte flips with and without checksum repair.
 *
 * Usage: bpf_run [-v] [-s SEED] [-f FLIPS] [-c CORPUS_DIR]... [-p PROGRAM]
 * Needs root (BPF_PROG_RUN on XDP programs); without it the run is skipped, except under
 * CI=true, where a skip is a failure. Last line: "bpf: N passed, M failed".
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf_features.h"
#include "harness.h"
#include "cookie.h"
#include "wirecraft/steer.h"
#include "wirecraft/xdp.h"
#include "reflect.skel.h"
#include "steer.skel.h"

/* ---- the run ---------------------------------------------------------------------------- */

struct run;

/* What the reference expects of one frame. */
struct expect {
	int xdp;      /* XDP_* verdict */
	int counter;  /* which counter must move by one, -1: none checked */
	struct ref_result rr; /* the reflector's; a program with another reference adds its own */
};

/* A program under test. Adding one (bpf/steer.bpf.c, ...) is one of these in `progs` below. */
struct prog {
	const char *name;
	size_t ncfg;
	const char *(*cfg_name)(size_t cfg);
	/* Open and load with configuration cfg; fill r->prog_fd, r->counters_fd, r->ncounters,
	 * r->world. Returns 0 or a negative errno (why says more). */
	int (*open)(struct run *r, size_t cfg, char *why, size_t whylen);
	void (*close)(struct run *r);
	/* Frames aimed at this program's configuration. */
	void (*base)(struct run *r, emit_fn emit, void *ctx);
	void (*ref)(struct run *r, const uint8_t *f, size_t n, struct expect *e);
	/* After the verdict and the counter matched: NULL if what the program left (x, the frame
	 * as it came out; for XDP_TX the answer) is right, else what is wrong. */
	const char *(*check)(struct run *r, const uint8_t *f, size_t n, const struct expect *e,
			     const uint8_t *x, size_t xn, char *why, size_t whylen);
};

struct run {
	const struct prog *p;
	size_t cfg;
	int prog_fd, counters_fd, ncounters;
	struct world world;
	void *obj;            /* the program's own handle (a skeleton) */
	struct ring_buffer *rb; /* a program's ring buffer, if it has one */
	int ncpus;
	uint64_t counts[16];  /* counter totals after the last frame */
	/* results */
	unsigned long frames, passed, failed, refused, by_verdict[5];
	unsigned long by_counter[16]; /* frames per counter the reference named (and the program bumped) */
	size_t max_linear;    /* bytes of a frame the program sees (its first buffer) */
};

static bool verbose;
static int show_left = 20; /* detailed failure reports before going quiet */
static unsigned long total_passed, total_failed;

/* libbpf's messages (the verifier log on a failed load) are kept for the failure report. */
static char libbpf_log[1 << 16];
static size_t libbpf_log_len;

static int on_libbpf(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	int n;

	if (lvl == LIBBPF_DEBUG && !verbose)
		return 0;
	n = vsnprintf(libbpf_log + libbpf_log_len, sizeof(libbpf_log) - libbpf_log_len, fmt, ap);
	if (n > 0)
		libbpf_log_len += (size_t)n;
	if (libbpf_log_len >= sizeof(libbpf_log))
		libbpf_log_len = sizeof(libbpf_log) - 1;
	return 0;
}

static void hexdump(const char *what, const uint8_t *b, size_t n)
{
	fprintf(stderr, "    %s (%zu bytes):", what, n);
	for (size_t i = 0; i < n && i < 160; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n      ", b[i]);
	fprintf(stderr, "%s\n", n > 160 ? " ..." : "");
}

static const char *xdp_name(int v)
{
	static const char *const names[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					    "XDP_REDIRECT"};

	return v >= 0 && v < 5 ? names[v] : "?";
}

static int read_counters(struct run *r, uint64_t *out)
{
	uint64_t vals[512];

	if (r->ncpus > 512)
		return -E2BIG;
	for (int k = 0; k < r->ncounters; k++) {
		uint32_t key = (uint32_t)k;

		if (bpf_map_lookup_elem(r->counters_fd, &key, vals))
			return -errno;
		out[k] = 0;
		for (int c = 0; c < r->ncpus; c++)
			out[k] += vals[c];
	}
	return 0;
}

static void fail(struct run *r, const char *tag, const uint8_t *f, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fail(struct run *r, const char *tag, const uint8_t *f, size_t n, const char *fmt, ...)
{
	va_list ap;

	r->failed++;
	if (show_left <= 0)
		return;
	show_left--;
	fprintf(stderr, "FAIL %s[%s] %s: ", r->p->name, r->p->cfg_name(r->cfg), tag);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	hexdump("frame", f, n);
}

/* One frame through the program, and every check on the outcome. */
static void run_frame(void *ctx, const uint8_t *f, size_t n, const char *tag)
{
	struct run *r = ctx;
	static uint8_t outb[FRAME_MAX + 1024];
	static const uint8_t dummy[1];
	uint64_t now[16];
	struct expect e;
	char why[200];
	const char *bad;
	int err, moved = -1;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = n ? f : dummy, .data_size_in = (uint32_t)n,
		    .data_out = outb, .data_size_out = sizeof(outb), .repeat = 1);

	r->frames++;
	err = bpf_prog_test_run_opts(r->prog_fd, &o);
	/* The kernel refuses frames shorter than an Ethernet header: they never reach XDP. */
	if (n < 14) {
		if (err == -EINVAL) {
			r->refused++;
			r->passed++;
		} else {
			fail(r, tag, f, n, "the kernel ran a %zu-byte frame (err %d), expected EINVAL",
			     n, err);
		}
		return;
	}
	if (err) {
		fail(r, tag, f, n, "BPF_PROG_RUN failed: %s", strerror(-err));
		return;
	}
	/* The program sees the first buffer only; its answer may still carry the other buffers,
	 * so the reference judges the visible bytes and the check sees the whole frame. */
	r->p->ref(r, f, n < r->max_linear ? n : r->max_linear, &e);
	if (o.retval < 5)
		r->by_verdict[o.retval]++;
	if ((int)o.retval != e.xdp) {
		fail(r, tag, f, n, "verdict %s, reference %s (counter %d)", xdp_name((int)o.retval),
		     xdp_name(e.xdp), e.counter);
		read_counters(r, r->counts);
		return;
	}
	if (e.counter >= 0) {
		if ((err = read_counters(r, now))) {
			fail(r, tag, f, n, "reading the counters: %s", strerror(-err));
			return;
		}
		for (int k = 0; k < r->ncounters; k++) {
			if (now[k] == r->counts[k])
				continue;
			if (now[k] != r->counts[k] + 1 || moved >= 0)
				moved = -2;
			else
				moved = k;
		}
		memcpy(r->counts, now, sizeof(now));
		if (moved != e.counter) {
			fail(r, tag, f, n, "counter %d moved, reference says %d", moved, e.counter);
			return;
		}
	}
	/* What goes on to the kernel must be exactly what came in. BPF_PROG_RUN hands back the
	 * metadata area in front of the frame too: the program's check says whether there may
	 * be some. */
	if (o.retval == XDP_PASS && (o.data_size_out < n || o.data_size_out > n + 64 ||
				     memcmp(outb + (o.data_size_out - n), f, n))) {
		fail(r, tag, f, n, "passed, but changed (%u bytes out)", o.data_size_out);
		return;
	}
	if ((bad = r->p->check(r, f, n, &e, outb, o.data_size_out, why, sizeof(why)))) {
		fail(r, tag, f, n, "%s: %s", xdp_name((int)o.retval), bad);
		if (show_left >= 0 && o.retval == XDP_TX)
			hexdump("answer", outb, o.data_size_out);
		return;
	}
	if (e.counter >= 0 && e.counter < 16)
		r->by_counter[e.counter]++;
	r->passed++;
}

/* ---- the reflector ---------------------------------------------------------------------- */

/* Three configurations: everything on (a /24 and a /64, exclusions); answers to closed ports and
 * ICMP off, IPv4 only; a /31 and a /128 where network and broadcast addresses are hosts. */
static const struct reflect_cfg reflect_cfgs[] = {
	{
		.name = "full",
		.flags = WC_RF_HOSTS4 | WC_RF_HOSTS6 | WC_RF_ICMP | WC_RF_RST | WC_RF_UNREACH,
		.net4 = {198, 18, 1, 0}, .mask4 = {255, 255, 255, 0},
		.net6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1},
		.mask6 = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		.excl4 = {{198, 18, 1, 1}}, .n_excl4 = 1,
		.excl6 = {{0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1}}, .n_excl6 = 1,
		.key = {0x01234567, 0x89abcdef}, .mss4 = 1460, .mss6 = 1440,
		.tcp_open = {22, 80, 443}, .n_tcp_open = 3,
		.udp_open = {7, 53}, .n_udp_open = 2,
	},
	{
		.name = "quiet4",
		.flags = WC_RF_HOSTS4,
		.net4 = {198, 18, 1, 0}, .mask4 = {255, 255, 255, 0},
		.key = {0xdeadbeef, 0x0badf00d}, .mss4 = 1400, .mss6 = 1380,
		.tcp_open = {80}, .n_tcp_open = 1,
		.udp_open = {7}, .n_udp_open = 1,
	},
	{
		.name = "narrow",
		.flags = WC_RF_HOSTS4 | WC_RF_HOSTS6 | WC_RF_ICMP | WC_RF_RST | WC_RF_UNREACH,
		.net4 = {198, 18, 1, 4}, .mask4 = {255, 255, 255, 254},
		.net6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 5},
		.mask6 = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			  0xff, 0xff, 0xff, 0xff},
		.key = {1, 2}, .mss4 = 536, .mss6 = 1220,
		.tcp_open = {80, 8080}, .n_tcp_open = 2,
		.udp_open = {7, 53}, .n_udp_open = 2,
	},
};

static const char *reflect_cfg_name(size_t i)
{
	return reflect_cfgs[i].name;
}

static void reflect_world(size_t i, struct world *w)
{
	static const struct world base = {
		.mac_peer = {0x0a, 0, 0, 0, 0, 0x01},
		.mac_local = {0x0a, 0, 0, 0, 0, 0x02},
		.src4 = {198, 18, 0, 2}, .dst4 = {198, 18, 1, 5}, .other4 = {198, 18, 2, 9},
		.excl4 = {198, 18, 1, 1}, .net4 = {198, 18, 1, 0}, .bcast4 = {198, 18, 1, 255},
		.src6 = {0x20, 0x01, 0x0d, 0xb8, [15] = 2},
		.dst6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [13] = 0x12, 0x34, 5},
		.other6 = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 9},
		.excl6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1},
		.tcp_open = 80, .tcp_closed = 81, .udp_open = 7, .udp_open2 = 53, .udp_closed = 9999,
	};

	*w = base;
	if (!strcmp(reflect_cfgs[i].name, "narrow")) {
		/* in a /31 both addresses are hosts: "network" .4 and "broadcast" .5 answer */
		w->net4[3] = 4;
		w->bcast4[3] = 5;
		memcpy(w->dst6, reflect_cfgs[i].net6, 16);
	}
}

static void bitmap_set(__u64 *bm, uint16_t port)
{
	bm[port >> 6] |= 1ULL << (port & 63);
}

static int reflect_open(struct run *r, size_t i, char *why, size_t whylen)
{
	const struct reflect_cfg *c = &reflect_cfgs[i];
	struct reflect_bpf *s = reflect_bpf__open();
	struct reflect_bpf__rodata *ro;
	int err;

	if (!s) {
		snprintf(why, whylen, "open: %s", strerror(errno));
		return -errno;
	}
	ro = s->rodata;
	ro->cfg_flags = c->flags;
	memcpy(&ro->cfg_net4, c->net4, 4);
	memcpy(&ro->cfg_mask4, c->mask4, 4);
	memcpy(ro->cfg_net6, c->net6, 16);
	memcpy(ro->cfg_mask6, c->mask6, 16);
	memcpy(ro->cfg_excl4, c->excl4, sizeof(c->excl4));
	ro->cfg_n_excl4 = c->n_excl4;
	memcpy(ro->cfg_excl6, c->excl6, sizeof(c->excl6));
	ro->cfg_n_excl6 = c->n_excl6;
	memcpy(ro->cfg_key, c->key, sizeof(c->key));
	ro->cfg_mss4 = c->mss4;
	ro->cfg_mss6 = c->mss6;
	for (unsigned k = 0; k < c->n_tcp_open; k++)
		bitmap_set(s->bss->tcp_open, c->tcp_open[k]);
	for (unsigned k = 0; k < c->n_udp_open; k++)
		bitmap_set(s->bss->udp_open, c->udp_open[k]);
	err = reflect_bpf__load(s);
	if (err) {
		snprintf(why, whylen, "load (verifier): %s", strerror(-err));
		reflect_bpf__destroy(s);
		return err;
	}
	r->obj = s;
	r->prog_fd = bpf_program__fd(s->progs.wc_reflect);
	r->counters_fd = bpf_map__fd(s->maps.counters);
	r->ncounters = WC_RC__MAX;
	reflect_world(i, &r->world);
	return 0;
}

static void reflect_close(struct run *r)
{
	reflect_bpf__destroy(r->obj);
	r->obj = NULL;
}

static void reflect_ref(struct run *r, const uint8_t *f, size_t n, struct expect *e)
{
	ref_reflect(&reflect_cfgs[r->cfg], f, n, &e->rr);
	e->xdp = e->rr.xdp;
	e->counter = e->rr.rc;
}

static const char *reflect_check(struct run *r, const uint8_t *f, size_t n, const struct expect *e,
				 const uint8_t *x, size_t xn, char *why, size_t whylen)
{
	if (e->xdp == XDP_PASS && xn != n) {
		snprintf(why, whylen, "%zu bytes of metadata left on a passed frame", xn - n);
		return why;
	}
	if (e->xdp != XDP_TX)
		return NULL;
	return check_reflect_reply(&reflect_cfgs[r->cfg], f, n, &e->rr, x, xn, why, whylen);
}

static void reflect_base(struct run *r, emit_fn emit, void *ctx)
{
	frames_reflect_base(&r->world, emit, ctx);
}

/* ---- the reply-steering program --------------------------------------------------------- */

/* The configurations: cookies of every kind with answers copied to the ring buffer (so the
 * copy can be checked); the expected-reply map alone, copied too; both, redirected (to an
 * XSKMAP without sockets: "no socket", passed); tracing; tracing of one family only. */
static struct wc_steer_key steer_keys[16];
static struct steer_cfg steer_cfgs[] = {
	{
		.name = "cookie-copy",
		.flags = WC_SF_TCP_SEQ | WC_SF_TCP_ACK | WC_SF_UDP | WC_SF_ICMP | WC_SF_ICMP6 |
			 WC_SF_COPY,
		.key = {0x0123456789abcdefULL, 0xfedcba9876543210ULL},
		.sport_lo = 40000, .sport_n = 1024,
	},
	{
		.name = "map-copy",
		.flags = WC_SF_MAP | WC_SF_COPY,
		.key = {1, 2},
		.sport_lo = 40000, .sport_n = 1024,
	},
	{
		.name = "both-redirect",
		.flags = WC_SF_TCP_SEQ | WC_SF_UDP | WC_SF_ICMP | WC_SF_ICMP6 | WC_SF_MAP,
		.key = {0x5555aaaa5555aaaaULL, 0x1234},
		.sport_lo = 33000, .sport_n = 7, .tcp_extra = 16,
	},
	{
		/* traceroute: the low byte of the TCP seq and echo id:seq cookies is the TTL */
		.name = "trace",
		.flags = WC_SF_TCP_SEQ | WC_SF_UDP | WC_SF_ICMP | WC_SF_ICMP6,
		.key = {0x0f0f0f0f0f0f0f0fULL, 0x4242},
		.sport_lo = 32768, .sport_n = 28232, .tcp_extra = 0xff, .trace_mask = 0xff,
	},
	{
		/* as the library loads it where the kernel refuses bpf_xdp_adjust_meta (steer.c):
		 * the receive time pushed in front of the frame, taken off again when it is
		 * passed after all */
		.name = "head-stamp",
		.flags = WC_SF_TCP_SEQ | WC_SF_UDP | WC_SF_ICMP | WC_SF_ICMP6 | WC_SF_MAP | WC_SF_HEAD_STAMP,
		.key = {0x5555aaaa5555aaaaULL, 0x1234},
		.sport_lo = 33000, .sport_n = 7, .tcp_extra = 16,
	},
	{
		/* a scan of IPv4 targets only (scan.c): IPv6 frames are never ours */
		.name = "ip4-only",
		.flags = WC_SF_TCP_SEQ | WC_SF_UDP | WC_SF_ICMP | WC_SF_ICMP6 | WC_SF_NO_IP6,
		.key = {0x0f0f0f0f0f0f0f0fULL, 0x4242},
		.sport_lo = 32768, .sport_n = 28232, .tcp_extra = 0xff, .trace_mask = 0xff,
	},
	{
		/* and of IPv6 targets only */
		.name = "ip6-only",
		.flags = WC_SF_TCP_SEQ | WC_SF_UDP | WC_SF_ICMP | WC_SF_ICMP6 | WC_SF_NO_IP4,
		.key = {0x0f0f0f0f0f0f0f0fULL, 0x4242},
		.sport_lo = 32768, .sport_n = 28232, .tcp_extra = 0xff, .trace_mask = 0xff,
	},
};

/* The last ring-buffer record the program wrote, and how many came since the last look. */
static struct wc_steer_copy copy_rec;
static int copy_count;

static int on_copy(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size >= sizeof(copy_rec))
		memcpy(&copy_rec, data, sizeof(copy_rec));
	copy_count++;
	return 0;
}

static const char *steer_cfg_name(size_t i)
{
	return steer_cfgs[i].name;
}

static int steer_open(struct run *r, size_t i, char *why, size_t whylen)
{
	struct steer_cfg *c = &steer_cfgs[i];
	struct steer_bpf *s;
	const __u8 one = 1;
	int err;

	reflect_world(0, &r->world);
	c->nexpect = steer_expect_keys(&r->world, steer_keys, 16);
	c->expect = (c->flags & WC_SF_MAP) ? steer_keys : NULL;
	if (!(c->flags & WC_SF_MAP))
		c->nexpect = 0;
	/* the program as wc_steer_open loads it: where this kernel refuses the metadata helper,
	 * with head stamps (said once; the "head-stamp" configuration runs that way everywhere) */
	if (!(c->flags & (WC_SF_COPY | WC_SF_HEAD_STAMP)) && !wc_bpf_xdp_meta_allowed()) {
		static bool said;

		if (!said)
			printf("steer: this kernel refuses bpf_xdp_adjust_meta to XDP programs: "
			       "configurations that stamp frames run with WC_SF_HEAD_STAMP, as the "
			       "library loads them\n");
		said = true;
		c->flags |= WC_SF_HEAD_STAMP;
	}
	s = steer_bpf__open();
	if (!s) {
		snprintf(why, whylen, "open: %s", strerror(errno));
		return -errno;
	}
	s->rodata->cfg_flags = c->flags;
	s->rodata->cfg_key0 = c->key[0];
	s->rodata->cfg_key1 = c->key[1];
	s->rodata->cfg_sport_lo = c->sport_lo;
	s->rodata->cfg_sport_n = c->sport_n;
	s->rodata->cfg_tcp_extra = c->tcp_extra;
	s->rodata->cfg_trace_mask = c->trace_mask;
	err = bpf_map__set_max_entries(s->maps.expect, 64);
	if (!err)
		err = bpf_map__set_max_entries(s->maps.copies, 1u << 20);
	if (!err)
		err = steer_bpf__load(s);
	if (err) {
		snprintf(why, whylen, "load (verifier): %s", strerror(-err));
		steer_bpf__destroy(s);
		return err;
	}
	for (unsigned k = 0; k < c->nexpect; k++)
		if (bpf_map_update_elem(bpf_map__fd(s->maps.expect), &steer_keys[k], &one, BPF_ANY)) {
			err = -errno;
			snprintf(why, whylen, "filling the expected-reply map: %s", strerror(-err));
			steer_bpf__destroy(s);
			return err;
		}
	r->rb = ring_buffer__new(bpf_map__fd(s->maps.copies), on_copy, NULL, NULL);
	if (!r->rb) {
		err = -errno;
		snprintf(why, whylen, "ring buffer: %s", strerror(-err));
		steer_bpf__destroy(s);
		return err;
	}
	r->obj = s;
	r->prog_fd = bpf_program__fd(s->progs.wc_steer);
	r->counters_fd = bpf_map__fd(s->maps.counters);
	r->ncounters = WC_SC__MAX;
	return 0;
}

static void steer_close(struct run *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
	steer_bpf__destroy(r->obj);
	r->obj = NULL;
}

static void steer_base(struct run *r, emit_fn emit, void *ctx)
{
	frames_steer_base(&steer_cfgs[r->cfg], &r->world, emit, ctx);
}

static void steer_ref(struct run *r, const uint8_t *f, size_t n, struct expect *e)
{
	memset(&e->rr, 0, sizeof(e->rr));
	e->counter = ref_steer(&steer_cfgs[r->cfg], f, n, &e->xdp);
}

/* An answer copied (WC_SF_COPY) must be in the ring buffer, whole up to 2048 bytes, with its
 * length; nothing else may be. */
static const char *steer_check(struct run *r, const uint8_t *f, size_t n, const struct expect *e,
			       const uint8_t *x, size_t xn, char *why, size_t whylen)
{
	bool copied = (steer_cfgs[r->cfg].flags & WC_SF_COPY) &&
		      (e->counter == WC_SC_COOKIE || e->counter == WC_SC_MAP);
	size_t want = n < r->max_linear ? n : r->max_linear;

	/* Receive time and queue go in front of a frame the program means to redirect; with no
	 * socket to take it, it is passed with them (the stack ignores metadata), or, pushed
	 * into the frame itself (head stamps), taken off again. Nowhere else. */
	if (e->xdp == XDP_PASS) {
		size_t meta = xn - n;
		const struct wc_steer_meta *m = (const void *)x;
		bool stamped = e->counter == WC_SC_NO_SOCKET &&
			       !(steer_cfgs[r->cfg].flags & WC_SF_HEAD_STAMP);

		if (stamped ? meta != sizeof(*m) || m->magic != WC_STEER_META_MAGIC ||
				      m->queue != 0 || !m->ts_ns
			    : meta != 0) {
			snprintf(why, whylen, "%zu bytes of metadata (counter %d)", meta, e->counter);
			return why;
		}
	}
	if (want > WC_STEER_COPY_MAX)
		want = WC_STEER_COPY_MAX;
	copy_count = 0;
	ring_buffer__consume(r->rb);
	if (!copied) {
		if (copy_count) {
			snprintf(why, whylen, "%d ring-buffer records for a frame not copied", copy_count);
			return why;
		}
		return NULL;
	}
	if (copy_count != 1) {
		snprintf(why, whylen, "%d ring-buffer records for one copied frame", copy_count);
		return why;
	}
	if (copy_rec.wirelen != n || copy_rec.len != want || memcmp(copy_rec.data, f, want)) {
		snprintf(why, whylen, "copy of %u bytes (wire %u), want %zu of %zu", copy_rec.len,
			 copy_rec.wirelen, want, n);
		return why;
	}
	return NULL;
}

/* ---- the table -------------------------------------------------------------------------- */

static const struct prog progs[] = {
	{
		.name = "reflect",
		.ncfg = sizeof(reflect_cfgs) / sizeof(reflect_cfgs[0]),
		.cfg_name = reflect_cfg_name,
		.open = reflect_open,
		.close = reflect_close,
		.base = reflect_base,
		.ref = reflect_ref,
		.check = reflect_check,
	},
	{
		.name = "steer",
		.ncfg = sizeof(steer_cfgs) / sizeof(steer_cfgs[0]),
		.cfg_name = steer_cfg_name,
		.open = steer_open,
		.close = steer_close,
		.base = steer_base,
		.ref = steer_ref,
		.check = steer_check,
	},
};

/* ---- the frames ------------------------------------------------------------------------- */

static uint64_t seed = 0x9e3779b97f4a7c15ULL;
static int flips = 24;
static const char *corpus_dirs[8];
static int ncorpus;

struct hostile_ctx {
	struct run *r;
};

/* Each base frame, then its hostile variants. */
static void base_and_hostile(void *ctx, const uint8_t *f, size_t n, const char *tag)
{
	struct hostile_ctx *h = ctx;

	frames_hostile(f, n, tag, &seed, flips, run_frame, h->r);
}

/* A corpus frame aimed at the population: our MACs, the world's addresses, checksums fixed. */
static size_t retarget(const struct world *w, uint8_t *b, size_t n)
{
	size_t off = 14;
	uint16_t t;

	if (n < 14)
		return n;
	memcpy(b, w->mac_local, 6);
	memcpy(b + 6, w->mac_peer, 6);
	t = rd16(b + 12);
	while ((t == 0x8100 || t == 0x88a8) && off + 4 <= n) {
		t = rd16(b + off + 2);
		off += 4;
	}
	if (t == 0x0800 && off + 20 <= n) {
		memcpy(b + off + 12, w->src4, 4);
		memcpy(b + off + 16, w->dst4, 4);
	} else if (t == 0x86dd && off + 40 <= n) {
		memcpy(b + off + 8, w->src6, 16);
		memcpy(b + off + 24, w->dst6, 16);
	} else if (t == 0x0806 && off + 28 <= n) {
		memcpy(b + off + 14, w->src4, 4);
		memcpy(b + off + 24, w->dst4, 4);
	}
	frame_refix(b, n);
	return n;
}

/* The dissector fuzz corpus: a selector byte (0 Ether, 1 IP, 2 IPv6, else another first layer),
 * then the bytes. IP and IPv6 get an Ethernet header; other layers go in as Ethernet payload
 * of an unknown type, bytes that are hostile all the same. */
static unsigned long run_corpus(struct run *r, const char *dir)
{
	static uint8_t raw[FRAME_MAX], b[FRAME_MAX];
	unsigned long files = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	/* A corpus grown by long fuzzing runs could take minutes: the first files are enough to
	 * keep `make test` short (the order is the directory's, stable between runs). */
	while ((de = readdir(d)) && files < 5000) {
		char path[4096], tag[300];
		size_t n, m;
		FILE *fp;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fp = fopen(path, "rb");
		if (!fp)
			continue;
		n = fread(raw, 1, sizeof(raw), fp);
		fclose(fp);
		if (n < 1)
			continue;
		files++;
		m = 0;
		if (raw[0] != 0) {
			static const uint8_t hdr[12] = {0x0a, 0, 0, 0, 0, 2, 0x0a, 0, 0, 0, 0, 1};

			memcpy(b, hdr, 12);
			wr16(b + 12, raw[0] == 1 ? 0x0800 : raw[0] == 2 ? 0x86dd : 0x88b5);
			m = 14;
		}
		if (m + n - 1 > sizeof(b))
			n = sizeof(b) - m + 1;
		memcpy(b + m, raw + 1, n - 1);
		m += n - 1;
		snprintf(tag, sizeof(tag), "corpus:%s", de->d_name);
		frames_hostile(b, m, tag, &seed, flips / 4, run_frame, r);
		snprintf(tag, sizeof(tag), "corpus:%s/retargeted", de->d_name);
		retarget(&r->world, b, m);
		frames_hostile(b, m, tag, &seed, flips / 4, run_frame, r);
	}
	closedir(d);
	return files;
}

/* How many bytes of a frame an XDP program sees between data and data_end: the first buffer
 * only, when BPF_PROG_RUN builds a multi-buffer frame (it does so past about a page, even for
 * programs that do not declare multi-buffer support, which no driver would give such frames).
 * Measured by a four-instruction program that returns data_end - data. */
static size_t measure_linear(void)
{
	static uint8_t b[FRAME_MAX], outb[FRAME_MAX + 1024];
	const struct bpf_insn insns[] = {
		/* r2 = ctx->data; r0 = ctx->data_end; r0 -= r2; exit */
		{.code = BPF_LDX | BPF_W | BPF_MEM, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_1,
		 .off = offsetof(struct xdp_md, data)},
		{.code = BPF_LDX | BPF_W | BPF_MEM, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_1,
		 .off = offsetof(struct xdp_md, data_end)},
		{.code = BPF_ALU64 | BPF_SUB | BPF_X, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_2},
		{.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = b, .data_size_in = sizeof(b),
		    .data_out = outb, .data_size_out = sizeof(outb), .repeat = 1);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "wc_linear", "GPL", insns, 4, NULL);
	size_t n = 0;

	if (fd < 0)
		return 0;
	if (bpf_prog_test_run_opts(fd, &o) == 0)
		n = o.retval;
	close(fd);
	return n;
}

static int run_prog(const struct prog *p, size_t cfg, unsigned long *corpus_files)
{
	struct run r = {.p = p, .cfg = cfg};
	struct hostile_ctx h = {.r = &r};
	unsigned long before;
	char why[256];
	int err;

	libbpf_log_len = 0;
	libbpf_log[0] = 0;
	err = p->open(&r, cfg, why, sizeof(why));
	if (err) {
		fprintf(stderr, "FAIL %s[%s]: %s\n%s", p->name, p->cfg_name(cfg), why, libbpf_log);
		return err;
	}
	r.ncpus = libbpf_num_possible_cpus();
	r.max_linear = measure_linear();
	if (!r.max_linear) {
		fprintf(stderr, "FAIL %s: cannot measure the kernel's first-buffer size\n", p->name);
		p->close(&r);
		return -EINVAL;
	}
	read_counters(&r, r.counts);
	p->base(&r, base_and_hostile, &h);
	frames_malformed(&r.world, base_and_hostile, &h, &seed);
	*corpus_files = 0;
	before = r.frames;
	for (int i = 0; i < ncorpus; i++)
		*corpus_files += run_corpus(&r, corpus_dirs[i]);
	p->close(&r);
	printf("%s[%s]: %lu frames (%lu from %lu corpus files and their variants), %lu passed, "
	       "%lu failed; verdicts: %lu pass, %lu tx, %lu drop, %lu redirect, %lu aborted; "
	       "%lu refused by the kernel (shorter than 14 bytes); first buffer %zu bytes\n",
	       p->name, p->cfg_name(cfg), r.frames, r.frames - before, *corpus_files, r.passed, r.failed,
	       r.by_verdict[XDP_PASS], r.by_verdict[XDP_TX], r.by_verdict[XDP_DROP],
	       r.by_verdict[XDP_REDIRECT], r.by_verdict[XDP_ABORTED], r.refused, r.max_linear);
	printf("  by counter:");
	for (int k = 0; k < r.ncounters && k < 16; k++)
		printf(" %d=%lu", k, r.by_counter[k]);
	printf("\n");
	total_passed += r.passed;
	total_failed += r.failed;
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	const char *civ = getenv("CI");
	bool ci = civ && !strcmp(civ, "true");
	int c;

	while ((c = getopt(argc, argv, "vs:f:c:p:")) != -1) {
		switch (c) {
		case 'v': verbose = true; show_left = 1000; break;
		case 's': seed = strtoull(optarg, NULL, 0) | 1; break;
		case 'f': flips = (int)strtol(optarg, NULL, 10); break;
		case 'c':
			if (ncorpus < 8)
				corpus_dirs[ncorpus++] = optarg;
			break;
		case 'p': only = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-v] [-s SEED] [-f FLIPS] [-c CORPUS_DIR]... "
				"[-p PROGRAM]\n", argv[0]);
			return 2;
		}
	}
	libbpf_set_print(on_libbpf);
	if (geteuid() != 0) {
		/* Not only root can run BPF_PROG_RUN (CAP_BPF + CAP_NET_ADMIN can), but that is
		 * the case CI is in; anywhere else, say why nothing ran. */
		if (ci) {
			printf("bpf: 0 passed, 1 failed (needs root under CI)\n");
			return 1;
		}
		printf("bpf: skipped (not root)\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		if (only && strcmp(only, progs[i].name))
			continue;
		for (size_t k = 0; k < progs[i].ncfg; k++) {
			unsigned long files;

			if (run_prog(&progs[i], k, &files))
				total_failed++;
		}
	}
	printf("bpf: %lu passed, %lu failed\n", total_passed, total_failed);
	return total_failed ? 1 : 0;
}
