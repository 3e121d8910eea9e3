/* SPDX-License-Identifier: MIT */
/* A TLS server's first flight, as a banner scan collects it (wirecraft/banner.h): records
 * (ours: five-byte headers, handshake fragments joined), handshake messages (ours: four-byte
 * headers; ServerHello's version and cipher, Certificate's first entry) and the certificate
 * itself (OpenSSL's X.509 parser: no ASN.1 of our own). Everything is bounded by the bytes
 * collected; a record, message or certificate that claims more than is there is simply not
 * complete. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "wirecraft/banner.h"

#define TLS_HS_MAX (256u << 10) /* handshake bytes looked at, whatever was collected */

static void version_name(unsigned v, char *out, size_t cap)
{
	if (v == 0x0300)
		snprintf(out, cap, "SSL3.0");
	else if (v >= 0x0301 && v <= 0x0304)
		snprintf(out, cap, "TLS1.%u", v - 0x0301);
	else
		snprintf(out, cap, "0x%04x", v);
}

static const char *alert_name(unsigned d)
{
	switch (d) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 47: return "illegal_parameter";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 109: return "missing_extension";
	case 112: return "unrecognized_name";
	}
	return NULL;
}

/* OpenSSL knows every cipher suite's IANA name; it wants an SSL object to look one up. */
static pthread_once_t ssl_once = PTHREAD_ONCE_INIT;
static SSL *ssl_lookup;

static void ssl_init(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());

	if (ctx)
		ssl_lookup = SSL_new(ctx);
	SSL_CTX_free(ctx); /* the SSL keeps its own reference */
}

static void cipher_name(const uint8_t *id, char *out, size_t cap)
{
	const SSL_CIPHER *c = NULL;
	const char *n = NULL;

	pthread_once(&ssl_once, ssl_init);
	if (ssl_lookup)
		c = SSL_CIPHER_find(ssl_lookup, id);
	if (c)
		n = SSL_CIPHER_standard_name(c);
	if (n)
		snprintf(out, cap, "%s", n);
	else
		snprintf(out, cap, "0x%02x%02x", id[0], id[1]);
}

static uint32_t rd24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static void server_hello(const uint8_t *m, size_t n, struct wc_banner_info *in)
{
	size_t at;
	unsigned v;

	if (n < 38)
		return;
	v = (unsigned)m[0] << 8 | m[1];
	at = 34; /* version, random */
	at += 1 + (size_t)m[34];
	if (at + 3 > n)
		goto out;
	cipher_name(m + at, in->tls_cipher, sizeof(in->tls_cipher));
	at += 3; /* cipher, compression */
	if (at + 2 <= n) {
		size_t end = at + 2 + ((size_t)m[at] << 8 | m[at + 1]);

		at += 2;
		if (end > n)
			end = n;
		while (at + 4 <= end) {
			unsigned type = (unsigned)m[at] << 8 | m[at + 1];
			size_t len = (size_t)m[at + 2] << 8 | m[at + 3];

			if (at + 4 + len > end)
				break;
			if (type == 0x002b && len == 2) /* supported_versions: the one chosen */
				v = (unsigned)m[at + 4] << 8 | m[at + 5];
			at += 4 + len;
		}
	}
out:
	version_name(v, in->tls_version, sizeof(in->tls_version));
}

static void name_text(X509_NAME *nm, char *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	out[0] = 0;
	if (!b)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(b, &p);
		if (n > 0)
			snprintf(out, cap, "%.*s", (int)n, p);
	}
	BIO_free(b);
}

