/* SPDX-License-Identifier: MIT */
/* DNS names and TXT strings: encoding as Scapy does it, and bounded decompression of
 * untrusted names (pointer loops, pointers out of the message, endless chains). */
#include <errno.h>
#include <string.h>

#include "dnsname.h"
#include "wirecraft/format.h"

size_t wc_dns_name_span(const uint8_t *b, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = b[i];

		if (c & 0xc0) /* a pointer (Scapy takes any of the two top bits as one) */
			return i + 2 <= n ? i + 2 : n + 1;
		if (c == 0)
			return i + 1;
		i += 1 + (size_t)c;
	}
	return n + 1;
}

size_t wc_dns_expand(const uint8_t *msg, size_t mlen, size_t off, uint8_t *out,
		     size_t *outlen, unsigned *why)
{
	size_t pos = off, after = 0, o = 0;
	unsigned hops = 0;
	bool jumped = false;
	/* Pointers followed so far: a repeat is a loop (Scapy's processed_pointers). The hop
	 * bound keeps this list short. */
	uint16_t seen[WC_DNS_MAX_HOPS];

	*why = 0;
	for (;;) {
		uint8_t c;

		if (pos >= mlen) {
			*why |= WC_DN_CUT;
			break;
		}
		c = msg[pos++];
		if (c & 0xc0) {
			size_t to;

			if (pos >= mlen) {
				*why |= WC_DN_CUT;
				if (!jumped)
					after = pos;
				break;
			}
			to = (size_t)(c & 0x3f) << 8 | msg[pos];
			if (!jumped)
				after = pos + 1;
			jumped = true;
			*why |= WC_DN_PTR;
			if (to < 12 || to >= mlen) {
				*why |= WC_DN_OOB;
				break;
			}
			for (unsigned k = 0; k < hops; k++)
				if (seen[k] == to) {
					*why |= WC_DN_LOOP;
					goto done;
				}
			if (hops == WC_DNS_MAX_HOPS) {
				*why |= WC_DN_DEEP;
				break;
			}
			seen[hops++] = (uint16_t)to;
			pos = to;
			continue;
		}
		if (c == 0)
			break;
		if (pos + c > mlen) {
			*why |= WC_DN_CUT;
			break;
		}
		if (o + 1 + c > WC_DNS_NAME_MAX) {
			*why |= WC_DN_LONG;
			break;
		}
		out[o++] = c;
		memcpy(out + o, msg + pos, c);
		o += c;
		pos += c;
	}
done:
	out[o++] = 0;
	*outlen = o;
	if (jumped)
		return after;
	return pos <= mlen ? pos : mlen;
}

/* Scapy's _is_ptr: no dot, and ends like an encoded name (a root label or a pointer). */
static bool looks_encoded(const uint8_t *t, size_t n)
{
	if (memchr(t, '.', n))
		return false;
	return (n && t[n - 1] == 0) || (n >= 2 && (t[n - 2] & 0xc0) == 0xc0);
}

long wc_dns_name_encode(const uint8_t *txt, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 0, i = 0;

	if (n == 0 || (n == 1 && txt[0] == '.')) {
		if (cap < 1)
			return -ENOSPC;
		out[0] = 0;
		return 1;
	}
	if (looks_encoded(txt, n)) {
		if (cap < n)
			return -ENOSPC;
		memcpy(out, txt, n);
		return (long)n;
	}
	for (;;) {
		const uint8_t *dot = memchr(txt + i, '.', n - i);
		size_t len = dot ? (size_t)(dot - (txt + i)) : n - i;
		size_t keep = len > 63 ? 63 : len;

		if (o + 1 + keep > cap)
			return -ENOSPC;
		out[o++] = (uint8_t)keep;
		memcpy(out + o, txt + i, keep);
		o += keep;
		if (!dot)
			break;
		i += len + 1;
	}
	if (out[o - 1] != 0) {
		if (o + 1 > cap)
			return -ENOSPC;
		out[o++] = 0;
	}
	return (long)o;
}

size_t wc_dns_name_text(const uint8_t *w, size_t n, int root_dot, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n && w[i] && !(w[i] & 0xc0)) {
		size_t c = w[i++];

		if (c > n - i)
			c = n - i;
		for (size_t k = 0; k < c; k++, o++)
			if (o < cap)
				out[o] = w[i + k];
		if (o < cap)
			out[o] = '.';
		o++;
		i += c;
	}
	if (o == 0 && root_dot) { /* the root, set through DNSStrField.h2i: b"" is b"." */
		if (cap)
			out[0] = '.';
		o = 1;
	}
	return o;
}

long wc_dns_txt_encode(const uint8_t *txt, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 0;

	/* Scapy cuts a string into pieces of 255 (each prefixed 0xff), then the rest. */
	while (n) {
		size_t k = n >= 255 ? 255 : n;

		if (o + 1 + k > cap)
			return -ENOSPC;
		out[o++] = (uint8_t)k;
		memcpy(out + o, txt, k);
		o += k;
		txt += k;
		n -= k;
	}
	return (long)o;
}

int wc_dns_txt_next(const uint8_t *w, size_t n, size_t *pos, const uint8_t **s, size_t *slen)
{
	size_t p = *pos, l;

	if (p >= n)
		return 0;
	l = w[p];
	*s = w + p + 1;
	*slen = l <= n - p - 1 ? l : n - p - 1; /* a cut string: what is there (as Scapy) */
	*pos = p + 1 + *slen;
	return 1;
}

void wc_sb_dnsname(struct wc_sb *sb, const uint8_t *w, size_t n, int root_dot,
		   int bytes_prefix)
{
	uint8_t t[WC_DNS_NAME_MAX + 1];
	size_t len = wc_dns_name_text(w, n, root_dot, t, sizeof(t));

	if (len > sizeof(t))
		len = sizeof(t);
	if (bytes_prefix)
		wc_sb_bytesrepr(sb, t, len);
	else
		wc_sb_strrepr(sb, t, len);
}

void wc_sb_dnstxt(struct wc_sb *sb, const uint8_t *w, size_t n)
{
	const uint8_t *s;
	size_t pos = 0, slen;
	bool first = true;

	wc_sb_putc(sb, '[');
	while (wc_dns_txt_next(w, n, &pos, &s, &slen)) {
		if (!first)
			wc_sb_puts(sb, ", ");
		first = false;
		wc_sb_bytesrepr(sb, s, slen);
	}
	wc_sb_putc(sb, ']');
}
