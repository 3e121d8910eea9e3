/* Tunnels and SCTP: CRC32c against RFC 3720's test vectors, SCTP/GRE/MPLS bytes against
 * Scapy 2.5's, and hostile frames (chunk lengths past the end or zero, GRE options cut
 * short, MPLS stacks with no bottom entry) dissected as Scapy does, inside the buffer, on
 * every prefix and every one-byte mutation (this binary runs under ASan/UBSan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wirecraft/crc32c.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

static size_t from_hex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned v;

		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* ---- CRC32c ------------------------------------------------------------------------------ */

/* RFC 3720 section B.4, and the usual "123456789" check value. */
static void test_crc32c_vectors(void **state)
{
	uint8_t b[48];
	(void)state;

	memset(b, 0, 32);
	assert_int_equal(wc_crc32c(0, b, 32), 0x8a9136aa);
	memset(b, 0xff, 32);
	assert_int_equal(wc_crc32c(0, b, 32), 0x62a8ab43);
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)i;
	assert_int_equal(wc_crc32c(0, b, 32), 0x46dd794e);
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)(31 - i);
	assert_int_equal(wc_crc32c(0, b, 32), 0x113fdb5c);
	/* An iSCSI read command PDU (RFC 3720 B.4, the fifth vector). */
	from_hex("01c00000000000000000000000000000"
		 "14000000000004000000001400000018"
		 "28000000000000000200000000000000",
		 b);
	assert_int_equal(wc_crc32c(0, b, 48), 0xd9963a56);
	assert_int_equal(wc_crc32c(0, (const uint8_t *)"123456789", 9), 0xe3069283);
	assert_int_equal(wc_crc32c(0, b, 0), 0);
}

/* A CRC continued over a second piece equals the CRC of the whole. */
static void test_crc32c_continues(void **state)
{
	const uint8_t *s = (const uint8_t *)"The quick brown fox jumps over the lazy dog";
	size_t n = strlen((const char *)s);
	(void)state;

	for (size_t k = 0; k <= n; k++)
		assert_int_equal(wc_crc32c(wc_crc32c(0, s, k), s + k, n - k), wc_crc32c(0, s, n));
}

/* ---- Building, against Scapy's bytes ------------------------------------------------------ */

struct fv {
	const char *f;
	uint64_t v;
};

