/* SPDX-License-Identifier: MIT */
/* Capture files: a reader that hands out Packets one at a time (wirecraft.rdpcap and
 * PcapReader in __init__.py are built on it), and wrpcap, which streams any iterable of
 * packets (a PacketSet through its bytes, never expanded) into a file that appears only
 * complete (wirecraft/pcapio.h). */
#include <errno.h>
#include <string.h>

#include "wcpy.h"
#include "wirecraft/pcapio.h"

typedef struct {
	PyObject_HEAD
	struct wc_pcap_reader *r;
	bool raw_only; /* hand out bytes */
} WcReader;

/* OSError(errno, text, filename) */
static void raise_file_error(int eno, const char *text, PyObject *name)
{
	PyObject *a = Py_BuildValue("(isO)", eno, text, name);

	if (a) {
		PyErr_SetObject(PyExc_OSError, a);
		Py_DECREF((PyObject *)a);
	}
}

static void reader_dealloc(WcReader *r)
{
	PyTypeObject *tp = Py_TYPE((PyObject *)r);

	if (r->r)
		wc_pcap_close_read(r->r);
	PyObject_Free(r);
	Py_DECREF((PyObject *)tp);
}

/* _PcapReader(filename, filter=None) */
PyObject *wcpy_rdpcap_iter(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"filename", "filter", NULL};
	char eb[WC_PCAP_ERRBUF] = "";
	const char *filter = NULL;
	PyObject *path;
	WcReader *r;
	int err;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|z", kwl, PyUnicode_FSConverter, &path,
					 &filter))
		return NULL;
	if (!(r = PyObject_New(WcReader, wcpy.reader_type))) {
		Py_DECREF((PyObject *)path);
		return NULL;
	}
	r->r = NULL;
	r->raw_only = false;
	Py_BEGIN_ALLOW_THREADS
	err = wc_pcap_open_read(PyBytes_AsString(path), &r->r, eb);
	Py_END_ALLOW_THREADS
	if (err) {
		PyObject *s = PyUnicode_DecodeFSDefault(PyBytes_AsString(path));

		if (s) {
			raise_file_error(-err, eb[0] ? eb : strerror(-err), s);
			Py_DECREF((PyObject *)s);
		}
		Py_DECREF((PyObject *)path);
		Py_DECREF((PyObject *)r);
		return NULL;
	}
	Py_DECREF((PyObject *)path);
	/* A bad filter is the caller's expression, not the file's: ValueError, as for a bad
	 * filter of a live capture. */
	if (wc_pcap_set_filter(r->r, filter, eb)) {
		PyErr_SetString(PyExc_ValueError, eb);
		Py_DECREF((PyObject *)r);
		return NULL;
	}
	return (PyObject *)r;
}

static PyObject *reader_next(WcReader *r)
{
	const uint8_t *data;
	const struct wc_proto *first;
	struct timespec ts;
	size_t len, skip = 0;
	WcPacket *p;
	int err;

	if (!r->r)
		return NULL;
	err = wc_pcap_next(r->r, &data, &len, &ts);
	if (err == -ENOENT)
		return NULL;
	if (err) {
		PyErr_Format(PyExc_OSError, "pcap: %s", wc_pcap_read_error(r->r));
		return NULL;
	}
	first = wc_pcap_first_proto(wc_pcap_link(r->r), data, len, &skip);
	if (!first)
		first = &wc_proto_raw;
	p = wcpy_packet_from(data + skip, len - skip, first, false);
	if (p)
		p->time = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	return (PyObject *)p;
}

static PyObject *reader_close(WcReader *r, PyObject *unused)
{
	(void)unused;
	if (r->r)
		wc_pcap_close_read(r->r);
	r->r = NULL;
	Py_RETURN_NONE;
}

static PyObject *reader_linktype(WcReader *r, void *closure)
{
	(void)closure;
	if (!r->r) {
		PyErr_SetString(PyExc_ValueError, "the reader is closed");
		return NULL;
	}
	return PyLong_FromLong(wc_pcap_dlt(r->r));
}

static PyObject *iter_self(PyObject *o)
{
	Py_INCREF((PyObject *)o);
	return o;
}

