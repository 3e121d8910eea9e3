/* SPDX-License-Identifier: MIT */
/* Stateless tracing (wirecraft/trace.h): a scan whose second coordinate is the TTL, its
 * answers gathered into paths and links once it is over.
 *
 * Nothing is kept per probe while the trace runs: the answers are appended as they come (one
 * record each, deduplicated per (target, TTL) by the scan), and only at the end sorted by
 * their pair index, which puts every target's answers together in TTL order. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecraft/rate.h"
#include "wirecraft/trace.h"

struct rec {
	uint64_t index;
	struct wc_ipaddr target, addr;
	double rtt_ms;
	const char *reply;
	uint8_t ttl, reply_ttl;
};

struct wc_trace {
	/* while running */
	struct rec *recs;
	size_t nrecs, cap;
	bool oom;
	void (*progress)(const struct wc_scan_stats *st, void *arg);
	void *arg;
	/* the preprobe (wc_trace_opts.preprobe): per target address the distance its answer
	 * told (sampled targets; 0: not known) and what its probes found (ST_*); the TTL the
	 * others' preprobe goes at (the sample's most common distance); the scan's phase */
	uint8_t *dist, *state;
	uint8_t split;
	unsigned phase;
	uint32_t nttl;
	uint8_t min_ttl, max_ttl;
	uint64_t preprobes, skipped, extended;
	uint64_t phase_ns[4]; /* when each phase started (CLOCK_MONOTONIC) */
	uint64_t over_ns;     /* when the last one ended */
	struct wc_trace_times times;
	/* the paths, made while the scan tears down (over()) */
	uint8_t ttl0;
	unsigned nttl_all;
	int finish_err;
	void (*on_paths)(const struct wc_trace *tr, void *arg);
	/* after */
	uint64_t ntargets, nreached;
	struct wc_trace_path *paths;
	size_t npaths;
	struct wc_trace_link *links;
	size_t nlinks;
};

static int addr_cmp(const struct wc_ipaddr *a, const struct wc_ipaddr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, a->family == 0 ? 0 : 16);
}

static bool at_target(const struct rec *r);

/* The initial TTL a host most likely used: the smallest usual one at or above what came. */
static unsigned hops_back(uint8_t reply_ttl)
{
	unsigned init = reply_ttl <= 64 ? 64 : reply_ttl <= 128 ? 128 : 255;

	return init - reply_ttl;
}

/* --preprobe, in four phases of one scan (wc_scan_opts.phases):
 *   0  a sample of the targets (every 16th; all of a small set) at max_ttl: the target's
 *      answer tells its distance, the hops back + 1 (FlashRoute's preprobe);
 *   1  the others once, at the sample's most common distance, the split TTL: the target
 *      itself answering there is its hop at that TTL, measured; a router answering is
 *      the hop there and says the path goes on;
 *   2  the TTLs below: up to the distance for a sampled target, below the split for one
 *      that answered at it; every TTL for the rest;
 *   3  the TTLs beyond the distance for a sampled target that did not answer within it (a
 *      path longer out than back), when there is one.
 * Every hop reported is the answer to a probe sent with its TTL; none is inferred. */
#define ST_NEAR 1      /* sampled: the target answered at a TTL up to its distance */
#define ST_AT_SPLIT 2  /* not sampled: the target answered its preprobe at the split TTL */
#define ST_PAST 4      /* not sampled: a router answered it: the path goes on beyond */

static bool sampled(const struct wc_trace *tr, uint64_t a)
{
	return tr->ntargets <= 64 || a % 16 == 0;
}

/* The TTL a target's preprobe went at. */
static unsigned pre_ttl(const struct wc_trace *tr, uint64_t a)
{
	return sampled(tr, a) ? tr->max_ttl : tr->split;
}

static void set_state(struct wc_trace *tr, uint64_t a, uint8_t bit)
{
	__atomic_fetch_or(&tr->state[a], bit, __ATOMIC_RELAXED);
}

