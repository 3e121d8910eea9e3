/* SPDX-License-Identifier: MIT */
/* wirecraft.Packet and wirecraft.Layer: a packet's bytes with its dissection, and a view of
 * one layer whose attributes are its fields (p["TCP"].dport). A field becomes a Python object
 * only when it is read; the text views (summary, show, json) are libwirecraft's. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wcpy.h"
#include "wirecraft/format.h"

/* The dissection of the last packet looked at, and whose it is (WcPacket.id; 0: nobody's).
 * The GIL serialises every use. (struct wc_pkt holds WC_MAX_LAYERS layers: ~33 KB.) */
static struct wc_pkt scratch;
static uint64_t scratch_id, next_id = 1;

static const struct wc_pkt *dissected(WcPacket *p)
{
	char *b;
	Py_ssize_t n;
	int err;

	if (scratch_id == p->id)
		return &scratch;
	if (PyBytes_AsStringAndSize(p->raw, &b, &n) < 0)
		return NULL;
	scratch_id = 0;
	err = wc_dissect(&scratch, (const uint8_t *)b, (size_t)n, p->first);
	if (err) {
		wcpy_oserror(err, "dissect", NULL);
		return NULL;
	}
	scratch_id = p->id;
	p->nlayers = (int)scratch.nlayers;
	return &scratch;
}

const struct wc_pkt *wcpy_packet_view(WcPacket *p)
{
	return dissected(p);
}

WcPacket *wcpy_packet_new(PyObject *raw, const struct wc_proto *first, bool eager)
{
	WcPacket *p = PyObject_New(WcPacket, wcpy.packet_type);

	if (!p)
		return NULL;
	Py_INCREF((PyObject *)raw);
	p->raw = raw;
	p->first = first ? first : &wc_proto_ether;
	p->id = next_id++;
	p->nlayers = -1;
	p->time = 0;
	if (eager && !dissected(p)) {
		Py_DECREF((PyObject *)p);
		return NULL;
	}
	return p;
}

WcPacket *wcpy_packet_from(const uint8_t *b, size_t n, const struct wc_proto *first, bool eager)
{
	PyObject *raw = PyBytes_FromStringAndSize((const char *)b, (Py_ssize_t)n);
	WcPacket *p;

	if (!raw)
		return NULL;
	p = wcpy_packet_new(raw, first, eager);
	Py_DECREF((PyObject *)raw);
	return p;
}

static void packet_dealloc(WcPacket *p)
{
	PyTypeObject *tp = Py_TYPE((PyObject *)p);

	Py_XDECREF((PyObject *)p->raw);
	PyObject_Free(p);
	Py_DECREF((PyObject *)tp);
}

/* dissect(data, first="Ether") */
PyObject *wcpy_dissect(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"data", "first", NULL};
	PyObject *data, *first = Py_None, *raw;
	const struct wc_proto *fp;
	WcPacket *p;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O", kwl, &data, &first))
		return NULL;
	if (!(fp = wcpy_proto_arg(first, &wc_proto_ether)))
		return NULL;
	if (PyBytes_CheckExact(data)) {
		raw = data;
		Py_INCREF((PyObject *)raw);
	} else if (PyObject_TypeCheck(data, wcpy.packet_type)) {
		raw = ((WcPacket *)data)->raw;
		Py_INCREF((PyObject *)raw);
	} else {
		raw = PyBytes_FromObject(data); /* bytearray, memoryview, ... */
		if (!raw)
			return NULL;
	}
	p = wcpy_packet_new(raw, fp, true);
	Py_DECREF((PyObject *)raw);
	return (PyObject *)p;
}

/* ---- field values ---------------------------------------------------------------------- */

