/* SPDX-License-Identifier: MIT */
/* wirecraft.PacketSet: a Scapy expression's packet set, never expanded. len() is the product
 * of its varying fields' sizes; indexing seeks the set's template (wirecraft/tmpl.h) to that
 * packet; iterating walks the template fast path, one patch per packet, handing out bytes
 * (raw()) or packets dissected on first use (iter()). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "wcpy.h"
#include "wirecraft/iface.h"
#include "wirecraft/tmpl.h"

typedef struct {
	PyObject_HEAD
	struct wc_set *set;
	struct wc_tmpl *tmpl; /* for indexing, made on first use */
	uint8_t *frame;       /* its frame (holds the template bytes) */
	PyObject *expr;       /* str */
	uint64_t seed;
} WcSet;

typedef struct {
	PyObject_HEAD
	WcSet *owner;
	struct wc_tmpl *tmpl;
	uint8_t *frame;
	uint64_t left;        /* packets still to hand out (repetitions included) */
	uint64_t per_pass;    /* packets in one walk of the set */
	bool raw;             /* bytes instead of packets */
} WcSetIter;

#define FRAME_CAP WC_MAX_PKT

struct wc_set *wcpy_parse(const char *expr)
{
	struct wc_set *s = NULL;
	struct wc_err err = {0};
	int rc = wc_set_parse(expr, &s, &err);
	PyObject *exc;

	if (rc == 0)
		return s;
	if (rc != -EINVAL) {
		wcpy_oserror(rc, "expression", NULL);
		return NULL;
	}
	{
		const char *m = err.msg[0] ? err.msg : "invalid expression";
		PyObject *text = err.col > 0 ? PyUnicode_FromFormat("col %d: %s", err.col, m)
					     : PyUnicode_FromString(m);

		exc = text ? PyObject_CallFunctionObjArgs(wcpy.expr_error, text, NULL) : NULL;
		Py_XDECREF((PyObject *)text);
		if (!exc)
			return NULL;
		/* what a caller reads: e.col (1-based, 0: no place), e.msg, e.expr */
		PyObject *msg = PyUnicode_FromString(m), *col = PyLong_FromLong(err.col);
		PyObject *ex = PyUnicode_FromString(expr);

		if (!msg || !col || !ex || PyObject_SetAttrString(exc, "msg", msg) < 0 ||
		    PyObject_SetAttrString(exc, "col", col) < 0 ||
		    PyObject_SetAttrString(exc, "expr", ex) < 0) {
			Py_XDECREF((PyObject *)msg);
			Py_XDECREF((PyObject *)col);
			Py_XDECREF((PyObject *)ex);
			Py_DECREF((PyObject *)exc);
			return NULL;
		}
		Py_DECREF((PyObject *)msg);
		Py_DECREF((PyObject *)col);
		Py_DECREF((PyObject *)ex);
	}
	PyErr_SetObject(wcpy.expr_error, exc);
	Py_DECREF((PyObject *)exc);
	return NULL;
}

static void set_dealloc(WcSet *s)
{
	PyTypeObject *tp = Py_TYPE((PyObject *)s);

	wc_tmpl_free(s->tmpl);
	free(s->frame);
	wc_set_free(s->set);
	Py_XDECREF((PyObject *)s->expr);
	PyObject_Free(s);
	Py_DECREF((PyObject *)tp);
}

