/* SPDX-License-Identifier: MIT */
/* NTP (Scapy's NTPHeader, RFC 5905): the 48-byte header. `NTP()` in Scapy builds and
 * dissects as NTPHeader, so that is the class name here too. Timestamps are 32.32 fixed
 * point and delay/dispersion 16.16 (Scapy's FixedPointField): an integer in an expression
 * is whole seconds; JSON gives the raw value, as Scapy's fields hold it; show writes
 * Scapy's decimal, or a date for a timestamp past 1970. orig and sent default to the
 * clock at build time, as in Scapy. Scapy's date strings as timestamp values are not
 * taken (numbers only). Modes 6 and 7 (NTPControl, NTPPrivate) are left as Raw. */
#include <string.h>
#include <time.h>

#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

enum { F_LEAP, F_VERSION, F_MODE, F_STRATUM, F_POLL, F_PRECISION, F_DELAY, F_DISPERSION,
       F_ID, F_REF_ID, F_REF, F_ORIG, F_RECV, F_SENT };

/* Seconds from 1900 (NTP's era 0) to 1970. */
#define NTP_BASETIME 2208988800ULL

static const struct wc_name leap_names[] = {
	{ 0, "no warning" },
	{ 1, "last minute of the day has 61 seconds" },
	{ 2, "last minute of the day has 59 seconds" },
	{ 3, "unknown (clock unsynchronized)" },
	{ 0, NULL },
};
static const struct wc_name mode_names[] = {
	{ 0, "reserved" }, { 1, "symmetric active" }, { 2, "symmetric passive" },
	{ 3, "client" }, { 4, "server" }, { 5, "broadcast" }, { 6, "NTP control message" },
	{ 7, "reserved for private use" }, { 0, NULL },
};

static bool has_id(const struct wc_layer *l) { return l->v[F_STRATUM].u > 1; }
static bool has_ref_id(const struct wc_layer *l) { return l->v[F_STRATUM].u < 2; }
static size_t four(const struct wc_layer *l, size_t off) { (void)l; (void)off; return 4; }
static size_t dfour(const struct wc_layer *l, size_t avail) { (void)l; return avail < 4 ? avail : 4; }

/* Python's str() of a Decimal coef * 10^exp (exp <= 0): plain, or scientific below 1e-6. */
static void put_decimal(struct wc_sb *sb, unsigned __int128 coef, int exp)
{
	char d[48];
	int n = 0, adj;

	do {
		d[n++] = (char)('0' + (int)(coef % 10));
		coef /= 10;
	} while (coef && n < (int)sizeof(d));
	adj = n - 1 + exp; /* the exponent of the leading digit */
	if (adj < -6) {
		wc_sb_putc(sb, d[n - 1]);
		if (n > 1)
			wc_sb_putc(sb, '.');
		for (int i = n - 2; i >= 0; i--)
			wc_sb_putc(sb, d[i]);
		wc_sb_printf(sb, "E%d", adj);
		return;
	}
	if (-exp >= n) { /* 0.000ddd */
		wc_sb_puts(sb, "0.");
		for (int i = 0; i < -exp - n; i++)
			wc_sb_putc(sb, '0');
		for (int i = n - 1; i >= 0; i--)
			wc_sb_putc(sb, d[i]);
		return;
	}
	for (int i = n - 1; i >= 0; i--) {
		wc_sb_putc(sb, d[i]);
		if (i == -exp && i > 0)
			wc_sb_putc(sb, '.');
	}
}

/* Scapy's FixedPointField.i2h: whole part + the fraction rounded (half even) to
 * log10(2^frac) significant digits with trailing zeros dropped (EDecimal.normalize). */
static void put_fixed(struct wc_sb *sb, uint64_t v, unsigned frac)
{
	uint64_t whole = frac >= 64 ? 0 : v >> frac;
	uint64_t f = v & ((1ULL << frac) - 1);
	unsigned prec = frac == 32 ? 9 : frac == 16 ? 4 : 2;
	unsigned __int128 num = f, p10 = 1;
	int exp = -(int)frac, nd = 0;

	if (!f) {
		wc_sb_printf(sb, "%llu", (unsigned long long)whole);
		return;
	}
	for (unsigned i = 0; i < frac; i++)
		num *= 5; /* f / 2^frac == f * 5^frac / 10^frac */
	for (unsigned __int128 t = num; t; t /= 10)
		nd++;
	if (nd > (int)prec) {
		unsigned __int128 q, r, half;

		for (int i = 0; i < nd - (int)prec; i++)
			p10 *= 10;
		q = num / p10;
		r = num % p10;
		half = p10 / 2;
		if (r > half || (r == half && (q & 1)))
			q++;
		num = q;
		exp += nd - (int)prec;
	}
	while (num && num % 10 == 0 && exp < 0) {
		num /= 10;
		exp++;
	}
	if (exp >= 0) { /* the fraction rounded up to a whole 1 */
		uint64_t sum = whole + (uint64_t)num;

		wc_sb_printf(sb, "%llu", (unsigned long long)sum);
		return;
	}
	if (whole) {
		unsigned __int128 w = whole;

		for (int i = 0; i < -exp; i++)
			w *= 10;
		num += w;
	}
	put_decimal(sb, num, exp);
}