static void time_text(const ASN1_TIME *t, char *out, size_t cap)
{
	struct tm tm;

	out[0] = 0;
	if (t && ASN1_TIME_to_tm(t, &tm))
		strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void san_text(X509 *x, char *out, size_t cap)
{
	GENERAL_NAMES *g = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	size_t o = 0;

	out[0] = 0;
	if (!g)
		return;
	for (int i = 0; i < sk_GENERAL_NAME_num(g) && o + 1 < cap; i++) {
		const GENERAL_NAME *n = sk_GENERAL_NAME_value(g, i);
		char v[64] = "";
		const char *kind = NULL;

		if (n->type == GEN_DNS) {
			kind = "DNS";
			snprintf(v, sizeof(v), "%.*s", ASN1_STRING_length(n->d.dNSName) > 60 ? 60
				 : ASN1_STRING_length(n->d.dNSName),
				 (const char *)ASN1_STRING_get0_data(n->d.dNSName));
		} else if (n->type == GEN_IPADD) {
			const unsigned char *a = ASN1_STRING_get0_data(n->d.iPAddress);
			int len = ASN1_STRING_length(n->d.iPAddress);

			kind = "IP";
			if (len == 4)
				snprintf(v, sizeof(v), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
			else if (len == 16)
				for (int k = 0; k < 16; k += 2)
					snprintf(v + strlen(v), sizeof(v) - strlen(v), "%s%x",
						 k ? ":" : "", a[k] << 8 | a[k + 1]);
		}
		if (!kind)
			continue;
		/* printable only: a name is text the output quotes, not bytes */
		for (char *p = v; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				*p = '?';
		o += (size_t)snprintf(out + o, cap - o, "%s%s:%s", o ? "," : "", kind, v);
		if (o >= cap)
			o = cap - 1;
	}
	GENERAL_NAMES_free(g);
}

static void certificate(const uint8_t *m, size_t n, struct wc_banner_info *in)
{
	const uint8_t *der;
	uint32_t len;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	X509 *x;

	if (n < 6)
		return;
	len = rd24(m + 3); /* the first entry: the server's own certificate */
	if (6 + (size_t)len > n || rd24(m) < len + 3)
		return;
	der = m + 6;
	in->cert_len = len;
	if (EVP_Digest(der, len, md, &mdlen, EVP_sha256(), NULL) && mdlen == 32)
		for (unsigned i = 0; i < 32; i++)
			snprintf(in->cert_sha256 + 2 * i, 3, "%02x", md[i]);
	x = d2i_X509(NULL, &der, len);
	if (!x)
		return;
	name_text(X509_get_subject_name(x), in->cert_subject, sizeof(in->cert_subject));
	name_text(X509_get_issuer_name(x), in->cert_issuer, sizeof(in->cert_issuer));
	time_text(X509_get0_notBefore(x), in->cert_not_before, sizeof(in->cert_not_before));
	time_text(X509_get0_notAfter(x), in->cert_not_after, sizeof(in->cert_not_after));
	san_text(x, in->cert_san, sizeof(in->cert_san));
	X509_free(x);
}

int wc_tls_parse(const uint8_t *b, size_t len, struct wc_banner_info *in)
{
	uint8_t *hs;
	size_t hn = 0, at = 0, cap = len < TLS_HS_MAX ? len : TLS_HS_MAX;
	int done = 0;

	if (len < 5)
		return len && !(b[0] == 22 || b[0] == 21);
	if (!(b[0] == 22 || b[0] == 21) || b[1] != 3)
		return 1; /* not TLS: nothing to wait for */
	hs = malloc(cap ? cap : 1);
	if (!hs)
		return 0;
	/* the records: handshake fragments joined, an alert or anything else ends the flight */
	while (at + 5 <= len && !done) {
		unsigned type = b[at];
		size_t rl = (size_t)b[at + 3] << 8 | b[at + 4];

		if (b[at + 1] != 3 || rl > 18432) {
			done = 1; /* garbage after the flight */
			break;
		}
		if (at + 5 + rl > len)
			break; /* the rest is still to come */
		if (type == 22) {
			size_t k = rl <= cap - hn ? rl : cap - hn;

			memcpy(hs + hn, b + at + 5, k);
			hn += k;
		} else if (type == 21 && rl >= 2) {
			const char *a = alert_name(b[at + 6]);

			if (a)
				snprintf(in->tls_alert, sizeof(in->tls_alert), "%s", a);
			else
				snprintf(in->tls_alert, sizeof(in->tls_alert), "%u", b[at + 6]);
			if (!in->tls_version[0])
				version_name((unsigned)b[at + 1] << 8 | b[at + 2], in->tls_version,
					     sizeof(in->tls_version));
			done = 1;
		} else {
			done = 1;
		}
		at += 5 + rl;
	}
	/* the handshake messages */
	for (size_t m = 0; m + 4 <= hn;) {
		unsigned type = hs[m];
		size_t ml = rd24(hs + m + 1);

		if (m + 4 + ml > hn)
			break;
		if (type == 2)
			server_hello(hs + m + 4, ml, in);
		else if (type == 11 && !in->cert_len)
			certificate(hs + m + 4, ml, in);
		else if (type == 14)
			done = 1; /* ServerHelloDone: the server waits for us now */
		m += 4 + ml;
	}
	if (hn >= cap && cap == TLS_HS_MAX)
		done = 1;
	free(hs);
	return done;
}
