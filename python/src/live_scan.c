/* SPDX-License-Identifier: MIT */
/* scan() from Python: wc_scan (wirecraft/scan.h) on a job thread (job.h); its receiving
 * thread queues each result (a copy of struct wc_probe_reply, no Python object) and the
 * iterator hands them out as tuples while the scan runs. Ctrl-C while the iterator waits sets
 * the scan's stop flag, as the CLI's first Ctrl-C does: no more probes, the answers to those
 * sent still come in during the cooldown and are handed out; a second Ctrl-C cuts the
 * cooldown. Then the iteration ends (or, with chainCC=True, raises KeyboardInterrupt). The
 * first Ctrl-C does so also while the loop's body runs (wcpy_job_own_sigint). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "job.h"
#include "wirecraft/probe.h"
#include "wirecraft/scan.h"
#include "wirecraft/target.h"
#include "wirecraft/udp_probes.h"

struct res {
	struct wc_probe_reply r;
	double rtt_us;
	struct timespec ts;
	bool has_udp;
	struct wc_udp_info udp; /* a UDP answer: its module's verdict and the sizes */
};

struct scan_job {
	struct wcpy_job j;
	struct wc_scan_opts so;
	struct wc_scan_stats st;
	struct wc_scan_state state;
	struct wc_targets *t;
	struct wc_ports *ports;
	char *probe_expr;
	const struct wc_udp_module *udp_module; /* probe="udp:NAME" */
	struct wc_udp_payloads *payloads;       /* its request */
	char why[WC_SCAN_WHY];
	int err;
	/* results waiting to be handed out, guarded by j.mu */
	struct res *q;
	size_t head, tail, cap;
	bool oom;
};

typedef struct {
	PyObject_HEAD
	struct scan_job *s;
	bool chain, finished;
} WcScanner;

static void on_result(const struct wc_scan_result *r, void *arg)
{
	struct scan_job *s = arg;

	pthread_mutex_lock(&s->j.mu);
	if (s->tail == s->cap && s->head) { /* move the waiting ones to the front */
		memmove(s->q, s->q + s->head, (s->tail - s->head) * sizeof(*s->q));
		s->tail -= s->head;
		s->head = 0;
	}
	if (s->tail == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		struct res *q = realloc(s->q, cap * sizeof(*q));

		if (!q) {
			s->oom = true;
			s->j.stop = 2; /* nowhere to put results: stop now, as the CLI does */
			pthread_mutex_unlock(&s->j.mu);
			return;
		}
		s->q = q;
		s->cap = cap;
	}
	s->q[s->tail].r = r->r;
	s->q[s->tail].rtt_us = r->rtt_us;
	s->q[s->tail].ts = r->ts;
	s->q[s->tail].has_udp = r->udp != NULL;
	if (r->udp)
		s->q[s->tail].udp = *r->udp;
	s->tail++;
	wcpy_job_signal(&s->j);
	pthread_mutex_unlock(&s->j.mu);
}

static void scan_run(struct wcpy_job *j)
{
	struct scan_job *s = (struct scan_job *)j;

	s->err = wc_scan(&s->so, &s->st, &s->state, s->why);
}

static void job_free(struct scan_job *s)
{
	if (!s)
		return;
	wc_scan_state_free(&s->state);
	wc_targets_free(s->t);
	free(s->ports);
	free(s->probe_expr);
	wc_udp_payloads_free(s->payloads);
	free(s->q);
	free(s);
}

/* ---- options ----------------------------------------------------------------------------- */

/* A str or a list of str, each given to add(). */
static int each_text(PyObject *o, const char *what, struct wc_ipset *set)
{
	PyObject *seq, *it;
	Py_ssize_t n;

	if (PyUnicode_Check(o)) {
		const char *t = PyUnicode_AsUTF8AndSize(o, NULL);

		if (!t)
			return -1;
		if (wc_ipset_add_text(set, t)) {
			PyErr_Format(PyExc_ValueError, "%s: '%s' is not an address, a CIDR or a range",
				     what, t);
			return -1;
		}
		return 0;
	}
	if (!(seq = PySequence_List(o)))
		return -1;
	n = PyList_Size(seq);
	for (Py_ssize_t i = 0; i < n; i++) {
		it = PyList_GetItem(seq, i);
		if (!PyUnicode_Check(it)) {
			PyErr_Format(PyExc_TypeError, "%s: addresses as str", what);
			Py_DECREF(seq);
			return -1;
		}
		if (each_text(it, what, set) < 0) {
			Py_DECREF(seq);
			return -1;
		}
	}
	Py_DECREF(seq);
	return 0;
}

