/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the banner parsers (user/banner_parse.c, user/tls_parse.c) on what a
 * hostile server might send: endless headers, records and handshake messages that claim more
 * than is there, certificates that are huge or not DER at all.
 *
 * Input: a selector byte (the hello we sent: none, HTTP, TLS), then the server's bytes. The
 * same bytes go to every UDP probe module's classifier (user/udp_probes.c) too.
 *
 * What must hold: no read outside the bytes (ASan), every string field NUL-terminated inside
 * its array and printable ASCII (the outputs quote them, they never escape raw bytes), the
 * HTTP status 0 or 100..999, the SHA-256 empty or 64 hex digits; wc_banner_complete agrees
 * with itself on a second call; nothing leaks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecraft/banner.h"
#include "wirecraft/udp_probes.h"

static void check_str(const char *what, const char *s, size_t cap)
{
	const char *nul = memchr(s, 0, cap);

	if (!nul) {
		fprintf(stderr, "fuzz_banner: %s not terminated\n", what);
		abort();
	}
	for (const char *p = s; p < nul; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			fprintf(stderr, "fuzz_banner: %s holds byte 0x%02x\n", what, (unsigned char)*p);
			abort();
		}
}

#define CHECK(f) check_str(#f, in.f, sizeof(in.f))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wc_banner_info in;
	enum wc_hello h;
	bool c1, c2;

	if (!size)
		return 0;
	h = (enum wc_hello)(data[0] % 3);
	data++, size--;
	memset(&in, 0x41, sizeof(in)); /* no field may be left as it was */
	wc_banner_parse(data, size, h, &in);
	if (size && !in.service) {
		fprintf(stderr, "fuzz_banner: bytes but no service\n");
		abort();
	}
	CHECK(line);
	CHECK(server);
	CHECK(title);
	CHECK(tls_version);
	CHECK(tls_cipher);
	CHECK(tls_alert);
	CHECK(cert_subject);
	CHECK(cert_issuer);
	CHECK(cert_san);
	CHECK(cert_not_before);
	CHECK(cert_not_after);
	CHECK(cert_sha256);
	if (in.status && (in.status < 100 || in.status > 999))
		abort();
	if (in.cert_sha256[0] && strlen(in.cert_sha256) != 64)
		abort();
	{
		static const char *const mods[] = {"dns", "ntp", "snmp", "ssdp", "netbios-ns",
						   "memcached"};

		for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
			struct wc_udp_info u;

			wc_udp_classify(wc_udp_module_find(mods[i]), data, size, 40, &u);
			check_str(mods[i], u.summary, sizeof(u.summary));
			if (u.reply_bytes != size)
				abort();
		}
	}
	c1 = wc_banner_complete(data, size, h);
	c2 = wc_banner_complete(data, size, h);
	if (c1 != c2)
		abort();
	return 0;
}
