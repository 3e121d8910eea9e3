/* SPDX-License-Identifier: MIT */
/* SCTP chunks as Scapy 2.5's SCTPChunk* classes: one layer per chunk, stacked after the
 * SCTP header. Parameter lists (Scapy's ChunkParamField, a list of SCTPChunkParam*) are
 * their bytes here. Scapy's PadField padding after a variable field is a hidden field of
 * its own, so that the value stays what Scapy shows while the bytes are laid out and
 * consumed as Scapy does. */
#include <string.h>

#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "sctp_impl.h"

#define COUNT(a) (uint8_t)(sizeof(a) / sizeof((a)[0]))

/* Scapy's sctpchunktypes. */
static const struct wc_name chunk_types[] = {
	{0, "data"}, {1, "init"}, {2, "init-ack"}, {3, "sack"}, {4, "heartbeat-req"},
	{5, "heartbeat-ack"}, {6, "abort"}, {7, "shutdown"}, {8, "shutdown-ack"}, {9, "error"},
	{10, "cookie-echo"}, {11, "cookie-ack"}, {14, "shutdown-complete"},
	{15, "authentication"}, {0x80, "address-configuration-ack"},
	{0xc1, "address-configuration"}, {0, NULL},
};

/* Scapy's SCTP_PAYLOAD_PROTOCOL_INDENTIFIERS (sic). */
static const struct wc_name ppids[] = {
	{0, "Reserved"}, {1, "IUA"}, {2, "M2UA"}, {3, "M3UA"}, {4, "SUA"}, {5, "M2PA"},
	{6, "V5UA"}, {7, "H.248"}, {8, "BICC/Q.2150.3"}, {9, "TALI"}, {10, "DUA"}, {11, "ASAP"},
	{12, "ENRP"}, {13, "H.323"}, {14, "Q.IPC/Q.2150.3"}, {15, "SIMCO"},
	{16, "DDP Segment Chunk"}, {17, "DDP Stream Session Control"}, {18, "S1AP"},
	{19, "RUA"}, {20, "HNBAP"}, {21, "ForCES-HP"}, {22, "ForCES-MP"}, {23, "ForCES-LP"},
	{24, "SBc-AP"}, {25, "NBAP"}, {26, "Unassigned"}, {27, "X2AP"}, {28, "IRCP"},
	{29, "LCS-AP"}, {30, "MPICH2"}, {31, "SABP"}, {32, "FGP"}, {33, "PPP"}, {34, "CALCAPP"},
	{35, "SSP"}, {36, "NPMP-CONTROL"}, {37, "NPMP-DATA"}, {38, "ECHO"}, {39, "DISCARD"},
	{40, "DAYTIME"}, {41, "CHARGEN"}, {42, "3GPP RNA"}, {43, "3GPP M2AP"},
	{44, "3GPP M3AP"}, {45, "SSH/SCTP"}, {46, "Diameter/SCTP"}, {47, "Diameter/DTLS/SCTP"},
	{48, "R14P"}, {49, "Unassigned"}, {50, "WebRTC DCEP"}, {51, "WebRTC String"},
	{52, "WebRTC Binary Partial"}, {53, "WebRTC Binary"}, {54, "WebRTC String Partial"},
	{55, "3GPP PUA"}, {56, "WebRTC String Empty"}, {57, "WebRTC Binary Empty"}, {0, NULL},
};

/* Python's s[:x] on `avail` bytes: a negative x counts from the end. Scapy's length_from
 * gives len - header when a chunk's len is shorter than its own header. */
static size_t pyslice(int64_t x, size_t avail)
{
	if (x >= 0)
		return (uint64_t)x < avail ? (size_t)x : avail;
	return (uint64_t)-x < avail ? avail - (size_t)-x : 0;
}

/* The bytes Scapy's PadField adds after `n` bytes of value: up to a multiple of 4. */
static size_t pad4(size_t n)
{
	return (4 - n % 4) % 4;
}

/* A variable field of a chunk whose len field counts it: its bytes are len - `off`. */
#define VAR_DLEN(fn, lenfi, off)                                          \
	static size_t fn(const struct wc_layer *l, size_t avail)          \
	{                                                                 \
		return pyslice((int64_t)l->v[lenfi].u - (off), avail);    \
	}
/* PadField's padding after field `varfi`: read as far as the bytes go, built in full. */
#define PAD_HOOKS(dfn, bfn, varfi)                                        \
	static size_t dfn(const struct wc_layer *l, size_t avail)         \
	{                                                                 \
		size_t n = pad4(l->v[varfi].blen);                        \
		return n < avail ? n : avail;                             \
	}                                                                 \
	static size_t bfn(const struct wc_layer *l, size_t off)           \
	{                                                                 \
		(void)off;                                                \
		return pad4(l->v[varfi].blen);                            \
	}