/* ports: "22,80,8000-8100", an int, or a list of ints */
static int ports_arg(PyObject *o, struct wc_ports *p)
{
	PyObject *s;
	int rc;

	if (PyUnicode_Check(o)) {
		s = o;
		Py_INCREF(s);
	} else if (PyLong_Check(o)) {
		s = PyObject_Str(o);
	} else {
		PyObject *sep = PyUnicode_FromString(","), *strs = NULL, *seq = PySequence_List(o);

		if (seq && sep) {
			Py_ssize_t n = PyList_Size(seq);

			strs = PyList_New(n);
			for (Py_ssize_t i = 0; strs && i < n; i++) {
				PyObject *v = PyList_GetItem(seq, i);
				PyObject *t = PyLong_Check(v) ? PyObject_Str(v) : NULL;

				if (!t) {
					if (!PyErr_Occurred())
						PyErr_SetString(PyExc_TypeError, "ports: ints");
					Py_CLEAR(strs);
					break;
				}
				PyList_SetItem(strs, i, t);
			}
		}
		s = strs ? PyUnicode_Join(sep, strs) : NULL;
		Py_XDECREF(strs);
		Py_XDECREF(seq);
		Py_XDECREF(sep);
	}
	if (!s)
		return -1;
	rc = wc_ports_parse(PyUnicode_AsUTF8AndSize(s, NULL), p);
	if (rc) {
		PyErr_Format(PyExc_ValueError, "ports: %R is not a port list (22,80,8000-8100)", o);
		Py_DECREF(s);
		return -1;
	}
	Py_DECREF(s);
	return 0;
}

/* probe="udp:NAME": the module's request as every port's payload, its classifier on the
 * answers, as the CLI's --probe udp:NAME [--probe-args ARG]. */
static int udp_module_arg(struct scan_job *s, const char *name, const char *args)
{
	uint8_t req[1400];
	int n;

	s->udp_module = wc_udp_module_find(name);
	if (!s->udp_module) {
		PyErr_Format(PyExc_ValueError, "probe 'udp:%s': no such UDP module (%s)", name,
			     wc_udp_module_list());
		return -1;
	}
	n = wc_udp_module_request(s->udp_module, args, req, sizeof(req));
	if (n < 0) {
		PyErr_Format(PyExc_ValueError, "probe_args: '%s' is not a valid argument for udp:%s",
			     args ? args : "", name);
		return -1;
	}
	if (wc_udp_payloads_single(req, (size_t)n, &s->payloads)) {
		PyErr_NoMemory();
		return -1;
	}
	s->so.probe.kind = WC_PROBE_UDP;
	s->so.probe.payloads = s->payloads;
	s->so.udp_module = s->udp_module;
	return 0;
}

static int probe_arg(struct scan_job *s, const char *probe, const char *args)
{
	struct wc_probe_opts *po = &s->so.probe;

	po->sz = sizeof(*po);
	po->kind = WC_PROBE_TCP_SYN;
	if (probe && !strncmp(probe, "udp:", 4))
		return udp_module_arg(s, probe + 4, args);
	if (args) {
		PyErr_SetString(PyExc_ValueError, "probe_args is for probe=\"udp:MODULE\"");
		return -1;
	}
	if (!probe || !wc_probe_kind_parse(probe, &po->kind))
		return 0;
	if (!strchr(probe, '(')) {
		PyErr_Format(PyExc_ValueError, "probe '%s': tcp-syn, tcp-ack, icmp-echo, icmpv6-echo, "
			     "udp, udp:MODULE (%s) or an expression", probe, wc_udp_module_list());
		return -1;
	}
	if (!(s->probe_expr = strdup(probe))) {
		PyErr_NoMemory();
		return -1;
	}
	po->kind = WC_PROBE_EXPR;
	po->expr = s->probe_expr;
	return 0;
}

/* Ports or not, and an expression's own port (and a bad expression reported before anything
 * is opened), as the CLI asks. */
