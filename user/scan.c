/* SPDX-License-Identifier: MIT */
/* The scan engine (wirecraft/scan.h): senders walking the permutation through AF_XDP, the
 * steering program handing the answers to a receiver, dedup, adaptive cooldown, resumable
 * state.
 *
 * What the threads share, and how:
 *  - the dedup set: the receiver adds, retry-pass senders test (atomics inside);
 *  - the send-time table: senders store (index, time) in a slot chosen by the index, the
 *    receiver reads it back for the round-trip time; a slot is rewritten by a later probe
 *    hashing to it, and the index stored with the time says whether the time is still ours;
 *  - counters and positions: written by one thread each, read by the timekeeper, relaxed.
 * The order of sending is irrelevant to the receiver: it needs no record of a probe to judge
 * its answer (the cookie does that), so no probe is ever published or queued. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <math.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "banner_impl.h"
#include "release.h"
#include "wirecraft/cyclic.h"
#include "wirecraft/dedup.h"
#include "wirecraft/iface.h"
#include "wirecraft/port.h"
#include "wirecraft/rate.h"
#include "wirecraft/scan.h"
#include "wirecraft/steer.h"

#define MAX_QUEUES 64
#define BATCH 64
#define TX_FRAMES 4096
#define RX_FRAMES 4096
#define TX_AHEAD 128 /* AF_XDP copy mode: probes submitted and not yet sent, at most */
#define REPAIR_PPS 50000.0 /* a repair pass's ceiling: a few hundred probes take ms */
#define RTT_BUCKETS 128 /* quarter powers of two of microseconds: 1 us .. 2^32 us */

struct scan;

struct sender {
	struct scan *sc;
	unsigned id;
	struct wc_port *port;
	struct wc_cyclic_walk w;
	uint64_t budget;   /* probes left in this pass (max_targets) */
	uint64_t limit;    /* steps this pass may take: the first pass's, when max_targets cut it */
	double rate;       /* this thread's share */
	double max_pps;    /* this pass's ceiling on it, 0: none (a repair pass's) */
	pthread_t th;
	int err;
	bool exhausted;    /* walked its whole arc (or its budget) */
	int finished;      /* the thread is done (atomic) */
	/* read by the timekeeper */
	_Alignas(64) uint64_t steps; /* w.pos - w.start, after the last submit */
	uint64_t sent, targets;
	uint64_t first_tx, last_tx;
	char pad_[64];
};

struct txslot {
	uint64_t idx1; /* index + 1; 0: empty */
	uint64_t ts;
};

/* the steering program, loaded on a thread of its own during set-up */
struct steer_load {
	pthread_t th;
	bool started;
	struct wc_steer_opts so;
	struct wc_steer *st;
	int err;
	int ifindex; /* where to attach it once loaded */
	int aerr;    /* the attach's result */
};

struct scan {
	const struct wc_scan_opts *o;
	const struct wc_targets *t;
	struct wc_probe *probe;
	struct wc_probe_opts po;
	struct wc_cyclic cyc;
	uint32_t shards, shard, passes;
	unsigned T;
	struct wc_iface ifc;
	bool have_ifc, dry;
	bool copy_tx; /* AF_XDP copy mode: the kernel sends on our kick, a few dozen each */
	struct wc_steer *steer;
	struct steer_load sl;
	struct wc_port *ports[MAX_QUEUES];
	unsigned nq;
	struct sender snd[WC_SCAN_MAX_THREADS];
	struct wc_dedup *dd;
	struct wc_bn *bn;        /* --banners: the connections (the receiver's) */
	struct wc_port *bn_tx;   /* where their ACKs, hellos and RSTs leave */
	struct txslot *txc;
	uint64_t txmask;
	uint32_t pass, repairs, phase;
	uint64_t probed_base; /* targets the first pass probed before a resume */
	uint64_t limit[WC_SCAN_MAX_THREADS]; /* see wc_scan_state.limit; 0: none */
	int64_t rt_off; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	uint64_t t0;

	/* the receiver's; read relaxed by the timekeeper */
	pthread_t rx;
	bool rx_started;
	_Alignas(64) uint64_t replies, results, hits, failures, repeats, invalid;
	uint64_t last_reply;
	uint64_t rtt_hist[RTT_BUCKETS], rtt_samples, rtt_max_ns;

	/* the device's own drop counters (a full peer ring on a veth: probes that never left) */
	int nl;                     /* netlink socket for them, -1: none */
	uint64_t dev_drops0;        /* at the start */
	_Alignas(64) uint64_t dev_drops; /* since the start, as last read */
	/* --rate max: the pace the device takes without dropping, found as we go (0: none) */
	uint64_t cap_pps;
	uint64_t cap_gen;

