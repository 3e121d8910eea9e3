/* SPDX-License-Identifier: MIT */
/* The live-frames engine (live.h): the template's patch plan translated for
 * bpf/livegen.bpf.c, the program loaded from its embedded skeleton, and runner threads that
 * call BPF_PROG_RUN in live-frames mode until their share of the set is out.
 *
 * Kernel behaviour this relies on (net/bpf/test_run.c, 5.18+):
 *  - a call runs the program `repeat` times, in batches of batch_size frames taken from a
 *    page pool made for the call; a page is filled from data_in only when the pool first
 *    hands it out, so a recycled frame holds what the last run wrote (livegen.bpf.c
 *    rewrites every byte that varies);
 *  - XDP_TX becomes a redirect to the device named as ingress in the context; frames are
 *    flushed to the driver after each batch, with bottom halves enabled in between, so a
 *    veth peer's NAPI drains them on this CPU as they go;
 *  - the ctx's `data` offset declares XDP metadata at the head of data_in (at most 32 bytes,
 *    a multiple of 4): it carries the runner's slot number to the program;
 *  - a call is interrupted by a pending signal (-EINTR); how many frames it made is in the
 *    slot (`next`), not in the return value;
 *  - a call with repeat > 1 puts the program into the kernel's XDP dispatcher and takes it out
 *    again at the end, and each change waits for an RCU grace period (synchronize_rcu) unless
 *    the program is in the dispatcher already: see keep_dispatched().
 */
#define _GNU_SOURCE /* CPU_SET, pthread affinity */
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "livegen.h" /* before the skeleton: it names struct lg_plan */
#include "livegen.skel.h"
#include "tmpl_plan.h"
#include "send_impl.h"
#include "wirecraft/iface.h"
#include "wirecraft/live.h"
#include "wirecraft/rate.h"
#include "wirecraft/send.h"
#include "wirecraft/tmpl.h"

#define LOG_SIZE (64 * 1024) /* the verifier's log, kept for the reason of a refusal */
#define DEFAULT_BATCH 16384
#define UNKEPT_BATCH (1u << 20) /* per call when the dispatcher changes every call */
#define MAX_REPEAT (1u << 20)
#define KERNEL_BATCH 64 /* frames per flush to the driver: the kernel's default, a NAPI
			   budget; a veth peer's ring (256) holds four of them */

struct runner {
	pthread_t th;
	struct wc_live *l;
	unsigned k;           /* its slot */
	int cpu;              /* pinned there, or -1 */
	uint64_t first, span; /* its slice of the set: packets [first, first + span) */
	uint64_t count;       /* packets to send: the slice once, or more by looping over it */
	bool forever;
	double pps;
	uint64_t t_end_ns;
	const struct wc_send_opts *o;
	uint64_t sent; /* read by the progress loop */
	bool done;
	int err;
};

struct wc_live {
	struct livegen_bpf *skel;
	struct wc_tmpl_plan *plan;
	unsigned seg0[LG_MAX_DIGITS]; /* each digit's first segment in skel->bss->segs */
	int prog_fd, ifindex;
	char ifname[IF_NAMESIZE];
	unsigned threads, batch;
	bool no_pin;
	bool frames_only; /* wc_live_opts.frames_only: wc_live_frame, never wc_live_send */
	uint8_t *frame; /* metadata + template, per runner */
	size_t frame_len;
	uint64_t drops;
	int keep_link, keep_ns; /* keep_dispatched(), or -1 */
};

static void say(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(char *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, 160, fmt, ap);
	va_end(ap);
}

static uint64_t rd_be64(const uint8_t *b)
{
	uint64_t x = 0;

	for (int i = 0; i < 8; i++)
		x = x << 8 | b[i];
	return x;
}

/* ---- the plan, in the program's terms ---- */

/* Translate p into lp and the segment table; -E2BIG with why when it does not fit. Only the
 * variables some window reads become program variables; the others (fields absent from the
 * frame) still count in ndraws, so every packet's random numbers stay in step. */
static int make_plan(struct wc_live *l, const struct wc_tmpl_plan *p, struct lg_plan *lp,
		     struct lg_seg *segs, char *why)
{
	int map[WC_PLAN_MAX_VARS];
	uint64_t draw[WC_PLAN_MAX_VARS], nd = 0;
	unsigned nsegs = 0;