static int probe_shape(struct scan_job *s, bool *has_ports, uint16_t *expr_port)
{
	char why[WC_PROBE_WHY] = "";
	int err = wc_probe_shape(&s->so.probe, has_ports, expr_port, why);

	if (err) {
		if (err == -EINVAL && s->so.probe.kind == WC_PROBE_EXPR)
			PyErr_Format(wcpy.expr_error, "probe: %s", why[0] ? why : "invalid expression");
		else
			wcpy_oserror(err, "probe", why);
		return -1;
	}
	return 0;
}

/* The target space: targets minus blocklist minus the reserved ranges (but for those
 * allow_reserved lets through: True for all, or a list of CIDRs), as the CLI makes it. */
static int targets_arg(struct scan_job *s, PyObject *targets, PyObject *block, PyObject *allow)
{
	struct wc_ipset *set = NULL, *blk = NULL, *res = NULL, *holes = NULL;
	int rc = -1, err;
	uint64_t before;

	if (wc_ipset_new(&set) || wc_ipset_new(&blk) || wc_ipset_new(&res) || wc_ipset_new(&holes)) {
		PyErr_NoMemory();
		goto out;
	}
	if (each_text(targets, "targets", set) < 0)
		goto out;
	if (block && block != Py_None && each_text(block, "blocklist", blk) < 0)
		goto out;
	if (wc_ipset_subtract(set, blk)) {
		PyErr_NoMemory();
		goto out;
	}
	if (allow != Py_True) {
		if (wc_ipset_add_reserved(res)) {
			PyErr_NoMemory();
			goto out;
		}
		if (allow && allow != Py_None && allow != Py_False) {
			if (each_text(allow, "allow_reserved", holes) < 0)
				goto out;
			if (wc_ipset_subtract(res, holes)) {
				PyErr_NoMemory();
				goto out;
			}
		}
		before = wc_ipset_count(set);
		if (wc_ipset_subtract(set, res)) {
			PyErr_NoMemory();
			goto out;
		}
		if (before && !wc_ipset_count(set)) {
			PyErr_SetString(PyExc_ValueError,
					"every target is in a reserved range (private, loopback, "
					"benchmarking, documentation, multicast, ...): allow_reserved=True "
					"scans them");
			goto out;
		}
	}
	err = wc_targets_new(set, s->ports, &s->t);
	if (err == -ENOENT)
		PyErr_SetString(PyExc_ValueError, "no targets left after the blocklist");
	else if (err == -E2BIG)
		PyErr_SetString(PyExc_ValueError, "more pairs than a scan can walk (2^62)");
	else if (err)
		wcpy_oserror(err, "scan", NULL);
	else
		rc = 0;
out:
	wc_ipset_free(set);
	wc_ipset_free(blk);
	wc_ipset_free(res);
	wc_ipset_free(holes);
	return rc;
}

/* source_ip: one address per family (str or a list), instead of the interface's */
static int source_arg(struct scan_job *s, PyObject *o)
{
	PyObject *seq = PyUnicode_Check(o) ? PyTuple_Pack(1, o) : PySequence_Tuple(o);
	int rc = 0;

	if (!seq)
		return -1;
	for (Py_ssize_t i = 0; rc == 0 && i < PyTuple_Size(seq); i++) {
		PyObject *it = PyTuple_GetItem(seq, i);
		const char *t = PyUnicode_Check(it) ? PyUnicode_AsUTF8AndSize(it, NULL) : NULL;

		if (t && inet_pton(AF_INET, t, s->so.src4) == 1)
			s->so.has_src4 = true;
		else if (t && inet_pton(AF_INET6, t, s->so.src6) == 1)
			s->so.has_src6 = true;
		else {
			if (!PyErr_Occurred())
				PyErr_Format(PyExc_ValueError, "source_ip: %R is not an IPv4 or IPv6 "
					     "address", it);
			rc = -1;
		}
	}
	Py_DECREF(seq);
	return rc;
}

/* _Scanner(iface, targets, ports=None, probe=None, rate=10000, retries=0, cooldown=None,
 *          max_targets=0, max_runtime=0, threads=1, seed=None, all_replies=False,
 *          allow_reserved=False, blocklist=None, source_port=0, dry_run=None, chainCC=False) */