/* build(expr, seed=None, iface=None) */
PyObject *wcpy_build(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"expr", "seed", "iface", NULL};
	PyObject *expr, *seedo = Py_None;
	const char *iface = NULL, *e;
	WcSet *s;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "U|Oz", kwl, &expr, &seedo, &iface))
		return NULL;
	if (!(e = PyUnicode_AsUTF8AndSize(expr, NULL)))
		return NULL;
	if (!(s = PyObject_New(WcSet, wcpy.set_type)))
		return NULL;
	s->tmpl = NULL;
	s->frame = NULL;
	s->expr = expr;
	Py_INCREF((PyObject *)expr);
	if (!(s->set = wcpy_parse(e))) {
		Py_DECREF((PyObject *)s);
		return NULL;
	}
	/* One seed for the set's life, so that s[i] and iteration agree on random values. */
	if (seedo != Py_None) {
		s->seed = PyLong_AsUnsignedLongLong(seedo);
		if (PyErr_Occurred() || !s->seed) {
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_ValueError, "seed: nonzero");
			Py_DECREF((PyObject *)s);
			return NULL;
		}
	} else {
		do {
			if (getrandom(&s->seed, sizeof(s->seed), 0) != sizeof(s->seed))
				s->seed = 0x9e3779b97f4a7c15ull;
		} while (!s->seed);
	}
	wc_set_seed(s->set, s->seed);
	if (iface) {
		struct wc_iface ifc;
		int err = wc_iface_get(iface, &ifc);

		if (!err)
			err = wc_set_apply_iface(s->set, &ifc);
		if (err) {
			wcpy_oserror(err, iface, NULL);
			Py_DECREF((PyObject *)s);
			return NULL;
		}
	}
	return (PyObject *)s;
}

static int ensure_tmpl(WcSet *s)
{
	const uint8_t *tb;
	size_t n;
	int err;

	if (s->tmpl)
		return 0;
	if ((err = wc_tmpl_new(s->set, &s->tmpl))) {
		wcpy_oserror(err, "build", NULL);
		return -1;
	}
	if (!(s->frame = malloc(FRAME_CAP))) {
		PyErr_NoMemory();
		return -1;
	}
	tb = wc_tmpl_bytes(s->tmpl, &n);
	memcpy(s->frame, tb, n);
	return 0;
}

static Py_ssize_t set_len(WcSet *s)
{
	uint64_t n = wc_set_count(s->set);

	if (n > (uint64_t)PY_SSIZE_T_MAX) {
		PyErr_SetString(PyExc_OverflowError, "the set has more packets than len() can say: "
				"use .count");
		return -1;
	}
	return (Py_ssize_t)n;
}

static PyObject *set_count(WcSet *s, void *closure)
{
	uint64_t n = wc_set_count(s->set);

	(void)closure;
	if (n == UINT64_MAX)
		return PyFloat_FromDouble(Py_HUGE_VAL); /* more than 2^64 */
	return PyLong_FromUnsignedLongLong(n);
}

static const struct wc_proto *set_first(WcSet *s)
{
	const struct wc_proto *p = wc_set_layer(s->set, 0);

	return p ? p : &wc_proto_raw;
}

static PyObject *set_item(WcSet *s, Py_ssize_t i)
{
	size_t len;
	int err;

	if (ensure_tmpl(s) < 0)
		return NULL;
	if (i < 0 || (uint64_t)i >= wc_set_count(s->set)) {
		PyErr_SetString(PyExc_IndexError, "PacketSet index out of range");
		return NULL;
	}
	wc_tmpl_seek(s->tmpl, (uint64_t)i);
	err = wc_tmpl_next(s->tmpl, s->frame, FRAME_CAP, &len);
	if (err)
		return wcpy_oserror(err, "build", NULL);
	return (PyObject *)wcpy_packet_from(s->frame, len, set_first(s), false);
}

static PyObject *set_subscript(WcSet *s, PyObject *key)
{
	Py_ssize_t i, n;

	if (!PyLong_Check(key)) {
		PyErr_SetString(PyExc_TypeError, "PacketSet indices are integers");
		return NULL;
	}
	i = PyLong_AsSsize_t(key);
	if (i == -1 && PyErr_Occurred())
		return NULL;
	if (i < 0) {
		if ((n = set_len(s)) < 0)
			return NULL;
		i += n;
	}
	return set_item(s, i);
}

