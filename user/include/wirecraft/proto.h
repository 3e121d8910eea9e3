/* SPDX-License-Identifier: MIT */
/* Protocols as data: a field table plus a few hooks. Adding a protocol means one file in
 * user/proto/ and one line in user/proto/registry.c. */
#ifndef WIRECRAFT_PROTO_H
#define WIRECRAFT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WC_MAX_FIELDS 24

struct wc_pkt;
struct wc_layer;
struct wc_sb;         /* format.h */
struct wc_hr;         /* match.h */
struct wc_match_opts; /* match.h */
struct wc_sublist;
struct wc_proto;

/* What a field holds, which decides how it is parsed, written, shown and dissected. */
enum wc_kind {
	WC_K_UINT,    /* unsigned integer, 1..64 bits, big-endian, may share bytes (bit fields) */
	WC_K_XINT,    /* same, shown in hex by `show` (Scapy's XShortField ...) */
	WC_K_ENUM,    /* integer with names (Scapy's EnumField) */
	WC_K_FLAGS,   /* integer whose bits have names (Scapy's FlagsField) */
	WC_K_MAC,     /* 48-bit MAC, kept as an integer */
	WC_K_IPV4,    /* 32-bit address, kept as an integer (host order) */
	WC_K_IPV6,    /* 128-bit address, kept as 16 bytes */
	WC_K_BYTES,   /* variable-length bytes (Raw load, IP options as bytes, ...) */
	WC_K_TCPOPTS, /* TCP options: bytes on the wire, Scapy's (name, value) list in text */
	WC_K_IPOPTS,  /* IP options: bytes on the wire, named options in text */
	/* DNS (user/proto/dns.c, user/dnsname.c). */
	WC_K_DNSNAME, /* a domain name: its labels on the wire (uncompressed), dotted in text */
	WC_K_DNSTXT,  /* TXT strings: length-prefixed on the wire, a list of strings in text */
	WC_K_RRLIST,  /* a list of sub-layers (DNS records): their bytes, see wc_field.sub */
	/* DHCP options (wave 2): bytes on the wire, Scapy's option list in text (dhcpopts.c) */
	WC_K_DHCPOPTS,
};

/* Field flags. */
enum {
	WC_FF_AUTO = 1 << 0,      /* Scapy default None: computed at build time when not set */
	WC_FF_LEN_TOTAL = 1 << 1, /* auto: bytes of this layer + payload (IP len, UDP len) */
	WC_FF_LEN_HDR32 = 1 << 2, /* auto: this layer's header length in 32-bit words (ihl, dataofs) */
	WC_FF_LEN_PAY = 1 << 3,   /* auto: payload bytes after this layer (IPv6 plen) */
	WC_FF_CSUM = 1 << 4,      /* auto: the layer's checksum, as described by wc_proto.csum */
	WC_FF_NOFUZZ = 1 << 5,    /* fuzz() leaves it alone (version fields and the like) */
	/* Wire bytes Scapy folds into the field before it (PadField's padding): laid out,
	 * written and consumed like any field, but not shown, not in JSON, not listed. */
	WC_FF_HIDDEN = 1 << 6,
	/* A Scapy list field (PacketListField, FieldListField, DNS qd): Scapy copies list
	 * defaults into every packet, so it is in a dissection's fields (JSON) even when the
	 * bytes ended before it; and it varies fastest of its layer in a set. */
	WC_FF_LIST = 1 << 7,
	/* DNS name whose root reads "." rather than "" (Scapy sets qname and rrname through
	 * DNSStrField.h2i after decoding; names inside rdata keep the decoded b""). */
	WC_FF_DOT_ROOT = 1 << 8,
	/* Flag names written and read joined by '+' even though each is one letter (Scapy's
	 * FlagsField given a list of names, VXLAN gpflags "A+D"; a string of letters, TCP's
	 * "SA", is the default for one-letter names). */
	WC_FF_FLAGS_PLUS = 1 << 9,
};

/* A name for a value (enum) or for a bit (flags: v is the bit number). */
struct wc_name {
	uint64_t v;
	const char *name;
};