	_Alignas(64) int halt; /* senders stop: 1 graceful, 2 now */
	int rx_done;
	char pad_[64];
};

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void add(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

static int fail(char *why, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *why, int err, const char *fmt, ...)
{
	if (why) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(why, WC_SCAN_WHY, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int halted(const struct scan *s)
{
	return __atomic_load_n(&s->halt, __ATOMIC_ACQUIRE);
}

static void set_halt(struct scan *s, int level)
{
	if (halted(s) < level)
		__atomic_store_n(&s->halt, level, __ATOMIC_RELEASE);
}

/* The caller's stop flag: 1 graceful, 2 or more at once. */
static void poll_stop(struct scan *s)
{
	if (s->o->stop && *s->o->stop)
		set_halt(s, *s->o->stop >= 2 ? 2 : 1);
	if (s->o->max_runtime_s > 0 && (double)(wc_now_ns() - s->t0) / 1e9 >= s->o->max_runtime_s)
		set_halt(s, 1);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* ---- receiving ---------------------------------------------------------------------------- */

static unsigned rtt_bucket(uint64_t ns)
{
	double us = (double)ns / 1e3;
	int b = us <= 1 ? 0 : (int)(log2(us) * 4);

	return b >= RTT_BUCKETS ? RTT_BUCKETS - 1 : (unsigned)b;
}

static double bucket_us(unsigned b) /* the bucket's upper edge */
{
	return exp2((b + 1) / 4.0);
}

static double rtt_of(struct scan *s, uint64_t idx, uint64_t rx_ns)
{
	struct txslot *c = &s->txc[mix(idx) & s->txmask];
	uint64_t a = __atomic_load_n(&c->idx1, __ATOMIC_ACQUIRE), ts, b;

	if (a != idx + 1)
		return -1;
	ts = __atomic_load_n(&c->ts, __ATOMIC_ACQUIRE);
	b = __atomic_load_n(&c->idx1, __ATOMIC_ACQUIRE);
	if (b != a || rx_ns < ts)
		return -1;
	add(&s->rtt_hist[rtt_bucket(rx_ns - ts)], 1);
	add(&s->rtt_samples, 1);
	if (rx_ns - ts > ld(&s->rtt_max_ns))
		__atomic_store_n(&s->rtt_max_ns, rx_ns - ts, __ATOMIC_RELAXED);
	return (double)(rx_ns - ts) / 1e3;
}

static void on_frame(struct scan *s, const uint8_t *data, size_t len, uint64_t ts)
{
	struct wc_scan_result res;
	struct wc_udp_info udp;
	uint64_t idx;

	/* a segment of a banner connection: the engine's (a SYN-ACK or a RST to a SYN is not) */
	if (s->bn && wc_bn_segment(s->bn, data, len, ts))
		return;
	if (wc_probe_classify(s->probe, data, len, &res.r) ||
	    wc_targets_index(s->t, &res.r.target, res.r.tport, &idx)) {
		add(&s->invalid, 1);
		return;
	}
	add(&s->replies, 1);
	__atomic_store_n(&s->last_reply, ts, __ATOMIC_RELAXED);
	res.rtt_us = rtt_of(s, idx, ts);
	if (!wc_dedup_add(s->dd, idx)) {
		add(&s->repeats, 1);
		if (s->bn && res.r.success)
			wc_bn_synack_again(s->bn, data, len, ts);
		return;
	}
	add(res.r.success ? &s->hits : &s->failures, 1);
	if (s->bn && !res.r.success && res.r.proto == IPPROTO_TCP)
		wc_bn_refused(s->bn);
	if (!res.r.success && !s->o->all_replies)
		return;
	res.banner = NULL;
	res.udp = NULL;
	if (s->bn && res.r.success) {
		/* reported when the connection ends, with what the server said */
		res.index = idx;
		res.ts_mono_ns = ts;
		int64_t rt = (int64_t)ts + s->rt_off;

		res.ts.tv_sec = (time_t)(rt / 1000000000);
		res.ts.tv_nsec = (long)(rt % 1000000000);
		res.frame = data;
		res.len = len;
		wc_bn_open(s->bn, &res);
		return;
	}
	add(&s->results, 1);
	if (!s->o->on_result)
		return;
	if (res.r.proto == IPPROTO_UDP && res.r.success) {
		/* what the module says it is, and the amplification: bytes back per byte sent */
		size_t plen = 0, sent = 0;
		const uint8_t *pl = wc_udp_payload_of(data, len, &plen);

		if (s->o->probe.payloads)
			wc_udp_payload(s->o->probe.payloads, res.r.tport, &sent);
		wc_udp_classify(s->o->udp_module, pl, pl ? plen : 0, sent, &udp);
		res.udp = &udp;
	} else {
		res.udp = NULL;
	}
	res.index = idx;
	res.ts_mono_ns = ts;
	{
		int64_t rt = (int64_t)ts + s->rt_off;

		res.ts.tv_sec = (time_t)(rt / 1000000000);
		res.ts.tv_nsec = (long)(rt % 1000000000);
	}
	res.frame = data;
	res.len = len;
	s->o->on_result(&res, s->o->arg);
}

/* A banner connection ended: its result goes out as any other, counted the same. */
static void bn_emit(const struct wc_scan_result *r, void *arg)
{
	struct scan *s = arg;

	add(&s->results, 1);
	if (s->o->on_result)
		s->o->on_result(r, s->o->arg);
}

static void bn_frame(const uint8_t *f, size_t len, uint64_t mono_ns, void *arg)
{
	struct scan *s = arg;

	if (s->o->on_frame)
		s->o->on_frame(f, len, mono_ns, s->o->arg);
}

static unsigned rx_once(struct scan *s)
{
	struct wc_rx_frame fr[BATCH];
	unsigned total = 0;

	for (unsigned q = 0; q < s->nq; q++) {
		unsigned n = wc_port_rx_peek(s->ports[q], BATCH, fr);
		uint64_t now = n ? wc_now_ns() : 0;

		for (unsigned i = 0; i < n; i++) {
			/* the steering program's receive time, in front of the frame */
			uint64_t ts = now;

			wc_steer_rx_stamp(s->steer, &fr[i], q, &ts);
			on_frame(s, fr[i].data, fr[i].len, ts);
		}
		if (n)
			wc_port_rx_release(s->ports[q]);
		total += n;
	}
	return total;
}

/* No poll() on the sockets while waiting: in AF_XDP copy mode, poll() on a socket with a TX
 * ring transmits its pending frames (xsk_poll), under the socket's mutex, against the sender's
 * own sendto(): measured, a quarter of both threads' time went spinning on that mutex. The
 * receive time comes from the steering program's metadata, so a short sleep costs no RTT
 * accuracy: back off from 10 us to 1 ms while nothing comes. */
static void *rx_main(void *arg)
{
	struct scan *s = arg;
	unsigned idle = 0;

	for (;;) {
		/* read `done` before looking: what arrived before it is still taken */
		bool done = __atomic_load_n(&s->rx_done, __ATOMIC_ACQUIRE);
		unsigned got = rx_once(s);

		if (s->bn)
			wc_bn_tick(s->bn, wc_now_ns()); /* time-outs, and what the frames made us send */
		if (got) {
			idle = 0;
			continue;
		}
		if (done)
			break;
		if (idle < 7)
			idle++;
		nanosleep(&(struct timespec){0, 10000L << idle}, NULL); /* 20 us .. 1.28 ms */
	}
	return NULL;
}

/* ---- sending ------------------------------------------------------------------------------ */

/* Don't outrun the receiver: answers come back about as fast as probes leave, and what the
 * receiver has not taken when its ring is full, the kernel drops. Hold back while a ring is
 * more than half full. */
static void hold_back(struct scan *s)
{
	if (s->dry)
		return;
	for (;;) {
		unsigned pending = 0;

		for (unsigned q = 0; q < s->nq; q++) {
			unsigned n = wc_port_rx_pending(s->ports[q]);

			pending = n > pending ? n : pending;
		}
		if (pending <= RX_FRAMES / 2 || halted(s))
			return;
		nanosleep(&(struct timespec){0, 20000}, NULL);
	}
}

/* The pace a sender keeps in this pass: its rate (0: none), under the pass's ceiling. */
static double pass_pps(const struct sender *d, double pps)
{
	if (d->max_pps > 0 && (pps <= 0 || pps > d->max_pps))
		return d->max_pps;
	return pps;
}

static void *tx_main(void *arg)
{
	struct sender *d = arg;
	struct scan *s = d->sc;
	struct wc_port *port = d->port;
	size_t cap = wc_port_frame_cap(port);
	uint8_t *frames[BATCH];
	uint32_t lens[BATCH];
	uint64_t idxs[BATCH];
	struct wc_rate rate;
	bool retry = s->pass > 0;
	int err = 0;

	uint64_t gen = 0, stall0 = 0;

	wc_rate_init(&rate, pass_pps(d, d->rate));
	while (!halted(s)) {
		unsigned want, n, k = 0;
		uint64_t now, g = __atomic_load_n(&s->cap_gen, __ATOMIC_ACQUIRE);

		if (g != gen) { /* the pacer moved the cap (--rate max only) */
			uint64_t cap = __atomic_load_n(&s->cap_pps, __ATOMIC_RELAXED);

			gen = g;
			if (cap || rate.pps > 0)
				wc_rate_init(&rate, pass_pps(d, cap ? (double)cap / s->T : d->rate));
		}

		hold_back(s);
		want = wc_rate_take(&rate, BATCH);
		if (halted(s))
			break;
		/* Copy mode: the kernel sends what we submitted only when kicked, about 32 frames
		 * a kick, so a full ring is a queue of thousands ahead of the wire (70 ms at 60k
		 * pps through a chain of namespace routers): every RTT measured from the submit
		 * included it. Kick it out first (the ring-full path below) while TX_AHEAD wait. */
		if (s->copy_tx && wc_port_tx_inflight(port) >= TX_AHEAD)
			n = 0;
		else
			n = wc_port_tx_reserve(port, want, frames);
		if (!n) {
			rate.sent -= want;
			err = wc_port_tx_poll(port, 1);
			if (err < 0)
				break;
			err = 0;
			/* No frame back for a second: a link that went down never completes the
			 * frames it holds (AF_XDP), and the scan would wait for them forever. */
			if (want && !stall0) {
				stall0 = wc_now_ns();
			} else if (want && wc_now_ns() - stall0 > 1000000000ull) {
				struct wc_link_state ls;
				int lerr = wc_iface_link_state(s->o->ifname, &ls);

				err = lerr == -ENODEV ? -ENODEV : !lerr && !ls.up ? -ENETDOWN : 0;
				if (err)
					break;
				stall0 = wc_now_ns();
			}
			continue;
		}
		stall0 = 0;
		while (k < n) {
			struct wc_ipaddr a;
			uint16_t dport;
			uint64_t idx;
			int len;

			if (!d->budget || wc_cyclic_walk_done(&d->w) >= d->limit ||
			    !wc_cyclic_next(&d->w, &idx)) {
				d->exhausted = true;
				break;
			}
			if (retry && wc_dedup_has(s->dd, idx))
				continue;
			if (s->o->skip && s->o->skip(idx, s->o->skip_arg))
				continue;
			wc_targets_get(s->t, idx, &a, &dport);
			len = wc_probe_make(s->probe, &a, dport, frames[k], cap);
			if (len < 0)
				continue; /* a family without a template: refused at setup */
			lens[k] = (uint32_t)len;
			idxs[k++] = idx;
			d->budget--;
		}
		rate.sent -= want - k;
		if (k) {
			now = wc_now_ns();
			/* the time first, then the index that vouches for it */
			for (unsigned j = 0; j < k; j++) {
				struct txslot *c = &s->txc[mix(idxs[j]) & s->txmask];

				__atomic_store_n(&c->idx1, 0, __ATOMIC_RELEASE);
				__atomic_store_n(&c->ts, now, __ATOMIC_RELEASE);
				__atomic_store_n(&c->idx1, idxs[j] + 1, __ATOMIC_RELEASE);
			}
			err = wc_port_tx_submit(port, k, lens);
			if (err)
				break;
			if (!d->first_tx)
				__atomic_store_n(&d->first_tx, now, __ATOMIC_RELAXED);
			__atomic_store_n(&d->last_tx, now, __ATOMIC_RELAXED);
			add(&d->sent, k);
			if (!retry)
				add(&d->targets, k);
		}
		__atomic_store_n(&d->steps, wc_cyclic_walk_done(&d->w), __ATOMIC_RELAXED);
		if (d->exhausted)
			break;
	}
	if (!err) {
		int e = wc_port_tx_drain(port, 2000);

		if (e && e != -ETIMEDOUT)
			err = e;
	}
	if (d->last_tx)
		__atomic_store_n(&d->last_tx, wc_now_ns(), __ATOMIC_RELAXED);
	d->err = err;
	__atomic_store_n(&d->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- the device's drop counters ------------------------------------------------------------ */

/* tx_dropped + rx_dropped of the interface (RTM_GETLINK, IFLA_STATS64): on a veth, tx_dropped
 * counts the frames the peer's ring had no room for, probes that never reached the wire. */
static int dev_drops(int fd, int ifindex, uint64_t *out)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {
		.h = {.nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST,
		      .nlmsg_seq = 1},
		.i = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex},
	};
	char buf[8192];
	ssize_t n;

	if (send(fd, &req, sizeof(req), 0) < 0)
		return errno ? -errno : -EIO;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return errno ? -errno : -EIO;
	for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
		struct ifinfomsg *ifi = NLMSG_DATA(h);
		int len;

		if (h->nlmsg_type != RTM_NEWLINK)
			continue;
		len = (int)IFLA_PAYLOAD(h);
		for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			struct rtnl_link_stats64 st;

			if (a->rta_type != IFLA_STATS64 || RTA_PAYLOAD(a) < sizeof(st))
				continue;
			memcpy(&st, RTA_DATA(a), sizeof(st));
			*out = st.tx_dropped + st.rx_dropped;
			return 0;
		}
	}
	return -ENOENT;
}

static void read_dev_drops(struct scan *s)
{
	uint64_t v = 0;

	if (s->nl >= 0 && !dev_drops(s->nl, s->ifc.ifindex, &v) && v >= s->dev_drops0)
		__atomic_store_n(&s->dev_drops, v - s->dev_drops0, __ATOMIC_RELAXED);
}

/* --rate max on a path that drops when pushed (a veth whose peer runs on another CPU): back
 * off when the device drops, creep up while it does not. Additive increase of 2% every 10 ms,
 * multiplicative decrease to 70% of the pace that dropped: the drops stay a trickle, reported. */
struct pacer {
	uint64_t t, drops, sent;
	double cap;
};

static void pace(struct scan *s, struct pacer *pc, uint64_t sent)
{
	uint64_t now = wc_now_ns(), d;
	double dt, pps;

	if (s->o->rate_pps > 0 || s->nl < 0 || now - pc->t < 10000000ull)
		return;
	read_dev_drops(s);
	d = ld(&s->dev_drops);
	dt = (double)(now - pc->t) / 1e9;
	pps = pc->t ? (double)(sent - pc->sent) / dt : 0;
	if (pc->t && d > pc->drops && pps > 0) {
		pc->cap = 0.7 * pps;
	} else if (pc->cap > 0) {
		pc->cap *= 1.02;
		if (pps > 0 && pc->cap > 4 * pps)
			pc->cap = 0; /* far above what goes through anyway: no cap */
	}
	if (pc->cap > 0 && pc->cap < 1000)
		pc->cap = 1000;
	__atomic_store_n(&s->cap_pps, (uint64_t)pc->cap, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->cap_gen, 1, __ATOMIC_RELEASE);
	pc->t = now;
	pc->drops = d;
	pc->sent = sent;
}

/* ---- progress and cooldown ---------------------------------------------------------------- */

static void rtt_pct(struct scan *s, double *p50, double *p99, double *max)
{
	uint64_t n = ld(&s->rtt_samples), acc = 0;

	*p50 = *p99 = *max = 0;
	if (!n)
		return;
	*max = (double)ld(&s->rtt_max_ns) / 1e3;
	for (unsigned b = 0; b < RTT_BUCKETS; b++) {
		acc += ld(&s->rtt_hist[b]);
		if (!*p50 && acc * 2 >= n)
			*p50 = bucket_us(b);
		if (acc * 100 >= n * 99) {
			*p99 = bucket_us(b);
			break;
		}
	}
	if (*p99 > *max)
		*p99 = *max;
	if (*p50 > *max)
		*p50 = *max;
}

struct clock {
	uint64_t last_ns, last_sent;
	double pps;
};

static void snapshot(struct scan *s, struct wc_scan_stats *st, struct clock *ck)
{
	uint64_t steps = 0, total = 0, now = wc_now_ns(), first = 0, last = 0;

	st->count = s->cyc.n;
	st->pass = s->pass;
	st->passes = s->passes;
	st->phase = s->phase;
	st->sent = st->targets_sent = 0;
	for (unsigned i = 0; i < s->T; i++) {
		struct sender *d = &s->snd[i];

		steps += ld(&d->steps);
		total += wc_cyclic_walk_len(&d->w);
		st->sent += ld(&d->sent);
		st->targets_sent += ld(&d->targets);
		uint64_t f = ld(&d->first_tx), l = ld(&d->last_tx);

		if (f && (!first || f < first))
			first = f;
		if (l > last)
			last = l;
	}
	st->steps = steps;
	st->steps_total = total;
	st->done = total ? (double)steps / (double)total : 1;
	st->replies = ld(&s->replies);
	st->results = ld(&s->results);
	st->hits = ld(&s->hits);
	st->failures = ld(&s->failures);
	st->repeats = ld(&s->repeats);
	st->invalid = ld(&s->invalid);
	st->elapsed_s = (double)(now - s->t0) / 1e9;
	if (first && last > first)
		st->send_s = (double)(last - first) / 1e9;
	rtt_pct(s, &st->rtt_p50_us, &st->rtt_p99_us, &st->rtt_max_us);
	st->rtt_samples = ld(&s->rtt_samples);
	read_dev_drops(s);
	st->drops = st->drops_device = ld(&s->dev_drops);
	st->tx_ring_full = st->rx_frames = st->tx_inflight = 0;
	st->xsk_rx_dropped = st->xsk_rx_ring_full = st->xsk_fill_empty = 0;
	st->xsk_rx_invalid = st->xsk_tx_invalid = st->xsk_tx_ring_empty = 0;
	for (unsigned q = 0; q < s->nq; q++) {
		struct wc_port_stats ps;

		wc_port_get_stats(s->ports[q], &ps);
		st->drops += ps.rx_dropped;
		st->tx_ring_full += ps.tx_ring_full;
		st->rx_frames += ps.rx_packets;
		st->tx_inflight += wc_port_tx_inflight(s->ports[q]);
		st->xsk_rx_dropped += ps.xsk_rx_dropped;
		st->xsk_rx_ring_full += ps.xsk_rx_ring_full;
		st->xsk_fill_empty += ps.xsk_fill_empty;
		st->xsk_rx_invalid += ps.xsk_rx_invalid;
		st->xsk_tx_invalid += ps.xsk_tx_invalid;
		st->xsk_tx_ring_empty += ps.xsk_tx_ring_empty;
	}
	st->banners = s->bn != NULL;
	if (s->bn)
		wc_bn_stats(s->bn, &st->conns);
	memset(st->steer, 0, sizeof(st->steer));
	if (s->steer && !wc_steer_counters(s->steer, st->steer))
		st->drops += st->steer[WC_SC_NO_SOCKET];
	if (ck) {
		double dt = (double)(now - ck->last_ns) / 1e9;

		if (dt >= 0.5 || !ck->last_ns) {
			ck->pps = ck->last_ns && dt > 0 ? (double)(st->sent - ck->last_sent) / dt : 0;
			ck->last_ns = now;
			ck->last_sent = st->sent;
		}
		st->pps = ck->pps;
	}
}

/* Every drop counted anywhere on the way, as the stats report them (the device, our sockets'
 * rings, the steering program without a socket): a reply lost at any of them is a target that
 * looks silent, and the repair pass keys on this sum. */
static uint64_t drops_counted(struct scan *s)
{
	struct wc_scan_stats st;

	snapshot(s, &st, NULL);
	return st.drops;
}

static void report(struct scan *s, struct wc_scan_stats *st, struct clock *ck, uint64_t *next)
{
	uint64_t now = wc_now_ns();

	if (!s->o->progress || now < *next)
		return;
	*next = now + 1000000000ull;
	snapshot(s, st, ck);
	s->o->progress(st, s->o->arg);
}

static unsigned rx_backlog(const struct scan *s)
{
	unsigned n = 0;

	for (unsigned q = 0; q < s->nq; q++)
		n += wc_port_rx_pending(s->ports[q]);
	return n;
}

/* Wait for the answers to the probes already sent. Fixed: cooldown_s. Adaptive: until
 * answers stop coming (none for 2 x p99 RTT, at least 50 ms) and the receive rings are empty,
 * but not before 2 x p99 and 1.25 x the largest RTT (at least 100 ms) have passed since the
 * last probe; never more than 8 x the largest RTT (at least 1 s, at most 30 s). Nothing
 * measured: 1 s. Adaptive, once every target probed (`probed`, resumed ones included) has
 * answered and the receive rings are empty, nothing is left to wait for: a scan of a host whose
 * kernel answers every port (RST) ends at once, as nmap's does. A fixed cooldown is waited out
 * whole: it is asked for to see late and repeated answers too. */
static double cooldown(struct scan *s, uint64_t last_tx, uint64_t probed, struct wc_scan_stats *st,
		       struct clock *ck, uint64_t *next)
{
	uint64_t start = wc_now_ns();

	if (s->dry)
		return 0;
	st->cooling = true;
	for (;;) {
		uint64_t now = wc_now_ns(), since = now > last_tx ? now - last_tx : 0;
		double p50, p99, max, min_wait, quiet, cap;

		poll_stop(s);
		if (halted(s) >= 2)
			break;
		/* banner connections still open end by their own time-out (each is bounded) */
		if (s->bn && s->o->cooldown_s < 0 && wc_bn_open_count(s->bn) &&
		    now < wc_bn_last_deadline(s->bn) + 1000000000ull) {
			report(s, st, ck, next);
			nanosleep(&(struct timespec){0, 5000000}, NULL);
			continue;
		}
		if (s->o->cooldown_s < 0 && probed && wc_dedup_count(s->dd) >= probed &&
		    !rx_backlog(s))
			break;
		if (s->o->cooldown_s >= 0) {
			if ((double)since / 1e9 >= s->o->cooldown_s)
				break;
		} else {
			rtt_pct(s, &p50, &p99, &max);
			if (!ld(&s->rtt_samples)) {
				min_wait = cap = 1.0;
				quiet = 1.0;
			} else {
				p99 /= 1e6;
				max /= 1e6;
				/* floors: a loaded host runs softirqs late (ksoftirqd), and a late
				 * answer is a target retried or missed */
				min_wait = fmax(fmax(2 * p99, 1.25 * max), 0.1);
				quiet = fmax(2 * p99, 0.05);
				cap = fmin(fmax(8 * max, 1.0), 30.0);
				if (min_wait > cap)
					min_wait = cap;
			}
			uint64_t lr = __atomic_load_n(&s->last_reply, __ATOMIC_RELAXED);
			double since_reply = lr && now > lr ? (double)(now - lr) / 1e9 : 1e9;

			if ((double)since / 1e9 >= cap)
				break;
			/* and nothing left in the rings: what arrived is counted before the end */
			if ((double)since / 1e9 >= min_wait && since_reply >= quiet && !rx_backlog(s))
				break;
		}
		report(s, st, ck, next);
		nanosleep(&(struct timespec){0, 1000000}, NULL); /* the last answers: soon seen */
	}
	st->cooling = false;
	return (double)(wc_now_ns() - start) / 1e9;
}

/* ---- setting up --------------------------------------------------------------------------- */

static int rx_queues(const char *ifname)
{
	struct ethtool_channels ec = {.cmd = ETHTOOL_GCHANNELS};
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), n = 1;

	if (fd < 0)
		return 1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ec;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		n = (int)(ec.rx_count > ec.combined_count ? ec.rx_count : ec.combined_count);
		if (ec.combined_count && ec.rx_count)
			n = (int)(ec.rx_count + ec.combined_count);
	}
	close(fd);
	return n < 1 ? 1 : n > MAX_QUEUES ? MAX_QUEUES : n;
}