static PyObject *iter_make(WcSet *s, bool raw, uint64_t count)
{
	WcSetIter *it = PyObject_New(WcSetIter, wcpy.set_iter_type);
	const uint8_t *tb;
	size_t n;
	int err;

	if (!it)
		return NULL;
	Py_INCREF((PyObject *)s);
	it->owner = s;
	it->raw = raw;
	it->tmpl = NULL;
	it->frame = malloc(FRAME_CAP);
	if (!it->frame) {
		Py_DECREF((PyObject *)it);
		return PyErr_NoMemory();
	}
	if ((err = wc_tmpl_new(s->set, &it->tmpl))) {
		Py_DECREF((PyObject *)it);
		return wcpy_oserror(err, "build", NULL);
	}
	tb = wc_tmpl_bytes(it->tmpl, &n);
	memcpy(it->frame, tb, n);
	it->per_pass = wc_set_count(s->set);
	it->left = count == 0 ? it->per_pass
		   : it->per_pass > UINT64_MAX / count ? UINT64_MAX : it->per_pass * count;
	return (PyObject *)it;
}

static PyObject *set_iter(WcSet *s)
{
	return iter_make(s, false, 1);
}

static uint64_t count_arg(PyObject *o, bool *ok)
{
	uint64_t c = 1;

	*ok = true;
	if (o && o != Py_None) {
		c = PyLong_AsUnsignedLongLong(o);
		if (PyErr_Occurred() || c == 0) {
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_ValueError, "count: 1 or more");
			*ok = false;
		}
	}
	return c;
}

/* raw(count=1): the packets' bytes; count walks the set that many times (Scapy's count). */
static PyObject *set_raw(WcSet *s, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"count", NULL};
	PyObject *co = NULL;
	bool ok;
	uint64_t c;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O", kwl, &co))
		return NULL;
	c = count_arg(co, &ok);
	return ok ? iter_make(s, true, c) : NULL;
}

static PyObject *set_packets(WcSet *s, PyObject *args, PyObject *kw)
{
	static char *kwl[] = {"count", NULL};
	PyObject *co = NULL;
	bool ok;
	uint64_t c;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O", kwl, &co))
		return NULL;
	c = count_arg(co, &ok);
	return ok ? iter_make(s, false, c) : NULL;
}

static PyObject *set_repr(WcSet *s)
{
	uint64_t n = wc_set_count(s->set);

	if (n == UINT64_MAX)
		return PyUnicode_FromFormat("<PacketSet %R: more than 2**64 packets>", s->expr);
	return PyUnicode_FromFormat("<PacketSet %R: %llu packet%s>", s->expr,
				    (unsigned long long)n, n == 1 ? "" : "s");
}

static PyObject *set_expr(WcSet *s, void *closure)
{
	(void)closure;
	Py_INCREF((PyObject *)s->expr);
	return s->expr;
}

static PyObject *set_seed(WcSet *s, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLongLong(s->seed);
}

static PyObject *set_first_name(WcSet *s, void *closure)
{
	(void)closure;
	return PyUnicode_FromString(set_first(s)->name);
}

static PyObject *set_is_fast(WcSet *s, void *closure)
{
	(void)closure;
	if (ensure_tmpl(s) < 0)
		return NULL;
	return PyBool_FromLong(wc_tmpl_is_fast(s->tmpl));
}

PyObject *wcpy_expr_arg(PyObject *o)
{
	if (PyUnicode_Check(o)) {
		Py_INCREF((PyObject *)o);
		return o;
	}
	if (PyObject_TypeCheck(o, wcpy.set_type)) {
		Py_INCREF((PyObject *)((WcSet *)o)->expr);
		return ((WcSet *)o)->expr;
	}
	PyErr_SetString(PyExc_TypeError, "a packet set: an expression (str) or a PacketSet");
	return NULL;
}