static PyObject *tcpopts_value(const uint8_t *b, size_t n)
{
	PyObject *list = PyList_New(0);
	struct wc_tcpopt o;
	size_t pos = 0;

	if (!list)
		return NULL;
	while (wc_tcpopt_next(b, n, &pos, &o) == 1) {
		PyObject *name, *val, *t;

		name = o.name ? PyUnicode_FromString(o.name) : PyLong_FromUnsignedLong(o.kind);
		switch (o.type) {
		case WC_TO_NONE: val = Py_None; Py_INCREF((PyObject *)val); break;
		case WC_TO_INT: val = PyLong_FromUnsignedLong(o.ints[0]); break;
		case WC_TO_TUPLE:
			val = PyTuple_New(o.nints);
			for (unsigned i = 0; val && i < o.nints; i++)
				PyTuple_SetItem(val, i, PyLong_FromUnsignedLong(o.ints[i]));
			break;
		default: val = PyBytes_FromStringAndSize((const char *)o.b, (Py_ssize_t)o.blen); break;
		}
		t = name && val ? PyTuple_Pack(2, name, val) : NULL;
		Py_XDECREF((PyObject *)name);
		Py_XDECREF((PyObject *)val);
		if (!t || PyList_Append(list, t) < 0) {
			Py_XDECREF((PyObject *)t);
			Py_DECREF((PyObject *)list);
			return NULL;
		}
		Py_DECREF((PyObject *)t);
	}
	return list;
}

/* A field in the JSON view's shape, as Python objects (json.loads of wc_fmt_field_json): the
 * kinds with structure of their own (DNS records, TXT strings, DHCP options). */
static PyObject *json_field_value(const struct wc_pkt *p, unsigned li, unsigned fi)
{
	char buf[4096], *t = buf;
	int n = wc_fmt_field_json(p, li, fi, buf, sizeof(buf));
	PyObject *mod, *str, *v = NULL;

	if (n < 0)
		return wcpy_oserror(n, "field", NULL);
	if ((size_t)n >= sizeof(buf)) {
		if (!(t = malloc((size_t)n + 1)))
			return PyErr_NoMemory();
		wc_fmt_field_json(p, li, fi, t, (size_t)n + 1);
	}
	str = PyUnicode_FromStringAndSize(t, n);
	if (t != buf)
		free(t);
	mod = str ? PyImport_ImportModule("json") : NULL;
	if (mod)
		v = PyObject_CallMethod(mod, "loads", "O", str);
	Py_XDECREF(mod);
	Py_XDECREF(str);
	return v;
}

/* Field fi of layer li as Python: integers for integer kinds (enums and flags too, as their
 * numbers), str for addresses, bytes for byte kinds and DNS names (Scapy's b'a.example.'),
 * Scapy's [(name, value)] for TCP options, the JSON view's shape for DNS records, TXT
 * strings and DHCP options; None for a conditional field the packet does not have. */
static PyObject *field_value(const struct wc_pkt *p, unsigned li, unsigned fi)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_field *f = &l->proto->fields[fi];
	const struct wc_val *v = &l->v[fi];
	char s[64];

	if (!(l->here & (1u << fi))) {
		/* a list Scapy's dissection never reached is still there, empty (WC_FF_LIST) */
		if (!(f->flags & WC_FF_LIST))
			Py_RETURN_NONE;
		if (f->kind == WC_K_BYTES)
			return PyBytes_FromStringAndSize("", 0);
		return json_field_value(p, li, fi);
	}
	switch (f->kind) {
	case WC_K_MAC:
		snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(v->u >> 40) & 255,
			 (unsigned)(v->u >> 32) & 255, (unsigned)(v->u >> 24) & 255,
			 (unsigned)(v->u >> 16) & 255, (unsigned)(v->u >> 8) & 255,
			 (unsigned)v->u & 255);
		return PyUnicode_FromString(s);
	case WC_K_IPV4:
		snprintf(s, sizeof(s), "%u.%u.%u.%u", (unsigned)(v->u >> 24) & 255,
			 (unsigned)(v->u >> 16) & 255, (unsigned)(v->u >> 8) & 255,
			 (unsigned)v->u & 255);
		return PyUnicode_FromString(s);
	case WC_K_IPV6:
		inet_ntop(AF_INET6, v->a, s, sizeof(s));
		return PyUnicode_FromString(s);
	case WC_K_BYTES:
	case WC_K_IPOPTS:
		return PyBytes_FromStringAndSize((const char *)v->b, v->blen);
	case WC_K_TCPOPTS:
		return tcpopts_value(v->b, v->blen);
	case WC_K_DNSNAME: { /* the JSON view has the text's hex */
		PyObject *hex = json_field_value(p, li, fi), *b = NULL;

		if (hex)
			b = PyObject_CallMethod((PyObject *)&PyBytes_Type, "fromhex", "O", hex);
		Py_XDECREF(hex);
		return b;
	}
	case WC_K_DNSTXT:
	case WC_K_RRLIST:
	case WC_K_DHCPOPTS:
		return json_field_value(p, li, fi);
	default:
		return PyLong_FromUnsignedLongLong(v->u);
	}
}