/* The next hop's MAC for a family's targets: given, from the neighbour table, or asked on the
 * wire (ARP / ND). Through a router every target has the same next hop, the router, and the
 * first answer settles it. On a link every target is its own next hop: a few of them spread
 * over the space are tried (the first address may be a network address nobody answers for),
 * and every probe then goes to the one that answered, as ZMap sends all to its gateway. */
static int next_hop(struct scan *s, int fam, uint64_t *mac, char *why)
{
	int af = fam == 4 ? AF_INET : AF_INET6, err = 0;
	struct wc_ipaddr cand[9];
	uint8_t nh[9][16];
	unsigned n = 0;
	uint64_t count = wc_targets_count(s->t);
	char buf[64];

	if (s->o->has_gateway_mac) {
		*mac = s->o->gateway_mac;
		return 0;
	}
	if (wc_targets_first(s->t, af, &cand[0]))
		return 0;
	if (!s->have_ifc) {
		*mac = 0xffffffffffffull; /* a dry run without an interface: nobody to ask */
		return 0;
	}
	n = 1;
	for (unsigned k = 1; k <= 8 && n < 9; k++) {
		uint16_t port;

		if (!wc_targets_get(s->t, count / 9 * k + k, &cand[n], &port) &&
		    cand[n].family == af && memcmp(cand[n].a, cand[n - 1].a, 16))
			n++;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!wc_iface_nexthop_mac(&s->ifc, af, cand[i].a, mac))
			return 0;
		err = wc_iface_nexthop(&s->ifc, af, cand[i].a, nh[i]);
		if (err)
			return fail(why, err, "%s: no route to %s", s->ifc.name,
				    wc_ipaddr_str(&cand[i], buf, sizeof(buf)));
	}
	if (s->dry) {
		*mac = 0xffffffffffffull;
		return 0;
	}
	/* interior addresses first: the first of a range is often a network address nobody
	 * answers for; a short wait each, then a longer second round */
	for (unsigned round = 0; round < 2; round++) {
		for (unsigned k = 0; k < n; k++) {
			unsigned i = (k + 1) % n; /* 1, 2, ..., n - 1, then 0 */
			bool seen = false;

			for (unsigned m = 0; m < k; m++) /* a next hop asked already this round */
				seen |= !memcmp(nh[i], nh[(m + 1) % n], fam == 4 ? 4 : 16);
			if (seen)
				continue;
			err = wc_iface_resolve(&s->ifc, af, nh[i], 1, round ? 1000 : 250, mac);
			if (!err)
				return 0;
			if (err != -ETIMEDOUT)
				return fail(why, err, "%s: next hop: %s", s->ifc.name, strerror(-err));
		}
	}
	return fail(why, -ETIMEDOUT, "%s: the next hop towards %s does not answer %s (-G MAC "
		    "gives it)", s->ifc.name, wc_ipaddr_str(&cand[0], buf, sizeof(buf)),
		    fam == 4 ? "ARP" : "ND");
}

