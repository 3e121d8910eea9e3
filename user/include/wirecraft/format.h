/* SPDX-License-Identifier: MIT */
/* Views of a packet: Scapy's show2 text, its summary line, and JSON. Every function writes
 * into a caller's buffer with snprintf's contract: at most `cap` bytes including the final
 * NUL (nothing when cap is 0), and returns the length the whole text needs (so a result
 * >= cap means "cut; call again with result + 1 bytes"), or a negative errno. Nothing
 * here prints, allocates or exits. */
#ifndef WIRECRAFT_FORMAT_H
#define WIRECRAFT_FORMAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

/* Scapy's show2(): one block per layer,
 *
 *   ###[ Ethernet ]###             (the proto's title, then one space)
 *     dst       = 02:00:00:00:00:02
 *   ###[ IP ]###
 *        version   = 4            (each layer's fields 3 columns deeper)
 *        \options   \             (IP options: one block per option, prefixed by '|')
 *
 * Values as Scapy writes them: enum names, flag letters ("SA", "MF+DF"), hex for XINT,
 * addresses as text, bytes as Python's repr of the text Scapy decodes from them, TCP
 * options as Scapy's list of tuples. The text ends with one '\n' (Scapy's show2() adds a
 * blank line when it prints). A layer whose status is not OK gets a line of its own right
 * after its header, at its fields' indentation: "[truncated]" or "[malformed]". */
int wc_fmt_show(const struct wc_pkt *p, char *out, size_t cap);

enum {
	/* Leave out the "[truncated]"/"[malformed]" lines: exactly Scapy's text. */
	WC_FMT_NO_STATUS = 1 << 0,
};
int wc_fmt_show_ex(const struct wc_pkt *p, unsigned flags, char *out, size_t cap);

/* Scapy's summary(): "Ether / IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:https S / Raw".
 * Walking from the innermost layer out, each layer's `summary` hook (Scapy's mysummary)
 * is asked until one returns text; that layer shows its text, every other layer its
 * proto name. No trailing newline.
 *
 * Hook contract (struct wc_proto.summary), for whoever adds a protocol:
 *   int summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap);
 * - writes layer li's part with snprintf semantics and returns its length; it may be
 *   called twice (once with out NULL and cap 0, to learn whether it has anything to
 *   say), so it must not have side effects; wc_sb_init() accepts out NULL;
 * - returns 0 for "nothing" (Scapy's mysummary returning ""): the layer then shows its
 *   name and the layers below are asked in turn;
 * - may look at other layers (TCP's summary shows the IP addresses below it: use
 *   p->l[li - 1] when li > 0 and check its proto);
 * - writes field values with wc_sb_field() below, which formats them as Scapy's
 *   sprintf("%IP.src%") does;
 * - returns a negative errno only for real failures (they abort the summary).
 * A hook is typically:
 *     struct wc_sb sb;
 *     wc_sb_init(&sb, out, cap);
 *     wc_sb_puts(&sb, "UDP ");
 *     wc_sb_field(&sb, &p->l[li], "sport");
 *     return wc_sb_result(&sb);
 */
int wc_fmt_summary(const struct wc_pkt *p, char *out, size_t cap);

/* For transport summaries: "198.18.0.1:ftp_data > 198.18.0.2:http" from layer li's sport
 * and dport and the addresses of the IP or IPv6 layer right below it (IPerror and IPerror6
 * count, as Scapy's subclasses), or "ftp_data > http" when there is none. */
struct wc_sb;
void wc_sb_ports(struct wc_sb *sb, const struct wc_pkt *p, unsigned li);

/* JSON: [{"layer":"IP","fields":{"version":4,...}},...] on one line, no newline.
 * Fields in table order, only those present in the packet (a variable-length field that
 * starts where the layer's bytes end is left out, as Scapy's dissection never reaches
 * it). Integers, enums and flags as numbers; MAC, IPv4 and IPv6 (inet_ntop) as strings;
 * bytes as lowercase hex strings; TCP options as [[name, value], ...] with value null,
 * a number, a list of numbers (Timestamp, SAck, ...) or a hex string, and the kind number
 * as name when Scapy knows none; IP options as the hex of their bytes. A layer whose
 * status is not OK has "status":"truncated" or "malformed". Always valid JSON. */
int wc_fmt_json(const struct wc_pkt *p, char *out, size_t cap);
/* One field's value (field fi of layer li) as wc_fmt_json writes it, alone. */
int wc_fmt_field_json(const struct wc_pkt *p, unsigned li, unsigned fi, char *out, size_t cap);

