/* Banner parsers and UDP probe modules, offline: each protocol told by its content (not its
 * port) with the fields a result shows; completeness as the connection engine asks it; the
 * hellos well framed; every UDP module's request as its service expects it and its answer
 * read back; every truncation of every seed parsed safely (ASan watches). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wirecraft/banner.h"
#include "wirecraft/target.h"
#include "wirecraft/udp_probes.h"

static struct wc_banner_info in;

static void parse(const char *s, enum wc_hello h)
{
	assert_int_equal(wc_banner_parse((const uint8_t *)s, strlen(s), h, &in), 0);
}

static bool complete(const char *s)
{
	return wc_banner_complete((const uint8_t *)s, strlen(s), WC_HELLO_NONE);
}

static void test_detect(void **st)
{
	(void)st;
	parse("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", WC_HELLO_NONE);
	assert_string_equal(in.service, "ssh");
	assert_string_equal(in.line, "SSH-2.0-OpenSSH_9.2p1 Debian-2");
	/* lines before the version are allowed (RFC 4253 4.2): the version line is the banner */
	parse("hello there\r\nSSH-2.0-x\r\n", WC_HELLO_NONE);
	assert_string_equal(in.service, "raw"); /* by content: it does not start as SSH */
	parse("220 mx.example ESMTP Postfix\r\n", WC_HELLO_NONE);
	assert_string_equal(in.service, "smtp");
	parse("220 (vsFTPd 3.0.3)\r\n", WC_HELLO_NONE);
	assert_string_equal(in.service, "ftp");
	parse("+OK Dovecot ready.\r\n", WC_HELLO_NONE);
	assert_string_equal(in.service, "pop3");
	parse("* OK [CAPABILITY IMAP4rev1] ready\r\n", WC_HELLO_NONE);
	assert_string_equal(in.service, "imap");
	parse("-ERR unknown command\r\n", WC_HELLO_HTTP);
	assert_string_equal(in.service, "redis");
	{
		static const uint8_t my[] = {0x0a, 0, 0, 0, 10, '8', '.', '0', '.', '3', '6', 0, 1, 2};

		assert_int_equal(wc_banner_parse(my, sizeof(my), WC_HELLO_NONE, &in), 0);
		assert_string_equal(in.service, "mysql");
		assert_string_equal(in.line, "8.0.36");
	}
	parse("\x01\x02zz\\", WC_HELLO_NONE);
	assert_string_equal(in.service, "raw");
	assert_string_equal(in.line, "\\x01\\x02zz\\x5c"); /* printable, backslash escaped too */
	assert_int_equal(wc_banner_parse(NULL, 0, WC_HELLO_NONE, &in), 0);
	assert_null(in.service);
}

static void test_http(void **st)
{
	(void)st;
	parse("HTTP/1.1 404 Not Found\r\nserver:  Apache/2.4\r\nContent-Length: 33\r\n\r\n"
	      "<html><TITLE>\n Not\n\n found </TITLE>", WC_HELLO_HTTP);
	assert_string_equal(in.service, "http");
	assert_int_equal(in.status, 404);
	assert_string_equal(in.server, "Apache/2.4");
	assert_string_equal(in.title, "Not found");
	assert_true(complete("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"));
	assert_false(complete("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab"));
	assert_false(complete("HTTP/1.1 200 OK\r\nServer: x\r\n")); /* headers still coming */
	/* a status line cut short, an absurd code */
	parse("HTTP/1.1 2", WC_HELLO_HTTP);
	assert_int_equal(in.status, 0);
	parse("HTTP/1.1 042 x\r\n", WC_HELLO_HTTP);
	assert_int_equal(in.status, 0);
}

static void test_complete(void **st)
{
	(void)st;
	assert_true(complete("SSH-2.0-x\r\n"));
	assert_false(complete("SSH-2.0-x"));
	assert_false(complete("220-first\r\n"));
	assert_true(complete("220-first\r\n220 last\r\n"));
	assert_true(complete("+OK\r\n"));
	assert_false(complete("just some bytes"));
}