/* What an answer says of its target's path (on the receiving thread). */
static void note(struct wc_trace *tr, const struct rec *x, uint64_t a)
{
	bool end = at_target(x);

	if (sampled(tr, a)) {
		uint8_t d = __atomic_load_n(&tr->dist[a], __ATOMIC_RELAXED);

		if (!end)
			return;
		if (x->ttl == tr->max_ttl) { /* the preprobe: its distance, the hops back + 1 */
			unsigned n = hops_back(x->reply_ttl) + 1;

			__atomic_store_n(&tr->dist[a], (uint8_t)(n < 255 ? n : 255), __ATOMIC_RELAXED);
		} else if (x->ttl <= d) {
			/* within the distance only: phase 3 reads this, and an answer of its own (at
			 * a TTL beyond) must not leave out the TTLs below it not yet walked */
			set_state(tr, a, ST_NEAR);
		}
	} else if (__atomic_load_n(&tr->phase, __ATOMIC_RELAXED) >= 1 && x->ttl == tr->split) {
		set_state(tr, a, end ? ST_AT_SPLIT : ST_PAST);
	}
}

/* On the scan's receiving thread (one for all queues): append; with a preprobe, note its
 * distance (phase 0) and a target answering within it. */
static void collect(const struct wc_scan_result *r, void *arg)
{
	struct wc_trace *tr = arg;
	struct rec *x;

	if (tr->nrecs == tr->cap) {
		size_t cap = tr->cap ? tr->cap * 2 : 4096;
		struct rec *n = realloc(tr->recs, cap * sizeof(*n));

		if (!n) {
			tr->oom = true;
			return;
		}
		tr->recs = n;
		tr->cap = cap;
	}
	x = &tr->recs[tr->nrecs++];
	x->index = r->index;
	x->target = r->r.target;
	x->addr = r->r.saddr;
	x->rtt_ms = r->rtt_us < 0 ? -1 : r->rtt_us / 1e3;
	x->reply = r->r.classification;
	x->ttl = (uint8_t)r->r.tport;
	x->reply_ttl = r->r.ttl;
	if (tr->dist)
		note(tr, x, r->index / tr->nttl);
}

/* With a preprobe, on the sending threads: what each phase probes (above). */
static bool skip_far(uint64_t index, void *arg)
{
	struct wc_trace *tr = arg;
	uint64_t a = index / tr->nttl;
	unsigned ttl = tr->min_ttl + (unsigned)(index % tr->nttl), p = pre_ttl(tr, a);
	uint8_t d, st;
	bool probe;

	if (tr->phase <= 1) {
		if (ttl != p || sampled(tr, a) != (tr->phase == 0))
			return true;
		__atomic_fetch_add(&tr->preprobes, 1, __ATOMIC_RELAXED);
		return false;
	}
	if (ttl == p)
		return true; /* the preprobe's, never again */
	d = __atomic_load_n(&tr->dist[a], __ATOMIC_RELAXED);
	st = __atomic_load_n(&tr->state[a], __ATOMIC_RELAXED);
	if (tr->phase == 2) {
		if (sampled(tr, a))
			probe = !d || ttl <= d;
		else
			probe = !(st & ST_AT_SPLIT) || ttl < p;
		if (!probe)
			__atomic_fetch_add(&tr->skipped, 1, __ATOMIC_RELAXED);
		return !probe;
	}
	if (!sampled(tr, a) || !d || ttl <= d || (st & ST_NEAR))
		return true;
	__atomic_fetch_add(&tr->extended, 1, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&tr->skipped, 1, __ATOMIC_RELAXED);
	return false;
}