/* One field's value as text. names=true: as show writes it (Scapy's i2repr); false:
 * the plain value (integers in decimal, addresses as text, bytes in hex, options as
 * their hex). */
int wc_fmt_field_value(const struct wc_layer *l, unsigned fi, bool names, char *out,
		       size_t cap);

/* Lowercase hex of n bytes. */
int wc_fmt_hex(const uint8_t *b, size_t n, char *out, size_t cap);

/* A string builder with snprintf's contract, for hooks and formatters: it writes what
 * fits, always NUL-terminates when cap > 0, and counts everything. */
struct wc_sb {
	char *out;
	size_t cap; /* bytes at out */
	size_t len; /* bytes the whole text needs, without the NUL */
	int err;    /* first error (negative errno), 0 if none */
};

void wc_sb_init(struct wc_sb *sb, char *out, size_t cap);
void wc_sb_putn(struct wc_sb *sb, const char *s, size_t n);
void wc_sb_puts(struct wc_sb *sb, const char *s);
void wc_sb_putc(struct wc_sb *sb, char c);
void wc_sb_printf(struct wc_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wc_sb_vprintf(struct wc_sb *sb, const char *fmt, va_list ap);
/* The final length, or sb->err, or -EOVERFLOW when the length does not fit an int. */
int wc_sb_result(const struct wc_sb *sb);

/* Append field `name` of layer l as Scapy's sprintf("%Layer.name%") writes it; "??" when
 * the layer has no such field (as Scapy does). */
void wc_sb_field(struct wc_sb *sb, const struct wc_layer *l, const char *name);
/* Append field fi of layer l: names=true as show writes it, false plain (see
 * wc_fmt_field_value). */
void wc_sb_value(struct wc_sb *sb, const struct wc_layer *l, unsigned fi, bool names);
void wc_sb_hex(struct wc_sb *sb, const uint8_t *b, size_t n);
void wc_sb_mac(struct wc_sb *sb, uint64_t mac);
void wc_sb_ipv4(struct wc_sb *sb, uint32_t addr); /* host order, as struct wc_val keeps it */
void wc_sb_ipv6(struct wc_sb *sb, const uint8_t addr[16]); /* inet_ntop */
/* Scapy's StrField view of bytes: repr() of the text decoded as UTF-8, where bytes that
 * are not UTF-8 become \xNN (so '\\xff' for a lone 0xff, 'é' for c3 a9). */
void wc_sb_strrepr(struct wc_sb *sb, const uint8_t *b, size_t n);
/* Python's repr() of a bytes object: b'\x00A'. */
void wc_sb_bytesrepr(struct wc_sb *sb, const uint8_t *b, size_t n);
/* Python's repr() of the list Scapy makes of TCP option bytes:
 * [('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 2))]. */
void wc_sb_tcpopts_repr(struct wc_sb *sb, const uint8_t *b, size_t n);

/* Would Scapy's dissection of p reach field fi of layer li? Scapy stops reading a layer's
 * fields when its bytes run out, so a variable-length field starting exactly at the end
 * is never read: show writes its default, JSON leaves it out. Fixed fields: true. */
bool wc_fmt_reached(const struct wc_pkt *p, unsigned li, unsigned fi);

/* Decoded TCP options, as Scapy's TCPOptionsField lists them (for custom views). */
enum wc_tcpopt_type {
	WC_TO_NONE,  /* Python None: EOL, NOP */
	WC_TO_INT,   /* one integer: MSS, WScale, UTO, SAck with one block */
	WC_TO_TUPLE, /* several integers: Timestamp, TFO, AltChkSum, SAck */
	WC_TO_BYTES, /* the raw value: SAckOK, MD5, unknown kinds, any size mismatch */
	WC_TO_AO,    /* TCP-AO: keyid, rnextkeyid, MAC (raw value in b/blen) */
};

struct wc_tcpopt {
	unsigned kind;
	const char *name; /* Scapy's name, NULL for kinds it does not know */
	uint8_t type;     /* enum wc_tcpopt_type */
	uint8_t nints;
	uint32_t ints[10];
	const uint8_t *b; /* WC_TO_BYTES, WC_TO_AO: the value bytes */
	size_t blen;
};

/* Read the option at *pos of the n option bytes; advances *pos. Returns 1 with *o filled,
 * 0 at the end (after EOL, as Scapy stops there). Never reads outside b[0..n). */
int wc_tcpopt_next(const uint8_t *b, size_t n, size_t *pos, struct wc_tcpopt *o);

#endif