	memset(lp, 0, sizeof(*lp));
	if (p->rng_step != LG_RNG_STEP) {
		say(why, "random numbers: the program knows another generator");
		return -EOPNOTSUPP;
	}
	if (p->len < 14 || p->len > LG_MAX_FRAME) {
		say(why, "%zu-byte frames (live frames take 14 to %u)", p->len, LG_MAX_FRAME);
		return -E2BIG;
	}
	if (p->ndigits > LG_MAX_DIGITS) {
		say(why, "%u fields with sets of values (live frames take %u)", p->ndigits,
		    LG_MAX_DIGITS);
		return -E2BIG;
	}
	if (p->nwins > LG_MAX_WINS) {
		say(why, "%u varying byte windows (live frames take %u)", p->nwins, LG_MAX_WINS);
		return -E2BIG;
	}
	if (p->ncs > LG_MAX_CS) {
		say(why, "%u checksums to update (live frames take %u)", p->ncs, LG_MAX_CS);
		return -E2BIG;
	}
	lp->len = (uint32_t)p->len;
	lp->ndigits = (uint8_t)p->ndigits;
	lp->nwins = (uint8_t)p->nwins;
	lp->ncs = (uint8_t)p->ncs;
	lp->ndraws = p->ndraws;
	for (unsigned i = 0; i < p->ndigits; i++) {
		const struct wc_plan_digit *d = &p->d[i];

		if (d->nsegs == 0 || d->nsegs > LG_MAX_SEGS - nsegs) {
			say(why, "more than %u runs of values in all (a list counts one per value)",
			    LG_MAX_SEGS);
			return -E2BIG;
		}
		l->seg0[i] = nsegs;
		lp->d[i] = (struct lg_digit){nsegs, d->nsegs};
		for (uint32_t s = 0; s < d->nsegs; s++, nsegs++) {
			const struct wc_seg *sg = &d->segs[s];

			segs[nsegs] = d->wide ? (struct lg_seg){rd_be64(sg->a + 8), rd_be64(sg->a), sg->n}
					      : (struct lg_seg){sg->lo, 0, sg->n};
		}
	}
	/* Each variable's first draw, in the order tmpl.c draws them. */
	for (unsigned i = 0; i < p->nvars; i++) {
		map[i] = -1;
		draw[i] = nd;
		if (p->v[i].src == WC_PLAN_RAND)
			nd += 1;
		else if (p->v[i].src == WC_PLAN_FUZZ)
			nd += p->v[i].wide ? 2 : 1;
	}
	if (nd != p->ndraws) {
		say(why, "random draws do not add up (%llu of %llu)", (unsigned long long)nd,
		    (unsigned long long)p->ndraws);
		return -EINVAL;
	}
	for (unsigned i = 0; i < p->nwins; i++) {
		const struct wc_plan_window *w = &p->w[i];
		struct lg_window *o = &lp->w[i];

		if (w->nmem > LG_MAX_MEMS || w->ncov > LG_MAX_COV || w->off + w->nb > p->len ||
		    w->nb < 1 || w->nb > 8) {
			say(why, "a byte window of %u fields under %u checksums (live frames take %u "
			    "and %u)", w->nmem, w->ncov, LG_MAX_MEMS, LG_MAX_COV);
			return -E2BIG;
		}
		*o = (struct lg_window){.off = (uint16_t)w->off, .nb = w->nb, .nmem = w->nmem,
					.ncov = w->ncov, .need = w->need, .tbits = w->tbits};
		for (unsigned k = 0; k < w->nmem; k++) {
			const struct wc_plan_member *m = &w->m[k];
			const struct wc_plan_var *v = &p->v[m->var];

			if (map[m->var] < 0) {
				struct lg_var *lv = &lp->v[lp->nvars];

				if (lp->nvars == LG_MAX_VARS) {
					say(why, "more than %u varying fields (live frames take %u)",
					    LG_MAX_VARS, LG_MAX_VARS);
					return -E2BIG;
				}
				if (v->src == WC_PLAN_DIGIT && v->digit >= p->ndigits)
					return -EINVAL;
				*lv = (struct lg_var){.src = v->src == WC_PLAN_DIGIT  ? LG_SRC_DIGIT
							     : v->src == WC_PLAN_RAND ? LG_SRC_RAND
										      : LG_SRC_FUZZ,
						      .wide = v->wide,
						      .digit = (uint8_t)v->digit,
						      .draw = (uint32_t)draw[m->var],
						      .base = v->base,
						      .mask = v->mask,
						      .hi = v->hi};
				map[m->var] = lp->nvars++;
			}
			o->m[k] = (struct lg_member){.ref = (uint8_t)(2 * map[m->var] + (m->hi ? 1 : 0)),
						     .shift = m->shift, .mask = m->mask};
		}
		for (unsigned k = 0; k < w->ncov; k++)
			o->cov[k] = (struct lg_cover){w->cov[k].cs, w->cov[k].odd};
	}
	for (unsigned c = 0; c < p->ncs; c++) {
		const struct wc_plan_csum *cs = &p->cs[c];

		if (cs->ncov > LG_MAX_COV || cs->off + 2 > p->len) {
			say(why, "a checksum under %u others (live frames take %u)", cs->ncov,
			    LG_MAX_COV);
			return -E2BIG;
		}
		lp->cs[c] = (struct lg_csum){.off = (uint16_t)cs->off, .zero_ffff = cs->zero_ffff,
					     .ncov = cs->ncov, .base = cs->base};
		for (unsigned k = 0; k < cs->ncov; k++)
			lp->cs[c].cov[k] = (struct lg_cover){cs->cov[k].cs, cs->cov[k].odd};
	}
	return 0;
}