/* Between the phases, on the calling thread (the last one's answers are in). */
static bool next_phase(unsigned phase, void *arg)
{
	struct wc_trace *tr = arg;
	bool far = false;

	if (phase > 3)
		return false;
	if (phase == 1) { /* the split: the sample's most common distance, within the TTLs */
		uint64_t n[256] = {0}, best = 0;

		tr->split = tr->max_ttl;
		for (uint64_t a = 0; a < tr->ntargets; a++) {
			uint8_t d = __atomic_load_n(&tr->dist[a], __ATOMIC_RELAXED);

			if (sampled(tr, a) && d >= tr->min_ttl && d <= tr->max_ttl && ++n[d] > best) {
				best = n[d];
				tr->split = d;
			}
		}
	}
	if (phase == 3) { /* only when some target's path goes on beyond its distance */
		for (uint64_t a = 0; a < tr->ntargets && !far; a++) {
			uint8_t d = __atomic_load_n(&tr->dist[a], __ATOMIC_RELAXED);

			far = sampled(tr, a) && d && d + 1u < tr->max_ttl &&
			      !(__atomic_load_n(&tr->state[a], __ATOMIC_RELAXED) & ST_NEAR);
		}
		if (!far)
			return false;
	}
	__atomic_store_n(&tr->phase, phase, __ATOMIC_RELAXED);
	tr->phase_ns[phase] = wc_now_ns();
	return true;
}

static void progress(const struct wc_scan_stats *st, void *arg)
{
	struct wc_trace *tr = arg;

	if (tr->progress)
		tr->progress(st, tr->arg);
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The answers in index order: grouped by target, each group in TTL order. They come in the
 * scan's permutation order (random), and qsort's merge sort of 20k 72-byte records took 8 to
 * 13 ms, half of all the work after a fast trace. A counting sort by target and an insertion
 * sort of each group (a few answers each) take well under one. Where targets far outnumber
 * the answers (a sparse trace of a big prefix) the count table would be the larger cost:
 * qsort then.
 */
static int sort_recs(struct wc_trace *tr)
{
	uint64_t nt = tr->ntargets;
	size_t n = tr->nrecs;
	uint32_t *at;
	struct rec *out;

	if (n < 2)
		return 0;
	if (nt > 4 * (uint64_t)n + 65536 || n > UINT32_MAX) {
		qsort(tr->recs, n, sizeof(*tr->recs), rec_cmp);
		return 0;
	}
	at = calloc(nt + 1, sizeof(*at));
	out = calloc(n, sizeof(*out)); /* every slot is written below; zeroed, no analyzer doubts it */
	if (!at || !out) {
		free(at);
		free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t t = tr->recs[i].index / tr->nttl;

		if (t >= nt) { /* not from this trace's targets: never, but not a reason to crash */
			free(at);
			free(out);
			qsort(tr->recs, n, sizeof(*tr->recs), rec_cmp);
			return 0;
		}
		at[t + 1]++;
	}
	/* at[t]: where target t's answers start; each goes to its group's next free slot, after
	 * which at[t] is where the group ends */
	for (uint64_t t = 0; t < nt; t++)
		at[t + 1] += at[t];
	for (size_t i = 0; i < n; i++)
		out[at[tr->recs[i].index / tr->nttl]++] = tr->recs[i];
	/* each group into TTL order */
	for (uint64_t t = 0, start = 0; t < nt; start = at[t++]) {
		for (size_t a = start + 1; a < at[t]; a++) {
			struct rec x = out[a];
			size_t b = a;

			for (; b > start && out[b - 1].index > x.index; b--)
				out[b] = out[b - 1];
			out[b] = x;
		}
	}
	free(at);
	free(tr->recs);
	tr->recs = out;
	tr->cap = n;
	return 0;
}

/* Links seen so far, deduplicated through an open-addressing table of their positions. */
struct link_set {
	uint32_t *slot; /* position + 1; 0: empty */
	size_t mask;
};

static uint64_t link_hash(const struct wc_trace_link *l)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)l->from.family << 8 ^ (uint64_t)l->to.family;

	for (int i = 0; i < 16; i++)
		h = (h ^ l->from.a[i]) * 0x100000001b3ull;
	for (int i = 0; i < 16; i++)
		h = (h ^ l->to.a[i]) * 0x100000001b3ull;
	return h ^ h >> 29;
}

static int link_cmp(const void *a, const void *b)
{
	const struct wc_trace_link *x = a, *y = b;
	int c = addr_cmp(&x->from, &y->from);

	return c ? c : addr_cmp(&x->to, &y->to);
}