PyObject *wcpy_scan_start(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"iface", "targets", "ports", "probe", "rate", "retries", "cooldown",
			      "max_targets", "max_runtime", "threads", "seed", "all_replies",
			      "allow_reserved", "blocklist", "source_port", "dry_run", "chainCC",
			      "source_ip", "probe_args", NULL};
	PyObject *targets, *ports = Py_None, *rate = NULL, *cool = Py_None, *seedo = Py_None;
	PyObject *allow = Py_False, *block = Py_None, *srcip = Py_None;
	const char *iface = NULL, *probe = NULL, *dry = NULL, *pargs = NULL;
	unsigned retries = 0, threads = 1, sport = 0;
	unsigned long long maxt = 0;
	double maxr = 0;
	int allrep = 0, chain = 0;
	struct scan_job *s;
	WcScanner *o;
	bool has_ports;
	uint16_t eport;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "zO|OzOIOKdIOpOOIzpOz", kwl, &iface, &targets,
					 &ports, &probe, &rate, &retries, &cool, &maxt, &maxr,
					 &threads, &seedo, &allrep, &allow, &block, &sport, &dry,
					 &chain, &srcip, &pargs))
		return NULL;
	if (!iface && !dry) {
		PyErr_SetString(PyExc_ValueError, "no interface: iface=... (or dry_run=FILE)");
		return NULL;
	}
	if (threads < 1 || threads > WC_SCAN_MAX_THREADS || retries > 100 || sport > 65535) {
		PyErr_Format(PyExc_ValueError, "threads: 1 to %d, retries: at most 100, source_port: "
			     "at most 65535", WC_SCAN_MAX_THREADS);
		return NULL;
	}
	if (!(s = calloc(1, sizeof(*s))))
		return PyErr_NoMemory();
	s->so.sz = sizeof(s->so);
	s->so.ifname = iface;
	s->so.dry_run = dry;
	s->so.cooldown_s = -1;
	s->so.retries = retries;
	s->so.max_targets = maxt;
	s->so.max_runtime_s = maxr;
	s->so.threads = threads;
	s->so.all_replies = allrep;
	s->so.rate_pps = 10000; /* the CLI's default pace */
	if (probe_arg(s, probe, pargs) < 0)
		goto fail;
	s->so.probe.sport = (uint16_t)sport;
	if (srcip != Py_None && source_arg(s, srcip) < 0)
		goto fail;
	if (rate && rate != Py_None) {
		if (PyUnicode_Check(rate)) {
			const char *r = PyUnicode_AsUTF8AndSize(rate, NULL);

			if (!r || strcmp(r, "max")) {
				PyErr_SetString(PyExc_ValueError, "rate: probes per second, or \"max\"");
				goto fail;
			}
			s->so.rate_pps = 0;
		} else {
			s->so.rate_pps = PyFloat_AsDouble(rate);
			if (PyErr_Occurred() || s->so.rate_pps <= 0) {
				if (!PyErr_Occurred())
					PyErr_SetString(PyExc_ValueError, "rate: more than 0, or \"max\"");
				goto fail;
			}
		}
	}
	if (cool != Py_None) {
		s->so.cooldown_s = PyFloat_AsDouble(cool);
		if (PyErr_Occurred())
			goto fail;
	}
	if (seedo != Py_None) {
		s->so.seed = PyLong_AsUnsignedLongLong(seedo);
		if (PyErr_Occurred())
			goto fail;
	} else {
		if (getrandom(&s->so.seed, sizeof(s->so.seed), 0) != sizeof(s->so.seed)) {
			wcpy_oserror(-errno, "random seed", NULL);
			goto fail;
		}
		s->so.seed &= (1ull << 53) - 1;
	}
	if (probe_shape(s, &has_ports, &eport) < 0)
		goto fail;
	if (has_ports) {
		if (!(s->ports = malloc(sizeof(*s->ports)))) {
			PyErr_NoMemory();
			goto fail;
		}
		if (ports != Py_None) {
			if (ports_arg(ports, s->ports) < 0)
				goto fail;
		} else if (eport || s->udp_module) { /* the expression's, the module's service */
			s->ports->n = 1;
			s->ports->port[0] = eport ? eport : wc_udp_module_port(s->udp_module);
		} else {
			PyErr_SetString(PyExc_ValueError, "no ports: ports=\"22,80,443\"");
			goto fail;
		}
	} else if (ports != Py_None) {
		PyErr_SetString(PyExc_ValueError, "this probe has no ports");
		goto fail;
	}
	if (targets_arg(s, targets, block, allow) < 0)
		goto fail;
	s->so.targets = s->t;
	s->so.stop = &s->j.stop;
	s->so.on_result = on_result;
	s->so.arg = s;
	s->j.fn = scan_run;
	if (!(o = PyObject_New(WcScanner, wcpy.scanner_type)))
		goto fail;
	o->s = NULL;
	o->chain = chain;
	o->finished = false;
	if (wcpy_job_start(&s->j) < 0) {
		Py_DECREF((PyObject *)o);
		goto fail;
	}
	/* the results are consumed by Python code: Ctrl-C there must stop the scan too */
	wcpy_job_own_sigint(&s->j);
	o->s = s;
	return (PyObject *)o;