static PyGetSetDef set_getset[] = {
	{"expr", (getter)set_expr, NULL, "The expression.", NULL},
	{"seed", (getter)set_seed, NULL, "The seed of its random values.", NULL},
	{"count", (getter)set_count, NULL, "Packets in the set (inf beyond 2**64).", NULL},
	{"first", (getter)set_first_name, NULL, "The class of the first layer.", NULL},
	{"fast", (getter)set_is_fast, NULL,
	 "True when the set is walked by template patches, False when by full builds.", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef set_methods[] = {
	{"raw", (PyCFunction)(void (*)(void))set_raw, METH_VARARGS | METH_KEYWORDS,
	 "raw(count=1): an iterator of the packets' bytes, the set walked count times."},
	{"packets", (PyCFunction)(void (*)(void))set_packets, METH_VARARGS | METH_KEYWORDS,
	 "packets(count=1): an iterator of Packets (dissected on first use)."},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot set_slots[] = {
	{Py_tp_doc, "A packet set from a Scapy expression: lazy (len() of a /8 is instant),\n"
		    "indexable, iterable (Packets), raw() for bytes."},
	{Py_tp_dealloc, set_dealloc},
	{Py_tp_iter, set_iter},
	{Py_tp_repr, set_repr},
	{Py_tp_getset, set_getset},
	{Py_tp_methods, set_methods},
	{Py_mp_length, set_len},
	{Py_mp_subscript, set_subscript},
	{0, NULL},
};

static PyType_Spec set_spec = {
	"wirecraft.PacketSet", sizeof(WcSet), 0, Py_TPFLAGS_DEFAULT, set_slots,
};

static void iter_dealloc(WcSetIter *it)
{
	PyTypeObject *tp = Py_TYPE((PyObject *)it);

	wc_tmpl_free(it->tmpl);
	free(it->frame);
	Py_XDECREF((PyObject *)it->owner);
	PyObject_Free(it);
	Py_DECREF((PyObject *)tp);
}

static PyObject *iter_next(WcSetIter *it)
{
	size_t len;
	int err;

	if (!it->left)
		return NULL;
	err = wc_tmpl_next(it->tmpl, it->frame, FRAME_CAP, &len);
	if (err == -ENOENT && it->per_pass) {
		/* another walk of the set (count > 1) */
		wc_tmpl_seek(it->tmpl, 0);
		err = wc_tmpl_next(it->tmpl, it->frame, FRAME_CAP, &len);
	}
	if (err == -ENOENT) {
		it->left = 0;
		return NULL;
	}
	if (err)
		return wcpy_oserror(err, "build", NULL);
	it->left--;
	if (it->raw)
		return PyBytes_FromStringAndSize((const char *)it->frame, (Py_ssize_t)len);
	return (PyObject *)wcpy_packet_from(it->frame, len, set_first(it->owner), false);
}

static PyObject *iter_self(PyObject *o)
{
	Py_INCREF((PyObject *)o);
	return o;
}

static PyObject *iter_length_hint(WcSetIter *it, PyObject *unused)
{
	(void)unused;
	return PyLong_FromUnsignedLongLong(it->left);
}

static PyMethodDef iter_methods[] = {
	{"__length_hint__", (PyCFunction)iter_length_hint, METH_NOARGS, NULL},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot iter_slots[] = {
	{Py_tp_dealloc, iter_dealloc},
	{Py_tp_iter, iter_self},
	{Py_tp_iternext, iter_next},
	{Py_tp_methods, iter_methods},
	{0, NULL},
};

static PyType_Spec iter_spec = {
	"wirecraft.PacketSetIterator", sizeof(WcSetIter), 0, Py_TPFLAGS_DEFAULT, iter_slots,
};

int wcpy_set_init_types(PyObject *m)
{
	wcpy.set_type = (PyTypeObject *)PyType_FromSpec(&set_spec);
	wcpy.set_iter_type = (PyTypeObject *)PyType_FromSpec(&iter_spec);
	if (!wcpy.set_type || !wcpy.set_iter_type)
		return -1;
	return PyModule_AddObjectRef(m, "PacketSet", (PyObject *)wcpy.set_type);
}
