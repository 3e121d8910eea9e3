/* SPDX-License-Identifier: MIT */
/* Field values as text: the string builder every formatter writes through, Scapy's
 * i2repr for each field kind (show and summaries), the plain values JSON uses, and the
 * decoding of TCP options into Scapy's (name, value) list. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dnsname.h"
#include "dhcpopts.h"
#include "wirecraft/format.h"

/* ---- string builder ---------------------------------------------------------------- */

void wc_sb_init(struct wc_sb *sb, char *out, size_t cap)
{
	sb->out = out;
	sb->cap = out ? cap : 0;
	sb->len = 0;
	sb->err = 0;
	if (sb->cap)
		out[0] = '\0';
}

static void sb_grow(struct wc_sb *sb, size_t n)
{
	/* Saturate instead of wrapping: wc_sb_result reports the overflow. */
	sb->len = n > SIZE_MAX - sb->len ? SIZE_MAX : sb->len + n;
}

void wc_sb_putn(struct wc_sb *sb, const char *s, size_t n)
{
	if (sb->len + 1 < sb->cap) {
		size_t room = sb->cap - 1 - sb->len, k = n < room ? n : room;

		memcpy(sb->out + sb->len, s, k);
		sb->out[sb->len + k] = '\0';
	}
	sb_grow(sb, n);
}

void wc_sb_puts(struct wc_sb *sb, const char *s)
{
	wc_sb_putn(sb, s, strlen(s));
}

void wc_sb_putc(struct wc_sb *sb, char c)
{
	wc_sb_putn(sb, &c, 1);
}

void wc_sb_vprintf(struct wc_sb *sb, const char *fmt, va_list ap)
{
	char small[160];
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0) {
		if (!sb->err)
			sb->err = -EINVAL;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		wc_sb_putn(sb, small, (size_t)n);
		return;
	}
	/* Longer than the scratch: format straight into what is left of the output. */
	if (sb->len < sb->cap)
		vsnprintf(sb->out + sb->len, sb->cap - sb->len, fmt, ap);
	sb_grow(sb, (size_t)n);
}