static int make_probe(struct scan *s, char *why)
{
	wc_probe_free(s->probe);
	s->probe = NULL;
	return wc_probe_new(&s->po, &s->probe, why);
}

static void teardown(struct scan *s)
{
	wc_release_datapath(s->steer, s->ports, s->nq);
	if (s->bn_tx)
		wc_port_close(s->bn_tx);
	wc_bn_free(s->bn);
	if (s->nl >= 0)
		close(s->nl);
	wc_probe_free(s->probe);
	wc_dedup_free(s->dd);
	free(s->txc);
}

/* teardown(s) on a thread of its own while the caller's on_over runs on this one */
struct teardown_job {
	struct scan *s;
	uint64_t ns; /* how long the tear-down took */
};

static void *teardown_main(void *arg)
{
	struct teardown_job *j = arg;
	uint64_t t = wc_now_ns();

	teardown(j->s);
	j->ns = wc_now_ns() - t;
	return NULL;
}

static uint64_t teardown_beside(struct scan *s, void (*fn)(void *), void *arg)
{
	struct teardown_job j = {s, 0};
	pthread_t th;
	bool started = !pthread_create(&th, NULL, teardown_main, &j);

	fn(arg);
	if (started)
		pthread_join(th, NULL);
	else
		teardown_main(&j);
	return j.ns;
}

