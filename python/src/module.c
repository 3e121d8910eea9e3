/* SPDX-License-Identifier: MIT */
/* The extension module wirecraft._wirecraft: its functions, its exception, and the helpers the
 * other files share (errors, layer names). The Scapy-shaped API (sr's answer lists, rdpcap's
 * list, ls()'s printing) is python/wirecraft/__init__.py, over these. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wcpy.h"
#include "wirecraft/format.h"

struct wcpy_state wcpy;

PyObject *wcpy_oserror(int neg_errno, const char *what, const char *why)
{
	int e = neg_errno < 0 ? -neg_errno : neg_errno;
	PyObject *a;

	if (e == ENOMEM)
		return PyErr_NoMemory();
	a = Py_BuildValue("(is)", e, why && why[0] ? why : strerror(e));
	if (a) {
		PyObject *ex = PyObject_Call(PyExc_OSError, a, NULL);

		Py_DECREF((PyObject *)a);
		if (ex) {
			/* str(e) starts with what failed: "[Errno 1] sr: needs root ..." */
			PyObject *s = PyUnicode_FromFormat("%s: %s", what, why && why[0] ? why : strerror(e));

			if (s) {
				PyObject_SetAttrString(ex, "strerror", s);
				Py_DECREF((PyObject *)s);
			}
			PyErr_SetObject((PyObject *)Py_TYPE((PyObject *)ex), ex);
			Py_DECREF((PyObject *)ex);
		}
	}
	return NULL;
}

const struct wc_proto *wcpy_proto_arg(PyObject *o, const struct wc_proto *dflt)
{
	PyObject *name = NULL;
	const struct wc_proto *p;
	const char *s;

	if (!o || o == Py_None) {
		if (!dflt)
			PyErr_SetString(PyExc_ValueError, "a layer name is needed");
		return dflt;
	}
	if (PyUnicode_Check(o)) {
		name = o;
		Py_INCREF((PyObject *)name);
	} else if (!(name = PyObject_GetAttrString(o, "__name__"))) { /* a Scapy class */
		return NULL;
	}
	s = PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, NULL) : NULL;
	if (!s) {
		Py_DECREF((PyObject *)name);
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError, "a layer name (str)");
		return NULL;
	}
	p = wc_proto_find(s);
	if (!p)
		PyErr_Format(PyExc_ValueError, "unknown layer '%s'", s);
	Py_DECREF((PyObject *)name);
	return p;
}

static const char *kind_name(const struct wc_field *f)
{
	static const char *const names[] = {
		[WC_K_UINT] = "int", [WC_K_XINT] = "hex int", [WC_K_ENUM] = "enum",
		[WC_K_FLAGS] = "flags", [WC_K_MAC] = "MAC", [WC_K_IPV4] = "IPv4",
		[WC_K_IPV6] = "IPv6", [WC_K_BYTES] = "bytes", [WC_K_TCPOPTS] = "TCP options",
		[WC_K_IPOPTS] = "IP options", [WC_K_DNSNAME] = "DNS name", [WC_K_DNSTXT] = "DNS text",
		[WC_K_RRLIST] = "DNS records", [WC_K_DHCPOPTS] = "DHCP options",
	};
	return f->kind < sizeof(names) / sizeof(names[0]) && names[f->kind] ? names[f->kind] : "?";
}

/* _layers(): [(name, title)] of every layer. */
static PyObject *mod_layers(PyObject *self, PyObject *unused)
{
	size_t n;
	const struct wc_proto *const *all = wc_proto_all(&n);
	PyObject *list = PyList_New((Py_ssize_t)n);

	(void)self;
	(void)unused;
	for (size_t i = 0; list && i < n; i++) {
		PyObject *t = Py_BuildValue("(ss)", all[i]->name, all[i]->title);

		if (!t) {
			Py_DECREF((PyObject *)list);
			return NULL;
		}
		PyList_SetItem(list, (Py_ssize_t)i, t);
	}
	return list;
}

/* _fields(layer): [(name, kind, bits, default)] as `wirecraft ls LAYER` shows them; default
 * None for computed fields, "" for conditional ones. */