/* Did the probe get to the target? Its address answered, or a reply only the destination
 * sends (a closed port's RST or port unreachable: an IPv6 host answers for an address routed
 * to it locally from one of its interface addresses). */
static bool at_target(const struct rec *r)
{
	static const char *const dest[] = {"synack", "rst", "tcp", "echo-reply", "port-unreach",
					   "proto-unreach"};

	if (!addr_cmp(&r->addr, &r->target))
		return true;
	for (size_t i = 0; i < sizeof(dest) / sizeof(dest[0]); i++)
		if (r->reply && !strcmp(r->reply, dest[i]))
			return true;
	return false;
}

/* One target's answers, recs[0..n) in TTL order, into a path. */
static int make_path(struct wc_trace_path *p, const struct rec *recs, size_t n, unsigned min_ttl)
{
	unsigned last = 0;

	memset(p, 0, sizeof(*p));
	p->target = recs[0].target;
	for (size_t i = 0; i < n; i++) {
		if (at_target(&recs[i])) { /* the end */
			p->reached = true;
			p->dest_ttl = recs[i].ttl;
			last = recs[i].ttl;
			break;
		}
		last = recs[i].ttl;
	}
	p->nhops = last - min_ttl + 1;
	p->hops = calloc(p->nhops, sizeof(*p->hops));
	if (!p->hops)
		return -ENOMEM;
	for (unsigned i = 0; i < p->nhops; i++)
		p->hops[i].ttl = (uint8_t)(min_ttl + i);
	for (size_t i = 0; i < n && recs[i].ttl <= last; i++) {
		struct wc_trace_hop *h = &p->hops[recs[i].ttl - min_ttl];

		h->addr = recs[i].addr;
		h->rtt_ms = recs[i].rtt_ms;
		h->reply = recs[i].reply;
		h->reply_ttl = recs[i].reply_ttl;
	}
	return 0;
}

static int finish(struct wc_trace *tr, unsigned min_ttl, unsigned nttl)
{
	size_t ngroups = 0, nl = 0, cap = 0;

	if (!nttl)
		return -EINVAL;
	struct link_set ls = {NULL, 0};
	int err = sort_recs(tr);

	if (err)
		return err;
	for (size_t i = 0; i < tr->nrecs; i++)
		if (!i || tr->recs[i].index / nttl != tr->recs[i - 1].index / nttl)
			ngroups++;
	tr->paths = calloc(ngroups ? ngroups : 1, sizeof(*tr->paths));
	if (!tr->paths)
		return -ENOMEM;
	for (size_t i = 0, j; i < tr->nrecs; i = j) {
		struct wc_trace_path *p = &tr->paths[tr->npaths];

		for (j = i + 1; j < tr->nrecs && tr->recs[j].index / nttl == tr->recs[i].index / nttl; j++)
			;
		if (make_path(p, tr->recs + i, j - i, min_ttl))
			goto oom;
		tr->npaths++;
		if (p->reached)
			tr->nreached++;
		/* links: routers at consecutive TTLs, one per router pair, counting the paths that
		 * have it */
		for (unsigned k = 0; k + 1 < p->nhops; k++) {
			const struct wc_trace_hop *a = &p->hops[k], *b = &p->hops[k + 1];
			struct wc_trace_link l = {.from = a->addr, .to = b->addr, .ttl = a->ttl, .paths = 1};
			size_t h;

			if (!a->addr.family || !b->addr.family || !addr_cmp(&a->addr, &b->addr))
				continue;
			if (2 * (nl + 1) > ls.mask) { /* the table at most half full */
				size_t nm = ls.mask ? 2 * ls.mask + 1 : 4095;
				uint32_t *ns = calloc(nm + 1, sizeof(*ns));

				if (!ns)
					goto oom;
				for (size_t q = 0; q < nl; q++) {
					for (h = link_hash(&tr->links[q]) & nm; ns[h]; h = (h + 1) & nm)
						;
					ns[h] = (uint32_t)q + 1;
				}
				free(ls.slot);
				ls.slot = ns;
				ls.mask = nm;
			}
			for (h = link_hash(&l) & ls.mask; ls.slot[h]; h = (h + 1) & ls.mask)
				if (!link_cmp(&tr->links[ls.slot[h] - 1], &l))
					break;
			if (ls.slot[h]) {
				struct wc_trace_link *d = &tr->links[ls.slot[h] - 1];

				d->paths++;
				if (l.ttl < d->ttl)
					d->ttl = l.ttl;
				continue;
			}
			if (nl == cap) {
				size_t nc = cap ? cap * 2 : 1024;
				struct wc_trace_link *n = nc <= UINT32_MAX ? realloc(tr->links, nc * sizeof(*n)) : NULL;

				if (!n)
					goto oom;
				tr->links = n;
				cap = nc;
			}
			ls.slot[h] = (uint32_t)nl + 1;
			tr->links[nl++] = l;
		}
	}
	free(ls.slot);
	/* in address order, as before the table */
	qsort(tr->links, nl, sizeof(*tr->links), link_cmp);
	tr->nlinks = nl;
	free(tr->recs);
	tr->recs = NULL;
	tr->nrecs = tr->cap = 0;
	return 0;
oom:
	free(ls.slot);
	tr->nlinks = nl;
	return -ENOMEM;
}

