/* SPDX-License-Identifier: MIT */
/* sr() and send() from Python: wc_sr and wc_send (wirecraft/sr.h, send.h) on a job thread
 * (job.h) while the interpreter waits without the GIL. sr's pairs are copied, bytes only,
 * into one growing buffer by the library's receiving thread; Python objects are made from it
 * after the run, one bytes object per packet and no field objects. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "wirecraft/iface.h"
#include "wirecraft/port.h"
#include "wirecraft/send.h"
#include "wirecraft/sr.h"
#include "wirecraft/tmpl.h"

/* ---- a buffer of records, appended by one thread, read after it ended ----------------- */

struct rec {
	uint64_t index;
	double rtt_us;
	uint64_t ts_ns[2];            /* CLOCK_MONOTONIC: request, reply */
	const struct wc_proto *first[2];
	uint32_t len[2];              /* bytes that follow: request, then reply */
};

/* A record and its bytes, rounded up so that the next record stays aligned. */
static size_t rec_size(const struct rec *rc)
{
	return (sizeof(*rc) + rc->len[0] + rc->len[1] + 7) & ~(size_t)7;
}

struct recbuf {
	uint8_t *p;
	size_t len, cap;
	uint64_t n;
	bool oom;
};

static void *rb_reserve(struct recbuf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 20;
		uint8_t *q;

		while (cap < b->len + n)
			cap *= 2;
		if (!(q = realloc(b->p, cap))) {
			b->oom = true;
			return NULL;
		}
		b->p = q;
		b->cap = cap;
	}
	b->len += n;
	b->n++;
	return b->p + b->len - n;
}

/* Where the packet starts for the caller: sr() (layer 3, as Scapy's) hands out the IP or
 * IPv6 layer on, found after the Ethernet header and its VLAN tags (the request comes
 * without a dissection: pair_req_bytes_only); srp() the whole frame. */
static size_t l3_start(const uint8_t *b, size_t n, bool l3, const struct wc_proto **first)
{
	static const struct wc_proto *ip4, *ip6;
	size_t off = 12;

	*first = &wc_proto_ether;
	if (!l3)
		return 0;
	if (!ip4) {
		ip4 = wc_proto_find("IP");
		ip6 = wc_proto_find("IPv6");
	}
	while (off + 2 <= n) {
		unsigned type = (unsigned)b[off] << 8 | b[off + 1];

		if (type == 0x8100 || type == 0x88a8) {
			off += 4;
			continue;
		}
		if (type == 0x0800 || type == 0x86dd) {
			*first = type == 0x0800 ? ip4 : ip6;
			return off + 2;
		}
		break;
	}
	return 0; /* ARP and the like have no layer 3 to start at: the whole frame */
}

struct sr_job {
	struct wcpy_job j;
	struct wc_set *set;
	struct wc_sr_opts so;
	struct wc_sr_stats st;
	char why[160];
	int err;
	bool l3;
	struct recbuf pairs, unans;
};

static void add_rec(struct recbuf *b, bool l3, const struct wc_sr_pkt *a, const struct wc_sr_pkt *r,
		    uint64_t index, double rtt)
{
	const struct wc_proto *f[2] = {NULL, NULL};
	size_t o0 = l3_start(a->data, a->len, l3, &f[0]);
	size_t o1 = r ? l3_start(r->data, r->len, l3, &f[1]) : 0;
	size_t n0 = a->len - o0, n1 = r ? r->len - o1 : 0;
	struct rec *rc = rb_reserve(b, (sizeof(*rc) + n0 + n1 + 7) & ~(size_t)7);

	if (!rc)
		return;
	rc->index = index;
	rc->rtt_us = rtt;
	rc->ts_ns[0] = a->ts_ns;
	rc->ts_ns[1] = r ? r->ts_ns : 0;
	rc->first[0] = f[0];
	rc->first[1] = f[1];
	rc->len[0] = (uint32_t)n0;
	rc->len[1] = (uint32_t)n1;
	memcpy(rc + 1, a->data + o0, n0);
	if (r)
		memcpy((uint8_t *)(rc + 1) + n0, r->data + o1, n1);
}