static int check_resume(struct scan *s, const struct wc_scan_state *r, char *why)
{
	if (r->count != s->cyc.n || r->targets_hash != wc_targets_hash(s->t))
		return fail(why, -EINVAL, "resume: the state is of another target space (%llu "
			    "pairs there, %llu here)", (unsigned long long)r->count,
			    (unsigned long long)s->cyc.n);
	if (strcmp(r->probe, wc_probe_name(s->probe)))
		return fail(why, -EINVAL, "resume: the state is of a %s scan, not %s", r->probe,
			    wc_probe_name(s->probe));
	if (r->seed != s->o->seed || r->shards != s->shards || r->shard != s->shard ||
	    r->threads != s->T)
		return fail(why, -EINVAL, "resume: seed, shard or threads differ from the state's "
			    "(seed %llu, shard %u/%u, %u threads)", (unsigned long long)r->seed,
			    r->shard, r->shards, r->threads);
	if (r->passes < s->passes)
		return fail(why, -EINVAL, "resume: the state was made with --retries %u",
			    r->passes ? r->passes - 1 : 0);
	s->passes = r->passes; /* repair passes it added count too */
	return 0;
}

static void *steer_load_main(void *arg)
{
	struct steer_load *l = arg;

	l->err = wc_steer_open(&l->st, &l->so);
	/* Attached here too, while the other thread sets up the sockets: the kernel's attach waits
	 * for RCU grace periods (6 to 20 ms on a veth). Until the sockets are in its XSKMAP the
	 * program passes what it would redirect, and nothing of ours comes before the first
	 * probe. */
	if (!l->err)
		l->aerr = wc_steer_attach(l->st, l->ifindex);
	return NULL;
}