fail:
	job_free(s);
	return NULL;
}

/* ---- the iterator ------------------------------------------------------------------------ */

static bool has_results(void *arg)
{
	struct scan_job *s = arg;

	return s->head < s->tail;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "icmpv6";
	default: return "?";
	}
}

/* service, banner, rcode, ancount, reply_bytes, probe_bytes, amp: as the CLI's JSON has them
 * (None where it leaves the key out). */
static PyObject *udp_fields(const struct res *x)
{
	const struct wc_udp_info *u = &x->udp;
	const char *rc = u->rcode >= 0 ? wc_udp_rcode_name(u->rcode) : NULL;
	PyObject *rco;

	if (!x->has_udp)
		return Py_BuildValue("(OOOOOOO)", Py_None, Py_None, Py_None, Py_None, Py_None,
				     Py_None, Py_None);
	if (u->rcode < 0)
		rco = Py_NewRef(Py_None);
	else
		rco = rc ? PyUnicode_FromString(rc) : PyLong_FromLong(u->rcode);
	if (!rco)
		return NULL;
	return Py_BuildValue("(zzNNIIN)", u->recognised ? u->module : NULL,
			     u->summary[0] ? u->summary : NULL, rco,
			     u->ancount >= 0 ? PyLong_FromLong(u->ancount) : Py_NewRef(Py_None),
			     u->reply_bytes, u->probe_bytes,
			     u->amp >= 0 ? PyFloat_FromDouble(u->amp) : Py_NewRef(Py_None));
}

static PyObject *result_tuple(const struct res *x)
{
	char sa[64], da[64], ta[64];
	PyObject *rtt, *base, *udp, *all;

	wc_ipaddr_str(&x->r.saddr, sa, sizeof(sa));
	wc_ipaddr_str(&x->r.daddr, da, sizeof(da));
	wc_ipaddr_str(&x->r.target, ta, sizeof(ta));
	if (x->rtt_us < 0) {
		rtt = Py_None;
		Py_INCREF(rtt);
	} else {
		rtt = PyFloat_FromDouble(x->rtt_us / 1000.0);
	}
	if (!rtt)
		return NULL;
	base = Py_BuildValue("(sHsHsOIIINdsHsIII)", sa, x->r.sport, da, x->r.dport,
			     x->r.classification ? x->r.classification : "?",
			     x->r.success ? Py_True : Py_False, (unsigned)x->r.ttl,
			     (unsigned)x->r.ipid, (unsigned)x->r.window, rtt,
			     (double)x->ts.tv_sec + x->ts.tv_nsec / 1e9, ta, x->r.tport,
			     proto_name(x->r.proto), (unsigned)x->r.tcp_flags,
			     (unsigned)x->r.icmp_type, (unsigned)x->r.icmp_code);
	if (!base)
		return NULL;
	udp = udp_fields(x);
	if (!udp) {
		Py_DECREF(base);
		return NULL;
	}
	all = PySequence_Concat(base, udp);
	Py_DECREF(base);
	Py_DECREF(udp);
	return all;
}

/* The scan ended: join it, and say how. NULL: StopIteration (no exception) or an error. */
static PyObject *finish(WcScanner *o)
{
	struct scan_job *s = o->s;

	if (o->finished)
		return NULL;
	o->finished = true;
	wcpy_job_join(&s->j);
	if (wcpy_job_finish(&s->j, o->chain) < 0)
		return NULL;
	if (s->oom)
		return PyErr_NoMemory();
	if (s->err) {
		if (s->err == -EPERM || s->err == -EACCES)
			snprintf(s->why + strlen(s->why), sizeof(s->why) - strlen(s->why),
				 "%sneeds root: CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON",
				 s->why[0] ? " (" : "");
		return wcpy_oserror(s->err, "scan", s->why);
	}
	return NULL;
}

