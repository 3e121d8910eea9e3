/* SPDX-License-Identifier: MIT */
/* Application-layer banners over a stateless scan (wirecraft scan --banners).
 *
 * The SYN's sequence number is the probe cookie (wirecraft/probe.h). A SYN-ACK whose ack is
 * cookie + 1 is answered from userspace by an ACK and, where the server does not speak first,
 * a hello (an HTTP GET, a TLS 1.2 ClientHello); the server's first bytes are collected up to a
 * limit, a time-out, its FIN or its RST, and a RST closes the connection. The steering program
 * hands our connections' segments to us (their ack lies in [cookie + 1, cookie + 1 + hello]),
 * so the scanning host's kernel never sees them and never resets them.
 *
 * What came back is recognised by its content, not by its port (SSH, HTTP, TLS, SMTP, FTP,
 * POP3, IMAP, MySQL, Redis, else raw) and parsed into a wc_banner_info: HTTP status, Server and
 * title; TLS version, cipher and the first certificate's subject, issuer, SAN, validity and
 * SHA-256 (OpenSSL's X.509 parser; the record and handshake framing is ours, bounded).
 *
 * Parsers take any bytes (hostile servers: they are fuzzed) and never read outside them. */
#ifndef WIRECRAFT_BANNER_H
#define WIRECRAFT_BANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The hello sent after the handshake. */
enum wc_hello {
	WC_HELLO_NONE = 0, /* the server speaks first (SSH, SMTP, FTP, POP3, IMAP, ...) */
	WC_HELLO_HTTP,     /* GET / HTTP/1.1 with Host, Connection: close */
	WC_HELLO_TLS,      /* a TLS 1.2 ClientHello: the certificate comes in clear */
};

struct wc_ipset;
struct wc_ipaddr;

/* Host names per target address, for the hellos (HTTP Host, TLS SNI), as zgrab2 takes its
 * input: lines "ADDRESS,NAME" or "ADDRESS NAME", '#' comments, blank lines skipped. Each
 * address also goes into targets (may be NULL). One name an address (a stateless scan probes
 * it once): a second one is -EEXIST. -EINVAL for a line that is not an address and a host name;
 * *line (may be NULL) says which; -errno from the file. Read-only once loaded. */
struct wc_names;
int wc_names_load(const char *path, struct wc_names **out, struct wc_ipset *targets,
		  unsigned *line);
const char *wc_names_find(const struct wc_names *n, const struct wc_ipaddr *a); /* NULL: none */
size_t wc_names_count(const struct wc_names *n);
size_t wc_names_longest(const struct wc_names *n);
void wc_names_free(struct wc_names *n);

/* What a user sets (wc_scan_opts.banner; NULL: no banners). */
struct wc_banner_cfg {
	uint32_t max_bytes;   /* collect at most this much (0: 4096); TLS at least 16384 */
	double timeout_s;     /* from the SYN-ACK to the end (0: 3 s) */
	uint32_t max_conns;   /* connections open at once (0: 65536); the oldest is timed out
				 early when a new one finds no room */
	const char *host;     /* HTTP Host and TLS SNI; NULL: the target's address (no SNI) */
	const struct wc_names *names; /* per target, before host (NULL: none) */
	/* The hello per port: a 65536-entry table of enum wc_hello; NULL: the defaults (http on
	 * 80, 8000, 8008, 8080, 8081, 8888; tls on 443, 465, 636, 853, 990, 993, 995, 8443). */
	const uint8_t *hello_by_port;
};

/* The longest hello a target of this configuration can get (its host, its longest name): what
 * the steering program lets the server's ACK cover. */
size_t wc_banner_hello_max(const struct wc_banner_cfg *c);