static void test_tls(void **st)
{
	/* an alert record: protocol_version, as a TLS 1.3-only server answers our 1.2 hello */
	static const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46};
	/* a ServerHello (cipher 0xc02f), then ServerHelloDone, in one record */
	static const uint8_t flight[] = {
		0x16, 0x03, 0x03, 0x00, 0x2e,
		0x02, 0x00, 0x00, 0x26, 0x03, 0x03,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
		0x00, 0xc0, 0x2f, 0x00,
		0x0e, 0x00, 0x00, 0x00,
	};
	uint8_t rnd[32] = {0}, b[1024];
	int n;

	(void)st;
	assert_int_equal(wc_banner_parse(alert, sizeof(alert), WC_HELLO_TLS, &in), 0);
	assert_string_equal(in.service, "tls");
	assert_string_equal(in.tls_alert, "protocol_version");
	assert_true(wc_banner_complete(alert, sizeof(alert), WC_HELLO_TLS));
	assert_int_equal(wc_banner_parse(flight, sizeof(flight), WC_HELLO_TLS, &in), 0);
	assert_string_equal(in.tls_version, "TLS1.2");
	assert_string_equal(in.tls_cipher, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	assert_true(wc_banner_complete(flight, sizeof(flight), WC_HELLO_TLS));
	for (size_t k = 0; k < sizeof(flight); k++) { /* every cut read safely */
		wc_banner_parse(flight, k, WC_HELLO_TLS, &in);
		wc_banner_complete(flight, k, WC_HELLO_TLS);
	}
	assert_false(wc_banner_complete(flight, sizeof(flight) - 4, WC_HELLO_TLS));

	/* our ClientHello: record and handshake lengths agree; 1.2 and no supported_versions */
	n = wc_hello_tls("banner.test", rnd, b, sizeof(b));
	assert_true(n > 60);
	assert_int_equal(b[0], 22);
	assert_int_equal((b[3] << 8 | b[4]) + 5, n);
	assert_int_equal(b[5], 1);
	assert_int_equal((b[6] << 16 | b[7] << 8 | b[8]) + 9, n);
	assert_int_equal(b[9] << 8 | b[10], 0x0303);
	assert_non_null(memmem(b, (size_t)n, "banner.test", 11));
	assert_true(wc_hello_max(NULL) >= (size_t)wc_hello_tls(NULL, rnd, b, sizeof(b)));
	assert_int_equal(wc_hello_tls("x", rnd, b, 20), -ENOSPC);
	n = wc_hello_http("198.18.0.2", b, sizeof(b));
	assert_true(n > 0);
	assert_non_null(memmem(b, (size_t)n, "\r\nHost: 198.18.0.2\r\n", 20));
	assert_int_equal(memcmp(b + n - 4, "\r\n\r\n", 4), 0);
}

/* ---- UDP modules ------------------------------------------------------------------------------ */

static struct wc_udp_info u;

static void classify(const char *mod, const uint8_t *b, size_t n)
{
	const struct wc_udp_module *m = wc_udp_module_find(mod);

	assert_non_null(m);
	wc_udp_classify(m, b, n, 10, &u);
	assert_int_equal(u.reply_bytes, n);
	for (size_t k = 0; k < n; k++) { /* every cut read safely */
		struct wc_udp_info t;

		wc_udp_classify(m, b, k, 10, &t);
	}
}

