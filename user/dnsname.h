/* SPDX-License-Identifier: MIT */
/* DNS names and TXT strings on the wire (RFC 1035 4.1.4), the way Scapy 2.5 encodes and
 * decodes them. Shared by the DNS tables (user/proto/dns.c), the expression parser and
 * the text views. Not installed. */
#ifndef WIRECRAFT_DNSNAME_H
#define WIRECRAFT_DNSNAME_H

#include <stddef.h>
#include <stdint.h>

struct wc_sb;

/* Longest decompressed name kept; a longer one is cut there and marked malformed. Scapy
 * has no limit, but every name it reads comes from at most one message (64 KiB). */
#define WC_DNS_NAME_MAX 1024
/* Most compression pointers followed in one name: a deeper chain is marked malformed.
 * Scapy stops only at a pointer it saw before; a legitimate name needs a few. */
#define WC_DNS_MAX_HOPS 64

/* Why a name did not decode cleanly (bits of wc_dns_expand's *why). */
enum {
	WC_DN_PTR = 1 << 0,   /* a pointer was followed (Scapy's `compressed`); not an error */
	WC_DN_LOOP = 1 << 1,  /* a pointer seen before: decoding stopped there */
	WC_DN_OOB = 1 << 2,   /* a pointer into the header or past the message */
	WC_DN_DEEP = 1 << 3,  /* more than WC_DN_MAX_HOPS pointers */
	WC_DN_CUT = 1 << 4,   /* the bytes ended inside the name */
	WC_DN_LONG = 1 << 5,  /* longer than WC_DNS_NAME_MAX once decompressed */
};
#define WC_DN_BAD (WC_DN_LOOP | WC_DN_OOB | WC_DN_DEEP | WC_DN_CUT | WC_DN_LONG)

/* Bytes the name at b takes in place: labels up to the root label or the first pointer.
 * n + 1 when it runs past n bytes. */
size_t wc_dns_name_span(const uint8_t *b, size_t n);

/* Decompress the name at msg[off] (offsets in pointers count from msg[0], the message's
 * id). Writes its labels, ending with the root label, to out (at most WC_DNS_NAME_MAX + 1
 * bytes) and their length to *outlen; returns the offset just after the name in place
 * (after its first pointer). Never reads outside msg[0..mlen), never loops. */
size_t wc_dns_expand(const uint8_t *msg, size_t mlen, size_t off, uint8_t *out,
		     size_t *outlen, unsigned *why);

/* Text -> labels, as Scapy's dns_encode(check_built=True): "" and "." are the root, text
 * that already looks encoded is kept, labels are cut to 63 bytes. Returns the length
 * written, or -ENOSPC when cap is too small (cap >= 2 * n + 2 always suffices). */
long wc_dns_name_encode(const uint8_t *txt, size_t n, uint8_t *out, size_t cap);

/* Labels -> Scapy's dissected text: each label followed by '.'; the root is "" or, with
 * root_dot, ".". Stops at
 * the root label, a pointer or the end of the bytes. Returns the length (it may exceed
 * cap: then only cap bytes are written). */
size_t wc_dns_name_text(const uint8_t *w, size_t n, int root_dot, uint8_t *out, size_t cap);

/* TXT strings (Scapy's DNSTextField). */
long wc_dns_txt_encode(const uint8_t *txt, size_t n, uint8_t *out, size_t cap);
/* The next string of w[0..n) at *pos: 1 with *s and *slen, 0 at the end. */
int wc_dns_txt_next(const uint8_t *w, size_t n, size_t *pos, const uint8_t **s, size_t *slen);

/* Text views: 'example.com.' (show), b'example.com.' (summaries, Python's str of bytes),
 * [b'a', b'b'] for TXT. */
void wc_sb_dnsname(struct wc_sb *sb, const uint8_t *w, size_t n, int root_dot,
		   int bytes_prefix);
void wc_sb_dnstxt(struct wc_sb *sb, const uint8_t *w, size_t n);

/* Python's str() of a field value, as Scapy's summaries print it (user/sublist.c). */
struct wc_layer;
void wc_sb_pyvalue(struct wc_sb *sb, const struct wc_layer *l, unsigned fi);

#endif