static void fixed_repr(struct wc_sb *sb, const struct wc_layer *l, unsigned fi)
{
	put_fixed(sb, l->v[fi].u, l->proto->fields[fi].frac_bits);
}

/* TimeStampField.i2repr: the decimal below 1970, else the UTC date of its whole seconds. */
static void ts_repr(struct wc_sb *sb, const struct wc_layer *l, unsigned fi)
{
	uint64_t v = l->v[fi].u, secs = v >> 32;
	/* A fraction that rounds up makes the value reach the next second. */
	uint64_t up = (v & 0xffffffffULL) >= 0xfffffffeULL ? 1 : 0;
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	time_t t;

	if (secs + up < NTP_BASETIME) {
		put_fixed(sb, v, 32);
		return;
	}
	t = (time_t)(secs + up - NTP_BASETIME);
	if (!gmtime_r(&t, &tm)) {
		put_fixed(sb, v, 32);
		return;
	}
	wc_sb_printf(sb, "%s, %02d %s %d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday,
		     mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* StrFixedLenEnumField.i2repr: bytes without trailing NULs (Scapy's names are str keys,
 * which never equal the bytes value, so none is shown). */
static void refid_repr(struct wc_sb *sb, const struct wc_layer *l, unsigned fi)
{
	size_t n = l->v[fi].blen;

	while (n && !l->v[fi].b[n - 1])
		n--;
	wc_sb_bytesrepr(sb, l->v[fi].b, n);
}

static const struct wc_field ntp_fields[] = {
	[F_LEAP] = { .name = "leap", .kind = WC_K_ENUM, .bits = 2, .names = leap_names },
	[F_VERSION] = { .name = "version", .kind = WC_K_UINT, .bits = 3, .def = 4 },
	[F_MODE] = { .name = "mode", .kind = WC_K_ENUM, .bits = 3, .def = 3, .names = mode_names },
	[F_STRATUM] = { .name = "stratum", .kind = WC_K_UINT, .bits = 8, .def = 2 },
	[F_POLL] = { .name = "poll", .kind = WC_K_UINT, .bits = 8, .def = 10 },
	[F_PRECISION] = { .name = "precision", .kind = WC_K_UINT, .bits = 8 },
	[F_DELAY] = { .name = "delay", .kind = WC_K_UINT, .bits = 32, .frac_bits = 16,
		      .repr = fixed_repr },
	[F_DISPERSION] = { .name = "dispersion", .kind = WC_K_UINT, .bits = 32, .frac_bits = 16,
			   .repr = fixed_repr },
	[F_ID] = { .name = "id", .kind = WC_K_IPV4, .bits = 32, .def = 0x7f000001,
		   .present = has_id },
	[F_REF_ID] = { .name = "ref_id", .kind = WC_K_BYTES, .present = has_ref_id,
		       .dlen = dfour, .blen = four, .repr = refid_repr },
	[F_REF] = { .name = "ref", .kind = WC_K_UINT, .bits = 64, .frac_bits = 32,
		    .repr = ts_repr },
	[F_ORIG] = { .name = "orig", .kind = WC_K_UINT, .bits = 64, .frac_bits = 32,
		     .flags = WC_FF_AUTO, .repr = ts_repr },
	[F_RECV] = { .name = "recv", .kind = WC_K_UINT, .bits = 64, .frac_bits = 32,
		     .repr = ts_repr },
	[F_SENT] = { .name = "sent", .kind = WC_K_UINT, .bits = 64, .frac_bits = 32,
		     .flags = WC_FF_AUTO, .repr = ts_repr },
};

/* TimeStampField.i2m with None: the clock now, in NTP's 32.32 format. */
static int ntp_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	struct timespec ts;
	struct wc_val v;

	if ((l->set & (1u << F_ORIG)) && (l->set & (1u << F_SENT)))
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	memset(&v, 0, sizeof(v));
	v.u = ((uint64_t)ts.tv_sec + NTP_BASETIME) << 32 |
	      (uint64_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000ULL);
	static const unsigned clocked[] = { F_ORIG, F_SENT };

	for (unsigned k = 0; k < 2; k++) {
		unsigned fi = clocked[k];

		if (l->set & (1u << fi))
			continue;
		l->v[fi] = v;
		wc_pkt_put_field(p, li, fi, &v);
	}
	return 0;
}

/* Scapy's _ntp_dispatcher: under 8 bytes Raw; control and private modes (not modelled
 * here) Raw as well; the rest NTPHeader. */
static const struct wc_proto *ntp_dispatch(const uint8_t *b, size_t n);

/* Scapy's mysummary asks for fields of a layer named NTP, which NTPHeader is not. */
static int ntp_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	struct wc_sb sb;

	(void)p;
	(void)li;
	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "NTP v??, ??");
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_ntp = {
	.name = "NTPHeader",
	.title = "NTPHeader",
	.fields = ntp_fields,
	.nfields = sizeof(ntp_fields) / sizeof(ntp_fields[0]),
	.dispatch = ntp_dispatch,
	.post_build = ntp_post_build,
	.summary = ntp_summary,
};

static const struct wc_proto *ntp_dispatch(const uint8_t *b, size_t n)
{
	if (n < 8 || (b[0] & 7) >= 6)
		return &wc_proto_raw;
	return &wc_proto_ntp;
}