static void test_udp_modules(void **st)
{
	uint8_t q[512];
	int n;

	(void)st;
	assert_null(wc_udp_module_find("nope"));
	assert_int_equal(wc_udp_module_port(wc_udp_module_find("dns")), 53);
	n = wc_udp_module_request(wc_udp_module_find("dns"), "a.example", q, sizeof(q));
	assert_int_equal(n, 27);
	assert_int_equal(memcmp(q + 12, "\x01" "a\x07" "example\x00\x00\x01\x00\x01", 15), 0);
	assert_int_equal(wc_udp_module_request(wc_udp_module_find("dns"), "a..b", q, sizeof(q)),
			 -EINVAL);
	{
		/* TYPE,NAME as ZMap takes it: the bytes Scapy builds for
		 * DNS(id=0x5743, rd=1, qd=DNSQR(qname=NAME, qtype=TYPE)) */
		static const struct {
			const char *arg;
			const char *hex; /* NULL: refused */
		} args[] = {
			{"AAAA,a.example", "5743010000010000000000000161076578616d706c6500001c0001"},
			{"aaaa,a.example.", "5743010000010000000000000161076578616d706c6500001c0001"},
			{"ANY,example.org", "574301000001000000000000076578616d706c65036f72670000ff0001"},
			{"16,x.example", "5743010000010000000000000178076578616d706c650000100001"},
			{"TXT,x.example", "5743010000010000000000000178076578616d706c650000100001"},
			{"NOPE,a.example", NULL}, /* Scapy would send type 0 */
			{"A,", NULL}, {",a.example", NULL}, {"A B,a.example", NULL},
			{"a\"b", NULL}, {"A,a\\b", NULL}, {"", NULL}, {".", NULL},
			{"A,[1,2]", NULL},
		};
		char hex[256];

		for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
			n = wc_udp_module_request(wc_udp_module_find("dns"), args[i].arg, q, sizeof(q));
			if (!args[i].hex) {
				assert_int_equal(n, -EINVAL);
				continue;
			}
			assert_true(n > 0);
			for (int k = 0; k < n; k++)
				snprintf(hex + 2 * k, 3, "%02x", q[k]);
			assert_string_equal(hex, args[i].hex);
		}
		assert_int_equal(wc_udp_module_request(wc_udp_module_find("dns"), "a.example", q, 10),
				 -ENOSPC);
	}
	{
		/* the answer dnsmasq gives: a compression pointer to the question's name */
		static const uint8_t r[] = {0x57, 0x43, 0x85, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
					    1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1,
					    0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 198, 18, 0, 99};

		classify("dns", r, sizeof(r));
		assert_true(u.recognised);
		assert_int_equal(u.rcode, 0);
		assert_int_equal(u.ancount, 1);
		assert_string_equal(u.summary, "NOERROR 1 answer A 198.18.0.99");
		assert_float_equal(u.amp, 4.3, 1e-9);
	}
	{
		/* Scapy's: a CNAME then the A at its end, for an A question: the A is shown */
		static const uint8_t r[] = {
			0x57, 0x43, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77,
			0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x01, 0x00,
			0x01, 0x03, 0x77, 0x77, 0x77, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00,
			0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x03, 0x77, 0x65, 0x62,
			0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x03, 0x77, 0x65, 0x62, 0x07,
			0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
			0x00, 0x00, 0x00, 0x04, 0xc6, 0x12, 0x00, 0x05};
		/* TXT, AAAA, and NXDOMAIN with no answer */
		static const uint8_t txt[] = {
			0x57, 0x43, 0x81, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x74,
			0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x10, 0x00, 0x01, 0x01,
			0x74, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x10, 0x00, 0x01,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0b, 0x76, 0x3d, 0x73, 0x70, 0x66, 0x31, 0x20,
			0x2d, 0x61, 0x6c, 0x6c};
		static const uint8_t aaaa[] = {
			0x57, 0x43, 0x81, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x73,
			0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x01,
			0x73, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x1c, 0x00, 0x01,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05};
		static const uint8_t nx[] = {
			0x57, 0x43, 0x81, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x6e,
			0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x1c, 0x00, 0x01};
		/* a CNAME question: the name with its dot; then the TXT after it, two strings */
		static const uint8_t cn[] = {
			0x57, 0x43, 0x81, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x61,
			0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x05, 0x00, 0x01, 0x01,
			0x61, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x05, 0x00, 0x01,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x62, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70,
			0x6c, 0x65, 0x00, 0x01, 0x61, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00,
			0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x03, 0x78, 0x20, 0x79,
			0x01, 0x7a};
		uint8_t other[sizeof(cn)];

		classify("dns", r, sizeof(r));
		assert_string_equal(u.summary, "NOERROR 2 answers A 198.18.0.5");
		classify("dns", txt, sizeof(txt));
		assert_string_equal(u.summary, "NOERROR 1 answer TXT \"v=spf1 -all\"");
		classify("dns", aaaa, sizeof(aaaa));
		assert_string_equal(u.summary, "NOERROR 1 answer AAAA 2001:db8::5");
		classify("dns", cn, sizeof(cn));
		assert_string_equal(u.summary, "NOERROR 2 answers CNAME b.example.");
		memcpy(other, cn, sizeof(cn));
		other[24] = 0x10; /* the question asks for TXT: that record is shown */
		classify("dns", other, sizeof(other));
		assert_string_equal(u.summary, "NOERROR 2 answers TXT \"x y\" \"z\"");
		classify("dns", nx, sizeof(nx));
		assert_true(u.recognised);
		assert_int_equal(u.rcode, 3);
		assert_string_equal(u.summary, "NXDOMAIN 0 answers");
		/* not ours: another id, a query (QR 0) */
		memcpy(other, nx, sizeof(nx));
		other[1] = 0x44;
		classify("dns", other, sizeof(nx));
		assert_false(u.recognised);
		memcpy(other, nx, sizeof(nx));
		other[2] = 0x01;
		classify("dns", other, sizeof(nx));
		assert_false(u.recognised);
	}
	{
		uint8_t r[48] = {0x24, 2, 0, 0};

		r[12] = 198, r[13] = 18, r[14] = 0, r[15] = 7;
		classify("ntp", r, sizeof(r));
		assert_true(u.recognised);
		assert_string_equal(u.summary, "NTPv4 stratum 2 refid 198.18.0.7");
		r[0] = 0x23; /* mode 3: a client's, not an answer */
		classify("ntp", r, sizeof(r));
		assert_false(u.recognised);
	}
	{
		static const uint8_t r[] = {0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l',
					    'i', 'c', 0xa2, 0x1c, 0x02, 0x02, 0x57, 0x43, 0x02, 0x01,
					    0x00, 0x02, 0x01, 0x00, 0x30, 0x10, 0x30, 0x0e, 0x06, 0x08,
					    0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x02,
					    'h', 'i'};

		classify("snmp", r, sizeof(r));
		assert_true(u.recognised);
		assert_string_equal(u.summary, "hi");
	}
	{
		static const char r[] = "\0\1\0\0\0\1\0\0STAT pid 7\r\nSTAT version 1.6.21\r\nEND\r\n";

		classify("memcached", (const uint8_t *)r, sizeof(r) - 1);
		assert_string_equal(u.summary, "version 1.6.21");
	}
	{
		static const char r[] = "HTTP/1.1 200 OK\r\nST: ssdp:all\r\nServer: miniupnpd/2.3\r\n\r\n";

		classify("ssdp", (const uint8_t *)r, sizeof(r) - 1);
		assert_string_equal(u.summary, "miniupnpd/2.3");
	}
	{
		/* Scapy's NBNSHeader()/NBNSNodeStatusResponse(): WCTEST <20>, WCGROUP <00> (group),
		 * WCTEST <00>, unit id 02:00:00:00:00:07 */
		static const uint8_t r[] = {
			0x57, 0x43, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x43,
			0x4b, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43,
			0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43,
			0x41, 0x41, 0x41, 0x00, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x65,
			0x03, 0x57, 0x43, 0x54, 0x45, 0x53, 0x54, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			0x00, 0x00, 0x20, 0x04, 0x00, 0x57, 0x43, 0x47, 0x52, 0x4f, 0x55, 0x50, 0x00, 0x00,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x84, 0x00, 0x57, 0x43, 0x54, 0x45, 0x53,
			0x54, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x02,
			0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
		};
		uint8_t cut[sizeof(r)];

		classify("netbios-ns", r, sizeof(r));
		assert_true(u.recognised);
		assert_string_equal(u.summary, "WCTEST group WCGROUP mac 02-00-00-00-00-07");
		/* the table cut inside its last name: what was read, no MAC */
		memcpy(cut, r, sizeof(r));
		classify("netbios-ns", cut, 57 + 18 * 2 + 5);
		assert_string_equal(u.summary, "WCTEST group WCGROUP");
		cut[56] = 0; /* no names */
		classify("netbios-ns", cut, sizeof(cut));
		assert_string_equal(u.summary, "no names");
	}
	wc_udp_classify(NULL, NULL, 0, 0, &u);
	assert_true(u.amp < 0); /* nothing sent: no factor */
}