/* The position of packet `index` of the set: tmpl.c's wc_tmpl_seek, in the program's terms. */
static void seek(const struct wc_live *l, struct lg_pos *st, uint64_t index)
{
	const struct wc_tmpl_plan *p = l->plan;
	const struct lg_seg *segs = l->skel->bss->segs;
	uint64_t q = index;

	for (unsigned k = p->ndigits; k-- > 0;) {
		const struct wc_plan_digit *d = &p->d[k];
		uint64_t pos = d->radix ? q % d->radix : 0;
		uint32_t s = 0;
		const struct lg_seg *sg;

		q = d->radix ? q / d->radix : q;
		while (s + 1 < d->nsegs && pos >= d->segs[s].n)
			pos -= d->segs[s++].n;
		sg = &segs[l->seg0[k] + s];
		st->seg[k] = l->seg0[k] + s;
		st->pos[k] = pos;
		st->n[k] = sg->n;
		st->lo[k] = sg->lo + pos;
		st->hi[k] = sg->hi;
	}
	st->rng = p->rng0 + index * p->ndraws * p->rng_step;
}

/* Give slot k the share [first, first + span), positioned at its start. Only between calls:
 * the program writes the slot during them. */
static void share_slot(const struct wc_live *l, unsigned k, uint64_t first, uint64_t span)
{
	struct lg_slot *sl = &l->skel->bss->slots[k];

	sl->first = sl->next = first;
	sl->end = span < UINT64_MAX - first ? first + span : UINT64_MAX;
	seek(l, &sl->start, first);
	sl->cur = sl->start;
}

/* ---- the kernel and the device ---- */

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Does this kernel know live frames? Asked without sending anything: a batch size over
 * the kernel's maximum (256) is refused with E2BIG only by a kernel that has the mode;
 * one that does not refuses the flag itself with EINVAL. (Were it ever run, the frame names
 * no slot, and the program aborts it.) */
static int probe_live(int prog_fd, int ifindex, char *why)
{
	uint8_t buf[LG_META + 64] = {0xff, 0xff, 0xff, 0xff};
	struct xdp_md ctx = {.data = LG_META, .data_end = sizeof(buf),
			     .ingress_ifindex = (uint32_t)ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .data_size_in = sizeof(buf),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 257);
	int err = bpf_prog_test_run_opts(prog_fd, &o);

	if (err == -E2BIG)
		return 0;
	if (err == 0) /* cannot happen on any kernel known; whatever ran has been sent */
		return 0;
	if (err == -EPERM || err == -EACCES) {
		say(why, "BPF_PROG_RUN: %s", strerror(-err));
		return err;
	}
	say(why, "the kernel has no XDP live frames (Linux 5.18+): %s", strerror(-err));
	return -EOPNOTSUPP;
}