static PyMethodDef reader_methods[] = {
	{"close", (PyCFunction)reader_close, METH_NOARGS, "Close the file."},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef reader_getset[] = {
	{"linktype", (getter)reader_linktype, NULL, "libpcap's DLT_ value of the file.", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot reader_slots[] = {
	{Py_tp_doc, "Packets of a pcap or pcapng file, one at a time."},
	{Py_tp_dealloc, reader_dealloc},
	{Py_tp_iter, iter_self},
	{Py_tp_iternext, reader_next},
	{Py_tp_methods, reader_methods},
	{Py_tp_getset, reader_getset},
	{0, NULL},
};

static PyType_Spec reader_spec = {
	"wirecraft._PcapReader", sizeof(WcReader), 0, Py_TPFLAGS_DEFAULT, reader_slots,
};

/* ---- writing --------------------------------------------------------------------------- */

/* The bytes of one item (a new reference) and, when it says, the class it starts with. */
static PyObject *item_bytes(PyObject *o, const struct wc_proto **first, double *time)
{
	*first = NULL;
	*time = 0;
	if (PyObject_TypeCheck(o, wcpy.packet_type)) {
		WcPacket *p = (WcPacket *)o;

		*first = p->first;
		*time = p->time;
		Py_INCREF((PyObject *)p->raw);
		return p->raw;
	}
	if (PyBytes_Check(o)) {
		Py_INCREF((PyObject *)o);
		return o;
	}
	/* a Scapy packet (bytes(p)), a bytearray, a memoryview */
	return PyBytes_FromObject(o);
}

/* wrpcap(filename, pkts): pkts a Packet, bytes, a PacketSet or any iterable of them. */
PyObject *wcpy_wrpcap(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"filename", "pkt", NULL};
	PyObject *path, *pkts, *it = NULL, *item;
	struct wc_pcap_writer *w = NULL;
	int err = 0;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O&O", kwl, PyUnicode_FSConverter, &path, &pkts))
		return NULL;
	if (PyObject_TypeCheck(pkts, wcpy.set_type)) {
		PyObject *first = PyObject_GetAttrString(pkts, "first");
		const struct wc_proto *fp = first ? wcpy_proto_arg(first, NULL) : NULL;

		Py_XDECREF((PyObject *)first);
		if (!fp)
			goto fail;
		err = wc_pcap_open_write(PyBytes_AsString(path),
					 fp == &wc_proto_ether ? WC_LINK_ETHER : WC_LINK_RAW, &w);
		if (err)
			goto oserr;
		it = PyObject_CallMethod(pkts, "raw", NULL);
	} else if (PyObject_TypeCheck(pkts, wcpy.packet_type) || PyBytes_Check(pkts)) {
		PyObject *one = PyTuple_Pack(1, pkts);

		it = one ? PyObject_GetIter(one) : NULL; /* the iterator keeps the tuple */
		Py_XDECREF((PyObject *)one);
	} else {
		it = PyObject_GetIter(pkts);
	}
	if (!it)
		goto fail;
	while ((item = PyIter_Next(it))) {
		const struct wc_proto *fp;
		double t;
		PyObject *b = item_bytes(item, &fp, &t);
		struct timespec ts, *tsp = NULL;

		Py_DECREF((PyObject *)item);
		if (!b)
			goto fail;
		if (!w) {
			enum wc_link link = !fp || fp == &wc_proto_ether ? WC_LINK_ETHER : WC_LINK_RAW;

			if ((err = wc_pcap_open_write(PyBytes_AsString(path), link, &w))) {
				Py_DECREF((PyObject *)b);
				goto oserr;
			}
		}
		if (t > 0) {
			ts.tv_sec = (time_t)t;
			ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		err = wc_pcap_write(w, (const uint8_t *)PyBytes_AsString(b), (size_t)PyBytes_Size(b),
				    tsp);
		Py_DECREF((PyObject *)b);
		if (err)
			goto oserr;
	}
	if (PyErr_Occurred())
		goto fail;
	if (!w && (err = wc_pcap_open_write(PyBytes_AsString(path), WC_LINK_ETHER, &w)))
		goto oserr; /* nothing to write: an empty capture all the same */
	Py_BEGIN_ALLOW_THREADS
	err = wc_pcap_close_write(w);
	Py_END_ALLOW_THREADS
	w = NULL;
	if (err)
		goto oserr;
	Py_DECREF((PyObject *)it);
	Py_DECREF((PyObject *)path);
	Py_RETURN_NONE;
oserr:
	{
		PyObject *s = PyUnicode_DecodeFSDefault(PyBytes_AsString(path));

		if (s) {
			raise_file_error(-err, strerror(-err), s);
			Py_DECREF((PyObject *)s);
		}
	}
fail:
	if (w)
		wc_pcap_abort_write(w);
	Py_XDECREF((PyObject *)it);
	Py_DECREF((PyObject *)path);
	return NULL;
}

int wcpy_pcap_init_types(PyObject *m)
{
	wcpy.reader_type = (PyTypeObject *)PyType_FromSpec(&reader_spec);
	(void)m; /* made by the function _PcapReader(), not by calling the type */
	return wcpy.reader_type ? 0 : -1;
}
