/* SPDX-License-Identifier: MIT */
/* What a server said (wirecraft/banner.h): the protocol, told by the content and never by the
 * port, and the few fields worth a column. Every read is bounded by len: the bytes come from
 * anyone, and a hostile server may send endless headers or garbage. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wirecraft/banner.h"

static const char *const end_names[WC_BE__MAX] = {
	[WC_BE_COMPLETE] = "complete", [WC_BE_SIZE] = "size",       [WC_BE_FIN] = "fin",
	[WC_BE_RESET] = "reset",       [WC_BE_TIMEOUT] = "timeout", [WC_BE_EVICTED] = "evicted",
	[WC_BE_STOPPED] = "stopped",
};

const char *wc_banner_end_name(unsigned e)
{
	return e < WC_BE__MAX ? end_names[e] : "?";
}

static bool starts(const uint8_t *b, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && !memcmp(b, p, n);
}

/* the offset just past the first '\n' at or after `from`, or 0 */
static size_t line_end(const uint8_t *b, size_t len, size_t from)
{
	const uint8_t *nl = from < len ? memchr(b + from, '\n', len - from) : NULL;

	return nl ? (size_t)(nl - b) + 1 : 0;
}

/* Text into out: printable ASCII as it is, anything else as \xNN; cut at the size. */
static void escape(char *out, size_t cap, const uint8_t *b, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\') {
			out[o++] = (char)b[i];
		} else {
			if (o + 5 > cap)
				break;
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", b[i]);
		}
	}
	out[o] = 0;
}

/* A line from `at` to its end, without CR LF. */
static void take_line(char *out, size_t cap, const uint8_t *b, size_t len, size_t at)
{
	size_t e = at;

	while (e < len && b[e] != '\n' && b[e] != '\r')
		e++;
	escape(out, cap, b + at, e - at);
}

/* "ddd " or "ddd-": an SMTP / FTP reply line */
static bool reply_code(const uint8_t *b, size_t len, size_t at)
{
	return at + 4 <= len && isdigit(b[at]) && isdigit(b[at + 1]) && isdigit(b[at + 2]) &&
	       (b[at + 3] == ' ' || b[at + 3] == '-');
}

static bool contains_ci(const uint8_t *b, size_t len, const char *w)
{
	size_t n = strlen(w);

	for (size_t i = 0; i + n <= len; i++)
		if (!strncasecmp((const char *)b + i, w, n))
			return true;
	return false;
}

static bool is_tls(const uint8_t *b, size_t len)
{
	return len >= 3 && (b[0] == 22 || b[0] == 21) && b[1] == 3 && b[2] <= 4;
}

/* MySQL's greeting: a packet (3-byte little-endian length, sequence 0) with protocol 10 and a
 * NUL-terminated version, or an error packet (0xff) when the host may not connect. */
static bool is_mysql(const uint8_t *b, size_t len)
{
	uint32_t n;

	if (len < 5 || b[3] != 0)
		return false;
	n = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16;
	return n >= 1 && n < 1024 && (b[4] == 10 || b[4] == 0xff);
}

static const char *detect(const uint8_t *b, size_t len)
{
	if (starts(b, len, "SSH-"))
		return "ssh";
	if (starts(b, len, "HTTP/"))
		return "http";
	if (is_tls(b, len))
		return "tls";
	if (reply_code(b, len, 0)) {
		size_t e = line_end(b, len, 0);
		size_t n = e ? e : len;

		/* both greet with 220; FTP servers nearly always name themselves */
		return contains_ci(b, n, "FTP") ? "ftp" : "smtp";
	}
	if (starts(b, len, "+OK"))
		return "pop3";
	if (starts(b, len, "* OK") || starts(b, len, "* PREAUTH") || starts(b, len, "* BYE"))
		return "imap";
	if (is_mysql(b, len))
		return "mysql";
	if (starts(b, len, "-ERR") || starts(b, len, "-NOAUTH") || starts(b, len, "-DENIED") ||
	    starts(b, len, "+PONG"))
		return "redis";
	return "raw";
}

/* ---- HTTP ------------------------------------------------------------------------------------ */

/* The end of the header block (just past the blank line), or 0. */
static size_t http_head_end(const uint8_t *b, size_t len)
{
	for (size_t at = 0; at < len;) {
		size_t e = line_end(b, len, at);

		if (!e)
			return 0;
		if (e - at == 1 || (e - at == 2 && b[at] == '\r'))
			return e;
		at = e;
	}
	return 0;
}

/* A header's value (the first of that name) into out; false when absent. */
static bool http_header(const uint8_t *b, size_t head, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);

	for (size_t at = line_end(b, head, 0); at && at < head;) {
		size_t e = line_end(b, head, at);

		if (!e)
			break;
		if (e - at > n + 1 && !strncasecmp((const char *)b + at, name, n) && b[at + n] == ':') {
			size_t v = at + n + 1;

			while (v < e && (b[v] == ' ' || b[v] == '\t'))
				v++;
			take_line(out, cap, b, e, v);
			return true;
		}
		at = e;
	}
	return false;
}