static int nl_talk(int fd, void *req, size_t len, char *resp, size_t cap, ssize_t *got)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct nlmsghdr *h = (struct nlmsghdr *)resp;

	if (sendto(fd, req, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	*got = recv(fd, resp, cap, 0);
	if (*got < 0)
		return -errno;
	if ((size_t)*got < sizeof(*h) || !NLMSG_OK(h, (size_t)*got))
		return -EBADMSG;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);
		return e->error ? e->error : -ENOENT;
	}
	return 0;
}

/* The attribute `type` in a generic netlink reply, or NULL. */
static const struct nlattr *nl_attr(const char *resp, ssize_t got, unsigned type)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)resp;
	const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	const char *e = resp + (h->nlmsg_len < (size_t)got ? h->nlmsg_len : (size_t)got);

	while (p + NLA_HDRLEN <= e) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > e)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/* One generic netlink request with one attribute. */
static int genl_ask(int fd, uint16_t family, uint8_t cmd, uint8_t version, uint16_t atype,
		    const void *aval, uint16_t alen, char *resp, size_t cap, ssize_t *got)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char attrs[64];
	} req;
	struct nlattr *a = (struct nlattr *)req.attrs;

	if (alen > sizeof(req.attrs) - NLA_HDRLEN)
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = (uint32_t)(NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(NLA_HDRLEN + alen));
	req.n.nlmsg_type = family;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.g.cmd = cmd;
	req.g.version = version;
	a->nla_type = atype;
	a->nla_len = (uint16_t)(NLA_HDRLEN + alen);
	memcpy((char *)a + NLA_HDRLEN, aval, alen);
	return nl_talk(fd, &req, req.n.nlmsg_len, resp, cap, got);
}

#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define XDP_ACT_NDO_XMIT 4

int wc_live_xdp_features(const char *ifname, uint64_t *features)
{
	unsigned ifindex = if_nametoindex(ifname);
	int fd, err;
	char resp[4096];
	ssize_t got;
	const struct nlattr *a;
	uint16_t family;
	uint32_t idx;

	if (!ifindex)
		return -ENODEV;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	{
		struct timeval tv = {1, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	err = genl_ask(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, CTRL_ATTR_FAMILY_NAME, "netdev",
		       sizeof("netdev"), resp, sizeof(resp), &got);
	if (err)
		goto out;
	a = nl_attr(resp, got, CTRL_ATTR_FAMILY_ID);
	if (!a || a->nla_len < NLA_HDRLEN + 2) {
		err = -ENOENT;
		goto out;
	}
	memcpy(&family, (const char *)a + NLA_HDRLEN, 2);
	idx = ifindex;
	err = genl_ask(fd, family, NETDEV_CMD_DEV_GET, 1, NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx),
		       resp, sizeof(resp), &got);
	if (err)
		goto out;
	a = nl_attr(resp, got, NETDEV_A_DEV_XDP_FEATURES);
	if (!a || a->nla_len < NLA_HDRLEN + 8) {
		err = -ENOENT;
		goto out;
	}
	memcpy(features, (const char *)a + NLA_HDRLEN, 8);
out:
	close(fd);
	return err;
}

/* The device's tx_dropped counter (32 bits; 0 when it cannot be read). */
static uint32_t dev_tx_dropped(const char *ifname)
{
	struct wc_link_state ls;

	return wc_iface_link_state(ifname, &ls) ? 0 : ls.tx_dropped;
}

/* ---- keeping the program dispatched ---- */

struct keeper {
	int prog_fd, link_fd, ns_fd, err;
};

static void *keeper_run(void *arg)
{
	struct keeper *k = arg;
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_SKB_MODE);

	/* A network namespace of this thread's own: the process's stays as it was. */
	if (unshare(CLONE_NEWNET) < 0) {
		k->err = -errno;
		return NULL;
	}
	k->ns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (k->ns_fd < 0) {
		k->err = -errno;
		return NULL;
	}
	k->link_fd = bpf_link_create(k->prog_fd, 1 /* lo, in every namespace */, BPF_XDP, &lo);
	if (k->link_fd < 0)
		k->err = k->link_fd;
	return NULL;
}