static void build_hex(const char *const *protos, const struct fv (*fields)[4], char *out)
{
	static uint8_t buf[2048];
	static struct wc_pkt p;

	wc_pkt_init(&p, buf, sizeof(buf));
	for (unsigned i = 0; protos[i]; i++) {
		const struct wc_proto *pr = wc_proto_find(protos[i]);

		assert_non_null(pr);
		assert_int_equal(wc_pkt_push(&p, pr), 0);
		for (unsigned k = 0; k < 4 && fields[i][k].f; k++)
			assert_int_equal(wc_layer_set_u(&p.l[i], fields[i][k].f, fields[i][k].v), 0);
	}
	assert_int_equal(wc_build(&p), 0);
	for (size_t i = 0; i < p.len; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
}

#define IP_AB {{"src", 0xc6120001}, {"dst", 0xc6120002}}

static void test_build_like_scapy(void **state)
{
	char hex[4200];
	(void)state;

	/* IP(src=A,dst=B)/SCTP(sport=5000,dport=80)/SCTPChunkInit(): the CRC32c */
	build_hex((const char *[]){"IP", "SCTP", "SCTPChunkInit", NULL},
		  (const struct fv[][4]){IP_AB, {{"sport", 5000}, {"dport", 80}}, {{0}}}, hex);
	assert_string_equal(hex, "45000034000100004084ee1dc6120001c61200021388005000000000e46bf499"
				 "0100001400000000000000000000000000000000");
	/* GRE(chksum_present=1)/IP(src=A,dst=B): the Internet checksum over GRE and IP */
	build_hex((const char *[]){"GRE", "IP", NULL},
		  (const struct fv[][4]){{{"chksum_present", 1}}, IP_AB}, hex);
	assert_string_equal(hex, "8000080077ff000045000014000100004000eec1c6120001c6120002");
	/* MPLS(label=100)/MPLS(label=200)/IP(src=A,dst=B)/ICMP(): s=0 on the upper entry */
	build_hex((const char *[]){"MPLS", "MPLS", "IP", "ICMP", NULL},
		  (const struct fv[][4]){{{"label", 100}}, {{"label", 200}}, IP_AB, {{0}}}, hex);
	assert_string_equal(hex, "00064000000c81004500001c000100004001eeb8c6120001c6120002"
				 "0800f7ff00000000");
	/* VXLAN()/IP(src=198.18.0.1,dst=127.0.0.1): flags 12, NextProtocol 1 */
	build_hex((const char *[]){"VXLAN", "IP", NULL},
		  (const struct fv[][4]){{{0}}, {{"src", 0xc6120001}}}, hex);
	assert_string_equal(hex, "0c000001000000004500001400010000400035d5c61200017f000001");
	/* SCTPChunkShutdownComplete(TCB=1) alone: fixed len 4 */
	build_hex((const char *[]){"SCTPChunkShutdownComplete", NULL},
		  (const struct fv[][4]){{{"TCB", 1}}}, hex);
	assert_string_equal(hex, "0e010004");
}

/* ---- Hostile frames ----------------------------------------------------------------------- */

struct hcase {
	const char *why;
	const char *hex;
	const char *first;
	const char *names[8]; /* Scapy 2.5's dissection */
};

static const struct hcase hostile[] = {
	{"cookie echo whose len (100) runs past the end",
	 "45000028000100004084ee29c6120001c6120002138800500000000051d9dd470a00006461620000", "IP",
	 {"IP", "SCTP", "SCTPChunkCookieEcho"}},
	{"data chunk of len 0 (its data is s[:-16]: nothing, the rest is Raw)",
	 "45000034000100004084ee1dc6120001c61200021388005000000000e7b277e2000000000000000000000000"
	 "0000000061626364",
	 "IP", {"IP", "SCTP", "SCTPChunkData", "Raw"}},
	{"init of len 8, shorter than its header",
	 "45000038000100004084ee19c6120001c61200021388005000000000a9ae13d60100000800000000000000"
	 "0000000000000000000b000004",
	 "IP", {"IP", "SCTP", "SCTPChunkInit", "SCTPChunkCookieAck"}},
	{"error chunk of len 0", "45000028000100004084ee29c6120001c61200021388005000000000a58a51cb"
				 "090000000b000004",
	 "IP", {"IP", "SCTP", "SCTPChunkError", "SCTPChunkCookieAck"}},
	{"GRE options cut after the checksum (between fields: a partial GRE)",
	 "4500003400010000402fee72c6120001c6120002a000080057ff", "IP", {"IP", "GRE"}},
	{"GRE options cut inside the checksum (Raw)",
	 "4500003400010000402fee72c6120001c6120002a000080057", "IP", {"IP", "Raw"}},
	{"GRE options cut inside the key (Raw)",
	 "4500003400010000402fee72c6120001c6120002a000080057ff000000", "IP", {"IP", "Raw"}},
	{"MPLS stack with no bottom, then two bytes",
	 "020000000002020000000001884700003000000030000102", "Ether",
	 {"Ether", "MPLS", "MPLS", "Raw"}},
	{"MPLS stack with no bottom, then five bytes",
	 "020000000002020000000001884700003000000030000102030405", "Ether",
	 {"Ether", "MPLS", "MPLS", "MPLS", "Raw"}},
	{"MPLS stack with no bottom, ending there", "02000000000202000000000188470000300000003000",
	 "Ether", {"Ether", "MPLS", "MPLS"}},
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static void check_dissect(const uint8_t *b, size_t n, const struct wc_proto *first)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct wc_pkt d;

	memcpy(copy, b, n);
	assert_int_equal(wc_dissect(&d, copy, n, first), 0);
	assert_true(d.nlayers <= WC_MAX_LAYERS);
	for (unsigned k = 0; k < d.nlayers; k++) {
		assert_true((size_t)d.l[k].off + d.l[k].hlen <= n);
		for (unsigned f = 0; f < d.l[k].proto->nfields; f++)
			if ((d.l[k].here >> f & 1) && !d.l[k].proto->fields[f].bits)
				assert_true(d.l[k].v[f].blen == 0 ||
					    (d.l[k].v[f].b >= copy &&
					     d.l[k].v[f].b + d.l[k].v[f].blen <= copy + n));
	}
	free(copy);
}

static void test_hostile_like_scapy(void **state)
{
	static uint8_t b[512];
	(void)state;

	for (size_t i = 0; i < NHOSTILE; i++) {
		size_t n = from_hex(hostile[i].hex, b);
		struct wc_pkt d;
		unsigned k;

		assert_int_equal(wc_dissect(&d, b, n, wc_proto_find(hostile[i].first)), 0);
		for (k = 0; hostile[i].names[k]; k++) {
			if (k >= d.nlayers || strcmp(d.l[k].proto->name, hostile[i].names[k]))
				fail_msg("%s: layer %u is %s, Scapy has %s", hostile[i].why, k,
					 k < d.nlayers ? d.l[k].proto->name : "(none)",
					 hostile[i].names[k]);
		}
		if (d.nlayers != k)
			fail_msg("%s: %u layers, Scapy has %u", hostile[i].why, d.nlayers, k);
	}
}

/* Every prefix and every byte set to 0x00 or 0xff, of every hostile frame and of a frame
 * with each chunk type: no read outside the buffer, no value pointing outside it. */
static void test_prefixes_and_mutations(void **state)
{
	static const char *const more[][2] = {
		/* IP/UDP/VXLAN(G+NextProtocol)/IP and GENEVE with options */
		{"4500003b000100004011ee5fc6120001c6120002040012b5002700008400000000000000000000004500"
		 "0014000100004000ecc1c6120101c6120102", "IP"},
		{"4500003c000100004011ee5ec6120001c6120002040017c10028000002006558000000000102800261"
		 "6263646566676802000000000202000000000190004500", "IP"},
		/* SCTP with INIT (params), SACK (lists), AUTH, ASCONF */
		{"4500004c000100004084ee05c6120001c61200021388005000000000000000000100002c00000000000000"
		 "0000000000000000000005000800000000000c0006000500008000000400000000", "IP"},
		{"45000040000100004084ee11c6120001c6120002138800500000000000000000030000180000000000000000"
		 "000100010001000200000005", "IP"},
	};
	static uint8_t b[512];
	(void)state;

	for (size_t i = 0; i < NHOSTILE + sizeof(more) / sizeof(more[0]); i++) {
		const char *hex = i < NHOSTILE ? hostile[i].hex : more[i - NHOSTILE][0];
		const char *first = i < NHOSTILE ? hostile[i].first : more[i - NHOSTILE][1];
		const struct wc_proto *fp = wc_proto_find(first);
		size_t n = from_hex(hex, b);

		for (size_t len = 0; len <= n; len++)
			check_dissect(b, len, fp);
		for (size_t pos = 0; pos < n; pos++) {
			uint8_t keep = b[pos];

			b[pos] = 0x00;
			check_dissect(b, n, fp);
			b[pos] = 0xff;
			check_dissect(b, n, fp);
			b[pos] = keep;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c_vectors),
		cmocka_unit_test(test_crc32c_continues),
		cmocka_unit_test(test_build_like_scapy),
		cmocka_unit_test(test_hostile_like_scapy),
		cmocka_unit_test(test_prefixes_and_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