static void on_pair(const struct wc_sr_pair *pr, void *arg)
{
	struct sr_job *s = arg;

	add_rec(&s->pairs, s->l3, &pr->req, &pr->rep, pr->index, pr->rtt_us);
}

static void on_unans(const struct wc_sr_pkt *req, uint64_t index, void *arg)
{
	struct sr_job *s = arg;

	add_rec(&s->unans, s->l3, req, NULL, index, 0);
}

static void sr_run(struct wcpy_job *j)
{
	struct sr_job *s = (struct sr_job *)j;

	s->err = wc_sr(s->set, &s->so, &s->st, s->why);
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC in seconds: monotonic stamps to seconds since the epoch. */
static double epoch_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (double)rt.tv_sec + rt.tv_nsec / 1e9 - ((double)mono.tv_sec + mono.tv_nsec / 1e9);
}

static PyObject *pkt_of(const uint8_t *b, uint32_t n, const struct wc_proto *first, uint64_t ts,
			double off)
{
	WcPacket *p = wcpy_packet_from(b, n, first, false);

	if (p && ts)
		p->time = off + (double)ts / 1e9;
	return (PyObject *)p;
}

/* The unanswered requests, [request]: few as a rule, made at once. */
static PyObject *records(const struct recbuf *b)
{
	PyObject *list = PyList_New((Py_ssize_t)b->n);
	size_t off = 0;
	double eo = epoch_offset();

	for (uint64_t i = 0; list && i < b->n; i++) {
		const struct rec *rc = (const struct rec *)(b->p + off);
		PyObject *a = pkt_of((const uint8_t *)(rc + 1), rc->len[0], rc->first[0],
				     rc->ts_ns[0], eo);

		if (!a) {
			Py_CLEAR(list);
			break;
		}
		PyList_SetItem(list, (Py_ssize_t)i, a);
		off += rec_size(rc);
	}
	return list;
}

/* sr()'s answers, kept as the records the receiving thread wrote: a (sent, received) tuple of
 * Packets is made when one is asked for, so that sr() returns as soon as the library does
 * and a hundred thousand pairs cost their bytes, not a million Python objects. */
typedef struct {
	PyObject_HEAD
	struct recbuf b;
	size_t *off; /* where record i starts */
	double eo;   /* epoch offset for the packets' times */
} WcPairs;

static PyTypeObject *pairs_type;

static void pairs_dealloc(WcPairs *o)
{
	PyTypeObject *tp = Py_TYPE((PyObject *)o);

	free(o->b.p);
	free(o->off);
	PyObject_Free(o);
	Py_DECREF((PyObject *)tp);
}

static Py_ssize_t pairs_len(WcPairs *o)
{
	return (Py_ssize_t)o->b.n;
}

static PyObject *pairs_item(WcPairs *o, Py_ssize_t i)
{
	const struct rec *rc;
	const uint8_t *d;
	PyObject *a, *r, *t;

	if (i < 0)
		i += (Py_ssize_t)o->b.n;
	if (i < 0 || (uint64_t)i >= o->b.n) {
		PyErr_SetString(PyExc_IndexError, "pair index out of range");
		return NULL;
	}
	rc = (const struct rec *)(o->b.p + o->off[i]);
	d = (const uint8_t *)(rc + 1);
	a = pkt_of(d, rc->len[0], rc->first[0], rc->ts_ns[0], o->eo);
	r = a ? pkt_of(d + rc->len[0], rc->len[1], rc->first[1], rc->ts_ns[1], o->eo) : NULL;
	t = r ? PyTuple_Pack(2, a, r) : NULL;
	Py_XDECREF(a);
	Py_XDECREF(r);
	return t;
}

static PyType_Slot pairs_slots[] = {
	{Py_tp_doc, "sr()'s (sent, received) pairs, made on demand."},
	{Py_tp_dealloc, pairs_dealloc},
	{Py_sq_length, pairs_len},
	{Py_sq_item, pairs_item},
	{0, NULL},
};

static PyType_Spec pairs_spec = {
	"wirecraft._Pairs", sizeof(WcPairs), 0, Py_TPFLAGS_DEFAULT, pairs_slots,
};

