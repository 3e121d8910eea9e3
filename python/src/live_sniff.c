/* SPDX-License-Identifier: MIT */
/* A capture from Python (wirecraft/sniff.h): _Sniffer(iface, filter, steal).next(timeout)
 * waits for the next packet with the GIL released, in slices of 100 ms between which
 * Python's signal handlers run, so that Ctrl-C reaches sniff() at once; the loop with
 * count, prn, lfilter and stop_filter is sniff() in __init__.py. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wcpy.h"
#include "wirecraft/sniff.h"

typedef struct {
	PyObject_HEAD
	struct wc_sniff *s;
} WcSniffer;

static void sniffer_dealloc(WcSniffer *o)
{
	PyTypeObject *tp = Py_TYPE((PyObject *)o);

	if (o->s) {
		Py_BEGIN_ALLOW_THREADS
		wc_sniff_close(o->s);
		Py_END_ALLOW_THREADS
	}
	PyObject_Free(o);
	Py_DECREF((PyObject *)tp);
}

/* _Sniffer(iface, filter=None, steal=False, promisc=True) */
PyObject *wcpy_sniff_open(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"iface", "filter", "steal", "promisc", NULL};
	struct wc_sniff_opts so = {0};
	char eb[WC_SNIFF_ERRBUF] = "";
	int steal = 0, promisc = 1, err;
	WcSniffer *o;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "s|zpp", kwl, &so.ifname, &so.filter, &steal,
					 &promisc))
		return NULL;
	so.mode = steal ? WC_SNIFF_STEAL : WC_SNIFF_LIVE;
	so.no_promisc = !promisc;
	if (wc_sniff_filter_check(so.filter, eb)) {
		PyErr_Format(PyExc_ValueError, "%s", eb);
		return NULL;
	}
	if (!(o = PyObject_New(WcSniffer, wcpy.sniffer_type)))
		return NULL;
	o->s = NULL;
	Py_BEGIN_ALLOW_THREADS
	err = wc_sniff_open(&so, &o->s, eb);
	Py_END_ALLOW_THREADS
	if (err) {
		if (err == -EPERM)
			snprintf(eb + strlen(eb), sizeof(eb) - strlen(eb), " (needs root: CAP_NET_RAW%s)",
				 steal ? ", CAP_NET_ADMIN, CAP_BPF" : "");
		Py_DECREF((PyObject *)o);
		return wcpy_oserror(err, "sniff", eb);
	}
	return (PyObject *)o;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* next(timeout=None) -> Packet, or None when timeout seconds passed without one. */
static PyObject *sniffer_next(WcSniffer *o, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"timeout", NULL};
	PyObject *to = Py_None;
	double end = 0, timeout = -1;
	struct wc_sniff_pkt pk;
	int err;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O", kwl, &to))
		return NULL;
	if (!o->s) {
		PyErr_SetString(PyExc_ValueError, "the capture is closed");
		return NULL;
	}
	if (to != Py_None) {
		timeout = PyFloat_AsDouble(to);
		if (timeout == -1 && PyErr_Occurred())
			return NULL;
		end = now_s() + timeout;
	}
	for (;;) {
		int ms = 100;

		if (timeout >= 0) {
			double left = end - now_s();

			if (left <= 0)
				ms = 0;
			else if (left < 0.1)
				ms = (int)(left * 1000) + 1;
		}
		Py_BEGIN_ALLOW_THREADS
		err = wc_sniff_next(o->s, &pk, ms);
		Py_END_ALLOW_THREADS
		if (err == 0)
			break;
		if (err != -EAGAIN && err != -EINTR)
			return wcpy_oserror(err, "sniff", wc_sniff_error(o->s));
		if (PyErr_CheckSignals() < 0)
			return NULL; /* KeyboardInterrupt: sniff() returns what it has */
		if (timeout >= 0 && ms == 0)
			Py_RETURN_NONE;
	}
	{
		size_t skip = 0;
		const struct wc_proto *first = wc_pcap_first_proto(wc_sniff_link(o->s), pk.data,
								   pk.len, &skip);
		WcPacket *p = wcpy_packet_from(pk.data + skip, pk.len - skip,
					       first ? first : &wc_proto_raw, false);

		if (p)
			p->time = (double)pk.ts.tv_sec + pk.ts.tv_nsec / 1e9;
		return (PyObject *)p;
	}
}

static PyObject *sniffer_stats(WcSniffer *o, PyObject *unused)
{
	struct wc_sniff_stats st = {0};

	(void)unused;
	if (o->s)
		wc_sniff_get_stats(o->s, &st);
	return Py_BuildValue("{s:K,s:K,s:K,s:s}", "captured", (unsigned long long)st.captured,
			     "kernel_drops", (unsigned long long)st.kernel_drops,
			     "filtered", (unsigned long long)st.filtered,
			     "engine", o->s ? wc_sniff_engine(o->s) : "closed");
}

static PyObject *sniffer_close(WcSniffer *o, PyObject *unused)
{
	(void)unused;
	if (o->s) {
		struct wc_sniff *s = o->s;

		o->s = NULL;
		Py_BEGIN_ALLOW_THREADS
		wc_sniff_close(s);
		Py_END_ALLOW_THREADS
	}
	Py_RETURN_NONE;
}

static PyMethodDef sniffer_methods[] = {
	{"next", (PyCFunction)(void (*)(void))sniffer_next, METH_VARARGS | METH_KEYWORDS,
	 "next(timeout=None): the next Packet, or None after timeout seconds."},
	{"stats", (PyCFunction)sniffer_stats, METH_NOARGS, "Counts: captured, kernel_drops, ..."},
	{"close", (PyCFunction)sniffer_close, METH_NOARGS, "Stop the capture."},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot sniffer_slots[] = {
	{Py_tp_doc, "A capture on an interface (libpcap, or AF_XDP with steal=True)."},
	{Py_tp_dealloc, sniffer_dealloc},
	{Py_tp_methods, sniffer_methods},
	{0, NULL},
};

static PyType_Spec sniffer_spec = {
	"wirecraft._Sniffer", sizeof(WcSniffer), 0, Py_TPFLAGS_DEFAULT, sniffer_slots,
};

int wcpy_sniff_init_type(void)
{
	wcpy.sniffer_type = (PyTypeObject *)PyType_FromSpec(&sniffer_spec);
	return wcpy.sniffer_type ? 0 : -1;
}