/* ---- Layer ------------------------------------------------------------------------------ */

static PyObject *layer_new(WcPacket *p, unsigned li)
{
	WcLayer *l = PyObject_New(WcLayer, wcpy.layer_type);

	if (!l)
		return NULL;
	Py_INCREF((PyObject *)p);
	l->pkt = p;
	l->li = li;
	return (PyObject *)l;
}

static void layer_dealloc(WcLayer *l)
{
	PyTypeObject *tp = Py_TYPE((PyObject *)l);

	Py_XDECREF((PyObject *)l->pkt);
	PyObject_Free(l);
	Py_DECREF((PyObject *)tp);
}

/* The layer, in the scratch dissection (NULL with an exception). */
static const struct wc_layer *layer_of(WcLayer *l)
{
	const struct wc_pkt *d = dissected(l->pkt);

	return d ? &d->l[l->li] : NULL;
}

/* The field called `name`: a table may have several of one name, exclusive conditional
 * fields standing for one Scapy MultipleTypeField (ICMP's `unused`): the one present wins.
 * -1 when there is none. */
static int field_by_name(const struct wc_layer *l, const char *name)
{
	int first = -1;

	for (unsigned i = 0; i < l->proto->nfields; i++) {
		if (strcmp(l->proto->fields[i].name, name))
			continue;
		if (l->here & (1u << i))
			return (int)i;
		if (first < 0)
			first = (int)i;
	}
	return first;
}

static PyObject *layer_getattro(WcLayer *self, PyObject *name)
{
	const struct wc_pkt *d = dissected(self->pkt);
	const struct wc_layer *l = d ? &d->l[self->li] : NULL;
	const char *s = PyUnicode_AsUTF8AndSize(name, NULL);
	int fi;

	if (!s || !l)
		return NULL;
	/* fields first (Scapy's Packet.__getattr__ order), then methods */
	if (s[0] != '_' && (fi = field_by_name(l, s)) >= 0)
		return field_value(d, self->li, (unsigned)fi);
	return PyObject_GenericGetAttr((PyObject *)self, name);
}

static PyObject *layer_fields(WcLayer *self, void *closure)
{
	const struct wc_pkt *pk = dissected(self->pkt);
	const struct wc_layer *l = pk ? &pk->l[self->li] : NULL;
	PyObject *d = l ? PyDict_New() : NULL;

	(void)closure;
	for (unsigned i = 0; d && i < l->proto->nfields; i++) {
		PyObject *v;

		if (field_by_name(l, l->proto->fields[i].name) != (int)i)
			continue; /* another field of that name is the one present */
		v = field_value(pk, self->li, i);

		if (!v || PyDict_SetItemString(d, l->proto->fields[i].name, v) < 0) {
			Py_XDECREF((PyObject *)v);
			Py_DECREF((PyObject *)d);
			return NULL;
		}
		Py_DECREF((PyObject *)v);
	}
	return d;
}

static PyObject *layer_name(WcLayer *self, void *closure)
{
	const struct wc_layer *l = layer_of(self);

	(void)closure;
	return l ? PyUnicode_FromString(l->proto->name) : NULL;
}