static PyObject *scanner_next(WcScanner *o)
{
	struct scan_job *s = o->s;

	if (!s || o->finished)
		return NULL;
	for (;;) {
		struct res x;
		bool got = false, done;

		pthread_mutex_lock(&s->j.mu);
		if (s->head < s->tail) {
			x = s->q[s->head++];
			got = true;
		}
		done = s->j.done;
		pthread_mutex_unlock(&s->j.mu);
		if (got)
			return result_tuple(&x);
		if (done)
			return finish(o);
		wcpy_job_wait(&s->j, 50, has_results, s);
	}
}

/* close(): stop now (no more probes, no cooldown) and wait for the scan to end. */
static PyObject *scanner_close(WcScanner *o, PyObject *unused)
{
	(void)unused;
	if (o->s && !o->finished) {
		o->s->j.stop = 2;
		o->chain = false;
		if (!finish(o) && PyErr_Occurred())
			return NULL;
	}
	Py_RETURN_NONE;
}

/* stop(): as Ctrl-C: no more probes; the answers still due are handed out. */
static PyObject *scanner_stop(WcScanner *o, PyObject *unused)
{
	(void)unused;
	if (o->s && !o->finished)
		o->s->j.stop = o->s->j.stop ? 2 : 1;
	Py_RETURN_NONE;
}

static PyObject *scanner_stats(WcScanner *o, void *closure)
{
	const struct scan_job *s = o->s;
	const struct wc_scan_stats *st;

	(void)closure;
	if (!s || !o->finished)
		Py_RETURN_NONE; /* known once the scan has ended */
	st = &s->st;
	return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:d,s:d,s:d,s:I,s:O,s:O,"
			     "s:s,s:s,s:K,s:I}",
			     "count", (unsigned long long)st->count,
			     "sent", (unsigned long long)st->sent,
			     "targets_sent", (unsigned long long)st->targets_sent,
			     "replies", (unsigned long long)st->replies,
			     "results", (unsigned long long)st->results,
			     "hits", (unsigned long long)st->hits,
			     "failures", (unsigned long long)st->failures,
			     "repeats", (unsigned long long)st->repeats,
			     "drops", (unsigned long long)st->drops,
			     "elapsed_s", st->elapsed_s, "send_s", st->send_s,
			     "cooldown_s", st->cooldown_s, "repairs", st->repairs,
			     "interrupted", st->interrupted ? Py_True : Py_False,
			     "complete", s->state.complete ? Py_True : Py_False,
			     "engine", st->engine, "how", st->how,
			     "seed", (unsigned long long)s->so.seed, "interrupts", s->j.interrupts);
}

static void scanner_dealloc(WcScanner *o)
{
	PyTypeObject *tp = Py_TYPE((PyObject *)o);

	if (o->s) {
		if (!o->finished) {
			PyObject *t, *v, *tb;

			PyErr_Fetch(&t, &v, &tb);
			o->s->j.stop = 2;
			o->chain = false;
			finish(o);
			PyErr_Clear();
			PyErr_Restore(t, v, tb);
		}
		job_free(o->s);
	}
	PyObject_Free(o);
	Py_DECREF((PyObject *)tp);
}

static PyObject *iter_self(PyObject *o)
{
	Py_INCREF(o);
	return o;
}

static PyMethodDef scanner_methods[] = {
	{"close", (PyCFunction)scanner_close, METH_NOARGS, "Stop at once and wait for the end."},
	{"stop", (PyCFunction)scanner_stop, METH_NOARGS,
	 "Stop sending, as Ctrl-C does; the answers still due are handed out."},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef scanner_getset[] = {
	{"stats", (getter)scanner_stats, NULL, "The scan's counts once it has ended, else None.",
	 NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot scanner_slots[] = {
	{Py_tp_doc, "A running scan: an iterator of result tuples."},
	{Py_tp_dealloc, scanner_dealloc},
	{Py_tp_iter, iter_self},
	{Py_tp_iternext, scanner_next},
	{Py_tp_methods, scanner_methods},
	{Py_tp_getset, scanner_getset},
	{0, NULL},
};

static PyType_Spec scanner_spec = {
	"wirecraft._Scanner", sizeof(WcScanner), 0, Py_TPFLAGS_DEFAULT, scanner_slots,
};

int wcpy_scan_init_type(void)
{
	wcpy.scanner_type = (PyTypeObject *)PyType_FromSpec(&scanner_spec);
	return wcpy.scanner_type ? 0 : -1;
}
