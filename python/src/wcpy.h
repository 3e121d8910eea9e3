/* SPDX-License-Identifier: MIT */
/* The C half of the Python module `wirecraft` (python/wirecraft/__init__.py is the other):
 * thin types over libwirecraft. Built against CPython's limited API (3.11, abi3), so one
 * .so serves every later Python 3 too. Everything here runs with the GIL held except the
 * calls into the datapath (sr, send, sniff, scan: live.c), which release it. */
#ifndef WCPY_H
#define WCPY_H

#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>
#include <stdint.h>

#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"
#include "wirecraft/set.h"

/* Module state: the types and the exception, made at import. */
struct wcpy_state {
	PyObject *expr_error; /* wirecraft.ExprError(ValueError): msg, col, expr */
	PyTypeObject *packet_type, *layer_type, *set_type, *set_iter_type, *reader_type;
	PyTypeObject *sniffer_type, *scanner_type;
};
extern struct wcpy_state wcpy;

/* A packet: its bytes (a bytes object: never copied again), what they start with, and a
 * serial number. Its dissection is not kept with it (struct wc_layer is about 1 KB: a
 * hundred thousand sr() pairs would hold hundreds of MB): the last packet dissected keeps its
 * layers in one scratch struct (packet.c), so that p["TCP"].dport after dissect() dissects
 * once, and a packet looked at again later is dissected again (a fraction of a microsecond).
 * Field values become Python objects only when asked for. */
typedef struct {
	PyObject_HEAD
	PyObject *raw;                 /* bytes */
	const struct wc_proto *first;  /* what the bytes start with */
	uint64_t id;                   /* which dissection in the scratch is this packet's */
	int nlayers;                   /* -1 until first dissected */
	double time;                   /* seconds since the epoch (pcap, sniff, sr); 0: unknown */
} WcPacket;

/* A view of one layer of a packet: attribute access reads its fields. */
typedef struct {
	PyObject_HEAD
	WcPacket *pkt;
	unsigned li;
} WcLayer;

/* packet.c */
int wcpy_packet_init_types(PyObject *m);
/* A new Packet over `raw` (a bytes object, referenced), dissected now (eager) or on first
 * use (lazy). NULL with an exception set. */
WcPacket *wcpy_packet_new(PyObject *raw, const struct wc_proto *first, bool eager);
WcPacket *wcpy_packet_from(const uint8_t *b, size_t n, const struct wc_proto *first, bool eager);
/* The packet dissected, as libwirecraft's struct, in the scratch: valid until another packet
 * is dissected (the GIL keeps that from happening under a caller). NULL with an exception. */
const struct wc_pkt *wcpy_packet_view(WcPacket *p);
PyObject *wcpy_dissect(PyObject *self, PyObject *args, PyObject *kw);

/* set.c */
int wcpy_set_init_types(PyObject *m);
PyObject *wcpy_build(PyObject *self, PyObject *args, PyObject *kw);
/* Parse an expression, raising ExprError (with col) on a bad one. NULL on error. */
struct wc_set *wcpy_parse(const char *expr);
/* The expression of a PacketSet or a str argument; a new reference to a str, or NULL. */
PyObject *wcpy_expr_arg(PyObject *o);

/* pcap.c */
int wcpy_pcap_init_types(PyObject *m);
PyObject *wcpy_rdpcap_iter(PyObject *self, PyObject *args, PyObject *kw);
PyObject *wcpy_wrpcap(PyObject *self, PyObject *args, PyObject *kw);

/* live_sr.c, live_sniff.c, live_scan.c: the datapath, the GIL released while it runs */
PyObject *wcpy_sr(PyObject *self, PyObject *args, PyObject *kw);
PyObject *wcpy_send(PyObject *self, PyObject *args, PyObject *kw);
int wcpy_sniff_init_type(void);
PyObject *wcpy_sniff_open(PyObject *self, PyObject *args, PyObject *kw);
int wcpy_scan_init_type(void);
PyObject *wcpy_scan_start(PyObject *self, PyObject *args, PyObject *kw);

/* module.c */
const struct wc_proto *wcpy_proto_arg(PyObject *o, const struct wc_proto *dflt);
/* Raise OSError(errno, "what: strerror") (or a more telling `why` when not empty). */
PyObject *wcpy_oserror(int neg_errno, const char *what, const char *why);
/* A Python str from a libwirecraft formatter (snprintf contract). */
PyObject *wcpy_format(int (*fmt)(const struct wc_pkt *, char *, size_t), const struct wc_pkt *p);

#endif