static PyObject *layer_status(WcLayer *self, void *closure)
{
	static const char *const names[] = {"ok", "truncated", "malformed"};
	const struct wc_layer *l = layer_of(self);
	unsigned st = l ? l->status : 0;

	(void)closure;
	if (!l)
		return NULL;
	return PyUnicode_FromString(st < 3 ? names[st] : "?");
}

/* The layer and those above it, as a packet of its own (Scapy's p[IP] is the IP layer with
 * its payload). */
static PyObject *layer_payload(WcLayer *self, void *closure)
{
	(void)closure;
	if (!layer_of(self))
		return NULL;
	if ((int)self->li + 1 >= self->pkt->nlayers)
		Py_RETURN_NONE;
	return layer_new(self->pkt, self->li + 1);
}

static PyObject *layer_offset(WcLayer *self, void *closure)
{
	const struct wc_layer *l = layer_of(self);

	(void)closure;
	return l ? PyLong_FromUnsignedLong(l->off) : NULL;
}

static PyObject *layer_dir(WcLayer *self, PyObject *unused)
{
	const struct wc_layer *l = layer_of(self);
	PyObject *list = l ? PyList_New(0) : NULL;
	static const char *const extra[] = {"name", "fields", "payload", "offset", "status", NULL};

	(void)unused;
	for (unsigned i = 0; list && i < l->proto->nfields; i++) {
		PyObject *s = PyUnicode_FromString(l->proto->fields[i].name);

		if (!s || PyList_Append(list, s) < 0) {
			Py_XDECREF((PyObject *)s);
			Py_DECREF((PyObject *)list);
			return NULL;
		}
		Py_DECREF((PyObject *)s);
	}
	for (int i = 0; list && extra[i]; i++) {
		PyObject *s = PyUnicode_FromString(extra[i]);

		if (!s || PyList_Append(list, s) < 0) {
			Py_XDECREF((PyObject *)s);
			Py_DECREF((PyObject *)list);
			return NULL;
		}
		Py_DECREF((PyObject *)s);
	}
	return list;
}

static PyObject *layer_repr(WcLayer *self)
{
	const struct wc_layer *l = layer_of(self);
	char buf[512];
	struct wc_sb sb;

	if (!l)
		return NULL;
	wc_sb_init(&sb, buf, sizeof(buf));
	wc_sb_printf(&sb, "<%s", l->proto->name);
	for (unsigned i = 0; i < l->proto->nfields; i++) {
		if (!(l->here & (1u << i)))
			continue;
		wc_sb_printf(&sb, " %s=", l->proto->fields[i].name);
		wc_sb_value(&sb, l, i, true);
	}
	wc_sb_puts(&sb, ">");
	if (sb.len >= sizeof(buf))
		memcpy(buf + sizeof(buf) - 5, "...>", 5);
	return PyUnicode_FromString(buf);
}