/* How a connection ended. */
enum wc_banner_end {
	WC_BE_COMPLETE = 0, /* the parser saw a whole greeting / header / handshake */
	WC_BE_SIZE,         /* max_bytes collected */
	WC_BE_FIN,          /* the server closed */
	WC_BE_RESET,        /* the server reset */
	WC_BE_TIMEOUT,      /* timeout_s passed */
	WC_BE_EVICTED,      /* timed out early: max_conns others were open */
	WC_BE_STOPPED,      /* the scan ended first */
	WC_BE__MAX
};
const char *wc_banner_end_name(unsigned e);

/* Every connection accounted: opened = the sum of ended[] + still open (0 once a scan ends). */
struct wc_conn_stats {
	uint64_t opened;            /* SYN-ACKs answered with an ACK */
	uint64_t ended[WC_BE__MAX]; /* by how they ended */
	uint64_t with_data;         /* of those ended, the ones that sent any bytes */
	uint64_t open;              /* still open */
	uint64_t refused;           /* RST to the SYN (the port is closed) */
	uint64_t no_room;           /* SYN-ACKs that found the table full of younger ones */
	uint64_t late;              /* segments of connections already closed (RST sent again) */
	uint64_t out_of_order, retransmits, bad_ack; /* segments: ahead, behind, not acking us */
	uint64_t segments;          /* frames taken in by connections (open or closed) */
	uint64_t tx_frames, tx_lost; /* ACKs, hellos and RSTs sent; not sent (ring full) */
	uint64_t rsts;              /* RSTs among tx_frames (the scanning kernel sends none) */
};

/* A parsed banner. Strings are NUL-terminated, cut to their size, empty when not found. */
#define WC_BANNER_LINE 256
struct wc_banner_info {
	const char *service;        /* ssh, http, tls, smtp, ftp, pop3, imap, mysql, redis, raw;
				       NULL: nothing came */
	const uint8_t *data;        /* the bytes collected (valid during the result callback) */
	size_t len;
	enum wc_banner_end end;
	char line[WC_BANNER_LINE];  /* the first line (text protocols), the bytes (raw) */
	int status;                 /* HTTP status; 0: none */
	char server[128], title[128];
	/* TLS */
	char tls_version[8];        /* TLS1.0 .. TLS1.3, SSL3.0 */
	char tls_cipher[64];        /* IANA name, or 0xNNNN */
	char tls_alert[32];         /* the server's alert, when it sent one */
	char cert_subject[256], cert_issuer[256], cert_san[256];
	char cert_not_before[24], cert_not_after[24]; /* ISO 8601 UTC */
	char cert_sha256[65];       /* hex, of the DER */
	uint32_t cert_len;
	const char *name;           /* the HTTP Host / TLS SNI name sent; NULL: none */
};

/* Parse what a server sent (hello: what we sent it). Returns 0; info->service NULL for len 0. */
int wc_banner_parse(const uint8_t *b, size_t len, enum wc_hello hello, struct wc_banner_info *info);
/* Is it complete: a whole SSH line, SMTP/FTP/POP3/IMAP greeting, HTTP header (and body of a
 * given Content-Length), or TLS handshake up to ServerHelloDone (or an alert)? */
bool wc_banner_complete(const uint8_t *b, size_t len, enum wc_hello hello);

/* TLS: the records of a server's first flight (tls_parse.c). Fills the TLS fields of info;
 * returns 1 when the flight is complete (ServerHelloDone, an alert, or not TLS at all), 0 when
 * more bytes are needed. */
int wc_tls_parse(const uint8_t *b, size_t len, struct wc_banner_info *info);

/* Hellos (banner_hello.c): written into out (cap bytes); returns the length, or -ENOSPC.
 * host: the Host header value (an address in text, brackets for IPv6) or a name; sni: a name
 * for the server_name extension, or NULL. */
int wc_hello_http(const char *host, uint8_t *out, size_t cap);
int wc_hello_tls(const char *sni, const uint8_t random[32], uint8_t *out, size_t cap);
/* The longest hello any target can get with this host / SNI (for the steering window). */
size_t wc_hello_max(const char *host);

#endif