/* the ports: one per sending thread (it receives too), one per other receive queue */
static int open_ports(struct scan *s, char *why)
{
	const struct wc_scan_opts *o = s->o;
	int err;

	if (s->dry) {
		struct wc_port_opts po = {.path = o->dry_run, .engine = WC_ENGINE_PCAP, .frames = 256};
		char pwhy[160] = "";

		err = wc_port_open(&po, &s->ports[0], pwhy);
		if (err)
			return fail(why, err, "%s: %s", o->dry_run, pwhy[0] ? pwhy : strerror(-err));
		s->nq = 1;
		return 0;
	}
	unsigned rq = (unsigned)rx_queues(o->ifname);

	s->nq = rq > s->T ? rq : s->T;
	for (unsigned q = 0; q < s->nq; q++) {
		struct wc_port_opts po = {
			.ifname = o->ifname,
			.engine = WC_ENGINE_XSK,
			.queue = q,
			.frames = q < s->T ? TX_FRAMES : 64,
			.rx_frames = RX_FRAMES,
		};
		char pwhy[160] = "";

		err = wc_port_open(&po, &s->ports[q], pwhy);
		if (err) {
			s->nq = q;
			return fail(why, err, "AF_XDP socket on %s queue %u: %s", o->ifname, q,
				    pwhy[0] ? pwhy : strerror(-err));
		}
	}
	return 0;
}

/* --banners: the connection engine, and an AF_PACKET ring of its own for what it sends (the
 * AF_XDP rings belong to the senders; this one only the receiving thread writes). */
static int banner_setup(struct scan *s, char *why)
{
	struct wc_port_opts po = {.ifname = s->o->ifname, .engine = WC_ENGINE_PACKET, .frames = 1024};
	char pwhy[160] = "";
	int err;

	if (s->po.kind != WC_PROBE_TCP_SYN)
		return fail(why, -EINVAL, "--banners needs tcp-syn probes, not %s",
			    wc_probe_name(s->probe));
	err = wc_port_open(&po, &s->bn_tx, pwhy);
	if (err)
		return fail(why, err, "banners: AF_PACKET socket on %s: %s", s->o->ifname,
			    pwhy[0] ? pwhy : strerror(-err));
	struct wc_bn_opts bo = {
		.cfg = s->o->banner,
		.po = &s->po,
		.tx = s->bn_tx,
		.rt_off = s->rt_off,
		.emit = bn_emit,
		.frame = s->o->on_frame ? bn_frame : NULL,
		.arg = s,
	};
	err = wc_bn_new(&bo, &s->bn);
	if (err)
		return fail(why, err, "banners: %s", err == -ENAMETOOLONG ? "--banner-host too long"
							 : strerror(-err));
	return 0;
}

