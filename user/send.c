/* SPDX-License-Identifier: MIT */
/* The send loop. Per packet: one template patch into a frame the port owns; per batch: one
 * reserve, one submit, at most one kick. No allocation and no system call per packet. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "send_impl.h"
#include "wirecraft/port.h"
#include "wirecraft/rate.h"
#include "wirecraft/send.h"
#include "wirecraft/tmpl.h"

#define MAX_BATCH 256
#define WIRE_OVERHEAD 24 /* preamble 8, inter-frame gap 12, FCS 4 */

struct worker {
	pthread_t th;
	struct wc_port *port;
	struct wc_tmpl *t;
	const struct wc_send_opts *o;
	uint64_t first, span;  /* its slice of the set: packets [first, first + span) */
	uint64_t count;        /* packets to send: the slice once, or more by looping over it */
	bool forever;          /* loop until stopped */
	bool done;             /* set by the worker as it returns */
	double pps;
	uint64_t sent, bytes;  /* read by the progress thread */
	int err;
	uint64_t t_end_ns;
};

static bool stopped(const struct worker *w)
{
	return (w->o->stop && *w->o->stop) || (w->t_end_ns && wc_now_ns() >= w->t_end_ns);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned batch = w->o->batch ? w->o->batch : 64;
	uint8_t *frames[MAX_BATCH];
	uint32_t lens[MAX_BATCH];
	struct wc_rate rate;
	uint64_t pos = 0; /* packets done within the slice, this pass */
	bool end = false;

	if (batch > MAX_BATCH)
		batch = MAX_BATCH;
	wc_rate_init(&rate, w->pps);
	wc_tmpl_seek(w->t, w->first);
	while (!end && !stopped(w)) {
		uint64_t left = w->forever ? batch : w->count - w->sent;
		unsigned want = left < batch ? (unsigned)left : batch, n, k = 0;

		if (!want)
			break;
		want = wc_rate_take(&rate, want);
		n = wc_port_tx_reserve(w->port, want, frames);
		if (n < want)
			rate.sent -= want - n; /* not sent: not spent */
		if (!n) {
			int err = wc_port_tx_poll(w->port, 1);
			if (err < 0) {
				w->err = err;
				break;
			}
			continue;
		}
		while (k < n) {
			size_t len;
			int err;

			if (pos == w->span) {
				if (!w->o->loop && !w->forever) {
					end = true;
					break;
				}
				/* The slice is done: start it over. */
				wc_tmpl_seek(w->t, w->first);
				pos = 0;
			}
			err = wc_tmpl_next(w->t, frames[k], wc_port_frame_cap(w->port), &len);
			if (err) {
				if (err != -ENOENT)
					w->err = err;
				end = true;
				break;
			}
			lens[k++] = (uint32_t)len;
			pos++;
		}
		if (k) {
			int err = wc_port_tx_submit(w->port, k, lens);
			if (err) {
				w->err = err;
				break;
			}
			uint64_t b = 0;
			for (unsigned i = 0; i < k; i++)
				b += lens[i];
			__atomic_add_fetch(&w->bytes, b, __ATOMIC_RELAXED);
			__atomic_add_fetch(&w->sent, k, __ATOMIC_RELAXED);
		}
	}
	if (!w->err) {
		int err = wc_port_tx_drain(w->port, 2000);
		if (err && err != -ETIMEDOUT)
			w->err = err;
	}
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void totals(struct worker *ws, unsigned n, uint64_t t0, struct wc_send_stats *st)
{
	st->sent = st->bytes = 0;
	for (unsigned i = 0; i < n; i++) {
		st->sent += __atomic_load_n(&ws[i].sent, __ATOMIC_RELAXED);
		st->bytes += __atomic_load_n(&ws[i].bytes, __ATOMIC_RELAXED);
	}
	st->elapsed_s = (double)(wc_now_ns() - t0) / 1e9;
}

void wc_send_slice(const struct wc_send_opts *o, uint64_t setn, unsigned n, unsigned i,
		   struct wc_send_slice *s)
{
	bool looping = o->loop && (o->count == 0 || o->count > setn);
	uint64_t total = looping ? o->count : o->count && o->count < setn ? o->count : setn;
	uint64_t base = looping ? setn : total;

	s->first = base / n * i;
	s->span = i + 1 == n ? base - s->first : base / n;
	s->count = looping ? total / n + (i < total % n ? 1 : 0) : s->span;
	s->forever = looping && o->count == 0;
	if (!s->span) { /* more senders than packets: nothing to loop over */
		s->count = 0;
		s->forever = false;
	}
}

/* Who sends what: wc_send_slice() for each worker. */
static void plan(struct worker *ws, unsigned n, const struct wc_send_opts *o, uint64_t setn)
{
	for (unsigned i = 0; i < n; i++) {
		struct wc_send_slice sl;

		wc_send_slice(o, setn, n, i, &sl);
		ws[i].first = sl.first;
		ws[i].span = sl.span;
		ws[i].count = sl.count;
		ws[i].forever = sl.forever;
	}
}

int wc_send(struct wc_port *const *ports, unsigned nports, const struct wc_tmpl *t,
	    const struct wc_send_opts *o, struct wc_send_stats *st)
{
	struct wc_send_stats tot = {0};
	struct worker *ws;
	uint64_t t0 = wc_now_ns(), next;
	size_t tlen;
	double pps = o->rate_pps;
	int err = 0;
	unsigned started = 0;

	if (!nports)
		return -EINVAL;
	ws = calloc(nports, sizeof(*ws));
	if (!ws)
		return -ENOMEM;
	wc_tmpl_bytes(t, &tlen);
	if (o->bandwidth_bps > 0) {
		double bw_pps = o->bandwidth_bps / ((double)(tlen + WIRE_OVERHEAD) * 8);
		if (pps <= 0 || bw_pps < pps)
			pps = bw_pps;
	}
	plan(ws, nports, o, wc_tmpl_count(t));
	for (unsigned i = 0; i < nports; i++) {
		ws[i].port = ports[i];
		ws[i].o = o;
		ws[i].pps = pps > 0 ? pps / nports : 0;
		ws[i].t_end_ns = o->duration_s > 0 ? t0 + (uint64_t)(o->duration_s * 1e9) : 0;
		err = wc_tmpl_clone(t, &ws[i].t);
		if (err)
			break;
		err = -pthread_create(&ws[i].th, NULL, work, &ws[i]);
		if (err) {
			wc_tmpl_free(ws[i].t);
			break;
		}
		started++;
	}
	/* Progress once a second until every worker is done. */
	next = t0 + 1000000000ULL;
	for (;;) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		unsigned done = 0;

		for (unsigned i = 0; i < started; i++)
			done += __atomic_load_n(&ws[i].done, __ATOMIC_ACQUIRE);
		if (done == started)
			break;
		nanosleep(&ts, NULL);
		if (o->progress && wc_now_ns() >= next) {
			totals(ws, started, t0, &tot);
			o->progress(&tot, o->arg);
			next += 1000000000ULL;
		}
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(ws[i].th, NULL);
	for (unsigned i = 0; i < started; i++) {
		if (!err)
			err = ws[i].err;
		wc_tmpl_free(ws[i].t);
	}
	totals(ws, started, t0, &tot);
	tot.done = true;
	if (o->progress)
		o->progress(&tot, o->arg);
	if (st)
		*st = tot;
	free(ws);
	return err;
}