static PyGetSetDef layer_getset[] = {
	{"name", (getter)layer_name, NULL, "Scapy's class name of the layer (\"TCP\").", NULL},
	{"fields", (getter)layer_fields, NULL, "Every field as a dict, in table order.", NULL},
	{"payload", (getter)layer_payload, NULL, "The next layer, or None.", NULL},
	{"offset", (getter)layer_offset, NULL, "Where the layer starts in the packet's bytes.", NULL},
	{"status", (getter)layer_status, NULL, "\"ok\", \"truncated\" or \"malformed\".", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef layer_methods[] = {
	{"__dir__", (PyCFunction)layer_dir, METH_NOARGS, NULL},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot layer_slots[] = {
	{Py_tp_doc, "One layer of a Packet: its fields are attributes (p[\"TCP\"].dport)."},
	{Py_tp_dealloc, layer_dealloc},
	{Py_tp_getattro, layer_getattro},
	{Py_tp_getset, layer_getset},
	{Py_tp_methods, layer_methods},
	{Py_tp_repr, layer_repr},
	{0, NULL},
};

static PyType_Spec layer_spec = {
	"wirecraft.Layer", sizeof(WcLayer), 0, Py_TPFLAGS_DEFAULT, layer_slots,
};

/* ---- Packet ----------------------------------------------------------------------------- */

/* The index of the nb-th layer named `name` (Scapy's getlayer(cls, nb)), or -1. */
static int find_layer(const struct wc_pkt *d, const char *name, long nb)
{
	for (unsigned i = 0; i < d->nlayers; i++)
		if (!strcmp(d->l[i].proto->name, name) && --nb == 0)
			return (int)i;
	return -1;
}

/* A layer by name (str, or a class whose __name__ is the name, e.g. Scapy's TCP) or index. */
static int layer_index(WcPacket *p, PyObject *key, long nb, bool *missing)
{
	PyObject *name = NULL;
	const char *s;
	int li;

	const struct wc_pkt *d = dissected(p);

	*missing = false;
	if (!d)
		return -1;
	if (PyLong_Check(key)) {
		long i = PyLong_AsLong(key);

		if (i < 0)
			i += (long)p->nlayers;
		if (i < 0 || i >= (long)p->nlayers) {
			*missing = true;
			return -1;
		}
		return (int)i;
	}
	if (PyUnicode_Check(key)) {
		name = key;
		Py_INCREF((PyObject *)name);
	} else if (!(name = PyObject_GetAttrString(key, "__name__"))) {
		return -1;
	}
	s = PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, NULL) : NULL;
	if (!s) {
		Py_DECREF((PyObject *)name);
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError, "a layer is named by a str, a class or an int");
		return -1;
	}
	li = find_layer(dissected(p), s, nb); /* (still p's: nothing dissected in between) */
	Py_DECREF((PyObject *)name);
	if (li < 0)
		*missing = true;
	return li;
}

static PyObject *packet_getitem(WcPacket *p, PyObject *key)
{
	bool missing;
	int li = layer_index(p, key, 1, &missing);

	if (li < 0) {
		if (missing) {
			PyObject *r = PyObject_Repr(key);

			PyErr_Format(PyExc_IndexError, "Layer [%U] not found", r ? r : key);
			Py_XDECREF((PyObject *)r);
		}
		return NULL;
	}
	return layer_new(p, (unsigned)li);
}

static int packet_contains(WcPacket *p, PyObject *key)
{
	bool missing;
	int li = layer_index(p, key, 1, &missing);

	if (li < 0)
		return missing ? 0 : -1;
	return 1;
}

static PyObject *packet_getlayer(WcPacket *p, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"cls", "nb", NULL};
	PyObject *key;
	long nb = 1;
	bool missing;
	int li;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|l", kwl, &key, &nb))
		return NULL;
	li = layer_index(p, key, nb, &missing);
	if (li < 0) {
		if (missing)
			Py_RETURN_NONE;
		return NULL;
	}
	return layer_new(p, (unsigned)li);
}

static PyObject *packet_haslayer(WcPacket *p, PyObject *key)
{
	int r = packet_contains(p, key);

	if (r < 0)
		return NULL;
	return PyBool_FromLong(r);
}

static PyObject *packet_layers(WcPacket *p, PyObject *unused)
{
	PyObject *list;

	const struct wc_pkt *d = dissected(p);

	(void)unused;
	if (!d || !(list = PyList_New(d->nlayers)))
		return NULL;
	for (unsigned i = 0; i < d->nlayers; i++) {
		PyObject *s = PyUnicode_FromString(d->l[i].proto->name);

		if (!s) {
			Py_DECREF((PyObject *)list);
			return NULL;
		}
		PyList_SetItem(list, i, s);
	}
	return list;
}