/* Take b over (it is left empty) as a _Pairs, with the round-trip times in *rtts. */
static PyObject *pairs_new(struct recbuf *b, PyObject **rtts)
{
	WcPairs *o;
	PyObject *times;
	size_t off = 0;

	if (!pairs_type && !(pairs_type = (PyTypeObject *)PyType_FromSpec(&pairs_spec)))
		return NULL;
	if (!(times = PyList_New((Py_ssize_t)b->n)))
		return NULL;
	if (!(o = PyObject_New(WcPairs, pairs_type))) {
		Py_DECREF(times);
		return NULL;
	}
	o->b = *b;
	memset(b, 0, sizeof(*b));
	o->eo = epoch_offset();
	o->off = malloc((o->b.n ? o->b.n : 1) * sizeof(*o->off));
	if (!o->off) {
		Py_DECREF(times);
		Py_DECREF((PyObject *)o);
		return PyErr_NoMemory();
	}
	for (uint64_t i = 0; i < o->b.n; i++) {
		const struct rec *rc = (const struct rec *)(o->b.p + off);
		PyObject *f = PyFloat_FromDouble(rc->rtt_us);

		if (!f) {
			Py_DECREF(times);
			Py_DECREF((PyObject *)o);
			return NULL;
		}
		PyList_SetItem(times, (Py_ssize_t)i, f);
		o->off[i] = off;
		off += rec_size(rc);
	}
	*rtts = times;
	return (PyObject *)o;
}

static PyObject *sr_stats(const struct sr_job *s)
{
	return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:d,s:d,s:d,s:d,s:s,s:s,s:I}",
			     "probes", (unsigned long long)s->st.probes,
			     "sent", (unsigned long long)s->st.sent,
			     "received", (unsigned long long)s->st.received,
			     "answers", (unsigned long long)s->st.answers,
			     "answered", (unsigned long long)s->st.answered,
			     "unanswered", (unsigned long long)s->st.unanswered,
			     "unmatched", (unsigned long long)s->st.unmatched,
			     "rx_dropped", (unsigned long long)s->st.rx_dropped,
			     "send_s", s->st.send_s, "pair_s", s->st.pair_s,
			     "elapsed_s", s->st.elapsed_s, "rx_cpu_s", s->st.rx_cpu_s,
			     "how", s->st.how, "engine", s->st.engine,
			     "interrupted", s->j.interrupts);
}

/* The set to run: an expression, or a PacketSet's expression with its seed. */
static struct wc_set *set_arg(PyObject *o, PyObject *seedo)
{
	PyObject *e = wcpy_expr_arg(o);
	struct wc_set *s;
	uint64_t seed = 0;

	if (!e)
		return NULL;
	s = wcpy_parse(PyUnicode_AsUTF8AndSize(e, NULL));
	Py_DECREF(e);
	if (!s)
		return NULL;
	if (seedo && seedo != Py_None)
		seed = PyLong_AsUnsignedLongLong(seedo);
	else if (PyObject_TypeCheck(o, wcpy.set_type)) {
		PyObject *so = PyObject_GetAttrString(o, "seed");

		seed = so ? PyLong_AsUnsignedLongLong(so) : 0;
		Py_XDECREF(so);
	}
	if (PyErr_Occurred()) {
		wc_set_free(s);
		return NULL;
	}
	if (seed)
		wc_set_seed(s, seed);
	return s;
}

/* _sr(pkts, iface, timeout=2, retry=0, rate=0, multi=False, l3=True, max_answers=0,
 *     unans=True, pass_replies=False, no_cookie=False, queues=0, seed=None, chainCC=False)
 * -> (pairs: a sequence of (sent, received), rtt_us [float], unanswered [sent], stats) */