/* ---- --names: zgrab2's input ------------------------------------------------------------------ */

static char names_path[64];

static void names_file(const char *text)
{
	int fd;

	strcpy(names_path, "/tmp/wc-names.XXXXXX");
	fd = mkstemp(names_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int names_load(const char *text, struct wc_names **n, struct wc_ipset *t, unsigned *line)
{
	int err;

	names_file(text);
	err = wc_names_load(names_path, n, t, line);
	unlink(names_path);
	return err;
}

static void test_names(void **st)
{
	static const char *const bad[] = {
		"198.18.0.2\n", "x.example,a.example\n", "198.18.0.2,a..example\n",
		"198.18.0.2,a example\n", "198.18.0.2,.a\n", "198.18.0.0/24,a.example\n",
		"198.18.0.2,a\"b\n", "198.18.0.2,a/b\n",
	};
	struct wc_ipaddr a = {.family = AF_INET};
	struct wc_names *n = NULL;
	struct wc_ipset *t;
	unsigned line = 0;

	(void)st;
	assert_int_equal(wc_ipset_new(&t), 0);
	assert_int_equal(names_load("# zgrab2\n\n198.18.0.9,b.example\n  198.18.0.2 , a.example  \n"
				    "2001:db8::2\tv6.example # the v6 one\n198.18.0.3 C-x_1.EXAMPLE.\n",
				    &n, t, &line), 0);
	assert_int_equal(wc_names_count(n), 4);
	assert_int_equal(wc_ipset_count(t), 4);
	assert_int_equal(wc_names_longest(n), strlen("C-x_1.EXAMPLE."));
	inet_pton(AF_INET, "198.18.0.2", a.a);
	assert_string_equal(wc_names_find(n, &a), "a.example");
	inet_pton(AF_INET, "198.18.0.9", a.a);
	assert_string_equal(wc_names_find(n, &a), "b.example");
	inet_pton(AF_INET, "198.18.0.4", a.a);
	assert_null(wc_names_find(n, &a));
	a.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::2", a.a);
	assert_string_equal(wc_names_find(n, &a), "v6.example");
	wc_names_free(n);
	wc_ipset_free(t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		line = 0;
		assert_int_equal(names_load(bad[i], &n, NULL, &line), -EINVAL);
		assert_int_equal(line, 1);
	}
	/* a second name for an address: the later line named */
	assert_int_equal(names_load("198.18.0.2,a.example\n198.18.0.5,b.example\n\n"
				    "198.18.0.2,c.example\n", &n, NULL, &line), -EEXIST);
	assert_int_equal(line, 4);
	assert_int_equal(wc_names_load("/nonexistent/names.csv", &n, NULL, &line), -ENOENT);
	assert_null(wc_names_find(NULL, &a));
	wc_names_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect), cmocka_unit_test(test_http),
		cmocka_unit_test(test_complete), cmocka_unit_test(test_tls),
		cmocka_unit_test(test_udp_modules),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