/* Why: each BPF_PROG_RUN call with repeat > 1 adds the program to the kernel's XDP dispatcher
 * and removes it at the end, and each of those changes rebuilds the dispatcher and waits for
 * an RCU grace period: about 25 ms per call on a busy 2-vCPU VM, more than the 16384 frames of
 * a call take to send. A program attached somewhere stays in the dispatcher, and then a call
 * only counts one more user, no rebuild. So the program is attached, in generic mode, to the
 * loopback of a network namespace made for it: empty, nothing ever arrives there (and the
 * program passes anything without its metadata). The namespace lives as long as our fd to
 * it, the attachment as long as its bpf_link fd: both go with the process, however it ends.
 * Returns 0, or -errno (then calls are made large instead, see UNKEPT_BATCH). */
static int keep_dispatched(struct wc_live *l)
{
	struct keeper k = {.prog_fd = l->prog_fd, .link_fd = -1, .ns_fd = -1};
	pthread_t th;
	int err = -pthread_create(&th, NULL, keeper_run, &k);

	if (err)
		return err;
	pthread_join(th, NULL);
	if (k.err) {
		if (k.ns_fd >= 0)
			close(k.ns_fd);
		return k.err;
	}
	l->keep_link = k.link_fd;
	l->keep_ns = k.ns_fd;
	return 0;
}

/* ---- open, close ---- */

void wc_live_close(struct wc_live *l)
{
	if (!l)
		return;
	if (l->keep_link >= 0)
		close(l->keep_link);
	if (l->keep_ns >= 0)
		close(l->keep_ns);
	livegen_bpf__destroy(l->skel);
	free(l->plan);
	free(l->frame);
	free(l);
}

int wc_live_open(const struct wc_tmpl *t, const struct wc_live_opts *o, struct wc_live **out,
		 char *why)
{
	struct wc_live *l = calloc(1, sizeof(*l));
	libbpf_print_fn_t old;
	struct lg_plan lp;
	char *log = NULL;
	uint64_t feat = 0;
	int err;

	if (why)
		why[0] = 0;
	if (!l)
		return -ENOMEM;
	l->keep_link = l->keep_ns = -1;
	l->threads = o->threads ? o->threads : 1;
	l->batch = o->batch ? o->batch : DEFAULT_BATCH;
	if (l->batch > MAX_REPEAT)
		l->batch = MAX_REPEAT;
	l->no_pin = o->no_pin;
	err = -EINVAL;
	if (l->threads > LG_MAX_SLOTS - 1) {
		say(why, "%u runners (live frames take %u)", l->threads, LG_MAX_SLOTS - 1);
		goto fail;
	}
	err = -ENODEV;
	if (!o->ifname || strlen(o->ifname) >= IF_NAMESIZE ||
	    !(l->ifindex = (int)if_nametoindex(o->ifname))) {
		say(why, "interface %s: %s", o->ifname ? o->ifname : "(none)", strerror(ENODEV));
		goto fail;
	}
	strcpy(l->ifname, o->ifname);
	err = -ENOMEM;
	l->plan = malloc(sizeof(*l->plan));
	if (!l->plan)
		goto fail;
	err = wc_tmpl_plan(t, l->plan);
	if (err) {
		say(why, "the set is built in full per packet (no template plan to run)");
		goto fail;
	}
	l->skel = livegen_bpf__open();
	if (!l->skel) {
		err = -errno;
		say(why, "opening the program: %s", strerror(-err));
		goto fail;
	}
	/* The segments go to .bss now (its initial image): no plan is half-loaded later. */
	err = make_plan(l, l->plan, &lp, l->skel->bss->segs, why);
	if (err)
		goto fail;
	memcpy((void *)&l->skel->rodata->plan, &lp, sizeof(lp));
	log = calloc(1, LOG_SIZE);
	if (log)
		bpf_program__set_log_buf(l->skel->progs.wc_livegen, log, LOG_SIZE);
	old = libbpf_set_print(quiet); /* a library does not print; the reason goes to `why` */
	err = livegen_bpf__load(l->skel);
	libbpf_set_print(old);
	if (err) {
		const char *last = "", *p = log ? log : "";

		/* The verifier's verdict is its last non-empty line. */
		for (const char *e; *p; p = *e ? e + 1 : e) {
			e = strchr(p, '\n');
			if (!e)
				e = p + strlen(p);
			if (e > p)
				last = p;
		}
		say(why, "loading the program: %s%s%.*s", strerror(-err), *last ? ": " : "",
		    (int)(strcspn(last, "\n") < 100 ? strcspn(last, "\n") : 100), last);
		goto fail;
	}
	l->prog_fd = bpf_program__fd(l->skel->progs.wc_livegen);
	l->frames_only = o->frames_only;
	err = o->frames_only ? 0 : probe_live(l->prog_fd, l->ifindex, why);
	if (err)
		goto fail;
	/* A device that cannot transmit XDP frames drops every one, silently: say so now. */
	if (!o->force && !o->frames_only && wc_live_xdp_features(o->ifname, &feat) == 0 &&
	    !(feat & XDP_ACT_NDO_XMIT)) {
		say(why, "%s cannot transmit XDP frames now (a veth needs an XDP program on its peer)",
		    o->ifname);
		err = -EOPNOTSUPP;
		goto fail;
	}
	if (keep_dispatched(l) && !o->batch)
		l->batch = UNKEPT_BATCH;
	err = -ENOMEM;
	l->frame_len = LG_META + l->plan->len;
	l->frame = calloc(1, l->frame_len);
	if (!l->frame)
		goto fail;
	memcpy(l->frame + LG_META, l->plan->bytes, l->plan->len);
	free(log);
	*out = l;
	return 0;
fail:
	free(log);
	wc_live_close(l);
	return err;
}