static int setup(struct scan *s, char *why)
{
	const struct wc_scan_opts *o = s->o;
	uint64_t n = wc_targets_count(s->t), cache;
	int err;

	s->shards = o->shards ? o->shards : 1;
	s->shard = o->shard;
	s->T = o->threads ? o->threads : 1;
	s->passes = 1 + o->retries;
	if (s->shard >= s->shards)
		return fail(why, -EINVAL, "shard %u of %u: shards count from 0", s->shard, s->shards);
	if (s->T > WC_SCAN_MAX_THREADS)
		return fail(why, -EINVAL, "at most %d threads", WC_SCAN_MAX_THREADS);
	if (s->dry)
		s->T = 1;
	err = wc_cyclic_init(&s->cyc, n, o->seed);
	if (err)
		return fail(why, err, "targets: %llu pairs: too many to walk",
			    (unsigned long long)n);

	/* our addresses: given, or the interface's */
	if (o->ifname) {
		err = wc_iface_get(o->ifname, &s->ifc);
		if (err)
			return fail(why, err, "%s: %s", o->ifname,
				    err == -ENODEV ? "no such interface" : strerror(-err));
		s->have_ifc = true;
	}
	s->po = o->probe;
	s->po.sz = sizeof(s->po);
	s->po.has_src4 = o->has_src4 || (s->have_ifc && s->ifc.has_ip4);
	s->po.has_src6 = o->has_src6 || (s->have_ifc && s->ifc.has_ip6);
	if (o->has_src4)
		memcpy(s->po.src4, o->src4, 4);
	else if (s->po.has_src4)
		for (int i = 0; i < 4; i++)
			s->po.src4[i] = (uint8_t)(s->ifc.ip4 >> (24 - 8 * i));
	if (o->has_src6)
		memcpy(s->po.src6, o->src6, 16);
	else if (s->po.has_src6)
		memcpy(s->po.src6, s->ifc.ip6, 16);
	s->po.src_mac = s->have_ifc ? s->ifc.mac : 0;
	s->po.dst_mac = s->po.dst_mac6 = 0xffffffffffffull;
	if (getrandom(s->po.key, sizeof(s->po.key), 0) != (ssize_t)sizeof(s->po.key))
		return fail(why, -errno, "random key: %s", strerror(errno));
	if (!s->po.sport)
		s->po.sport = (uint16_t)(61000 + s->po.key[0] % 4500);
	/* a first probe without the next hop: what the steering program must look for */
	err = make_probe(s, why);
	if (err)
		return err;
	for (int fam = 4; fam <= 6; fam += 2)
		if (wc_targets_has_family(s->t, fam == 4 ? AF_INET : AF_INET6) &&
		    !wc_probe_family(s->probe, fam == 4 ? AF_INET : AF_INET6))
			return fail(why, -EADDRNOTAVAIL, "the targets include IPv%d addresses, which "
				    "a %s probe cannot reach (%s)", fam, wc_probe_name(s->probe),
				    (fam == 4 ? s->po.has_src4 : s->po.has_src6)
					    ? "wrong family" : "no source address of that family");

	if (!s->dry) {
		struct timeval tv = {.tv_sec = 1};

		s->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (s->nl >= 0) {
			setsockopt(s->nl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			if (dev_drops(s->nl, s->ifc.ifindex, &s->dev_drops0)) {
				close(s->nl);
				s->nl = -1;
			}
		}
	}
	/* The steering program is verified (5-9 ms of kernel CPU) and attached on a thread of its
	 * own while this one faults in the sockets' UMEM: set-up costs about the longer of the
	 * two. */
	if (!s->dry) {
		struct steer_load *l = &s->sl;

		l->so = (struct wc_steer_opts){
			.sz = sizeof(l->so),
			/* a family no target has is never ours: its parser is not verified */
			.flags = wc_probe_steer_flags(s->probe) |
				 (wc_targets_has_family(s->t, AF_INET) ? 0 : WC_SF_NO_IP4) |
				 (wc_targets_has_family(s->t, AF_INET6) ? 0 : WC_SF_NO_IP6),
			.key = {s->po.key[0], s->po.key[1]},
			.sport_lo = wc_probe_sport_lo(s->probe),
			.sport_n = wc_probe_sport_n(s->probe),
			/* banners: the server's segments acknowledge our hello too */
			.tcp_extra = wc_probe_tcp_extra(s->probe) +
				     (o->banner ? (uint32_t)wc_banner_hello_max(o->banner) + 1 : 0),
			.mode = o->mode,
			.trace_mask = wc_probe_trace_mask(s->probe),
		};
		l->ifindex = s->ifc.ifindex;
		l->started = !pthread_create(&l->th, NULL, steer_load_main, l);
		if (!l->started)
			steer_load_main(l);
	}
	err = open_ports(s, why);
	s->copy_tx = !err && !s->dry && !strcmp(wc_port_engine(s->ports[0]), "xsk-copy");
	if (!s->dry) {
		struct steer_load *l = &s->sl;

		if (l->started)
			pthread_join(l->th, NULL);
		l->started = false;
		s->steer = l->st;
		if (l->err)
			return fail(why, l->err, "steering program (load): %s%s", strerror(-l->err),
				    l->err == -EPERM ? " (needs root)" : "");
	}
	/* a queue taken: most likely by another scan, whose program says so more plainly */
	if (err == -EBUSY && s->steer && (s->sl.aerr == -EBUSY || s->sl.aerr == -EEXIST))
		return fail(why, -EBUSY, "%s: %s", o->ifname, wc_xdp_attach_error(s->sl.aerr));
	if (err)
		return err;
	if (!s->dry) {
		err = s->sl.aerr;
		if (err == -EBUSY || err == -EEXIST)
			return fail(why, -EBUSY, "%s: %s", o->ifname, wc_xdp_attach_error(err));
		if (err)
			return fail(why, err, "steering program (attach to %s): %s", o->ifname,
				    wc_xdp_attach_error(err));
		for (unsigned q = 0; q < s->nq; q++) {
			err = wc_steer_add_socket(s->steer, q, wc_port_fd(s->ports[q]));
			if (err)
				return fail(why, err, "XSKMAP: %s", strerror(-err));
		}
	}
	/* The next hops, after the program is on: on a veth, an answer sent back with XDP_TX
	 * (a reflector's ARP reply) only arrives where an XDP program runs. */
	err = next_hop(s, 4, &s->po.dst_mac, why);
	if (!err)
		err = next_hop(s, 6, &s->po.dst_mac6, why);
	if (err)
		return err;
	err = make_probe(s, why);
	if (err)
		return err;
	if (o->banner && !s->dry) {
		err = banner_setup(s, why);
		if (err)
			return err;
	}

	if (o->resume) {
		err = check_resume(s, o->resume, why);
		if (err)
			return err;
	}
	err = wc_dedup_new(n, o->dedup_bytes, &s->dd);
	if (err)
		return fail(why, err, "dedup: out of memory");
	/* send times: enough slots for ~8 s at the rate (all of a small scan), 2^16..2^21 */
	cache = o->rate_pps > 0 ? (uint64_t)(o->rate_pps * 8) : 1ull << 21;
	if (cache > n)
		cache = n;
	if (cache > 1ull << 21)
		cache = 1ull << 21;
	for (s->txmask = 1ull << 16; s->txmask < cache; s->txmask <<= 1)
		;
	s->txc = calloc(s->txmask, sizeof(*s->txc));
	if (!s->txc)
		return fail(why, -ENOMEM, "send-time table: out of memory");
	s->txmask--;
	return 0;
}

/* The state to carry on from; answered targets only when a retry pass is still to come. */
static int collect_answered(uint64_t i, void *arg)
{
	struct wc_scan_state *st = arg;

	if ((st->nanswered & (st->nanswered + 1)) == 0 || !st->answered) {
		/* grow at powers of two (nanswered + 1 is one) */
		uint64_t cap = st->nanswered ? 2 * (st->nanswered + 1) : 1024;
		uint64_t *p = realloc(st->answered, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		st->answered = p;
	}
	st->answered[st->nanswered++] = i;
	return 0;
}

static void fill_state(struct scan *s, struct wc_scan_state *st, bool complete, bool pass_done)
{
	memset(st, 0, sizeof(*st));
	st->seed = s->o->seed;
	st->shards = s->shards;
	st->shard = s->shard;
	st->threads = s->T;
	st->targets_hash = wc_targets_hash(s->t);
	st->count = s->cyc.n;
	snprintf(st->probe, sizeof(st->probe), "%s", wc_probe_name(s->probe));
	st->passes = s->passes;
	st->pass = s->pass;
	st->probed = s->probed_base;
	for (unsigned i = 0; i < s->T; i++)
		st->probed += s->snd[i].targets;
	if (pass_done) {
		st->pass++;
		if (st->pass >= s->passes) {
			complete = true;
			st->pass = s->passes - 1;
		}
	} else {
		for (unsigned i = 0; i < s->T; i++)
			st->done[i] = s->snd[i].steps;
	}
	memcpy(st->limit, s->limit, sizeof(st->limit));
	st->complete = complete;
	if (!complete && (st->pass > 0 || st->pass + 1 < s->passes) && wc_dedup_exact(s->dd))
		wc_dedup_foreach(s->dd, collect_answered, st);
}

/* What the passes of a phase carry from one to the next, and back to wc_scan. */
struct run {
	struct wc_scan_stats st;
	struct clock ck;
	uint64_t next, last_tx, first_tx;
	double cool;
	bool pass_done;
};

/* The passes of one phase (the first, the retries, the repairs), each with its cooldown;
 * s->pass ends at s->passes when all of them ran. */
static int run_passes(struct scan *s, uint32_t pass0, struct run *r, char *why)
{
	int err = 0;

	for (s->pass = pass0; s->pass < s->passes && !err; s->pass++) {
		uint64_t drops0;

		drops0 = drops_counted(s);
		r->pass_done = false;
		for (unsigned i = 0; i < s->T; i++) {
			struct sender *d = &s->snd[i];
			uint64_t budget = s->o->max_targets / s->T + (i < s->o->max_targets % s->T);

			d->sc = s;
			d->id = i;
			d->port = s->ports[i];
			d->exhausted = false;
			d->finished = 0;
			d->err = 0;
			d->budget = s->pass == 0 && s->o->max_targets ? budget : UINT64_MAX;
			d->limit = s->pass > 0 && s->limit[i] ? s->limit[i] - 1 : UINT64_MAX;
			wc_cyclic_walk_init(&d->w, &s->cyc, s->shards, s->shard, s->T, i);
			if (s->o->resume && s->pass == pass0)
				wc_cyclic_walk_seek(&d->w, s->o->resume->done[i]);
			d->steps = wc_cyclic_walk_done(&d->w);
			d->first_tx = d->last_tx = 0;
			/* A repair pass re-probes a few targets after drops; sent as one burst at
			 * the top rate, they overflow the same rings again and are lost once more,
			 * and an answer the peer cannot hand back is counted on its side, not ours. */
			d->max_pps = s->pass >= 1 + s->o->retries ? REPAIR_PPS / s->T : 0;
		}
		for (unsigned i = 0; i < s->T; i++) {
			err = -pthread_create(&s->snd[i].th, NULL, tx_main, &s->snd[i]);
			if (err) {
				set_halt(s, 2);
				for (unsigned j = 0; j < i; j++)
					pthread_join(s->snd[j].th, NULL);
				return fail(why, err, "thread: %s", strerror(-err));
			}
		}
		for (struct pacer pc = {0};;) {
			bool all = true;
			uint64_t sent = 0;

			for (unsigned i = 0; i < s->T; i++) {
				if (!__atomic_load_n(&s->snd[i].finished, __ATOMIC_ACQUIRE))
					all = false;
				sent += ld(&s->snd[i].sent);
			}
			poll_stop(s);
			if (all || halted(s))
				break;
			pace(s, &pc, sent);
			report(s, &r->st, &r->ck, &r->next);
			/* at --rate max, a pass may be over in milliseconds: see it end soon */
			nanosleep(&(struct timespec){0, s->o->rate_pps > 0 ? 20000000 : 1000000}, NULL);
		}
		r->pass_done = true;
		r->last_tx = 0;
		for (unsigned i = 0; i < s->T; i++) {
			pthread_join(s->snd[i].th, NULL);
			if (s->snd[i].err && !err) {
				err = s->snd[i].err;
				fail(why, err, "send: %s", strerror(-err));
			}
			if (!s->snd[i].exhausted)
				r->pass_done = false;
			if (s->snd[i].last_tx > r->last_tx)
				r->last_tx = s->snd[i].last_tx;
			if (s->snd[i].first_tx && (!r->first_tx || s->snd[i].first_tx < r->first_tx))
				r->first_tx = s->snd[i].first_tx;
		}
		if (r->last_tx && halted(s) < 2) {
			uint64_t probed = s->probed_base;

			for (unsigned i = 0; i < s->T; i++)
				probed += s->snd[i].targets;
			r->cool += cooldown(s, r->last_tx, probed, &r->st, &r->ck, &r->next);
		}
		if (s->pass == 0 && s->o->max_targets)
			for (unsigned i = 0; i < s->T; i++)
				if (!s->snd[i].budget) /* cut short: later passes stop there too */
					s->limit[i] = s->snd[i].steps + 1;
		if (err || !r->pass_done)
			break;
		if (halted(s) && s->pass + 1 < s->passes)
			break; /* stopped in the cooldown: the next pass is the state's */
		{
			uint64_t probed = s->probed_base, answered = wc_dedup_count(s->dd), d;

			for (unsigned i = 0; i < s->T; i++)
				probed += s->snd[i].targets;
			d = drops_counted(s) - drops0;
			if (answered >= probed) {
				s->pass = s->passes - 1; /* everyone answered: no retry adds anything */
			} else if (s->pass + 1 == s->passes && d && !halted(s) && s->repairs < 2 &&
				   probed - answered <= 16 * d) {
				/* Probes or replies were dropped (a veth's peer ring overflowing, a
				 * full socket ring): which ones, nobody knows, but the silent are few enough that probing them
				 * again costs at most 16 probes per drop. A scan where most targets
				 * are silent (the internet) never gets here: --retries is for it. */
				s->passes++;
				s->repairs++;
			}
		}
	}
	return err;
}

int wc_scan(const struct wc_scan_opts *uo, struct wc_scan_stats *out, struct wc_scan_state *state,
	    char *why)
{
	struct wc_scan_opts o;
	struct run r;
	struct scan *s;
	uint32_t pass0 = 0;
	unsigned nphases;
	bool complete = false;
	int err;

	if (!uo || uo->sz < offsetof(struct wc_scan_opts, arg) || !uo->targets)
		return fail(why, -EINVAL, "scan: bad options");
	memset(&o, 0, sizeof(o));
	memcpy(&o, uo, uo->sz < sizeof(o) ? uo->sz : sizeof(o));
	if (!o.ifname && !o.dry_run)
		return fail(why, -EINVAL, "scan: no interface");
	nphases = o.phases ? o.phases : 1;
	if (nphases > 1 && (!o.on_phase || o.resume || state))
		return fail(why, -EINVAL, "scan: phases need on_phase, and cannot be resumed");
	s = aligned_alloc(64, (sizeof(*s) + 63) / 64 * 64);
	if (!s)
		return fail(why, -ENOMEM, "scan: out of memory");
	memset(s, 0, sizeof(*s));
	memset(&r, 0, sizeof(r));
	s->o = &o;
	s->nl = -1;
	s->t = o.targets;
	s->dry = o.dry_run != NULL;
	s->t0 = wc_now_ns();
	{
		struct timespec rt, mt;

		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mt);
		s->rt_off = ((int64_t)rt.tv_sec - mt.tv_sec) * 1000000000 + (rt.tv_nsec - mt.tv_nsec);
	}
	err = setup(s, why);
	if (err)
		goto out;
	if (o.on_ready) {
		err = o.on_ready(o.arg);
		if (err) {
			fail(why, err, "scan: after set-up: %s", strerror(-err));
			goto out;
		}
	}
	r.next = wc_now_ns() + 1000000000ull;
	snprintf(r.st.engine, sizeof(r.st.engine), "%s", wc_port_engine(s->ports[0]));
	snprintf(r.st.how, sizeof(r.st.how), "cookie in %s", wc_probe_cookie_where(s->probe));

	/* answered targets of the state: never probed again, never reported again */
	if (o.resume) {
		for (uint64_t i = 0; i < o.resume->nanswered; i++)
			wc_dedup_add(s->dd, o.resume->answered[i]);
		pass0 = o.resume->complete ? s->passes : o.resume->pass;
		/* the count goes with the answered list: both or neither */
		if (o.resume->pass > 0 || o.resume->pass + 1 < o.resume->passes)
			s->probed_base = o.resume->probed;
		memcpy(s->limit, o.resume->limit, sizeof(s->limit));
	}
	if (!s->dry) {
		err = -pthread_create(&s->rx, NULL, rx_main, s);
		if (err) {
			fail(why, err, "thread: %s", strerror(-err));
			goto out;
		}
		s->rx_started = true;
	}

	{
		double rate = o.rate_pps;

		if (o.bandwidth_bps > 0) {
			double bw = o.bandwidth_bps / ((double)(wc_probe_max_len(s->probe) + 24) * 8);

			rate = rate > 0 && rate < bw ? rate : bw;
		}
		for (unsigned i = 0; i < s->T; i++)
			s->snd[i].rate = rate > 0 ? rate / s->T : 0;
	}
	r.st.setup_s = (double)(wc_now_ns() - s->t0) / 1e9;
	for (unsigned ph = 0;; ph++) {
		s->phase = ph;
		err = run_passes(s, pass0, &r, why);
		/* the next phase: only after this one ended whole (every pass, its cooldown) */
		if (err || s->pass < s->passes || ph + 1 >= nphases || halted(s) ||
		    !o.on_phase(ph + 1, o.arg))
			break;
		s->passes = 1 + o.retries;
		pass0 = 0;
	}
	complete = !err && s->pass >= s->passes;
	if (s->pass >= s->passes)
		s->pass = s->passes - 1;
	if (s->rx_started) {
		__atomic_store_n(&s->rx_done, 1, __ATOMIC_RELEASE);
		pthread_join(s->rx, NULL);
	}
	if (s->bn) { /* what is still open is reported as the scan stopped it */
		wc_bn_close_all(s->bn);
		wc_port_tx_drain(s->bn_tx, 500);
	}
	snapshot(s, &r.st, &r.ck);
	if (r.first_tx && r.last_tx > r.first_tx)
		r.st.send_s = (double)(r.last_tx - r.first_tx) / 1e9;
	r.st.cooldown_s = r.cool;
	r.st.repairs = s->repairs;
	r.st.finished = true;
	r.st.interrupted = !complete;
	if (state)
		fill_state(s, state, complete, complete || r.pass_done);
	if (o.progress && !err)
		o.progress(&r.st, o.arg);
out:
	if (!err && o.on_over) {
		r.st.teardown_s = (double)teardown_beside(s, o.on_over, o.arg) / 1e9;
	} else {
		uint64_t t = wc_now_ns();

		teardown(s);
		r.st.teardown_s = (double)(wc_now_ns() - t) / 1e9;
	}
	if (err && why && !why[0])
		fail(why, err, "scan: %s", strerror(-err));
	if (out)
		*out = r.st;
	free(s);
	return err;
}