PyObject *wcpy_sr(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"pkts", "iface", "timeout", "retry", "rate", "multi", "l3",
			      "max_answers", "unans", "pass_replies", "no_cookie", "queues", "seed",
			      "chainCC", NULL};
	PyObject *pkts, *seedo = Py_None, *pairs = NULL, *rtts = NULL, *un = NULL, *st, *r;
	const char *iface;
	double timeout = 2, rate = 0;
	unsigned retry = 0, queues = 0;
	unsigned long long maxa = 0;
	int multi = 0, l3 = 1, unans = 1, pass = 0, nocookie = 0, chain = 0;
	struct sr_job *s;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "Os|dIdppKpppIOp", kwl, &pkts, &iface, &timeout,
					 &retry, &rate, &multi, &l3, &maxa, &unans, &pass,
					 &nocookie, &queues, &seedo, &chain))
		return NULL;
	if (timeout < 0 || rate < 0) {
		PyErr_SetString(PyExc_ValueError, "timeout and rate: 0 or more");
		return NULL;
	}
	if (!(s = calloc(1, sizeof(*s))))
		return PyErr_NoMemory();
	if (!(s->set = set_arg(pkts, seedo))) {
		free(s);
		return NULL;
	}
	s->l3 = l3;
	s->so.sz = sizeof(s->so);
	s->so.ifname = iface;
	s->so.timeout_s = timeout > 0 ? timeout : 1e-3; /* 0 means "the default" to the library */
	s->so.retry = retry;
	s->so.rate_pps = rate;
	s->so.multi = multi;
	s->so.max_answers = maxa;
	s->so.pass_replies = pass;
	s->so.no_cookie = nocookie;
	s->so.queues = queues;
	s->so.stop = &s->j.stop;
	s->so.on_pair = on_pair;
	s->so.on_unans = unans ? on_unans : NULL;
	s->so.pair_req_bytes_only = true; /* bytes are all a pair keeps */
	s->so.arg = s;
	s->j.fn = sr_run;
	if (wcpy_job_start(&s->j) < 0) {
		wc_set_free(s->set);
		free(s);
		return NULL;
	}
	wcpy_job_join(&s->j);
	r = NULL;
	if (wcpy_job_finish(&s->j, chain) < 0)
		goto out;
	if (s->err) {
		if (s->err == -EPERM || s->err == -EACCES)
			snprintf(s->why + strlen(s->why), sizeof(s->why) - strlen(s->why),
				 "%sneeds root: CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON",
				 s->why[0] ? " (" : "");
		wcpy_oserror(s->err, "sr", s->why);
		goto out;
	}
	if (s->pairs.oom || s->unans.oom) {
		PyErr_NoMemory();
		goto out;
	}
	pairs = pairs_new(&s->pairs, &rtts);
	un = pairs ? records(&s->unans) : NULL;
	st = un ? sr_stats(s) : NULL;
	if (st)
		r = Py_BuildValue("(NNNN)", pairs, rtts, un, st);
	else {
		Py_XDECREF(pairs);
		Py_XDECREF(rtts);
		Py_XDECREF(un);
	}
out:
	free(s->pairs.p);
	free(s->unans.p);
	wc_set_free(s->set);
	free(s);
	return r;
}

/* ---- send -------------------------------------------------------------------------------- */

struct send_job {
	struct wcpy_job j;
	struct wc_port *port;
	struct wc_tmpl *t;
	struct wc_send_opts so;
	struct wc_send_stats st;
	int err;
};

static void send_run(struct wcpy_job *j)
{
	struct send_job *s = (struct send_job *)j;

	s->err = wc_send(&s->port, 1, s->t, &s->so, &s->st);
}

/* _send(pkts, iface=None, count=1, loop=False, rate=0, engine="auto", l3=True, write=None,
 *       seed=None, chainCC=False) -> packets sent.
 * count is Scapy's: how many times the whole set goes (0, or loop with count 1: until
 * stopped). */