/* wc_scan_opts.on_over: the answers are in, the scan's datapath is being released beside */
static void over(void *arg)
{
	struct wc_trace *tr = arg;
	uint64_t t0 = wc_now_ns();

	tr->over_ns = t0;
	if (tr->oom) {
		tr->finish_err = -ENOMEM;
		return;
	}
	tr->finish_err = finish(tr, tr->ttl0, tr->nttl_all);
	tr->times.paths_s = (double)(wc_now_ns() - t0) / 1e9;
	if (!tr->finish_err && tr->on_paths)
		tr->on_paths(tr, tr->arg);
}

int wc_trace(const struct wc_trace_opts *uo, struct wc_trace **out, struct wc_scan_stats *st,
	     char *why)
{
	struct wc_trace_opts o;
	struct wc_scan_opts so;
	struct wc_ports *ports = NULL;
	struct wc_targets *t = NULL;
	struct wc_trace *tr = NULL;
	unsigned min_ttl, max_ttl;
	uint64_t t0;
	int err;

	if (why)
		why[0] = '\0';
	if (!uo || !out || !st || uo->sz < sizeof(o) || !uo->targets) {
		if (why)
			snprintf(why, WC_SCAN_WHY, "trace: bad options");
		return -EINVAL;
	}
	o = *uo;
	memset(st, 0, sizeof(*st));
	min_ttl = o.min_ttl ? o.min_ttl : 1;
	max_ttl = o.max_ttl ? o.max_ttl : 30;
	if (max_ttl < min_ttl) {
		if (why)
			snprintf(why, WC_SCAN_WHY, "trace: the first TTL (%u) is above the last (%u)",
				 min_ttl, max_ttl);
		return -EINVAL;
	}
	ports = malloc(sizeof(*ports));
	tr = calloc(1, sizeof(*tr));
	if (!ports || !tr) {
		err = -ENOMEM;
		goto out;
	}
	ports->n = max_ttl - min_ttl + 1;
	for (unsigned i = 0; i < ports->n; i++)
		ports->port[i] = (uint16_t)(min_ttl + i);
	err = wc_targets_new(o.targets, ports, &t);
	if (err) {
		if (why)
			snprintf(why, WC_SCAN_WHY, "trace: %s", err == -ENOENT ? "no targets"
							       : err == -E2BIG ? "too many targets x TTLs"
									       : strerror(-err));
		goto out;
	}
	tr->ntargets = wc_targets_addrs(t);
	tr->progress = o.scan.progress;
	tr->arg = o.scan.arg;
	tr->nttl = ports->n;
	tr->min_ttl = (uint8_t)min_ttl;
	tr->max_ttl = (uint8_t)max_ttl;
	so = o.scan;
	so.sz = sizeof(so);
	so.targets = t;
	so.probe.sz = sizeof(so.probe);
	so.probe.trace = true;
	so.probe.trace_dport = o.dport ? o.dport : so.probe.kind == WC_PROBE_UDP ? 33434 : 80;
	so.all_replies = true; /* time exceeded is no success to a scan, and all a trace wants */
	so.on_result = collect;
	so.progress = progress;
	so.on_over = over;
	so.arg = tr;
	tr->ttl0 = (uint8_t)min_ttl;
	tr->nttl_all = ports->n;
	tr->on_paths = o.on_paths;
	if (o.preprobe) {
		/* one scan in phases (wc_scan_opts.phases): one set-up for all of them */
		if (tr->ntargets > (1u << 28)) {
			if (why)
				snprintf(why, WC_SCAN_WHY, "trace: --preprobe keeps two bytes per "
					 "target: at most 2^28 of them");
			err = -E2BIG;
			goto out;
		}
		tr->dist = calloc(tr->ntargets, 1);
		tr->state = calloc(tr->ntargets, 1);
		if (!tr->dist || !tr->state) {
			err = -ENOMEM;
			goto out;
		}
		so.skip = skip_far;
		so.skip_arg = tr;
		so.phases = 4;
		so.on_phase = next_phase;
	}
	t0 = wc_now_ns();
	err = wc_scan(&so, st, NULL, why);
	if (err)
		goto out;
	{ /* the phases' times: from one's start to the next's, the last to the tear-down */
		uint64_t end = tr->over_ns ? tr->over_ns : wc_now_ns() - (uint64_t)(st->teardown_s * 1e9);

		tr->phase_ns[0] = t0 + (uint64_t)(st->setup_s * 1e9);
		tr->times.setup_s = st->setup_s;
		tr->times.teardown_s = st->teardown_s;
		for (unsigned i = 0; i <= tr->phase; i++) {
			uint64_t e = i < tr->phase ? tr->phase_ns[i + 1] : end;

			tr->times.phase_s[i] = e > tr->phase_ns[i] ? (double)(e - tr->phase_ns[i]) / 1e9 : 0;
		}
	}
	if (!tr->over_ns) /* wc_scan calls it after every scan that succeeds: never */
		over(tr);
	err = tr->finish_err;
out:
	if (err == -ENOMEM && why && !why[0])
		snprintf(why, WC_SCAN_WHY, "trace: out of memory");
	wc_targets_free(t);
	free(ports);
	if (err) {
		wc_trace_free(tr);
		return err;
	}
	*out = tr;
	return 0;
}