uint64_t wc_live_device_drops(const struct wc_live *l)
{
	return l->drops;
}

/* The program run once in the ordinary test mode: the kernel hands the frame back instead
 * of sending it. The last slot is kept for this; runners use the others. */
int wc_live_frame(struct wc_live *l, uint64_t index, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t in[LG_META + LG_MAX_FRAME], res[LG_META + LG_MAX_FRAME];
	uint32_t slot = LG_MAX_SLOTS - 1;
	struct xdp_md ctx = {.data = LG_META, .data_end = (uint32_t)l->frame_len};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)l->frame_len,
		    .data_out = res, .data_size_out = sizeof(res), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	if (cap < l->plan->len)
		return -ENOSPC;
	if (l->plan->count != UINT64_MAX && index >= l->plan->count)
		return -ENOENT;
	memcpy(in, l->frame, l->frame_len);
	memcpy(in, &slot, sizeof(slot));
	share_slot(l, slot, index, 1);
	err = bpf_prog_test_run_opts(l->prog_fd, &o);
	if (err)
		return err;
	if (o.retval != XDP_TX || o.data_size_out != l->frame_len)
		return -EIO;
	memcpy(out, res + LG_META, l->plan->len); /* the kernel returns the metadata too */
	*len = l->plan->len;
	return 0;
}

/* ---- sending ---- */

static bool stopped(const struct runner *r)
{
	return (r->o->stop && *r->o->stop) || (r->t_end_ns && wc_now_ns() >= r->t_end_ns);
}

static void *run(void *arg)
{
	struct runner *r = arg;
	struct wc_live *l = r->l;
	struct lg_slot *sl = &l->skel->bss->slots[r->k];
	uint8_t *frame = malloc(l->frame_len);
	struct xdp_md ctx = {.data = LG_META, .data_end = (uint32_t)l->frame_len,
			     .ingress_ifindex = (uint32_t)l->ifindex};
	uint64_t burst = UINT64_MAX;
	struct wc_rate rate;

	if (!frame) {
		r->err = -ENOMEM;
		goto out;
	}
	if (r->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(r->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set); /* a hint: ignore failure */
	}
	memcpy(frame, l->frame, l->frame_len);
	memcpy(frame, &r->k, sizeof(uint32_t)); /* the metadata: our slot */
	wc_rate_init(&rate, r->pps);
	if (r->pps > 0) /* within a call frames go back to back: at most 1 ms of them */
		burst = r->pps / 1000 > 1 ? (uint64_t)(r->pps / 1000) : 1;
	/* the program starts the share over by itself at its end: a --loop needs nothing here */
	share_slot(l, r->k, r->first, r->span);
	while (!stopped(r)) {
		uint64_t left = r->forever ? l->batch : r->count - r->sent, want, got, before;
		int err;

		if (!left)
			break;
		want = left < l->batch ? left : l->batch;
		if (want > burst)
			want = burst;
		want = wc_rate_take(&rate, (unsigned)want);
		{
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
				    .data_size_in = (uint32_t)l->frame_len, .ctx_in = &ctx,
				    .ctx_size_in = sizeof(ctx), .repeat = (int)want,
				    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = KERNEL_BATCH);

			/* the kernel writes the slot during the call: read it as shared memory */
			before = __atomic_load_n(&sl->made, __ATOMIC_RELAXED);
			err = bpf_prog_test_run_opts(l->prog_fd, &o);
			got = __atomic_load_n(&sl->made, __ATOMIC_RELAXED) - before;
		}
		if (got < want)
			rate.sent -= want - got;
		__atomic_store_n(&r->sent, r->sent + got, __ATOMIC_RELAXED);
		if (err && err != -EINTR) {
			r->err = err;
			break;
		}
	}