PyObject *wcpy_format(int (*fmt)(const struct wc_pkt *, char *, size_t), const struct wc_pkt *p)
{
	char small[512], *big;
	int n = fmt(p, small, sizeof(small));
	PyObject *r;

	if (n < 0)
		return wcpy_oserror(n, "format", NULL);
	if ((size_t)n < sizeof(small))
		return PyUnicode_DecodeUTF8(small, n, "replace");
	if (!(big = malloc((size_t)n + 1)))
		return PyErr_NoMemory();
	n = fmt(p, big, (size_t)n + 1);
	r = n < 0 ? wcpy_oserror(n, "format", NULL) : PyUnicode_DecodeUTF8(big, n, "replace");
	free(big);
	return r;
}

static PyObject *packet_fmt(WcPacket *p, int (*fmt)(const struct wc_pkt *, char *, size_t))
{
	const struct wc_pkt *v = wcpy_packet_view(p);

	return v ? wcpy_format(fmt, v) : NULL;
}

static PyObject *packet_summary(WcPacket *p, PyObject *unused)
{
	(void)unused;
	return packet_fmt(p, wc_fmt_summary);
}

static PyObject *packet_json(WcPacket *p, PyObject *unused)
{
	(void)unused;
	return packet_fmt(p, wc_fmt_json);
}

/* show(dump=False): Scapy's show2() text; printed (through sys.stdout, so that redirections
 * and pytest's capture see it), or returned with dump=True, as Scapy's show(dump=True). */
static PyObject *packet_show(WcPacket *p, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"dump", NULL};
	int dump = 0;
	PyObject *text, *out, *r;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|p", kwl, &dump))
		return NULL;
	if (!(text = packet_fmt(p, wc_fmt_show)))
		return NULL;
	if (dump)
		return text;
	out = PySys_GetObject("stdout"); /* borrowed */
	if (!out || out == Py_None) {
		Py_DECREF((PyObject *)text);
		Py_RETURN_NONE;
	}
	/* Scapy prints the dumped text with print(): one more newline */
	r = PyObject_CallMethod(out, "write", "O", text);
	Py_DECREF((PyObject *)text);
	if (r) {
		Py_DECREF((PyObject *)r);
		r = PyObject_CallMethod(out, "write", "s", "\n");
	}
	if (!r)
		return NULL;
	Py_DECREF((PyObject *)r);
	Py_RETURN_NONE;
}

static PyObject *packet_bytes(WcPacket *p, PyObject *unused)
{
	(void)unused;
	Py_INCREF((PyObject *)p->raw);
	return p->raw;
}

/* The same bytes as a Scapy packet of the same first class (Scapy imported on demand). */
static PyObject *packet_to_scapy(WcPacket *p, PyObject *unused)
{
	PyObject *mod, *cls, *r;

	(void)unused;
	if (!(mod = PyImport_ImportModule("scapy.all")))
		return NULL;
	cls = PyObject_GetAttrString(mod, p->first->name);
	Py_DECREF((PyObject *)mod);
	if (!cls)
		return NULL;
	r = PyObject_CallFunctionObjArgs(cls, p->raw, NULL);
	Py_DECREF((PyObject *)cls);
	if (r && p->time > 0) {
		PyObject *t = PyFloat_FromDouble(p->time);

		if (!t || PyObject_SetAttrString(r, "time", t) < 0)
			PyErr_Clear(); /* a time Scapy refuses is not worth failing for */
		Py_XDECREF((PyObject *)t);
	}
	return r;
}

static Py_ssize_t packet_len(WcPacket *p)
{
	return PyBytes_Size(p->raw);
}

static PyObject *packet_repr(WcPacket *p)
{
	PyObject *s = packet_fmt(p, wc_fmt_summary), *r;

	if (!s)
		return NULL;
	r = PyUnicode_FromFormat("<Packet %U>", s);
	Py_DECREF((PyObject *)s);
	return r;
}

static PyObject *packet_richcompare(WcPacket *a, PyObject *b, int op)
{
	PyObject *rb;

	if ((op != Py_EQ && op != Py_NE))
		Py_RETURN_NOTIMPLEMENTED;
	if (PyObject_TypeCheck(b, wcpy.packet_type))
		rb = ((WcPacket *)b)->raw;
	else if (PyBytes_Check(b))
		rb = b;
	else
		Py_RETURN_NOTIMPLEMENTED;
	return PyObject_RichCompare(a->raw, rb, op);
}