void wc_sb_printf(struct wc_sb *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wc_sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

int wc_sb_result(const struct wc_sb *sb)
{
	if (sb->err)
		return sb->err;
	return sb->len > INT_MAX ? -EOVERFLOW : (int)sb->len;
}

void wc_sb_hex(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char chunk[128];

	while (n) {
		size_t k = n < sizeof(chunk) / 2 ? n : sizeof(chunk) / 2;

		for (size_t i = 0; i < k; i++) {
			chunk[2 * i] = digits[b[i] >> 4];
			chunk[2 * i + 1] = digits[b[i] & 15];
		}
		wc_sb_putn(sb, chunk, 2 * k);
		b += k;
		n -= k;
	}
}

int wc_fmt_hex(const uint8_t *b, size_t n, char *out, size_t cap)
{
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_hex(&sb, b, n);
	return wc_sb_result(&sb);
}

/* ---- Python's repr of text and bytes --------------------------------------------------- */

/* Code points above U+007F that Python's str.isprintable() refuses, as inclusive ranges:
 * repr() writes them as escapes. Generated from the Python that runs Scapy here (3.11,
 * Unicode 14.0):
 *   python3 -c 'import sys; c=[i for i in range(0x80, 0x110000) if not chr(i).isprintable()]'
 * then merged into runs. */
static const uint32_t nonprint[][2] = {
	{0x80, 0xa0}, {0xad, 0xad}, {0x378, 0x379}, {0x380, 0x383}, {0x38b, 0x38b},
	{0x38d, 0x38d}, {0x3a2, 0x3a2}, {0x530, 0x530}, {0x557, 0x558}, {0x58b, 0x58c},
	{0x590, 0x590}, {0x5c8, 0x5cf}, {0x5eb, 0x5ee}, {0x5f5, 0x605}, {0x61c, 0x61c},
	{0x6dd, 0x6dd}, {0x70e, 0x70f}, {0x74b, 0x74c}, {0x7b2, 0x7bf}, {0x7fb, 0x7fc},
	{0x82e, 0x82f}, {0x83f, 0x83f}, {0x85c, 0x85d}, {0x85f, 0x85f}, {0x86b, 0x86f},
	{0x88f, 0x897}, {0x8e2, 0x8e2}, {0x984, 0x984}, {0x98d, 0x98e}, {0x991, 0x992},
	{0x9a9, 0x9a9}, {0x9b1, 0x9b1}, {0x9b3, 0x9b5}, {0x9ba, 0x9bb}, {0x9c5, 0x9c6},
	{0x9c9, 0x9ca}, {0x9cf, 0x9d6}, {0x9d8, 0x9db}, {0x9de, 0x9de}, {0x9e4, 0x9e5},
	{0x9ff, 0xa00}, {0xa04, 0xa04}, {0xa0b, 0xa0e}, {0xa11, 0xa12}, {0xa29, 0xa29},
	{0xa31, 0xa31}, {0xa34, 0xa34}, {0xa37, 0xa37}, {0xa3a, 0xa3b}, {0xa3d, 0xa3d},
	{0xa43, 0xa46}, {0xa49, 0xa4a}, {0xa4e, 0xa50}, {0xa52, 0xa58}, {0xa5d, 0xa5d},
	{0xa5f, 0xa65}, {0xa77, 0xa80}, {0xa84, 0xa84}, {0xa8e, 0xa8e}, {0xa92, 0xa92},
	{0xaa9, 0xaa9}, {0xab1, 0xab1}, {0xab4, 0xab4}, {0xaba, 0xabb}, {0xac6, 0xac6},
	{0xaca, 0xaca}, {0xace, 0xacf}, {0xad1, 0xadf}, {0xae4, 0xae5}, {0xaf2, 0xaf8},
	{0xb00, 0xb00}, {0xb04, 0xb04}, {0xb0d, 0xb0e}, {0xb11, 0xb12}, {0xb29, 0xb29},
	{0xb31, 0xb31}, {0xb34, 0xb34}, {0xb3a, 0xb3b}, {0xb45, 0xb46}, {0xb49, 0xb4a},
	{0xb4e, 0xb54}, {0xb58, 0xb5b}, {0xb5e, 0xb5e}, {0xb64, 0xb65}, {0xb78, 0xb81},
	{0xb84, 0xb84}, {0xb8b, 0xb8d}, {0xb91, 0xb91}, {0xb96, 0xb98}, {0xb9b, 0xb9b},
	{0xb9d, 0xb9d}, {0xba0, 0xba2}, {0xba5, 0xba7}, {0xbab, 0xbad}, {0xbba, 0xbbd},
	{0xbc3, 0xbc5}, {0xbc9, 0xbc9}, {0xbce, 0xbcf}, {0xbd1, 0xbd6}, {0xbd8, 0xbe5},
	{0xbfb, 0xbff}, {0xc0d, 0xc0d}, {0xc11, 0xc11}, {0xc29, 0xc29}, {0xc3a, 0xc3b},
	{0xc45, 0xc45}, {0xc49, 0xc49}, {0xc4e, 0xc54}, {0xc57, 0xc57}, {0xc5b, 0xc5c},
	{0xc5e, 0xc5f}, {0xc64, 0xc65}, {0xc70, 0xc76}, {0xc8d, 0xc8d}, {0xc91, 0xc91},
	{0xca9, 0xca9}, {0xcb4, 0xcb4}, {0xcba, 0xcbb}, {0xcc5, 0xcc5}, {0xcc9, 0xcc9},
	{0xcce, 0xcd4}, {0xcd7, 0xcdc}, {0xcdf, 0xcdf}, {0xce4, 0xce5}, {0xcf0, 0xcf0},
	{0xcf3, 0xcff}, {0xd0d, 0xd0d}, {0xd11, 0xd11}, {0xd45, 0xd45}, {0xd49, 0xd49},
	{0xd50, 0xd53}, {0xd64, 0xd65}, {0xd80, 0xd80}, {0xd84, 0xd84}, {0xd97, 0xd99},
	{0xdb2, 0xdb2}, {0xdbc, 0xdbc}, {0xdbe, 0xdbf}, {0xdc7, 0xdc9}, {0xdcb, 0xdce},
	{0xdd5, 0xdd5}, {0xdd7, 0xdd7}, {0xde0, 0xde5}, {0xdf0, 0xdf1}, {0xdf5, 0xe00},
	{0xe3b, 0xe3e}, {0xe5c, 0xe80}, {0xe83, 0xe83}, {0xe85, 0xe85}, {0xe8b, 0xe8b},
	{0xea4, 0xea4}, {0xea6, 0xea6}, {0xebe, 0xebf}, {0xec5, 0xec5}, {0xec7, 0xec7},
	{0xece, 0xecf}, {0xeda, 0xedb}, {0xee0, 0xeff}, {0xf48, 0xf48}, {0xf6d, 0xf70},
	{0xf98, 0xf98}, {0xfbd, 0xfbd}, {0xfcd, 0xfcd}, {0xfdb, 0xfff}, {0x10c6, 0x10c6},
	{0x10c8, 0x10cc}, {0x10ce, 0x10cf}, {0x1249, 0x1249}, {0x124e, 0x124f}, {0x1257, 0x1257},
	{0x1259, 0x1259}, {0x125e, 0x125f}, {0x1289, 0x1289}, {0x128e, 0x128f}, {0x12b1, 0x12b1},
	{0x12b6, 0x12b7}, {0x12bf, 0x12bf}, {0x12c1, 0x12c1}, {0x12c6, 0x12c7}, {0x12d7, 0x12d7},
	{0x1311, 0x1311}, {0x1316, 0x1317}, {0x135b, 0x135c}, {0x137d, 0x137f}, {0x139a, 0x139f},
	{0x13f6, 0x13f7}, {0x13fe, 0x13ff}, {0x1680, 0x1680}, {0x169d, 0x169f}, {0x16f9, 0x16ff},
	{0x1716, 0x171e}, {0x1737, 0x173f}, {0x1754, 0x175f}, {0x176d, 0x176d}, {0x1771, 0x1771},
	{0x1774, 0x177f}, {0x17de, 0x17df}, {0x17ea, 0x17ef}, {0x17fa, 0x17ff}, {0x180e, 0x180e},
	{0x181a, 0x181f}, {0x1879, 0x187f}, {0x18ab, 0x18af}, {0x18f6, 0x18ff}, {0x191f, 0x191f},
	{0x192c, 0x192f}, {0x193c, 0x193f}, {0x1941, 0x1943}, {0x196e, 0x196f}, {0x1975, 0x197f},
	{0x19ac, 0x19af}, {0x19ca, 0x19cf}, {0x19db, 0x19dd}, {0x1a1c, 0x1a1d}, {0x1a5f, 0x1a5f},
	{0x1a7d, 0x1a7e}, {0x1a8a, 0x1a8f}, {0x1a9a, 0x1a9f}, {0x1aae, 0x1aaf}, {0x1acf, 0x1aff},
	{0x1b4d, 0x1b4f}, {0x1b7f, 0x1b7f}, {0x1bf4, 0x1bfb}, {0x1c38, 0x1c3a}, {0x1c4a, 0x1c4c},
	{0x1c89, 0x1c8f}, {0x1cbb, 0x1cbc}, {0x1cc8, 0x1ccf}, {0x1cfb, 0x1cff}, {0x1f16, 0x1f17},
	{0x1f1e, 0x1f1f}, {0x1f46, 0x1f47}, {0x1f4e, 0x1f4f}, {0x1f58, 0x1f58}, {0x1f5a, 0x1f5a},
	{0x1f5c, 0x1f5c}, {0x1f5e, 0x1f5e}, {0x1f7e, 0x1f7f}, {0x1fb5, 0x1fb5}, {0x1fc5, 0x1fc5},
	{0x1fd4, 0x1fd5}, {0x1fdc, 0x1fdc}, {0x1ff0, 0x1ff1}, {0x1ff5, 0x1ff5}, {0x1fff, 0x200f},
	{0x2028, 0x202f}, {0x205f, 0x206f}, {0x2072, 0x2073}, {0x208f, 0x208f}, {0x209d, 0x209f},
	{0x20c1, 0x20cf}, {0x20f1, 0x20ff}, {0x218c, 0x218f}, {0x2427, 0x243f}, {0x244b, 0x245f},
	{0x2b74, 0x2b75}, {0x2b96, 0x2b96}, {0x2cf4, 0x2cf8}, {0x2d26, 0x2d26}, {0x2d28, 0x2d2c},
	{0x2d2e, 0x2d2f}, {0x2d68, 0x2d6e}, {0x2d71, 0x2d7e}, {0x2d97, 0x2d9f}, {0x2da7, 0x2da7},
	{0x2daf, 0x2daf}, {0x2db7, 0x2db7}, {0x2dbf, 0x2dbf}, {0x2dc7, 0x2dc7}, {0x2dcf, 0x2dcf},
	{0x2dd7, 0x2dd7}, {0x2ddf, 0x2ddf}, {0x2e5e, 0x2e7f}, {0x2e9a, 0x2e9a}, {0x2ef4, 0x2eff},
	{0x2fd6, 0x2fef}, {0x2ffc, 0x3000}, {0x3040, 0x3040}, {0x3097, 0x3098}, {0x3100, 0x3104},
	{0x3130, 0x3130}, {0x318f, 0x318f}, {0x31e4, 0x31ef}, {0x321f, 0x321f}, {0xa48d, 0xa48f},
	{0xa4c7, 0xa4cf}, {0xa62c, 0xa63f}, {0xa6f8, 0xa6ff}, {0xa7cb, 0xa7cf}, {0xa7d2, 0xa7d2},
	{0xa7d4, 0xa7d4}, {0xa7da, 0xa7f1}, {0xa82d, 0xa82f}, {0xa83a, 0xa83f}, {0xa878, 0xa87f},
	{0xa8c6, 0xa8cd}, {0xa8da, 0xa8df}, {0xa954, 0xa95e}, {0xa97d, 0xa97f}, {0xa9ce, 0xa9ce},
	{0xa9da, 0xa9dd}, {0xa9ff, 0xa9ff}, {0xaa37, 0xaa3f}, {0xaa4e, 0xaa4f}, {0xaa5a, 0xaa5b},
	{0xaac3, 0xaada}, {0xaaf7, 0xab00}, {0xab07, 0xab08}, {0xab0f, 0xab10}, {0xab17, 0xab1f},
	{0xab27, 0xab27}, {0xab2f, 0xab2f}, {0xab6c, 0xab6f}, {0xabee, 0xabef}, {0xabfa, 0xabff},
	{0xd7a4, 0xd7af}, {0xd7c7, 0xd7ca}, {0xd7fc, 0xf8ff}, {0xfa6e, 0xfa6f}, {0xfada, 0xfaff},
	{0xfb07, 0xfb12}, {0xfb18, 0xfb1c}, {0xfb37, 0xfb37}, {0xfb3d, 0xfb3d}, {0xfb3f, 0xfb3f},
	{0xfb42, 0xfb42}, {0xfb45, 0xfb45}, {0xfbc3, 0xfbd2}, {0xfd90, 0xfd91}, {0xfdc8, 0xfdce},
	{0xfdd0, 0xfdef}, {0xfe1a, 0xfe1f}, {0xfe53, 0xfe53}, {0xfe67, 0xfe67}, {0xfe6c, 0xfe6f},
	{0xfe75, 0xfe75}, {0xfefd, 0xff00}, {0xffbf, 0xffc1}, {0xffc8, 0xffc9}, {0xffd0, 0xffd1},
	{0xffd8, 0xffd9}, {0xffdd, 0xffdf}, {0xffe7, 0xffe7}, {0xffef, 0xfffb}, {0xfffe, 0xffff},
	{0x1000c, 0x1000c}, {0x10027, 0x10027}, {0x1003b, 0x1003b}, {0x1003e, 0x1003e},
	{0x1004e, 0x1004f}, {0x1005e, 0x1007f}, {0x100fb, 0x100ff}, {0x10103, 0x10106},
	{0x10134, 0x10136}, {0x1018f, 0x1018f}, {0x1019d, 0x1019f}, {0x101a1, 0x101cf},
	{0x101fe, 0x1027f}, {0x1029d, 0x1029f}, {0x102d1, 0x102df}, {0x102fc, 0x102ff},
	{0x10324, 0x1032c}, {0x1034b, 0x1034f}, {0x1037b, 0x1037f}, {0x1039e, 0x1039e},
	{0x103c4, 0x103c7}, {0x103d6, 0x103ff}, {0x1049e, 0x1049f}, {0x104aa, 0x104af},
	{0x104d4, 0x104d7}, {0x104fc, 0x104ff}, {0x10528, 0x1052f}, {0x10564, 0x1056e},
	{0x1057b, 0x1057b}, {0x1058b, 0x1058b}, {0x10593, 0x10593}, {0x10596, 0x10596},
	{0x105a2, 0x105a2}, {0x105b2, 0x105b2}, {0x105ba, 0x105ba}, {0x105bd, 0x105ff},
	{0x10737, 0x1073f}, {0x10756, 0x1075f}, {0x10768, 0x1077f}, {0x10786, 0x10786},
	{0x107b1, 0x107b1}, {0x107bb, 0x107ff}, {0x10806, 0x10807}, {0x10809, 0x10809},
	{0x10836, 0x10836}, {0x10839, 0x1083b}, {0x1083d, 0x1083e}, {0x10856, 0x10856},
	{0x1089f, 0x108a6}, {0x108b0, 0x108df}, {0x108f3, 0x108f3}, {0x108f6, 0x108fa},
	{0x1091c, 0x1091e}, {0x1093a, 0x1093e}, {0x10940, 0x1097f}, {0x109b8, 0x109bb},
	{0x109d0, 0x109d1}, {0x10a04, 0x10a04}, {0x10a07, 0x10a0b}, {0x10a14, 0x10a14},
	{0x10a18, 0x10a18}, {0x10a36, 0x10a37}, {0x10a3b, 0x10a3e}, {0x10a49, 0x10a4f},
	{0x10a59, 0x10a5f}, {0x10aa0, 0x10abf}, {0x10ae7, 0x10aea}, {0x10af7, 0x10aff},
	{0x10b36, 0x10b38}, {0x10b56, 0x10b57}, {0x10b73, 0x10b77}, {0x10b92, 0x10b98},
	{0x10b9d, 0x10ba8}, {0x10bb0, 0x10bff}, {0x10c49, 0x10c7f}, {0x10cb3, 0x10cbf},
	{0x10cf3, 0x10cf9}, {0x10d28, 0x10d2f}, {0x10d3a, 0x10e5f}, {0x10e7f, 0x10e7f},
	{0x10eaa, 0x10eaa}, {0x10eae, 0x10eaf}, {0x10eb2, 0x10eff}, {0x10f28, 0x10f2f},
	{0x10f5a, 0x10f6f}, {0x10f8a, 0x10faf}, {0x10fcc, 0x10fdf}, {0x10ff7, 0x10fff},
	{0x1104e, 0x11051}, {0x11076, 0x1107e}, {0x110bd, 0x110bd}, {0x110c3, 0x110cf},
	{0x110e9, 0x110ef}, {0x110fa, 0x110ff}, {0x11135, 0x11135}, {0x11148, 0x1114f},
	{0x11177, 0x1117f}, {0x111e0, 0x111e0}, {0x111f5, 0x111ff}, {0x11212, 0x11212},
	{0x1123f, 0x1127f}, {0x11287, 0x11287}, {0x11289, 0x11289}, {0x1128e, 0x1128e},
	{0x1129e, 0x1129e}, {0x112aa, 0x112af}, {0x112eb, 0x112ef}, {0x112fa, 0x112ff},
	{0x11304, 0x11304}, {0x1130d, 0x1130e}, {0x11311, 0x11312}, {0x11329, 0x11329},
	{0x11331, 0x11331}, {0x11334, 0x11334}, {0x1133a, 0x1133a}, {0x11345, 0x11346},
	{0x11349, 0x1134a}, {0x1134e, 0x1134f}, {0x11351, 0x11356}, {0x11358, 0x1135c},
	{0x11364, 0x11365}, {0x1136d, 0x1136f}, {0x11375, 0x113ff}, {0x1145c, 0x1145c},
	{0x11462, 0x1147f}, {0x114c8, 0x114cf}, {0x114da, 0x1157f}, {0x115b6, 0x115b7},
	{0x115de, 0x115ff}, {0x11645, 0x1164f}, {0x1165a, 0x1165f}, {0x1166d, 0x1167f},
	{0x116ba, 0x116bf}, {0x116ca, 0x116ff}, {0x1171b, 0x1171c}, {0x1172c, 0x1172f},
	{0x11747, 0x117ff}, {0x1183c, 0x1189f}, {0x118f3, 0x118fe}, {0x11907, 0x11908},
	{0x1190a, 0x1190b}, {0x11914, 0x11914}, {0x11917, 0x11917}, {0x11936, 0x11936},
	{0x11939, 0x1193a}, {0x11947, 0x1194f}, {0x1195a, 0x1199f}, {0x119a8, 0x119a9},
	{0x119d8, 0x119d9}, {0x119e5, 0x119ff}, {0x11a48, 0x11a4f}, {0x11aa3, 0x11aaf},
	{0x11af9, 0x11bff}, {0x11c09, 0x11c09}, {0x11c37, 0x11c37}, {0x11c46, 0x11c4f},
	{0x11c6d, 0x11c6f}, {0x11c90, 0x11c91}, {0x11ca8, 0x11ca8}, {0x11cb7, 0x11cff},
	{0x11d07, 0x11d07}, {0x11d0a, 0x11d0a}, {0x11d37, 0x11d39}, {0x11d3b, 0x11d3b},
	{0x11d3e, 0x11d3e}, {0x11d48, 0x11d4f}, {0x11d5a, 0x11d5f}, {0x11d66, 0x11d66},
	{0x11d69, 0x11d69}, {0x11d8f, 0x11d8f}, {0x11d92, 0x11d92}, {0x11d99, 0x11d9f},
	{0x11daa, 0x11edf}, {0x11ef9, 0x11faf}, {0x11fb1, 0x11fbf}, {0x11ff2, 0x11ffe},
	{0x1239a, 0x123ff}, {0x1246f, 0x1246f}, {0x12475, 0x1247f}, {0x12544, 0x12f8f},
	{0x12ff3, 0x12fff}, {0x1342f, 0x143ff}, {0x14647, 0x167ff}, {0x16a39, 0x16a3f},
	{0x16a5f, 0x16a5f}, {0x16a6a, 0x16a6d}, {0x16abf, 0x16abf}, {0x16aca, 0x16acf},
	{0x16aee, 0x16aef}, {0x16af6, 0x16aff}, {0x16b46, 0x16b4f}, {0x16b5a, 0x16b5a},
	{0x16b62, 0x16b62}, {0x16b78, 0x16b7c}, {0x16b90, 0x16e3f}, {0x16e9b, 0x16eff},
	{0x16f4b, 0x16f4e}, {0x16f88, 0x16f8e}, {0x16fa0, 0x16fdf}, {0x16fe5, 0x16fef},
	{0x16ff2, 0x16fff}, {0x187f8, 0x187ff}, {0x18cd6, 0x18cff}, {0x18d09, 0x1afef},
	{0x1aff4, 0x1aff4}, {0x1affc, 0x1affc}, {0x1afff, 0x1afff}, {0x1b123, 0x1b14f},
	{0x1b153, 0x1b163}, {0x1b168, 0x1b16f}, {0x1b2fc, 0x1bbff}, {0x1bc6b, 0x1bc6f},
	{0x1bc7d, 0x1bc7f}, {0x1bc89, 0x1bc8f}, {0x1bc9a, 0x1bc9b}, {0x1bca0, 0x1ceff},
	{0x1cf2e, 0x1cf2f}, {0x1cf47, 0x1cf4f}, {0x1cfc4, 0x1cfff}, {0x1d0f6, 0x1d0ff},
	{0x1d127, 0x1d128}, {0x1d173, 0x1d17a}, {0x1d1eb, 0x1d1ff}, {0x1d246, 0x1d2df},
	{0x1d2f4, 0x1d2ff}, {0x1d357, 0x1d35f}, {0x1d379, 0x1d3ff}, {0x1d455, 0x1d455},
	{0x1d49d, 0x1d49d}, {0x1d4a0, 0x1d4a1}, {0x1d4a3, 0x1d4a4}, {0x1d4a7, 0x1d4a8},
	{0x1d4ad, 0x1d4ad}, {0x1d4ba, 0x1d4ba}, {0x1d4bc, 0x1d4bc}, {0x1d4c4, 0x1d4c4},
	{0x1d506, 0x1d506}, {0x1d50b, 0x1d50c}, {0x1d515, 0x1d515}, {0x1d51d, 0x1d51d},
	{0x1d53a, 0x1d53a}, {0x1d53f, 0x1d53f}, {0x1d545, 0x1d545}, {0x1d547, 0x1d549},
	{0x1d551, 0x1d551}, {0x1d6a6, 0x1d6a7}, {0x1d7cc, 0x1d7cd}, {0x1da8c, 0x1da9a},
	{0x1daa0, 0x1daa0}, {0x1dab0, 0x1deff}, {0x1df1f, 0x1dfff}, {0x1e007, 0x1e007},
	{0x1e019, 0x1e01a}, {0x1e022, 0x1e022}, {0x1e025, 0x1e025}, {0x1e02b, 0x1e0ff},
	{0x1e12d, 0x1e12f}, {0x1e13e, 0x1e13f}, {0x1e14a, 0x1e14d}, {0x1e150, 0x1e28f},
	{0x1e2af, 0x1e2bf}, {0x1e2fa, 0x1e2fe}, {0x1e300, 0x1e7df}, {0x1e7e7, 0x1e7e7},
	{0x1e7ec, 0x1e7ec}, {0x1e7ef, 0x1e7ef}, {0x1e7ff, 0x1e7ff}, {0x1e8c5, 0x1e8c6},
	{0x1e8d7, 0x1e8ff}, {0x1e94c, 0x1e94f}, {0x1e95a, 0x1e95d}, {0x1e960, 0x1ec70},
	{0x1ecb5, 0x1ed00}, {0x1ed3e, 0x1edff}, {0x1ee04, 0x1ee04}, {0x1ee20, 0x1ee20},
	{0x1ee23, 0x1ee23}, {0x1ee25, 0x1ee26}, {0x1ee28, 0x1ee28}, {0x1ee33, 0x1ee33},
	{0x1ee38, 0x1ee38}, {0x1ee3a, 0x1ee3a}, {0x1ee3c, 0x1ee41}, {0x1ee43, 0x1ee46},
	{0x1ee48, 0x1ee48}, {0x1ee4a, 0x1ee4a}, {0x1ee4c, 0x1ee4c}, {0x1ee50, 0x1ee50},
	{0x1ee53, 0x1ee53}, {0x1ee55, 0x1ee56}, {0x1ee58, 0x1ee58}, {0x1ee5a, 0x1ee5a},
	{0x1ee5c, 0x1ee5c}, {0x1ee5e, 0x1ee5e}, {0x1ee60, 0x1ee60}, {0x1ee63, 0x1ee63},
	{0x1ee65, 0x1ee66}, {0x1ee6b, 0x1ee6b}, {0x1ee73, 0x1ee73}, {0x1ee78, 0x1ee78},
	{0x1ee7d, 0x1ee7d}, {0x1ee7f, 0x1ee7f}, {0x1ee8a, 0x1ee8a}, {0x1ee9c, 0x1eea0},
	{0x1eea4, 0x1eea4}, {0x1eeaa, 0x1eeaa}, {0x1eebc, 0x1eeef}, {0x1eef2, 0x1efff},
	{0x1f02c, 0x1f02f}, {0x1f094, 0x1f09f}, {0x1f0af, 0x1f0b0}, {0x1f0c0, 0x1f0c0},
	{0x1f0d0, 0x1f0d0}, {0x1f0f6, 0x1f0ff}, {0x1f1ae, 0x1f1e5}, {0x1f203, 0x1f20f},
	{0x1f23c, 0x1f23f}, {0x1f249, 0x1f24f}, {0x1f252, 0x1f25f}, {0x1f266, 0x1f2ff},
	{0x1f6d8, 0x1f6dc}, {0x1f6ed, 0x1f6ef}, {0x1f6fd, 0x1f6ff}, {0x1f774, 0x1f77f},
	{0x1f7d9, 0x1f7df}, {0x1f7ec, 0x1f7ef}, {0x1f7f1, 0x1f7ff}, {0x1f80c, 0x1f80f},
	{0x1f848, 0x1f84f}, {0x1f85a, 0x1f85f}, {0x1f888, 0x1f88f}, {0x1f8ae, 0x1f8af},
	{0x1f8b2, 0x1f8ff}, {0x1fa54, 0x1fa5f}, {0x1fa6e, 0x1fa6f}, {0x1fa75, 0x1fa77},
	{0x1fa7d, 0x1fa7f}, {0x1fa87, 0x1fa8f}, {0x1faad, 0x1faaf}, {0x1fabb, 0x1fabf},
	{0x1fac6, 0x1facf}, {0x1fada, 0x1fadf}, {0x1fae8, 0x1faef}, {0x1faf7, 0x1faff},
	{0x1fb93, 0x1fb93}, {0x1fbcb, 0x1fbef}, {0x1fbfa, 0x1ffff}, {0x2a6e0, 0x2a6ff},
	{0x2b739, 0x2b73f}, {0x2b81e, 0x2b81f}, {0x2cea2, 0x2ceaf}, {0x2ebe1, 0x2f7ff},
	{0x2fa1e, 0x2ffff}, {0x3134b, 0xe00ff}, {0xe01f0, 0x10ffff},
};

static bool py_printable(uint32_t c)
{
	size_t lo = 0, hi = sizeof(nonprint) / sizeof(nonprint[0]);

	if (c < 0x80)
		return c >= 0x20 && c < 0x7f;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c < nonprint[mid][0])
			hi = mid;
		else if (c > nonprint[mid][1])
			lo = mid + 1;
		else
			return false;
	}
	return true;
}

