/* SPDX-License-Identifier: MIT */
/* The hellos a banner scan sends to servers that do not speak first (wirecraft/banner.h).
 *
 * TLS: a ClientHello that offers TLS 1.2 and nothing later (no supported_versions extension).
 * In TLS 1.3 the Certificate message is encrypted; in 1.2 it comes in clear in the server's
 * first flight, which is all a stateless scanner ever reads. A 1.3-only server answers with a
 * protocol_version alert, which is reported as such. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wirecraft/banner.h"

int wc_hello_http(const char *host, uint8_t *out, size_t cap)
{
	int n = snprintf((char *)out, cap,
			 "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: wirecraft/0.1\r\nAccept: */*\r\n"
			 "Connection: close\r\n\r\n", host);

	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

/* ECDHE and RSA key exchange with AES-GCM, ChaCha20 and AES-CBC: what TLS 1.2 servers take. */
static const uint16_t suites[] = {
	0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0xc013, 0xc014, 0xc009, 0xc00a,
	0x009e, 0x009f, 0x009c, 0x009d, 0x002f, 0x0035,
	0x00ff, /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
};
static const uint16_t groups[] = {0x001d, 0x0017, 0x0018}; /* x25519, P-256, P-384 */
static const uint16_t sigalgs[] = {0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
				   0x0403, 0x0503, 0x0603, 0x0201, 0x0203};

struct wr {
	uint8_t *b;
	size_t n, cap;
	bool over;
};

static void put8(struct wr *w, unsigned v)
{
	if (w->n >= w->cap) {
		w->over = true;
		return;
	}
	w->b[w->n++] = (uint8_t)v;
}

static void put16(struct wr *w, unsigned v)
{
	put8(w, v >> 8);
	put8(w, v & 0xff);
}

static void put(struct wr *w, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(w, ((const uint8_t *)p)[i]);
}

/* A length written later over `bytes` bytes at `at`, once what it covers is known. */
static void patch(struct wr *w, size_t at, unsigned bytes)
{
	size_t v = w->n - at - bytes;

	if (w->over || at + bytes > w->n)
		return;
	for (unsigned i = 0; i < bytes; i++)
		w->b[at + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

int wc_hello_tls(const char *sni, const uint8_t random[32], uint8_t *out, size_t cap)
{
	struct wr w = {.b = out, .cap = cap};
	size_t rec, hs, ext, e;

	put8(&w, 22);      /* handshake record */
	put16(&w, 0x0301); /* record version: 1.0, as clients send for compatibility */
	rec = w.n;
	put16(&w, 0);
	put8(&w, 1);       /* ClientHello */
	hs = w.n;
	put8(&w, 0), put16(&w, 0);
	put16(&w, 0x0303); /* TLS 1.2 */
	put(&w, random, 32);
	put8(&w, 0);       /* no session id */
	put16(&w, sizeof(suites));
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		put16(&w, suites[i]);
	put8(&w, 1), put8(&w, 0); /* compression: null */
	ext = w.n;
	put16(&w, 0);
	if (sni && *sni) {
		size_t n = strlen(sni);

		if (n > 255)
			return -ENOSPC;
		put16(&w, 0x0000);
		put16(&w, (unsigned)n + 5);
		put16(&w, (unsigned)n + 3);
		put8(&w, 0); /* host_name */
		put16(&w, (unsigned)n);
		put(&w, sni, n);
	}
	put16(&w, 0x000a); /* supported_groups */
	e = w.n;
	put16(&w, 0), put16(&w, sizeof(groups));
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		put16(&w, groups[i]);
	patch(&w, e, 2);
	put16(&w, 0x000b), put16(&w, 2), put8(&w, 1), put8(&w, 0); /* ec_point_formats */
	put16(&w, 0x000d); /* signature_algorithms */
	e = w.n;
	put16(&w, 0), put16(&w, sizeof(sigalgs));
	for (size_t i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		put16(&w, sigalgs[i]);
	patch(&w, e, 2);
	put16(&w, 0x0017), put16(&w, 0); /* extended_master_secret */
	patch(&w, ext, 2);
	patch(&w, hs, 3);
	patch(&w, rec, 2);
	return w.over ? -ENOSPC : (int)w.n;
}

size_t wc_hello_max(const char *host)
{
	static const uint8_t zero[32];
	uint8_t b[1024];
	/* the longest address in text: a full IPv6 one in brackets */
	int h = wc_hello_http(host ? host : "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]", b, sizeof(b));
	int t = wc_hello_tls(host, zero, b, sizeof(b));

	h = h < 0 ? 0 : h;
	t = t < 0 ? 0 : t;
	return (size_t)(h > t ? h : t);
}
