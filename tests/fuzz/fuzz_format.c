/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the text views of whatever wc_dissect makes of hostile bytes.
 *
 * Input as for fuzz_dissect: a selector byte for the first layer (0 Ether, 1 IP, 2 IPv6,
 * 3.. any registered proto), then the packet. The dissected packet and its rebuilt copy go
 * through show, summary and JSON, and every present field through wc_fmt_field_value, each
 * into a large buffer and then into small ones (0, 1, a cut chosen by the input, the text's
 * length, one more), each an exact-size heap block so ASan sees a write one byte too far.
 * snprintf's contract is checked (format.h): the same length whatever the cap, a NUL at
 * the end of what fits, a prefix of the whole text. JSON must parse; show ends in '\n'. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

/* A 4 KiB packet shows as a few times its size (Python's repr of bytes, hex in JSON):
 * 1 MiB leaves room to spare, and a longer text is still checked through the retry. */
#define BIG (1u << 20)

static struct wc_pkt pkt, rebuilt;
static uint8_t out[WC_MAX_PKT];
static char big[BIG];

typedef int (*fmt_fn)(const struct wc_pkt *p, const void *arg, char *out, size_t cap);

static int do_show(const struct wc_pkt *p, const void *arg, char *o, size_t cap)
{
	(void)arg;
	return wc_fmt_show(p, o, cap);
}

static int do_show_plain(const struct wc_pkt *p, const void *arg, char *o, size_t cap)
{
	(void)arg;
	return wc_fmt_show_ex(p, WC_FMT_NO_STATUS, o, cap);
}

static int do_summary(const struct wc_pkt *p, const void *arg, char *o, size_t cap)
{
	(void)arg;
	return wc_fmt_summary(p, o, cap);
}

static int do_json(const struct wc_pkt *p, const void *arg, char *o, size_t cap)
{
	(void)arg;
	return wc_fmt_json(p, o, cap);
}

/* wc_fmt_field_value: arg points at {layer, field, names}. */
struct field_arg {
	unsigned li, fi;
	bool names;
};

static int do_field(const struct wc_pkt *p, const void *arg, char *o, size_t cap)
{
	const struct field_arg *a = arg;

	return wc_fmt_field_value(&p->l[a->li], a->fi, a->names, o, cap);
}

/* ---- a strict JSON reader (RFC 8259), just enough to say yes or no ---- */

struct jr {
	const char *s;
	size_t n, i;
	unsigned depth;
};

static bool j_value(struct jr *j);

static void j_ws(struct jr *j)
{
	while (j->i < j->n && strchr(" \t\r\n", j->s[j->i]) && j->s[j->i])
		j->i++;
}

static bool j_lit(struct jr *j, const char *w)
{
	size_t k = strlen(w);

	if (j->n - j->i < k || memcmp(j->s + j->i, w, k) != 0)
		return false;
	j->i += k;
	return true;
}

static bool j_digits(struct jr *j)
{
	size_t start = j->i;

	while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return j->i > start;
}

static bool j_number(struct jr *j)
{
	if (j->i < j->n && j->s[j->i] == '-')
		j->i++;
	if (j->i < j->n && j->s[j->i] == '0')
		j->i++;
	else if (!j_digits(j))
		return false;
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (!j_digits(j))
			return false;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (!j_digits(j))
			return false;
	}
	return true;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool j_string(struct jr *j)
{
	if (j->i >= j->n || j->s[j->i] != '"')
		return false;
	j->i++;
	while (j->i < j->n) {
		unsigned char c = (unsigned char)j->s[j->i++];

		if (c == '"')
			return true;
		if (c < 0x20)
			return false; /* control characters must be escaped */
		if (c != '\\')
			continue;
		if (j->i >= j->n)
			return false;
		c = (unsigned char)j->s[j->i++];
		if (c == 'u') {
			if (j->n - j->i < 4)
				return false;
			for (int k = 0; k < 4; k++)
				if (!is_hex(j->s[j->i++]))
					return false;
		} else if (!strchr("\"\\/bfnrt", c) || c == 0) {
			return false;
		}
	}
	return false;
}

/* Elements of an array or members of an object, after the opening bracket. */
static bool j_seq(struct jr *j, char close, bool members)
{
	j_ws(j);
	if (j->i < j->n && j->s[j->i] == close) {
		j->i++;
		return true;
	}
	for (;;) {
		j_ws(j);
		if (members) {
			if (!j_string(j))
				return false;
			j_ws(j);
			if (j->i >= j->n || j->s[j->i++] != ':')
				return false;
		}
		if (!j_value(j))
			return false;
		j_ws(j);
		if (j->i >= j->n)
			return false;
		char c = j->s[j->i++];

		if (c == close)
			return true;
		if (c != ',')
			return false;
	}
}