static PyObject *mod_fields(PyObject *self, PyObject *arg)
{
	static uint8_t buf[WC_MAX_PKT];
	static struct wc_pkt pkt;
	const struct wc_proto *p = wcpy_proto_arg(arg, NULL);
	PyObject *list;

	(void)self;
	if (!p)
		return NULL;
	/* a layer built alone gives its defaults in their shown form */
	wc_pkt_init(&pkt, buf, sizeof(buf));
	wc_pkt_push(&pkt, p);
	wc_build(&pkt);
	if (!(list = PyList_New(p->nfields)))
		return NULL;
	for (unsigned i = 0; i < p->nfields; i++) {
		const struct wc_field *f = &p->fields[i];
		char def[256];
		PyObject *t;

		if (f->flags & WC_FF_AUTO)
			t = Py_BuildValue("(ssIO)", f->name, kind_name(f), f->bits, Py_None);
		else if (!(pkt.l[0].here & (1u << i)))
			t = Py_BuildValue("(ssIs)", f->name, kind_name(f), f->bits, "");
		else {
			if (wc_fmt_field_value(&pkt.l[0], i, true, def, sizeof(def)) < 0)
				def[0] = 0;
			t = Py_BuildValue("(ssIs)", f->name, kind_name(f), f->bits, def);
		}
		if (!t) {
			Py_DECREF((PyObject *)list);
			return NULL;
		}
		PyList_SetItem(list, i, t);
	}
	return list;
}

static PyMethodDef mod_methods[] = {
	{"build", (PyCFunction)(void (*)(void))wcpy_build, METH_VARARGS | METH_KEYWORDS,
	 "build(expr, seed=None, iface=None) -> PacketSet\n\n"
	 "The packet set of a Scapy expression, never expanded: len(), indexing, iteration.\n"
	 "Raises ExprError (with .col and .msg) for a bad expression."},
	{"dissect", (PyCFunction)(void (*)(void))wcpy_dissect, METH_VARARGS | METH_KEYWORDS,
	 "dissect(data, first='Ether') -> Packet\n\nBytes into layers, as Scapy's CLASS(data)."},
	{"_layers", mod_layers, METH_NOARGS, "[(name, title)] of every layer."},
	{"_fields", mod_fields, METH_O, "[(name, kind, bits, default)] of one layer."},
	{"_PcapReader", (PyCFunction)(void (*)(void))wcpy_rdpcap_iter, METH_VARARGS | METH_KEYWORDS,
	 "_PcapReader(filename, filter=None): an iterator of the file's Packets that pass filter."},
	{"wrpcap", (PyCFunction)(void (*)(void))wcpy_wrpcap, METH_VARARGS | METH_KEYWORDS,
	 "wrpcap(filename, pkt): write packets (a Packet, bytes, a PacketSet or an iterable of\n"
	 "them) to a pcap file; it appears under its name only complete."},
	{"_sr", (PyCFunction)(void (*)(void))wcpy_sr, METH_VARARGS | METH_KEYWORDS,
	 "_sr(pkts, iface, ...) -> (pairs, unanswered, stats): wc_sr, the GIL released."},
	{"_send", (PyCFunction)(void (*)(void))wcpy_send, METH_VARARGS | METH_KEYWORDS,
	 "_send(pkts, iface, count=1, ...) -> packets sent: wc_send, the GIL released."},
	{"_Sniffer", (PyCFunction)(void (*)(void))wcpy_sniff_open, METH_VARARGS | METH_KEYWORDS,
	 "_Sniffer(iface, filter=None, steal=False): an open capture."},
	{"_Scanner", (PyCFunction)(void (*)(void))wcpy_scan_start, METH_VARARGS | METH_KEYWORDS,
	 "_Scanner(iface, targets, ...): a running scan, an iterator of result tuples."},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "wirecraft._wirecraft",
	"libwirecraft for Python: packet sets, dissection, pcap files and the datapath.", -1,
	mod_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__wirecraft(void)
{
	PyObject *m = PyModule_Create(&module);
	PyObject *d;

	if (!m)
		return NULL;
	d = Py_BuildValue("{s:s}", "__doc__",
			  "A bad Scapy expression: .col (1-based, 0 when not tied to a place), "
			  ".msg and .expr.");
	wcpy.expr_error = d ? PyErr_NewException("wirecraft.ExprError", PyExc_ValueError, d) : NULL;
	Py_XDECREF((PyObject *)d);
	if (!wcpy.expr_error || PyModule_AddObjectRef(m, "ExprError", wcpy.expr_error) < 0 ||
	    wcpy_packet_init_types(m) < 0 || wcpy_set_init_types(m) < 0 ||
	    wcpy_pcap_init_types(m) < 0 || wcpy_sniff_init_type() < 0 ||
	    wcpy_scan_init_type() < 0) {
		Py_DECREF((PyObject *)m);
		return NULL;
	}
	return m;
}
