/* SPDX-License-Identifier: MIT */
/* DHCP options (Scapy's DHCPOptionsField): the option table, one option encoded from
 * expression values, and the option bytes walked back into Scapy's list, for show, JSON
 * and summary. Everything here reads untrusted bytes with explicit bounds. */
#ifndef WIRECRAFT_DHCPOPTS_H
#define WIRECRAFT_DHCPOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecraft/proto.h"

struct wc_sb;

/* One value given to an option in an expression: an integer or a string/bytes. */
struct wc_dhcp_arg {
	bool is_str;
	uint64_t u;
	const uint8_t *s;
	size_t slen;
};

/* A bare string in the option list: "end", "pad" and the options Scapy keeps as plain
 * bytes ("hostname") give their code alone. Returns the code, or -1 for any other text
 * (Scapy then writes the text itself). */
int wc_dhcpopt_bare(const uint8_t *s, size_t n);
/* (name, values...): writes code, length and value at out (at most 257 bytes). Returns
 * the bytes written, or -EINVAL with why (and which value, *bad, 0-based) in err. */
int wc_dhcpopt_encode(const uint8_t *name, size_t nlen, const struct wc_dhcp_arg *a,
		      unsigned na, uint8_t *out, char *err, size_t errcap, unsigned *bad);
/* (code, bytes...): an option by number, its values joined as bytes, as Scapy does. */
int wc_dhcpopt_encode_code(uint64_t code, const struct wc_dhcp_arg *a, unsigned na,
			   uint8_t *out, char *err, size_t errcap, unsigned *bad);

/* What Scapy's m2i makes of the next piece of option bytes. */
enum wc_dhcpopt_kind {
	WC_DO_END,  /* "end" */
	WC_DO_PAD,  /* "pad" */
	WC_DO_OPT,  /* (name or code, values...) */
	WC_DO_RAW,  /* every byte left, unparsed (a length past the end, a bad value) */
};

struct wc_dhcpopt {
	uint8_t kind; /* enum wc_dhcpopt_kind */
	uint8_t code;
	const char *name;  /* NULL: a code Scapy does not know */
	uint8_t fmt;       /* private: how values are cut */
	const uint8_t *v;  /* WC_DO_OPT: the value bytes; WC_DO_RAW: the bytes left */
	size_t vlen;
};

/* The next option at *pos in b[0..n): fills o and returns 1, or returns 0 at the end. */
int wc_dhcpopt_next(const uint8_t *b, size_t n, size_t *pos, struct wc_dhcpopt *o);
/* Scapy's show: [message-type=discover lease_time=3600 end]. */
void wc_sb_dhcpopts_repr(struct wc_sb *sb, const uint8_t *b, size_t n);
/* JSON: "end", "pad", [name or code, value...] (integers, address strings, bytes as hex,
 * lists of integers), {"raw": hex}. */
void wc_sb_dhcpopts_json(struct wc_sb *sb, const uint8_t *b, size_t n);
/* The value of option 53 (message-type), or -1 when the options hold none. */
int wc_dhcpopts_msgtype(const uint8_t *b, size_t n);
extern const struct wc_name wc_dhcp_types[];

#endif