static bool j_value(struct jr *j)
{
	bool ok;

	j_ws(j);
	if (j->i >= j->n)
		return false;
	switch (j->s[j->i]) {
	case '{':
	case '[': {
		bool obj = j->s[j->i++] == '{';

		if (++j->depth > 64)
			return false;
		ok = j_seq(j, obj ? '}' : ']', obj);
		j->depth--;
		return ok;
	}
	case '"':
		return j_string(j);
	case 't':
		return j_lit(j, "true");
	case 'f':
		return j_lit(j, "false");
	case 'n':
		return j_lit(j, "null");
	default:
		return j_number(j);
	}
}

/* JSON text is UTF-8: any byte >= 0x80 must belong to a well-formed sequence. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return false;
		if (n - i <= k)
			return false;
		for (size_t m = 1; m <= k; m++) {
			if ((s[i + m] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + m] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

/* Text for a terminal: valid UTF-8, and no control character but the newlines of show.
 * Packets are hostile; their bytes must never reach a terminal as escape sequences. */
static bool printable(const char *s, size_t n, bool newlines)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(c == '\n' && newlines)) || c == 0x7f)
			return false;
	}
	return utf8_ok((const unsigned char *)s, n);
}

static bool json_ok(const char *s, size_t n)
{
	struct jr j = {.s = s, .n = n};

	if (!utf8_ok((const unsigned char *)s, n) || !j_value(&j))
		return false;
	j_ws(&j);
	return j.i == n;
}

/* ---- the snprintf contract ---- */

/* Say what differed before trapping: the contract has several clauses. */
static _Noreturn void broke(const struct wc_pkt *p, const char *what, size_t cap, int got, int n,
			    const char *text, const char *full)
{
	fprintf(stderr, "%s: cap %zu returned %d, the whole text is %d bytes\n", what, cap, got, n);
	if (text)
		fprintf(stderr, "  cut text: \"%.*s\"\n  whole:    \"%.*s\"\n",
			(int)(cap > 200 ? 200 : cap), text, n > 200 ? 200 : n, full);
	wcf_trap(what, p, -1, -1);
}

/* One call into an exact-size heap block (NULL when cap is 0, as snprintf allows; the
 * zero-size block is tried too, since writing even a NUL there would be a bug). */
static void one_cut(const struct wc_pkt *p, fmt_fn fn, const void *arg, const char *full,
		    int n, size_t cap, const char *what)
{
	char *o = malloc(cap ? cap : 1);
	int r;

	if (!o)
		return;
	r = fn(p, arg, cap ? o : NULL, cap);
	if (r != n) /* the length must not depend on the cap */
		broke(p, what, cap, r, n, NULL, full);
	if (cap) {
		size_t keep = (size_t)n < cap ? (size_t)n : cap - 1;

		if (memchr(o, '\0', cap) == NULL) /* no NUL at all */
			broke(p, what, cap, r, n, NULL, full);
		if (o[keep] != '\0' || memcmp(o, full, keep) != 0) /* a cut text is a prefix */
			broke(p, what, cap, r, n, o, full);
	} else {
		free(o);
		o = malloc(0);
		if (o && (r = fn(p, arg, o, 0)) != n)
			broke(p, what, cap, r, n, NULL, full);
	}
	free(o);
}

/* Run one view: the whole text, then the cuts (`all`: every cut; else only the input's own,
 * for the many small field values where five more calls each would slow fuzzing down for
 * little: they share the string builder the whole views exercise). Returns its length
 * (negative: refused). */
static int view(const struct wc_pkt *p, fmt_fn fn, const void *arg, unsigned pick, bool all,
		const char *what)
{
	char *full = big;
	int n = fn(p, arg, big, sizeof(big));

	if (n < 0)
		return n; /* a negative errno is allowed; it must then be stable */
	if ((size_t)n >= sizeof(big)) {
		full = malloc((size_t)n + 1);
		if (!full)
			return n;
		int r = fn(p, arg, full, (size_t)n + 1);

		if (r != n)
			broke(p, what, (size_t)n + 1, r, n, NULL, full);
	}
	if (strlen(full) != (size_t)n) /* a NUL inside the text, or a wrong length */
		broke(p, what, sizeof(big), n, (int)strlen(full), NULL, full);
	size_t cuts[] = {1 + pick % ((size_t)n + 1), 0, 1, (size_t)n, (size_t)n + 1};

	for (size_t k = 0; k < (all ? sizeof(cuts) / sizeof(cuts[0]) : 1); k++)
		one_cut(p, fn, arg, full, n, cuts[k], what);
	if (full != big)
		free(full);
	return n;
}