#define TYPE(t) {.name = "type", .kind = WC_K_ENUM, .bits = 8, .def = (t), .names = chunk_types}
/* Scapy's defaults of None that are sent as 0. */
#define ZERO(nm, k, n) {.name = (nm), .kind = (k), .bits = (n), .flags = WC_FF_AUTO}
#define FLAGS ZERO("flags", WC_K_XINT, 8)
#define LEN_AUTO ZERO("len", WC_K_UINT, 16)
#define LEN_FIXED(d) {.name = "len", .kind = WC_K_UINT, .bits = 16, .def = (d)}
#define VAR(nm, fn) {.name = (nm), .kind = WC_K_BYTES, .dlen = (fn)}
#define LIST(nm, fn) {.name = (nm), .kind = WC_K_BYTES, .flags = WC_FF_LIST, .dlen = (fn)}
#define PAD(dfn, bfn) {.name = "_pad", .kind = WC_K_BYTES, .flags = WC_FF_HIDDEN, \
		       .dlen = (dfn), .blen = (bfn)}

/* len, when not set: the chunk's bytes without PadField's padding (Scapy's FieldLenField
 * with adjust = the variable field's offset, or SACK's len(p)). */
static int chunk_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	const struct wc_proto *pr = l->proto;
	int lfi = -1;
	size_t n = l->hlen;

	for (unsigned i = 0; i < pr->nfields; i++) {
		const struct wc_field *f = &pr->fields[i];

		if (f->flags & WC_FF_HIDDEN)
			n -= pad4(l->v[i - 1].blen);
		else if (!strcmp(f->name, "len") && (f->flags & WC_FF_AUTO))
			lfi = (int)i;
	}
	if (lfi >= 0 && !(l->set & (1u << lfi))) {
		l->v[lfi].u = n & 0xffff;
		wc_pkt_put_field(p, li, (unsigned)lfi, &l->v[lfi]);
	}
	return 0;
}

#define CHUNK(var, cname, fs)                                             \
	const struct wc_proto var = {                                     \
		.name = (cname),                                          \
		.title = (cname),                                         \
		.fields = (fs),                                           \
		.nfields = COUNT(fs),                                     \
		.post_build = chunk_post_build,                           \
		.guess = wc_sctp_next_chunk,                              \
		.guess_first = true,                                      \
	}

/* ---- DATA ---------------------------------------------------------------------------- */

enum { D_LEN = 6, D_DATA = 11 };
VAR_DLEN(data_dlen, D_LEN, 16)
PAD_HOOKS(data_pad_dlen, data_pad_blen, D_DATA)
static const struct wc_field data_fields[] = {
	TYPE(0),
	ZERO("reserved", WC_K_UINT, 4),
	{.name = "delay_sack", .kind = WC_K_UINT, .bits = 1},
	{.name = "unordered", .kind = WC_K_UINT, .bits = 1},
	{.name = "beginning", .kind = WC_K_UINT, .bits = 1},
	{.name = "ending", .kind = WC_K_UINT, .bits = 1},
	[D_LEN] = LEN_AUTO,
	ZERO("tsn", WC_K_XINT, 32),
	ZERO("stream_id", WC_K_XINT, 16),
	ZERO("stream_seq", WC_K_XINT, 16),
	{.name = "proto_id", .kind = WC_K_ENUM, .bits = 32, .flags = WC_FF_AUTO, .names = ppids},
	[D_DATA] = VAR("data", data_dlen),
	PAD(data_pad_dlen, data_pad_blen),
};
CHUNK(wc_proto_sctp_data, "SCTPChunkData", data_fields);

/* ---- INIT, INIT ACK ------------------------------------------------------------------ */

enum { I_LEN = 2 };
VAR_DLEN(init_dlen, I_LEN, 20)
#define INIT_FIELDS(t)                                                    \
	{                                                                 \
		TYPE(t), FLAGS, [I_LEN] = LEN_AUTO,                       \
		ZERO("init_tag", WC_K_XINT, 32),                          \
		ZERO("a_rwnd", WC_K_UINT, 32),                            \
		ZERO("n_out_streams", WC_K_UINT, 16),                     \
		ZERO("n_in_streams", WC_K_UINT, 16),                      \
		ZERO("init_tsn", WC_K_XINT, 32),                          \
		LIST("params", init_dlen),                                 \
	}
static const struct wc_field init_fields[] = INIT_FIELDS(1);
static const struct wc_field initack_fields[] = INIT_FIELDS(2);
CHUNK(wc_proto_sctp_init, "SCTPChunkInit", init_fields);
CHUNK(wc_proto_sctp_initack, "SCTPChunkInitAck", initack_fields);