static PyObject *packet_get_time(WcPacket *p, void *closure)
{
	(void)closure;
	return PyFloat_FromDouble(p->time);
}

static int packet_set_time(WcPacket *p, PyObject *v, void *closure)
{
	double t;

	(void)closure;
	if (!v) {
		PyErr_SetString(PyExc_AttributeError, "time cannot be deleted");
		return -1;
	}
	t = PyFloat_AsDouble(v);
	if (t == -1 && PyErr_Occurred())
		return -1;
	p->time = t;
	return 0;
}

static PyObject *packet_first(WcPacket *p, void *closure)
{
	(void)closure;
	return PyUnicode_FromString(p->first->name);
}

static PyGetSetDef packet_getset[] = {
	{"time", (getter)packet_get_time, (setter)packet_set_time,
	 "Capture or send time, seconds since the epoch (0.0: not known).", NULL},
	{"first", (getter)packet_first, NULL, "The class the bytes were dissected from.", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef packet_methods[] = {
	{"summary", (PyCFunction)packet_summary, METH_NOARGS,
	 "Scapy's summary(): 'Ether / IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:http S'."},
	{"show", (PyCFunction)(void (*)(void))packet_show, METH_VARARGS | METH_KEYWORDS,
	 "show(dump=False): Scapy's show2() text, printed, or returned when dump is true."},
	{"show2", (PyCFunction)(void (*)(void))packet_show, METH_VARARGS | METH_KEYWORDS,
	 "The same as show(): a wirecraft packet is always built."},
	{"json", (PyCFunction)packet_json, METH_NOARGS,
	 "The dissection as JSON text: [{\"layer\": ..., \"fields\": {...}}, ...]."},
	{"layers", (PyCFunction)packet_layers, METH_NOARGS, "The layers' class names, outermost first."},
	{"haslayer", (PyCFunction)packet_haslayer, METH_O, "haslayer(cls): is there such a layer?"},
	{"getlayer", (PyCFunction)(void (*)(void))packet_getlayer, METH_VARARGS | METH_KEYWORDS,
	 "getlayer(cls, nb=1): the nb-th layer of that class (name, class or index), or None."},
	{"to_scapy", (PyCFunction)packet_to_scapy, METH_NOARGS,
	 "The same packet as a Scapy object (needs Scapy)."},
	{"__bytes__", (PyCFunction)packet_bytes, METH_NOARGS, "The packet's bytes."},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot packet_slots[] = {
	{Py_tp_doc, "A packet: its bytes and their dissection into layers (p[\"IP\"].dst).\n"
		    "Made by wirecraft.dissect(), by indexing or iterating a PacketSet, by\n"
		    "rdpcap(), sniff() and sr()."},
	{Py_tp_dealloc, packet_dealloc},
	{Py_tp_methods, packet_methods},
	{Py_tp_getset, packet_getset},
	{Py_tp_repr, packet_repr},
	{Py_tp_richcompare, packet_richcompare},
	{Py_mp_subscript, packet_getitem},
	{Py_mp_length, packet_len},
	{Py_sq_contains, packet_contains},
	{0, NULL},
};

static PyType_Spec packet_spec = {
	"wirecraft.Packet", sizeof(WcPacket), 0, Py_TPFLAGS_DEFAULT, packet_slots,
};

int wcpy_packet_init_types(PyObject *m)
{
	wcpy.packet_type = (PyTypeObject *)PyType_FromSpec(&packet_spec);
	wcpy.layer_type = (PyTypeObject *)PyType_FromSpec(&layer_spec);
	if (!wcpy.packet_type || !wcpy.layer_type)
		return -1;
	if (PyModule_AddObjectRef(m, "Packet", (PyObject *)wcpy.packet_type) < 0 ||
	    PyModule_AddObjectRef(m, "Layer", (PyObject *)wcpy.layer_type) < 0)
		return -1;
	return 0;
}