void wc_trace_free(struct wc_trace *tr)
{
	if (!tr)
		return;
	for (size_t i = 0; i < tr->npaths; i++)
		free(tr->paths[i].hops);
	free(tr->paths);
	free(tr->links);
	free(tr->recs);
	free(tr->dist);
	free(tr->state);
	free(tr);
}

size_t wc_trace_npaths(const struct wc_trace *tr)
{
	return tr->npaths;
}

const struct wc_trace_path *wc_trace_path(const struct wc_trace *tr, size_t i)
{
	return i < tr->npaths ? &tr->paths[i] : NULL;
}

size_t wc_trace_nlinks(const struct wc_trace *tr)
{
	return tr->nlinks;
}

const struct wc_trace_link *wc_trace_link(const struct wc_trace *tr, size_t i)
{
	return i < tr->nlinks ? &tr->links[i] : NULL;
}

uint64_t wc_trace_preprobes(const struct wc_trace *tr)
{
	return tr->preprobes;
}

uint64_t wc_trace_skipped(const struct wc_trace *tr)
{
	return tr->skipped;
}

uint64_t wc_trace_extended(const struct wc_trace *tr)
{
	return tr->extended;
}

void wc_trace_times(const struct wc_trace *tr, struct wc_trace_times *out)
{
	*out = tr->times;
}

uint64_t wc_trace_ntargets(const struct wc_trace *tr)
{
	return tr->ntargets;
}

uint64_t wc_trace_nreached(const struct wc_trace *tr)
{
	return tr->nreached;
}