/* ---- SACK ---------------------------------------------------------------------------- */

enum { S_LEN = 2, S_NGAP = 5, S_NDUP, S_GAPS, S_DUPS };

/* FieldListFields counted by n_gap_ack and n_dup_tsn, 4 bytes per entry (gap ack blocks
 * are start and end offsets, 16 bits each), as their bytes. */
static size_t gaps_dlen(const struct wc_layer *l, size_t avail)
{
	(void)avail;
	return (size_t)l->v[S_NGAP].u * 4;
}

static size_t dups_dlen(const struct wc_layer *l, size_t avail)
{
	(void)avail;
	return (size_t)l->v[S_NDUP].u * 4;
}

static const struct wc_field sack_fields[] = {
	TYPE(3), FLAGS,
	[S_LEN] = LEN_AUTO,
	ZERO("cumul_tsn_ack", WC_K_XINT, 32),
	ZERO("a_rwnd", WC_K_UINT, 32),
	[S_NGAP] = ZERO("n_gap_ack", WC_K_UINT, 16),
	[S_NDUP] = ZERO("n_dup_tsn", WC_K_UINT, 16),
	[S_GAPS] = LIST("gap_ack_list", gaps_dlen),
	[S_DUPS] = LIST("dup_tsn_list", dups_dlen),
};

static int sack_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (!(l->set & (1u << S_NGAP))) {
		l->v[S_NGAP].u = (l->v[S_GAPS].blen / 4) & 0xffff;
		wc_pkt_put_field(p, li, S_NGAP, &l->v[S_NGAP]);
	}
	if (!(l->set & (1u << S_NDUP))) {
		l->v[S_NDUP].u = (l->v[S_DUPS].blen / 4) & 0xffff;
		wc_pkt_put_field(p, li, S_NDUP, &l->v[S_NDUP]);
	}
	return chunk_post_build(p, li);
}

const struct wc_proto wc_proto_sctp_sack = {
	.name = "SCTPChunkSACK",
	.title = "SCTPChunkSACK",
	.fields = sack_fields,
	.nfields = COUNT(sack_fields),
	.post_build = sack_post_build,
	.guess = wc_sctp_next_chunk,
	.guess_first = true,
};

/* ---- HEARTBEAT REQUEST, HEARTBEAT ACK ------------------------------------------------ */

enum { H_LEN = 2 };
VAR_DLEN(hb_dlen, H_LEN, 4)
static const struct wc_field hbreq_fields[] = {
	TYPE(4), FLAGS, [H_LEN] = LEN_AUTO, LIST("params", hb_dlen),
};
static const struct wc_field hback_fields[] = {
	TYPE(5), FLAGS, [H_LEN] = LEN_AUTO, LIST("params", hb_dlen),
};
CHUNK(wc_proto_sctp_hbreq, "SCTPChunkHeartbeatReq", hbreq_fields);
CHUNK(wc_proto_sctp_hback, "SCTPChunkHeartbeatAck", hback_fields);

/* ---- ABORT, SHUTDOWN COMPLETE (the T bit) -------------------------------------------- */

enum { A_LEN = 3, A_CAUSES };
VAR_DLEN(abort_dlen, A_LEN, 4)
PAD_HOOKS(abort_pad_dlen, abort_pad_blen, A_CAUSES)
static const struct wc_field abort_fields[] = {
	TYPE(6),
	ZERO("reserved", WC_K_UINT, 7),
	{.name = "TCB", .kind = WC_K_UINT, .bits = 1},
	[A_LEN] = LEN_AUTO,
	[A_CAUSES] = VAR("error_causes", abort_dlen),
	PAD(abort_pad_dlen, abort_pad_blen),
};
CHUNK(wc_proto_sctp_abort, "SCTPChunkAbort", abort_fields);

static const struct wc_field shutdown_complete_fields[] = {
	TYPE(14),
	ZERO("reserved", WC_K_UINT, 7),
	{.name = "TCB", .kind = WC_K_UINT, .bits = 1},
	LEN_FIXED(4),
};
CHUNK(wc_proto_sctp_shutdown_complete, "SCTPChunkShutdownComplete", shutdown_complete_fields);

/* ---- SHUTDOWN, SHUTDOWN ACK, COOKIE ACK (fixed lengths) ------------------------------ */