struct wc_field {
	const char *name;
	uint8_t kind;  /* enum wc_kind */
	uint8_t bits;  /* width for fixed-size fields; 0 for variable length */
	uint16_t flags;
	uint64_t def;                 /* default for integer kinds, MAC and IPv4 */
	const uint8_t *def_bytes;     /* default for IPv6 (16 bytes) and byte kinds */
	uint16_t def_len;             /* length of def_bytes for byte kinds */
	const struct wc_name *names;  /* enum names or flag bit names, ended by {0, NULL} */
	/* Conditional field (Scapy's ConditionalField): present only when this says so.
	 * Looks only at fields declared before this one. NULL: always present. */
	bool (*present)(const struct wc_layer *l);
	/* Variable-length fields while dissecting: how many bytes this field takes, given the
	 * fields before it and `avail` bytes left. NULL: everything left in the header. */
	size_t (*dlen)(const struct wc_layer *l, size_t avail);
	/* Variable-length fields while building: how many bytes this field takes, given its
	 * value (l->v) and its byte offset in the header, for Scapy fields whose encoding pads
	 * or cuts the value (IPv6 extension header options padded to 8 bytes, ND redirected
	 * header cut to 8-byte units). The value is written, cut to that size or zero-filled
	 * up to it. NULL: the value's length (padded to opt_align for the option kinds). */
	size_t (*blen)(const struct wc_layer *l, size_t off);
	/* Scapy's MultiEnumField: the names of this field's values depend on fields before it
	 * (ICMP code names by type). `names` stays the union, used to read a name; this gives
	 * the ones to show for a value. NULL: `names`. */
	const struct wc_name *(*names_for)(const struct wc_layer *l);
	/* Variable-length fields while dissecting, for sizes only the bytes can tell (DNS
	 * names and records): `hdr` is the layer's first byte, the field starts at byte `off`
	 * of it, `avail` bytes from there. Asked instead of dlen when set; it may mark the
	 * layer malformed (l->status). */
	size_t (*dlen_at)(struct wc_layer *l, const uint8_t *hdr, size_t off, size_t avail);
	/* WC_K_RRLIST: how to read the list as sub-layers. */
	const struct wc_sublist *sub;
	/* Scapy's FixedPointField (NTP): the value holds this many fraction bits; an integer
	 * in an expression is the whole part (shifted up). 0: a plain integer. */
	uint8_t frac_bits;
	/* Scapy's own i2repr where the kind's is not it (BOOTP chaddr, NTP timestamps): writes
	 * the shown form of field fi. NULL: by kind. */
	void (*repr)(struct wc_sb *sb, const struct wc_layer *l, unsigned fi);
};

/* A field holding a list of sub-layers (Scapy's packet-valued fields such as DNS qd/an).
 * The value is the list's bytes (built records, or the dissected region, which may refer
 * to other bytes of the packet: DNS name compression). `expand` writes a self-contained
 * copy of the records into out (cap bytes), dissects it as sub-layers into *sub (records
 * past the layer slots become Raw) and returns 0, 1 when the list was malformed (what
 * could be read is there), or -errno. Used by show, JSON, summaries and correlation. */
struct wc_sublist {
	int (*expand)(const struct wc_pkt *p, unsigned li, unsigned fi, uint8_t *out,
		      size_t cap, struct wc_pkt *sub);
	/* Which layers an expression may put in the list (DNSQR, DNSRR, ...). */
	bool (*accepts)(const struct wc_proto *p);
};
/* The sub-layers of field fi of layer li (user/sublist.c): expanded into this thread's
 * scratch, valid until the next call in the same thread. NULL when the field is not a
 * list. *bad (may be NULL) says whether the list was malformed. */
const struct wc_pkt *wc_sub_expand(const struct wc_pkt *p, unsigned li, unsigned fi, int *bad);

/* How a layer's checksum field is computed. */
enum wc_csum_kind {
	WC_CS_NONE,
	WC_CS_HDR,    /* over this layer's header only (IPv4) */
	WC_CS_ALL,    /* over header and payload (ICMP) */
	WC_CS_PSEUDO, /* over pseudo-header (from the IP/IPv6 layer below), header and payload */
};

/* What wc_proto.payload_len returns when it cannot tell payload from Padding. */
#define WC_PAYLOAD_FAIL SIZE_MAX