static void http_title(const uint8_t *b, size_t len, size_t body, char *out, size_t cap)
{
	for (size_t i = body; i + 7 <= len; i++) {
		size_t s, e;

		if (b[i] != '<' || strncasecmp((const char *)b + i, "<title", 6) ||
		    (b[i + 6] != '>' && !isspace(b[i + 6])))
			continue;
		for (s = i + 6; s < len && b[s] != '>'; s++)
			;
		if (s >= len)
			return;
		s++;
		for (e = s; e < len && b[e] != '<'; e++)
			;
		while (s < e && isspace(b[s]))
			s++;
		while (e > s && isspace(b[e - 1]))
			e--;
		{
			/* whitespace runs (newlines in the title) become one space */
			uint8_t t[WC_BANNER_LINE];
			size_t n = 0;

			for (size_t k = s; k < e && n < sizeof(t); k++) {
				bool sp = isspace(b[k]);

				if (sp && n && t[n - 1] == ' ')
					continue;
				t[n++] = sp ? ' ' : b[k];
			}
			escape(out, cap, t, n);
		}
		return;
	}
}

static void parse_http(const uint8_t *b, size_t len, struct wc_banner_info *in)
{
	size_t head = http_head_end(b, len);
	unsigned code = 0;

	/* "HTTP/1.1 200 OK" */
	for (size_t i = 5; i < len && i < 16; i++) {
		if (b[i] == ' ') {
			if (i + 4 <= len && isdigit(b[i + 1]) && isdigit(b[i + 2]) && isdigit(b[i + 3]))
				code = (unsigned)(b[i + 1] - '0') * 100 + (unsigned)(b[i + 2] - '0') * 10 +
				       (unsigned)(b[i + 3] - '0');
			break;
		}
	}
	in->status = code >= 100 ? (int)code : 0;
	if (!head)
		head = len; /* cut inside the headers: take what is there */
	http_header(b, head, "Server", in->server, sizeof(in->server));
	http_title(b, len, head, in->title, sizeof(in->title));
}

static bool http_complete(const uint8_t *b, size_t len)
{
	size_t head = http_head_end(b, len);
	char cl[32];

	if (!head)
		return false;
	if (http_header(b, head, "Content-Length", cl, sizeof(cl))) {
		unsigned long long n = 0;

		for (const char *p = cl; *p >= '0' && *p <= '9' && n < (1ull << 40); p++)
			n = n * 10 + (unsigned)(*p - '0');
		return len - head >= n;
	}
	return false; /* to the FIN (we asked for Connection: close) or the limit */
}

/* ---- the rest -------------------------------------------------------------------------------- */

/* SMTP / FTP: the greeting ends with a "ddd " line. */
static bool greeting_complete(const uint8_t *b, size_t len)
{
	for (size_t at = 0; at < len;) {
		size_t e = line_end(b, len, at);

		if (!e)
			return false;
		if (!reply_code(b, e, at))
			return true; /* not a reply line: nothing more to wait for */
		if (b[at + 3] == ' ')
			return true;
		at = e;
	}
	return false;
}

bool wc_banner_complete(const uint8_t *b, size_t len, enum wc_hello hello)
{
	const char *s;

	if (!len)
		return false;
	s = detect(b, len);
	if (!strcmp(s, "tls")) {
		struct wc_banner_info in;

		memset(&in, 0, sizeof(in));
		return wc_tls_parse(b, len, &in) == 1;
	}
	if (!strcmp(s, "ssh")) {
		/* the version line; servers may send other lines before it (RFC 4253 4.2) */
		for (size_t at = 0; at < len;) {
			size_t e = line_end(b, len, at);

			if (!e)
				return false;
			if (starts(b + at, e - at, "SSH-"))
				return true;
			at = e;
		}
		return false;
	}
	if (!strcmp(s, "http"))
		return http_complete(b, len);
	if (!strcmp(s, "smtp") || !strcmp(s, "ftp"))
		return greeting_complete(b, len);
	if (!strcmp(s, "pop3") || !strcmp(s, "imap") || !strcmp(s, "redis"))
		return line_end(b, len, 0) != 0;
	if (!strcmp(s, "mysql"))
		return len >= 4 + (b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16);
	(void)hello;
	return false;
}

int wc_banner_parse(const uint8_t *b, size_t len, enum wc_hello hello, struct wc_banner_info *in)
{
	const char *s;

	(void)hello;
	in->service = NULL;
	in->name = NULL;
	in->data = b;
	in->len = len;
	in->line[0] = in->server[0] = in->title[0] = 0;
	in->status = 0;
	in->tls_version[0] = in->tls_cipher[0] = in->tls_alert[0] = 0;
	in->cert_subject[0] = in->cert_issuer[0] = in->cert_san[0] = 0;
	in->cert_not_before[0] = in->cert_not_after[0] = in->cert_sha256[0] = 0;
	in->cert_len = 0;
	if (!len)
		return 0;
	s = detect(b, len);
	in->service = s;
	if (!strcmp(s, "tls")) {
		wc_tls_parse(b, len, in);
	} else if (!strcmp(s, "ssh")) {
		size_t at = 0;

		while (at < len && !starts(b + at, len - at, "SSH-")) {
			size_t e = line_end(b, len, at);

			if (!e)
				break;
			at = e;
		}
		take_line(in->line, sizeof(in->line), b, len, at < len ? at : 0);
	} else if (!strcmp(s, "mysql")) {
		size_t e = 5;

		while (e < len && b[e])
			e++;
		if (b[4] == 10)
			escape(in->line, sizeof(in->line), b + 5, e - 5);
		else
			escape(in->line, sizeof(in->line), b + 4, len - 4 > 64 ? 64 : len - 4);
	} else if (!strcmp(s, "raw")) {
		escape(in->line, sizeof(in->line), b, len > 64 ? 64 : len);
	} else {
		take_line(in->line, sizeof(in->line), b, len, 0);
		if (!strcmp(s, "http"))
			parse_http(b, len, in);
	}
	return 0;
}