static const struct wc_field shutdown_fields[] = {
	TYPE(7), FLAGS, LEN_FIXED(8), ZERO("cumul_tsn_ack", WC_K_XINT, 32),
};
static const struct wc_field shutdown_ack_fields[] = {TYPE(8), FLAGS, LEN_FIXED(4)};
static const struct wc_field cookie_ack_fields[] = {TYPE(11), FLAGS, LEN_FIXED(4)};
CHUNK(wc_proto_sctp_shutdown, "SCTPChunkShutdown", shutdown_fields);
CHUNK(wc_proto_sctp_shutdown_ack, "SCTPChunkShutdownAck", shutdown_ack_fields);
CHUNK(wc_proto_sctp_cookie_ack, "SCTPChunkCookieAck", cookie_ack_fields);

/* ---- ERROR, COOKIE ECHO -------------------------------------------------------------- */

enum { E_LEN = 2, E_VAR };
VAR_DLEN(err_dlen, E_LEN, 4)
PAD_HOOKS(err_pad_dlen, err_pad_blen, E_VAR)
static const struct wc_field error_fields[] = {
	TYPE(9), FLAGS, [E_LEN] = LEN_AUTO, [E_VAR] = VAR("error_causes", err_dlen),
	PAD(err_pad_dlen, err_pad_blen),
};
static const struct wc_field cookie_echo_fields[] = {
	TYPE(10), FLAGS, [E_LEN] = LEN_AUTO, [E_VAR] = VAR("cookie", err_dlen),
	PAD(err_pad_dlen, err_pad_blen),
};
CHUNK(wc_proto_sctp_error, "SCTPChunkError", error_fields);
CHUNK(wc_proto_sctp_cookie_echo, "SCTPChunkCookieEcho", cookie_echo_fields);

/* ---- AUTH ---------------------------------------------------------------------------- */

enum { U_LEN = 2, U_HMAC = 5 };
VAR_DLEN(auth_dlen, U_LEN, 8)
PAD_HOOKS(auth_pad_dlen, auth_pad_blen, U_HMAC)
static const struct wc_field auth_fields[] = {
	TYPE(15), FLAGS, [U_LEN] = LEN_AUTO,
	ZERO("shared_key_id", WC_K_UINT, 16),
	ZERO("HMAC_function", WC_K_UINT, 16),
	[U_HMAC] = VAR("HMAC", auth_dlen),
	PAD(auth_pad_dlen, auth_pad_blen),
};
CHUNK(wc_proto_sctp_auth, "SCTPChunkAuthentication", auth_fields);

/* ---- ASCONF, ASCONF ACK -------------------------------------------------------------- */

enum { C_LEN = 2 };
VAR_DLEN(asconf_dlen, C_LEN, 8)
static const struct wc_field asconf_fields[] = {
	TYPE(0xc1), FLAGS, [C_LEN] = LEN_AUTO,
	{.name = "seq", .kind = WC_K_UINT, .bits = 32},
	LIST("params", asconf_dlen),
};
static const struct wc_field asconf_ack_fields[] = {
	TYPE(0x80), FLAGS, [C_LEN] = LEN_AUTO,
	{.name = "seq", .kind = WC_K_UINT, .bits = 32},
	LIST("params", asconf_dlen),
};
CHUNK(wc_proto_sctp_asconf, "SCTPChunkAddressConf", asconf_fields);
CHUNK(wc_proto_sctp_asconf_ack, "SCTPChunkAddressConfAck", asconf_ack_fields);

/* ---- which chunk follows ------------------------------------------------------------- */

static const struct {
	uint8_t type;
	const struct wc_proto *proto;
} by_type[] = {
	{0, &wc_proto_sctp_data},
	{1, &wc_proto_sctp_init},
	{2, &wc_proto_sctp_initack},
	{3, &wc_proto_sctp_sack},
	{4, &wc_proto_sctp_hbreq},
	{5, &wc_proto_sctp_hback},
	{6, &wc_proto_sctp_abort},
	{7, &wc_proto_sctp_shutdown},
	{8, &wc_proto_sctp_shutdown_ack},
	{9, &wc_proto_sctp_error},
	{10, &wc_proto_sctp_cookie_echo},
	{11, &wc_proto_sctp_cookie_ack},
	{14, &wc_proto_sctp_shutdown_complete},
	{15, &wc_proto_sctp_auth},
	{0x80, &wc_proto_sctp_asconf_ack},
	{0xc1, &wc_proto_sctp_asconf},
};

const struct wc_proto *wc_sctp_next_chunk(const struct wc_layer *l, const uint8_t *pay,
					  size_t n)
{
	(void)l;
	if (n < 4)
		return &wc_proto_padding;
	for (size_t i = 0; i < sizeof(by_type) / sizeof(by_type[0]); i++)
		if (by_type[i].type == pay[0])
			return by_type[i].proto;
	return &wc_proto_raw;
}