static _Noreturn void text_trap(const struct wc_pkt *p, const char *what, const char *t, int n)
{
	fprintf(stderr, "%s:\n", what);
	for (int i = 0; i < n && i < 2000; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == '\n' || (c >= 0x20 && c < 0x7f))
			fputc(c, stderr);
		else
			fprintf(stderr, "<%02x>", c);
	}
	fputc('\n', stderr);
	wcf_trap(what, p, -1, -1);
}

static void views(const struct wc_pkt *p, unsigned pick, bool fields)
{
	int n;

	n = view(p, do_show, NULL, pick, true, "wc_fmt_show broke the snprintf contract");
	if (n > 0 && (size_t)n < sizeof(big) && big[n - 1] != '\n')
		wcf_trap("show text does not end with a newline", p, -1, -1);
	if (n > 0 && (size_t)n < sizeof(big) && !printable(big, (size_t)n, true))
		text_trap(p, "show text has control characters or invalid UTF-8", big, n);
	view(p, do_show_plain, NULL, pick, true, "wc_fmt_show_ex broke the snprintf contract");
	n = view(p, do_summary, NULL, pick, true, "wc_fmt_summary broke the snprintf contract");
	if (n > 0 && (size_t)n < sizeof(big) && !printable(big, (size_t)n, false))
		text_trap(p, "summary has control characters or invalid UTF-8", big, n);
	n = view(p, do_json, NULL, pick, true, "wc_fmt_json broke the snprintf contract");
	if (n >= 0 && (size_t)n < sizeof(big) && !json_ok(big, (size_t)n))
		wcf_trap("wc_fmt_json wrote invalid JSON", p, -1, -1);
	if (!fields)
		return;
	for (unsigned li = 0; li < p->nlayers; li++) {
		const struct wc_layer *l = &p->l[li];

		for (unsigned fi = 0; fi < l->proto->nfields; fi++) {
			if (!(l->here & (1u << fi)))
				continue;
			for (int names = 0; names < 2; names++) {
				struct field_arg a = {li, fi, names};

				view(p, do_field, &a, pick, false,
				     "wc_fmt_field_value broke the snprintf contract");
			}
		}
	}
}

/* wc_tcpopt_next over every TCP options field: stays inside the bytes, always advances. */
static void tcp_options(const struct wc_pkt *p)
{
	for (unsigned li = 0; li < p->nlayers; li++) {
		const struct wc_layer *l = &p->l[li];

		for (unsigned fi = 0; fi < l->proto->nfields; fi++) {
			const struct wc_val *v = &l->v[fi];
			struct wc_tcpopt o;
			size_t pos = 0, last;

			if (!(l->here & (1u << fi)) || l->proto->fields[fi].kind != WC_K_TCPOPTS)
				continue;
			for (;;) {
				last = pos;
				if (wc_tcpopt_next(v->b, v->blen, &pos, &o) != 1)
					break;
				if (pos <= last || pos > v->blen)
					wcf_trap("wc_tcpopt_next did not advance within the options",
						 p, (int)li, (int)fi);
				if (o.nints > sizeof(o.ints) / sizeof(o.ints[0]))
					wcf_trap("wc_tcpopt_next: nints too large", p, (int)li, (int)fi);
				if (o.blen && (o.b < v->b || o.b + o.blen > v->b + v->blen))
					wcf_trap("wc_tcpopt_next: value outside the options", p,
						 (int)li, (int)fi);
			}
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wcf_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	uint8_t *copy;
	unsigned pick;

	if (size < 1 || size - 1 > WC_MAX_PKT)
		return 0;
	len = size - 1;
	copy = malloc(len ? len : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, len);
	/* Where the input-chosen cut falls: from the last two bytes, so the fuzzer can move it. */
	pick = size >= 3 ? (unsigned)data[size - 2] << 8 | data[size - 1] : 7;

	if (wc_dissect(&pkt, copy, len, wcf_first_layer(data[0])) == 0) {
		views(&pkt, pick, true);
		tcp_options(&pkt);
		/* The same views of a built packet, whose byte values live outside its buffer. */
		if (wcf_rebuild(&pkt, &rebuilt, out, sizeof(out)) == 0)
			views(&rebuilt, pick, false);
	}
	free(copy);
	return 0;
}