out:
	free(frame);
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Who sends what: the same split as the other engines (wc_send_slice). */
static void share(struct runner *rs, unsigned n, const struct wc_send_opts *o, uint64_t setn)
{
	for (unsigned i = 0; i < n; i++) {
		struct wc_send_slice sl;

		wc_send_slice(o, setn, n, i, &sl);
		rs[i].first = sl.first;
		rs[i].span = sl.span;
		rs[i].count = sl.count;
		rs[i].forever = sl.forever;
	}
}

static void totals(const struct wc_live *l, struct runner *rs, unsigned n, uint64_t t0,
		   struct wc_send_stats *st)
{
	st->sent = 0;
	for (unsigned i = 0; i < n; i++)
		st->sent += __atomic_load_n(&rs[i].sent, __ATOMIC_RELAXED);
	st->bytes = st->sent * l->plan->len;
	st->elapsed_s = (double)(wc_now_ns() - t0) / 1e9;
}

int wc_live_send(struct wc_live *l, const struct wc_send_opts *o, struct wc_send_stats *st)
{
	struct wc_send_stats tot = {0};
	struct runner *rs;
	uint64_t t0 = wc_now_ns(), next;
	double pps = o->rate_pps;
	cpu_set_t allowed;
	int cpus[LG_MAX_SLOTS], ncpu = 0, err = 0;
	unsigned started = 0;
	uint32_t drop0;

	if (l->frames_only)
		return -EOPNOTSUPP;
	rs = calloc(l->threads, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	drop0 = dev_tx_dropped(l->ifname);
	if (!l->no_pin && sched_getaffinity(0, sizeof(allowed), &allowed) == 0)
		for (int c = 0; c < CPU_SETSIZE && ncpu < LG_MAX_SLOTS; c++)
			if (CPU_ISSET(c, &allowed))
				cpus[ncpu++] = c;
	if (o->bandwidth_bps > 0) {
		double bw_pps = o->bandwidth_bps / ((double)(l->plan->len + 24) * 8);
		if (pps <= 0 || bw_pps < pps)
			pps = bw_pps;
	}
	share(rs, l->threads, o, l->plan->count);
	for (unsigned i = 0; i < l->threads; i++) {
		rs[i].l = l;
		rs[i].k = i;
		rs[i].cpu = ncpu ? cpus[i % (unsigned)ncpu] : -1;
		rs[i].o = o;
		rs[i].pps = pps > 0 ? pps / l->threads : 0;
		rs[i].t_end_ns = o->duration_s > 0 ? t0 + (uint64_t)(o->duration_s * 1e9) : 0;
		err = -pthread_create(&rs[i].th, NULL, run, &rs[i]);
		if (err)
			break;
		started++;
	}
	next = t0 + 1000000000ULL;
	for (;;) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		unsigned done = 0;

		for (unsigned i = 0; i < started; i++)
			done += __atomic_load_n(&rs[i].done, __ATOMIC_ACQUIRE);
		if (done == started)
			break;
		nanosleep(&ts, NULL);
		if (o->progress && wc_now_ns() >= next) {
			totals(l, rs, started, t0, &tot);
			o->progress(&tot, o->arg);
			next += 1000000000ULL;
		}
	}
	for (unsigned i = 0; i < started; i++) {
		pthread_join(rs[i].th, NULL);
		if (!err)
			err = rs[i].err;
	}
	totals(l, rs, started, t0, &tot);
	tot.done = true;
	l->drops = (uint32_t)(dev_tx_dropped(l->ifname) - drop0);
	if (o->progress)
		o->progress(&tot, o->arg);
	if (st)
		*st = tot;
	free(rs);
	return err;
}