PyObject *wcpy_send(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"pkts", "iface", "count", "loop", "rate", "engine", "l3", "write",
			      "seed", "chainCC", NULL};
	static const struct {
		const char *name;
		enum wc_engine e;
	} engines[] = {
		{"auto", WC_ENGINE_AUTO}, {"xsk", WC_ENGINE_XSK}, {"xsk-copy", WC_ENGINE_XSK_COPY},
		{"xsk-zc", WC_ENGINE_XSK_ZC}, {"packet", WC_ENGINE_PACKET}, {"pcap", WC_ENGINE_PCAP},
	};
	PyObject *pkts, *seedo = Py_None;
	const char *iface = NULL, *engine = "auto", *write = NULL;
	unsigned long long count = 1;
	int loop = 0, l3 = 1, chain = 0, err;
	double rate = 0;
	struct send_job *s;
	struct wc_set *set;
	enum wc_engine e = WC_ENGINE_AUTO;
	bool at_ip = false;
	char why[160] = "";
	PyObject *r = NULL;
	size_t i;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|zKpdspzOp", kwl, &pkts, &iface, &count, &loop,
					 &rate, &engine, &l3, &write, &seedo, &chain))
		return NULL;
	for (i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (!strcmp(engine, engines[i].name))
			break;
	if (i == sizeof(engines) / sizeof(engines[0])) {
		PyErr_Format(PyExc_ValueError, "engine '%s': auto, xsk, xsk-copy, xsk-zc, packet or pcap",
			     engine);
		return NULL;
	}
	e = engines[i].e;
	if (e == WC_ENGINE_PCAP ? !write : !iface) {
		PyErr_SetString(PyExc_ValueError, e == WC_ENGINE_PCAP ? "engine 'pcap' needs write=FILE"
								      : "no interface: iface=...");
		return NULL;
	}
	if (rate < 0) {
		PyErr_SetString(PyExc_ValueError, "rate: 0 or more");
		return NULL;
	}
	if (!(set = set_arg(pkts, seedo)))
		return NULL;
	if (!(s = calloc(1, sizeof(*s)))) {
		wc_set_free(set);
		return PyErr_NoMemory();
	}
	/* send() is layer 3 as Scapy's: an IP expression gets Ethernet from the interface (its
	 * MAC, the next hop's, asked for when the kernel does not know it), as the CLI does */
	{
		const struct wc_proto *first = wc_set_layer(set, 0);
		struct wc_iface ifc;
		bool added = false;

		at_ip = first && (!strcmp(first->name, "IP") || !strcmp(first->name, "IPv6"));
		if (at_ip && e != WC_ENGINE_PCAP && l3) {
			if ((err = wc_set_push_front(set, &wc_proto_ether))) {
				wcpy_oserror(err, "send", NULL);
				goto out;
			}
			at_ip = false;
			added = true;
		}
		if (iface) {
			err = wc_iface_get(iface, &ifc);
			if (!err)
				err = added ? wc_set_resolve_iface(set, &ifc) : wc_set_apply_iface(set, &ifc);
			if (err && err != -ETIMEDOUT && err != -EHOSTUNREACH) {
				wcpy_oserror(err, iface, NULL);
				goto out;
			}
		}
	}
	if ((err = wc_tmpl_new(set, &s->t))) {
		wcpy_oserror(err, "send", NULL);
		goto out;
	}
	{
		size_t tlen;
		const uint8_t *tb = wc_tmpl_bytes(s->t, &tlen);
		struct wc_port_opts po = {
			.ifname = iface, .path = write, .tmpl = tb, .tmpl_len = tlen,
			.starts_at_ip = at_ip, .engine = e,
		};

		Py_BEGIN_ALLOW_THREADS
		err = wc_port_open(&po, &s->port, why);
		Py_END_ALLOW_THREADS
		if (err) {
			if (err == -EPERM || err == -EACCES)
				snprintf(why, sizeof(why), "needs root: CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF");
			wcpy_oserror(err, "send", why);
			goto out;
		}
	}
	{
		uint64_t n = wc_tmpl_count(s->t);

		/* count 0 (or loop without a count): round and round until stopped */
		if (loop && count == 1)
			count = 0;
		s->so.loop = count != 1;
		s->so.count = !count ? 0 : n > UINT64_MAX / count ? UINT64_MAX : n * count;
	}
	s->so.rate_pps = rate;
	s->so.stop = &s->j.stop;
	s->j.fn = send_run;
	if (wcpy_job_start(&s->j) == 0) {
		wcpy_job_join(&s->j);
		err = wc_port_close(s->port);
		s->port = NULL;
		if (wcpy_job_finish(&s->j, chain) == 0) {
			if (s->err || err)
				wcpy_oserror(s->err ? s->err : err, write && !s->err ? write : "send", NULL);
			else
				r = PyLong_FromUnsignedLongLong(s->st.sent);
		}
	}
out:
	if (s->port)
		wc_port_close(s->port);
	wc_tmpl_free(s->t);
	wc_set_free(set);
	free(s);
	return r;
}