struct wc_proto {
	const char *name;  /* Scapy's class name: used in expressions, JSON, summaries */
	const char *title; /* Scapy's layer name: the `###[ title ]###` of show */
	const struct wc_field *fields;
	uint8_t nfields;
	uint8_t csum;       /* enum wc_csum_kind */
	uint8_t csum_proto; /* protocol number in the pseudo-header (6, 17, 58) */
	bool csum_zero_ffff; /* a computed 0 is sent as 0xffff (UDP) */
	/* WC_CS_PSEUDO: the IP or IPv6 layer may lie any number of layers below (Scapy's
	 * in6_chksum walks every underlayer: ICMPv6). Otherwise only IPv6 extension headers
	 * (layers that bind as IPv6) may sit between: TCP and UDP check their underlayer. */
	bool csum_any_below;
	/* Options are padded to this many bytes when built (4 for IP and TCP). */
	uint8_t opt_align;
	/* Dissection: how many of the `avail` bytes after the header are payload; the rest is
	 * Padding (IP total length, UDP length). WC_PAYLOAD_FAIL when the field it needs was
	 * not dissected (bytes ended before it): Scapy's extract_padding then raises and the
	 * whole layer is Raw. NULL: all of them. */
	size_t (*payload_len)(const struct wc_layer *l, size_t avail);
	/* Dissection: pick the upper layer when the binding table has no answer (ICMP errors
	 * quote an IP datagram, ND options follow ND messages). NULL: none. */
	const struct wc_proto *(*guess)(const struct wc_layer *l, const uint8_t *pay, size_t n);
	/* Dissection: one protocol family dispatched on its own first bytes (ICMPv6 by type,
	 * ND options by type). NULL: this proto as is. */
	const struct wc_proto *(*dispatch)(const uint8_t *b, size_t n);
	/* Build: extra computed fields that tables can't describe. Runs after lengths, before
	 * the checksum. May be NULL. Returns 0 or -errno. */
	int (*post_build)(struct wc_pkt *p, unsigned li);
	/* Summary line part (Scapy's mysummary), or NULL for the name alone. Returns chars
	 * that would be written, as snprintf. */
	int (*summary)(const struct wc_pkt *p, unsigned li, char *out, size_t cap);
	/* Bindings whose lower layer is `bind_as` apply to this proto too, after its own
	 * (Scapy's aliastypes: IPv6 extension headers take IPv6's next-header bindings;
	 * fields the proto lacks are skipped). NULL: none. */
	const struct wc_proto *bind_as;
	/* Dissection: ask `guess` before the bindings, and use its answer when not NULL
	 * (Scapy classes that override guess_payload_class: a non-first IPv6 fragment is
	 * Raw whatever its next header says). */
	bool guess_first;
	/* Checksums over a pseudo-header below this layer: the final destination to use
	 * instead of the IP layer's (IPv6 routing header: its last address; IPv4 source-route
	 * option: its last router). Writes the address (16 bytes for IPv6, 4 for IPv4, in
	 * dst[0..3]) and returns true, or returns false to leave the destination alone.
	 * Asked of the IP or IPv6 layer itself too. NULL: false. */
	bool (*pseudo_dst)(const struct wc_layer *l, uint8_t dst[16]);
	/* Correlation (Scapy's hashret() and answers(); contract in match.h). hashret feeds
	 * this layer's part of the key into h and returns the index of the layer hashed next
	 * (li + 1: Scapy's "+ self.payload.hashret()"; p->nlayers or more: nothing follows).
	 * answers says whether layer ri of reply r answers layer si of request s (si may be
	 * s->nlayers: Scapy's NoPayload). NULL: Scapy's Packet defaults, the payload's hash
	 * alone, and "same proto, then the payloads answer". */
	unsigned (*hashret)(const struct wc_pkt *p, unsigned li, struct wc_hr *h);
	bool (*answers)(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s, unsigned si,
			const struct wc_match_opts *o);
	/* Build: values the layer above pushes down that a binding cannot say (BOOTP's options
	 * become the DHCP magic cookie under DHCP). Runs after the bindings, before layout, on
	 * fields the user did not set. NULL: none. */
	void (*pre_build)(struct wc_pkt *p, unsigned li);
	/* show: Scapy's show_indent = 0, the layer after it is not indented further (records
	 * in a WC_K_RRLIST field: DNSQR and DNSRR have it, DNSRRMX and the others do not). */
	bool show_flat;
};

/* Two-way binding: stacking `upper` on `lower` sets lower's fields (unless set by the user);
 * dissecting `lower` picks `upper` when all of them match. Up to 3 fields per binding (ND
 * messages set IPv6 nh, hlim and dst, as Scapy's overload_fields do). */
#define WC_BIND_FIELDS 3
/* A binding's field value: an integer, or for IPv6 address fields the address as one
 * 128-bit big-endian number (WC_IP6), so that `{"nh", 58}` stays a complete initializer. */
__extension__ typedef unsigned __int128 wc_bind_val;
#define WC_IP6(hi64, lo64) ((wc_bind_val)(hi64) << 64 | (wc_bind_val)(lo64))
struct wc_bind {
	const struct wc_proto *lower, *upper;
	struct {
		const char *field;
		wc_bind_val v;
	} f[WC_BIND_FIELDS];
	/* 0: both ways (bind_layers); or one way only, as Scapy's bind_bottom_up (dissection)
	 * and bind_top_down (building). */
	uint8_t only;
};
enum { WC_BIND_DISSECT = 1, WC_BIND_BUILD = 2 };

/* Registry (user/proto/registry.c). */
const struct wc_proto *wc_proto_find(const char *name);
const struct wc_proto *const *wc_proto_all(size_t *n);
const struct wc_bind *wc_binds(size_t *n);
int wc_field_index(const struct wc_proto *p, const char *name);

/* Well-known protocols other code refers to. */
extern const struct wc_proto wc_proto_ether, wc_proto_raw, wc_proto_padding;

#endif