/* Length of the well-formed UTF-8 sequence at b[0..n) (as Python's strict decoder
 * accepts it: no overlongs, no surrogates, nothing above U+10FFFF), 0 if there is none. */
static size_t utf8_seq(const uint8_t *b, size_t n, uint32_t *cp)
{
	uint8_t c = b[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || b[1] < lo || b[1] > hi)
		return 0;
	*cp = c & (0xff >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if (i > 1 && (b[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (b[i] & 0x3f);
	}
	return len;
}

/* Python picks double quotes only when the text has a single quote and no double one. */
static char py_quote(const uint8_t *b, size_t n)
{
	/* n == 0 may come with b == NULL (an unset default), which memchr must not see. */
	bool sq = n && memchr(b, '\'', n) != NULL, dq = n && memchr(b, '"', n) != NULL;

	return sq && !dq ? '"' : '\'';
}

/* One ASCII character as repr() writes it inside `quote`s (shared by str and bytes). */
static void py_ascii(struct wc_sb *sb, uint8_t c, char quote)
{
	if (c == (uint8_t)quote || c == '\\') {
		wc_sb_putc(sb, '\\');
		wc_sb_putc(sb, (char)c);
	} else if (c == '\t') {
		wc_sb_puts(sb, "\\t");
	} else if (c == '\n') {
		wc_sb_puts(sb, "\\n");
	} else if (c == '\r') {
		wc_sb_puts(sb, "\\r");
	} else if (c < 0x20 || c >= 0x7f) {
		wc_sb_printf(sb, "\\x%02x", c);
	} else {
		wc_sb_putc(sb, (char)c);
	}
}

void wc_sb_strrepr(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	char q = py_quote(b, n);

	wc_sb_putc(sb, q);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_seq(b + i, n - i, &cp);

		if (k == 0) {
			/* decode(errors="backslashreplace") turned the byte into the four characters
			 * \xNN, and repr() doubles their backslash. */
			wc_sb_printf(sb, "\\\\x%02x", b[i]);
			i++;
			continue;
		}
		if (cp < 0x80)
			py_ascii(sb, (uint8_t)cp, q);
		else if (py_printable(cp))
			wc_sb_putn(sb, (const char *)b + i, k);
		else if (cp <= 0xff)
			wc_sb_printf(sb, "\\x%02x", (unsigned)cp);
		else if (cp <= 0xffff)
			wc_sb_printf(sb, "\\u%04x", (unsigned)cp);
		else
			wc_sb_printf(sb, "\\U%08x", (unsigned)cp);
		i += k;
	}
	wc_sb_putc(sb, q);
}

void wc_sb_bytesrepr(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	char q = py_quote(b, n);

	wc_sb_putc(sb, 'b');
	wc_sb_putc(sb, q);
	for (size_t i = 0; i < n; i++)
		py_ascii(sb, b[i], q);
	wc_sb_putc(sb, q);
}

/* ---- TCP options ---------------------------------------------------------------------- */

/* How Scapy unpacks each known kind's value (its struct format, by shape). */
enum tshape {
	TS_RAW,   /* no format: the bytes as they are */
	TS_U8,    /* "!B" */
	TS_U16,   /* "!H" */
	TS_U32X2, /* "!II" */
	TS_U8U16, /* "!BH" */
	TS_SACK,  /* "!" + n "I": as many 32-bit blocks as the length holds */
	TS_PSTR,  /* "!p": one byte gives b'' */
	TS_AO,    /* a TCPAOValue packet */
};

static const struct {
	uint8_t kind, shape;
	const char *name;
} tcpopt_kinds[] = {
	{2, TS_U16, "MSS"}, {3, TS_U8, "WScale"}, {4, TS_RAW, "SAckOK"}, {5, TS_SACK, "SAck"},
	{8, TS_U32X2, "Timestamp"}, {14, TS_U8U16, "AltChkSum"}, {15, TS_RAW, "AltChkSumOpt"},
	{19, TS_RAW, "MD5"}, {25, TS_PSTR, "Mood"}, {28, TS_U16, "UTO"}, {29, TS_AO, "AO"},
	{34, TS_U32X2, "TFO"},
};

static uint32_t be(const uint8_t *b, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

/* Scapy unpacks only when the value has exactly the format's size; otherwise it keeps
 * the bytes. */
static void tcpopt_value(struct wc_tcpopt *o, unsigned shape)
{
	const uint8_t *v = o->b;
	size_t n = o->blen;

	o->type = WC_TO_BYTES;
	switch (shape) {
	case TS_U8:
	case TS_U16:
		if (n == (shape == TS_U8 ? 1u : 2u)) {
			o->type = WC_TO_INT;
			o->ints[0] = be(v, (unsigned)n);
			o->nints = 1;
		}
		break;
	case TS_U32X2:
		if (n == 8) {
			o->type = WC_TO_TUPLE;
			o->ints[0] = be(v, 4);
			o->ints[1] = be(v + 4, 4);
			o->nints = 2;
		}
		break;
	case TS_U8U16:
		if (n == 3) {
			o->type = WC_TO_TUPLE;
			o->ints[0] = v[0];
			o->ints[1] = be(v + 1, 2);
			o->nints = 2;
		}
		break;
	case TS_SACK:
		if (n % 4 == 0 && n / 4 <= sizeof(o->ints) / sizeof(o->ints[0])) {
			o->nints = (uint8_t)(n / 4);
			for (unsigned i = 0; i < o->nints; i++)
				o->ints[i] = be(v + 4 * i, 4);
			/* A one-element tuple comes out of Scapy as the bare integer. */
			o->type = o->nints == 1 ? WC_TO_INT : WC_TO_TUPLE;
		}
		break;
	case TS_PSTR:
		if (n == 1)
			o->blen = 0; /* a Pascal string of size 1 holds nothing */
		break;
	case TS_AO:
		o->type = WC_TO_AO;
		break;
	default:
		break;
	}
}

int wc_tcpopt_next(const uint8_t *b, size_t n, size_t *pos, struct wc_tcpopt *o)
{
	size_t at = *pos, olen, vend;

	if (at >= n)
		return 0;
	memset(o, 0, sizeof(*o));
	o->kind = b[at];
	if (o->kind == 0 || o->kind == 1) {
		o->name = o->kind ? "NOP" : "EOL";
		o->type = WC_TO_NONE;
		/* Scapy stops at EOL: what follows is never listed. */
		*pos = o->kind ? at + 1 : n;
		return 1;
	}
	olen = at + 1 < n ? b[at + 1] : 0;
	if (olen < 2)
		olen = 2; /* Scapy's answer to a length that cannot be */
	vend = at + olen < n ? at + olen : n;
	o->b = b + (at + 2 < vend ? at + 2 : vend);
	o->blen = at + 2 < vend ? vend - at - 2 : 0;
	*pos = vend;
	o->type = WC_TO_BYTES;
	for (size_t i = 0; i < sizeof(tcpopt_kinds) / sizeof(tcpopt_kinds[0]); i++)
		if (tcpopt_kinds[i].kind == o->kind) {
			o->name = tcpopt_kinds[i].name;
			tcpopt_value(o, tcpopt_kinds[i].shape);
			break;
		}
	return 1;
}

/* Packet.__repr__ of the TCPAOValue Scapy makes of an AO option: only the fields its
 * bytes reached. */
static void ao_repr(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	wc_sb_puts(sb, "<TCPAOValue ");
	if (n >= 1)
		wc_sb_printf(sb, " keyid=%u", b[0]);
	if (n >= 2)
		wc_sb_printf(sb, " rnextkeyid=%u", b[1]);
	if (n >= 3) {
		wc_sb_puts(sb, " mac=");
		wc_sb_strrepr(sb, b + 2, n - 2);
	}
	wc_sb_puts(sb, " |>");
}

/* Python's repr of the list Scapy's TCPOptionsField holds. */
void wc_sb_tcpopts_repr(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	struct wc_tcpopt o;
	size_t pos = 0;
	bool first = true;

	wc_sb_putc(sb, '[');
	while (wc_tcpopt_next(b, n, &pos, &o) == 1) {
		wc_sb_puts(sb, first ? "(" : ", (");
		first = false;
		if (o.name)
			wc_sb_printf(sb, "'%s', ", o.name);
		else
			wc_sb_printf(sb, "%u, ", o.kind);
		switch (o.type) {
		case WC_TO_NONE:
			wc_sb_puts(sb, "None");
			break;
		case WC_TO_INT:
			wc_sb_printf(sb, "%u", (unsigned)o.ints[0]);
			break;
		case WC_TO_TUPLE:
			wc_sb_putc(sb, '(');
			for (unsigned i = 0; i < o.nints; i++)
				wc_sb_printf(sb, i ? ", %u" : "%u", (unsigned)o.ints[i]);
			wc_sb_putc(sb, ')');
			break;
		case WC_TO_AO:
			ao_repr(sb, o.b, o.blen);
			break;
		default:
			wc_sb_bytesrepr(sb, o.b, o.blen);
			break;
		}
		wc_sb_putc(sb, ')');
	}
	wc_sb_putc(sb, ']');
}

/* ---- field values --------------------------------------------------------------------- */

static const char *name_of(const struct wc_name *names, uint64_t v)
{
	for (; names && names->name; names++)
		if (names->v == v)
			return names->name;
	return NULL;
}

/* Scapy joins flag names with '+' unless every name is one letter (TCP's "SA"). */
static bool flags_multi(const struct wc_name *names)
{
	for (; names && names->name; names++)
		if (strlen(names->name) != 1)
			return true;
	return false;
}

/* str(FlagValue): the names of the set bits, lowest first; "?" for a bit without one. */
static void flags_repr(struct wc_sb *sb, const struct wc_field *f, uint64_t v)
{
	bool multi = (f->flags & WC_FF_FLAGS_PLUS) || flags_multi(f->names), first = true;

	for (unsigned bit = 0; v; bit++, v >>= 1) {
		const char *nm;

		if (!(v & 1))
			continue;
		nm = name_of(f->names, bit);
		if (!first && multi)
			wc_sb_putc(sb, '+');
		wc_sb_puts(sb, nm ? nm : "?");
		first = false;
	}
}

void wc_sb_mac(struct wc_sb *sb, uint64_t m)
{
	wc_sb_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(m >> 40) & 0xff,
		     (unsigned)(m >> 32) & 0xff, (unsigned)(m >> 24) & 0xff,
		     (unsigned)(m >> 16) & 0xff, (unsigned)(m >> 8) & 0xff, (unsigned)m & 0xff);
}

void wc_sb_ipv4(struct wc_sb *sb, uint32_t a)
{
	wc_sb_printf(sb, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

void wc_sb_ipv6(struct wc_sb *sb, const uint8_t a[16])
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(AF_INET6, a, s, sizeof(s)))
		snprintf(s, sizeof(s), "::"); /* cannot happen with a 16-byte input */
	wc_sb_puts(sb, s);
}

/* Scapy's IP6Field adds what it reads out of Teredo (2001::/32) and 6to4 (2002::/16)
 * addresses. */
static void ipv6_repr(struct wc_sb *sb, const uint8_t a[16])
{
	wc_sb_ipv6(sb, a);
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) {
		wc_sb_puts(sb, " [Teredo srv: ");
		wc_sb_ipv4(sb, be(a + 4, 4));
		wc_sb_puts(sb, " cli: ");
		wc_sb_ipv4(sb, ~be(a + 12, 4));
		wc_sb_printf(sb, ":%u]", (unsigned)(~be(a + 10, 2) & 0xffff));
	} else if (a[0] == 0x20 && a[1] == 0x02) {
		wc_sb_puts(sb, " [6to4 GW: ");
		wc_sb_ipv4(sb, be(a + 2, 4));
		wc_sb_putc(sb, ']');
	}
}

/* `names` are the field's own, or those its earlier fields select (Scapy's MultiEnumField:
 * ICMP code names by type). */
static void int_repr(struct wc_sb *sb, const struct wc_field *f, const struct wc_name *names,
		     uint64_t v)
{
	const char *nm = NULL;

	switch (f->kind) {
	case WC_K_ENUM:
		if ((nm = name_of(names, v)))
			wc_sb_puts(sb, nm);
		else
			wc_sb_printf(sb, "%llu", (unsigned long long)v);
		return;
	case WC_K_XINT:
		/* With names: Scapy's XShortEnumField (a name, else hex). */
		if ((nm = name_of(names, v)))
			wc_sb_puts(sb, nm);
		else
			wc_sb_printf(sb, "0x%llx", (unsigned long long)v);
		return;
	case WC_K_FLAGS:
		flags_repr(sb, f, v);
		return;
	default:
		wc_sb_printf(sb, "%llu", (unsigned long long)v);
		return;
	}
}

void wc_sb_value(struct wc_sb *sb, const struct wc_layer *l, unsigned fi, bool names)
{
	const struct wc_field *f = &l->proto->fields[fi];
	const struct wc_val *v = &l->v[fi];

	if (names && f->repr) {
		f->repr(sb, l, fi);
		return;
	}
	switch (f->kind) {
	case WC_K_MAC:
		wc_sb_mac(sb, v->u);
		break;
	case WC_K_IPV4:
		wc_sb_ipv4(sb, (uint32_t)v->u);
		break;
	case WC_K_IPV6:
		if (names)
			ipv6_repr(sb, v->a);
		else
			wc_sb_ipv6(sb, v->a);
		break;
	case WC_K_BYTES:
		if (names)
			wc_sb_strrepr(sb, v->b, v->blen);
		else
			wc_sb_hex(sb, v->b, v->blen);
		break;
	case WC_K_TCPOPTS:
		if (names)
			wc_sb_tcpopts_repr(sb, v->b, v->blen);
		else
			wc_sb_hex(sb, v->b, v->blen);
		break;
	case WC_K_IPOPTS:
	case WC_K_RRLIST: /* views show the records through wc_sub_expand() */
		wc_sb_hex(sb, v->b, v->blen);
		break;
	case WC_K_DNSNAME:
		if (names)
			wc_sb_dnsname(sb, v->b, v->blen, f->flags & WC_FF_DOT_ROOT, 0);
		else
			wc_sb_hex(sb, v->b, v->blen);
		break;
	case WC_K_DNSTXT:
		if (names)
			wc_sb_dnstxt(sb, v->b, v->blen);
		else
			wc_sb_hex(sb, v->b, v->blen);
		break;
	case WC_K_DHCPOPTS:
		if (names)
			wc_sb_dhcpopts_repr(sb, v->b, v->blen);
		else
			wc_sb_hex(sb, v->b, v->blen);
		break;
	default:
		if (names)
			int_repr(sb, f, f->names_for ? f->names_for(l) : f->names, v->u);
		else
			wc_sb_printf(sb, "%llu", (unsigned long long)v->u);
		break;
	}
}

int wc_fmt_field_value(const struct wc_layer *l, unsigned fi, bool names, char *out,
		       size_t cap)
{
	struct wc_sb sb;

	if (!l->proto || fi >= l->proto->nfields)
		return -EINVAL;
	wc_sb_init(&sb, out, cap);
	wc_sb_value(&sb, l, fi, names);
	return wc_sb_result(&sb);
}

void wc_sb_field(struct wc_sb *sb, const struct wc_layer *l, const char *name)
{
	int fi = wc_field_index(l->proto, name);

	if (fi < 0 || !(l->here & (1u << fi)))
		wc_sb_puts(sb, "??");
	else
		wc_sb_value(sb, l, (unsigned)fi, true);
}

bool wc_fmt_reached(const struct wc_pkt *p, unsigned li, unsigned fi)
{
	const struct wc_layer *l = &p->l[li];
	size_t end;

	if (l->proto->fields[fi].bits)
		return true; /* a fixed field that did not fit made the layer Raw */
	if (li == 0)
		end = p->len;
	else
		end = (size_t)p->l[li - 1].off + p->l[li - 1].hlen + p->l[li - 1].plen;
	/* Padding and Raw stand for bytes that are there, whatever the layer below says. */
	if (end < (size_t)l->off + l->hlen + l->plen)
		end = (size_t)l->off + l->hlen + l->plen;
	return (size_t)l->off + l->boff[fi] / 8 < end;
}
