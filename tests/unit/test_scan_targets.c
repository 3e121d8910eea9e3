/* Scan targets, the permutation and dedup: address sets against a brute-force model, the
 * (address, port) index space both ways, every pair visited exactly once over small and
 * odd-sized spaces (with blocklist holes), shards disjoint and complete, the same seed the same
 * order, different seeds different orders, resumed walks continuing exactly. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "wirecraft/cyclic.h"
#include "wirecraft/dedup.h"
#include "wirecraft/target.h"

static struct wc_ipaddr v4(const char *s)
{
	struct wc_ipaddr a = {.family = AF_INET};

	assert_int_equal(inet_pton(AF_INET, s, a.a), 1);
	return a;
}

static struct wc_ipaddr v6(const char *s)
{
	struct wc_ipaddr a = {.family = AF_INET6};

	assert_int_equal(inet_pton(AF_INET6, s, a.a), 1);
	return a;
}

static struct wc_ipset *set_of(const char *const *items)
{
	struct wc_ipset *s;

	assert_int_equal(wc_ipset_new(&s), 0);
	for (; *items; items++)
		assert_int_equal(wc_ipset_add_text(s, *items), 0);
	return s;
}

/* ---- address sets ---- */

static void test_parse(void **state)
{
	struct wc_ipset *s;
	struct wc_ipaddr lo, hi;
	char b1[64], b2[64];

	(void)state;
	assert_int_equal(wc_ipset_new(&s), 0);
	assert_int_equal(wc_ipset_add_text(s, "198.18.0.7/24"), 0); /* host bits ignored */
	assert_int_equal(wc_ipset_count(s), 256);
	assert_int_equal(wc_ipset_interval(s, 0, &lo, &hi), 0);
	assert_string_equal(wc_ipaddr_str(&lo, b1, sizeof(b1)), "198.18.0.0");
	assert_string_equal(wc_ipaddr_str(&hi, b2, sizeof(b2)), "198.18.0.255");
	assert_int_equal(wc_ipset_add_text(s, " 198.18.1.0 - 198.18.1.9 "), 0);
	assert_int_equal(wc_ipset_add_text(s, "198.18.0.255"), 0); /* already in */
	assert_int_equal(wc_ipset_count(s), 266);
	assert_int_equal(wc_ipset_intervals(s), 1); /* adjacent: merged */
	assert_int_equal(wc_ipset_add_text(s, "2001:db8::/120"), 0);
	assert_int_equal(wc_ipset_add_text(s, "2001:db8::1:0-2001:db8::1:3"), 0);
	assert_int_equal(wc_ipset_count(s), 266 + 256 + 4);
	{
		uint64_t n4, n6;

		wc_ipset_count_families(s, &n4, &n6);
		assert_int_equal(n4, 266);
		assert_int_equal(n6, 260);
	}
	assert_true(wc_ipset_contains(s, &(struct wc_ipaddr){0}) == false);
	{
		struct wc_ipaddr a = v6("2001:db8::ff"), b = v6("2001:db8::100"), c = v4("198.18.1.9");

		assert_true(wc_ipset_contains(s, &a));
		assert_false(wc_ipset_contains(s, &b));
		assert_true(wc_ipset_contains(s, &c));
	}
	/* IPv4-mapped IPv6 is IPv4 */
	assert_int_equal(wc_ipset_add_text(s, "::ffff:198.18.2.1"), 0);
	{
		struct wc_ipaddr a = v4("198.18.2.1");

		assert_true(wc_ipset_contains(s, &a));
	}
	static const char *const bad[] = {"", "  ", "198.18.0.0/33", "198.18.0.0/", "/8",
					  "198.18.0.256", "198.18.0.9-198.18.0.1", "2001:db8::/129",
					  "198.18.0.1-2001:db8::1", "example.com", "198.18.0.0/1x",
					  "198.18.0.0/-1", NULL};
	for (size_t i = 0; bad[i]; i++)
		assert_int_equal(wc_ipset_add_text(s, bad[i]), -EINVAL);
	wc_ipset_free(s);

	assert_int_equal(wc_ipset_new(&s), 0);
	assert_int_equal(wc_ipset_add_text(s, "0.0.0.0/0"), 0);
	assert_int_equal(wc_ipset_count(s), 1ull << 32);
	assert_int_equal(wc_ipset_add_text(s, "::/0"), 0);
	assert_int_equal(wc_ipset_count(s), UINT64_MAX);
	wc_ipset_free(s);
}

/* Random sets over a 512-address window against a bitset model. */
static void test_set_ops(void **state)
{
	(void)state;
	srand(7);
	for (int round = 0; round < 300; round++) {
		struct wc_ipset *a, *b, *c;
		uint8_t ma[512] = {0}, mb[512] = {0};

		assert_int_equal(wc_ipset_new(&a), 0);
		assert_int_equal(wc_ipset_new(&b), 0);
		for (int k = 0; k < 1 + rand() % 8; k++) {
			for (int which = 0; which < 2; which++) {
				unsigned lo = (unsigned)rand() % 512, len = (unsigned)rand() % 40;
				unsigned hi = lo + len > 511 ? 511 : lo + len;
				char t[64];

				snprintf(t, sizeof(t), "198.18.%u.%u-198.18.%u.%u", lo >> 8, lo & 255,
					 hi >> 8, hi & 255);
				assert_int_equal(wc_ipset_add_text(which ? b : a, t), 0);
				memset((which ? mb : ma) + lo, 1, hi - lo + 1);
			}
		}
		assert_int_equal(wc_ipset_copy(a, &c), 0);
		if (round & 1) {
			assert_int_equal(wc_ipset_subtract(c, b), 0);
		} else {
			assert_int_equal(wc_ipset_intersect(c, b), 0);
		}
		uint64_t want = 0;

		for (unsigned x = 0; x < 512; x++) {
			bool in = (round & 1) ? (ma[x] && !mb[x]) : (ma[x] && mb[x]);
			char t[32];
			struct wc_ipaddr ad;

			snprintf(t, sizeof(t), "198.18.%u.%u", x >> 8, x & 255);
			ad = v4(t);
			assert_int_equal(wc_ipset_contains(c, &ad), in);
			assert_int_equal(wc_ipset_contains(a, &ad), ma[x]);
			want += in;
		}
		assert_int_equal(wc_ipset_count(c), want);
		/* merged: no two intervals touch */
		for (size_t i = 0; i + 1 < wc_ipset_intervals(c); i++) {
			struct wc_ipaddr l0, h0, l1, h1;

			wc_ipset_interval(c, i, &l0, &h0);
			wc_ipset_interval(c, i + 1, &l1, &h1);
			assert_true(ntohl(*(uint32_t *)l1.a) > ntohl(*(uint32_t *)h0.a) + 1);
		}
		wc_ipset_free(a);
		wc_ipset_free(b);
		wc_ipset_free(c);
	}
}

static void test_file(void **state)
{
	char path[] = "/tmp/wc-targets-XXXXXX";
	int fd = mkstemp(path);
	struct wc_ipset *s;
	unsigned line;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# targets\n198.18.0.0/30   # four\n\n   2001:db8::1\n198.18.9.1-198.18.9.2\n", f);
	fclose(f);
	assert_int_equal(wc_ipset_new(&s), 0);
	assert_int_equal(wc_ipset_add_file(s, path, &line), 0);
	assert_int_equal(wc_ipset_count(s), 7);
	f = fopen(path, "a");
	fputs("198.18.0.0/24\nnot-an-address\n", f);
	fclose(f);
	assert_int_equal(wc_ipset_add_file(s, path, &line), -EINVAL);
	assert_int_equal(line, 7);
	unlink(path);
	assert_int_equal(wc_ipset_add_file(s, path, &line), -ENOENT);
	wc_ipset_free(s);
}

static void test_reserved(void **state)
{
	struct wc_ipset *r;
	static const char *const in[] = {"10.1.2.3", "127.0.0.1", "198.18.5.5", "198.19.255.255",
					 "192.168.1.1", "224.0.0.1", "255.255.255.255", "100.64.0.1",
					 "169.254.3.3", "0.1.2.3", "203.0.113.9", NULL};
	static const char *const out[] = {"8.8.8.8", "1.1.1.1", "198.20.0.1", "198.17.255.255",
					  "100.128.0.1", "223.255.255.255", NULL};
	static const char *const in6[] = {"::", "::1", "fe80::1", "fd00::5", "ff02::1",
					  "2001:db8::1", "fec0::1", NULL};
	static const char *const out6[] = {"2606:4700::1", "2a00:1450::1", "2001:4860::8888", NULL};

	(void)state;
	assert_int_equal(wc_ipset_new(&r), 0);
	assert_int_equal(wc_ipset_add_reserved(r), 0);
	for (size_t i = 0; in[i]; i++) {
		struct wc_ipaddr a = v4(in[i]);

		assert_true(wc_ipset_contains(r, &a));
	}
	for (size_t i = 0; out[i]; i++) {
		struct wc_ipaddr a = v4(out[i]);

		assert_false(wc_ipset_contains(r, &a));
	}
	for (size_t i = 0; in6[i]; i++) {
		struct wc_ipaddr a = v6(in6[i]);

		assert_true(wc_ipset_contains(r, &a));
	}
	for (size_t i = 0; out6[i]; i++) {
		struct wc_ipaddr a = v6(out6[i]);

		assert_false(wc_ipset_contains(r, &a));
	}
	wc_ipset_free(r);
}

static void test_ports(void **state)
{
	struct wc_ports *p = malloc(sizeof(*p));

	(void)state;
	assert_int_equal(wc_ports_parse("80,22, 443 ,8000-8003,22", p), 0);
	assert_int_equal(p->n, 7);
	assert_int_equal(p->port[0], 22);
	assert_int_equal(p->port[1], 80);
	assert_int_equal(p->port[2], 443);
	assert_int_equal(p->port[6], 8003);
	assert_int_equal(wc_ports_parse("1-65535", p), 0);
	assert_int_equal(p->n, 65535);
	assert_int_equal(wc_ports_parse("0", p), 0);
	assert_int_equal(p->n, 1);
	static const char *const bad[] = {"", ",", "80,", "65536", "10-5", "a", "1-", "-5", "1 2",
					  NULL};
	for (size_t i = 0; bad[i]; i++)
		assert_int_equal(wc_ports_parse(bad[i], p), -EINVAL);
	free(p);
}

/* ---- the index space ---- */

static void test_targets(void **state)
{
	static const char *const items[] = {"198.18.0.0/30", "198.18.1.10-198.18.1.12",
					    "2001:db8::/126", NULL};
	struct wc_ipset *s = set_of(items), *blk = set_of((const char *const[]){"198.18.0.2", NULL});
	struct wc_ports *p = malloc(sizeof(*p));
	struct wc_targets *t;
	struct wc_ipaddr a;
	uint16_t port;
	uint64_t idx;

	(void)state;
	assert_int_equal(wc_ipset_subtract(s, blk), 0);
	assert_int_equal(wc_ports_parse("22,80,443", p), 0);
	assert_int_equal(wc_targets_new(s, p, &t), 0);
	assert_int_equal(wc_targets_addrs(t), 3 + 3 + 4);
	assert_int_equal(wc_targets_count(t), 30);
	assert_true(wc_targets_has_family(t, AF_INET));
	assert_true(wc_targets_has_family(t, AF_INET6));
	for (uint64_t i = 0; i < wc_targets_count(t); i++) {
		assert_int_equal(wc_targets_get(t, i, &a, &port), 0);
		assert_false(wc_ipset_contains(blk, &a));
		assert_true(wc_ipset_contains(s, &a));
		assert_int_equal(wc_targets_index(t, &a, port, &idx), 0);
		assert_int_equal(idx, i);
	}
	assert_int_equal(wc_targets_get(t, 30, &a, &port), -ERANGE);
	a = v4("198.18.0.2");
	assert_int_equal(wc_targets_index(t, &a, 22, &idx), -ENOENT);
	a = v4("198.18.0.1");
	assert_int_equal(wc_targets_index(t, &a, 23, &idx), -ENOENT);
	assert_int_equal(wc_targets_get(t, 0, &a, &port), 0);
	{
		char b[64];

		assert_string_equal(wc_ipaddr_str(&a, b, sizeof(b)), "198.18.0.0");
		assert_int_equal(port, 22);
		assert_int_equal(wc_targets_get(t, 29, &a, &port), 0);
		assert_string_equal(wc_ipaddr_str(&a, b, sizeof(b)), "2001:db8::3");
		assert_int_equal(port, 443);
	}
	{
		struct wc_targets *t2;

		assert_int_equal(wc_targets_new(s, NULL, &t2), 0);
		assert_int_equal(wc_targets_count(t2), 10);
		assert_int_not_equal(wc_targets_hash(t), wc_targets_hash(t2));
		wc_targets_free(t2);
	}
	wc_targets_free(t);
	{
		struct wc_ipset *e, *big = set_of((const char *const[]){"2001:db8::/64", NULL});

		assert_int_equal(wc_ipset_new(&e), 0);
		assert_int_equal(wc_targets_new(e, p, &t), -ENOENT);
		assert_int_equal(wc_targets_new(big, NULL, &t), -E2BIG);
		wc_ipset_free(e);
		wc_ipset_free(big);
	}
	free(p);
	wc_ipset_free(s);
	wc_ipset_free(blk);
}

/* ---- the permutation ---- */

static void test_primes(void **state)
{
	uint64_t f[64];
	int n;

	(void)state;
	assert_false(wc_cyclic_is_prime(0));
	assert_false(wc_cyclic_is_prime(1));
	assert_true(wc_cyclic_is_prime(2));
	assert_true(wc_cyclic_is_prime(65537));
	assert_false(wc_cyclic_is_prime(3215031751ull)); /* strong pseudoprime to 2, 3, 5, 7 */
	assert_true(wc_cyclic_is_prime((1ull << 61) - 1));
	assert_false(wc_cyclic_is_prime(3825123056546413051ull)); /* psp to bases up to 23 */
	n = wc_cyclic_factor(((1ull << 32) + 15) - 1, f, 64);
	{
		uint64_t prod = 1;

		for (int i = 0; i < n; i++) {
			assert_true(wc_cyclic_is_prime(f[i]));
			uint64_t x = ((1ull << 32) + 14);
			assert_int_equal(x % f[i], 0);
			prod *= f[i];
		}
		assert_true(prod > 1);
	}
	/* a product of two big primes: Pollard's rho */
	n = wc_cyclic_factor(4294967291ull * 4294967279ull, f, 64);
	assert_int_equal(n, 2);
	assert_true((f[0] == 4294967291ull && f[1] == 4294967279ull) ||
		    (f[1] == 4294967291ull && f[0] == 4294967279ull));
}

/* Walk all parts of all shards; each index in [0, n) must come exactly once, each shard's
 * indices must be distinct from the others'. Returns the order of the whole (shards=1). */
static void visit_all(uint64_t n, uint64_t seed, uint64_t shards, uint64_t parts)
{
	struct wc_cyclic c;
	uint8_t *seen = calloc(n, 1);
	uint64_t total = 0;

	assert_non_null(seen);
	assert_int_equal(wc_cyclic_init(&c, n, seed), 0);
	assert_true(c.p > n);
	assert_true(wc_cyclic_is_prime(c.p));
	for (uint64_t s = 0; s < shards; s++) {
		for (uint64_t t = 0; t < parts; t++) {
			struct wc_cyclic_walk w;
			uint64_t i;

			assert_int_equal(wc_cyclic_walk_init(&w, &c, shards, s, parts, t), 0);
			while (wc_cyclic_next(&w, &i)) {
				assert_true(i < n);
				assert_int_equal(seen[i], 0);
				seen[i] = (uint8_t)(1 + s);
				total++;
			}
			assert_int_equal(wc_cyclic_walk_done(&w), wc_cyclic_walk_len(&w));
		}
	}
	assert_int_equal(total, n);
	free(seen);
}

static void test_cycle_once(void **state)
{
	static const uint64_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 13, 31, 100, 101, 127, 255, 256, 257,
					 1000, 4093, 65535, 65536, 65537, 100003, 262144};
	static const uint64_t shard_counts[] = {1, 2, 3, 7, 16};

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t k = 0; k < sizeof(shard_counts) / sizeof(shard_counts[0]); k++)
			for (uint64_t parts = 1; parts <= 3; parts++)
				visit_all(sizes[i], 42 + i * 7 + k, shard_counts[k], parts);
	/* many seeds on a few small sizes: every generator the seed can pick is a generator */
	for (uint64_t seed = 0; seed < 200; seed++) {
		visit_all(7, seed, 1, 1);
		visit_all(100, seed, 3, 2);
	}
	/* more shards than elements: some shards get nothing, none gets twice */
	visit_all(3, 9, 16, 2);
	/* a space whose prime is above 2^32: the 128-bit path (walked only in part) */
	{
		struct wc_cyclic c;
		struct wc_cyclic_walk w;
		uint64_t i, prev = UINT64_MAX, k = 0;

		assert_int_equal(wc_cyclic_init(&c, (1ull << 32) + 5, 1), 0);
		assert_true(c.p > (1ull << 32) + 5);
		assert_int_equal(wc_cyclic_walk_init(&w, &c, 1000, 999, 1, 0), 0);
		while (k < 100000 && wc_cyclic_next(&w, &i)) {
			assert_true(i < c.n);
			assert_true(i != prev);
			prev = i;
			k++;
		}
		assert_int_equal(k, 100000);
	}
	{
		struct wc_cyclic c;

		assert_int_equal(wc_cyclic_init(&c, 0, 1), -EINVAL);
		assert_int_equal(wc_cyclic_init(&c, WC_CYCLIC_MAX, 1), -E2BIG);
	}
}

static void order(uint64_t n, uint64_t seed, uint64_t *out)
{
	struct wc_cyclic c;
	struct wc_cyclic_walk w;
	uint64_t i, k = 0;

	assert_int_equal(wc_cyclic_init(&c, n, seed), 0);
	assert_int_equal(wc_cyclic_walk_init(&w, &c, 1, 0, 1, 0), 0);
	while (wc_cyclic_next(&w, &i))
		out[k++] = i;
	assert_int_equal(k, n);
}

static void test_seeds(void **state)
{
	enum { N = 1000 };
	uint64_t *a = malloc(N * 8), *b = malloc(N * 8);
	unsigned same = 0;

	(void)state;
	order(N, 42, a);
	order(N, 42, b);
	assert_memory_equal(a, b, N * 8);
	for (uint64_t s = 1; s < 50; s++) {
		order(N, 42 + s, b);
		same += !memcmp(a, b, N * 8);
	}
	assert_int_equal(same, 0);
	/* not the identity, and not sorted backwards either */
	{
		unsigned ascending = 0;

		for (int i = 1; i < N; i++)
			ascending += a[i] > a[i - 1];
		assert_true(ascending > N / 4 && ascending < 3 * N / 4);
	}
	free(a);
	free(b);
}

/* A resumed walk (seek to the steps done) goes on exactly where the first stopped. */
static void test_seek(void **state)
{
	struct wc_cyclic c;

	(void)state;
	assert_int_equal(wc_cyclic_init(&c, 5000, 3), 0);
	for (uint64_t shard = 0; shard < 3; shard++) {
		struct wc_cyclic_walk w1, w2, w3;
		uint64_t i, j, stop = 777 + shard * 100;

		assert_int_equal(wc_cyclic_walk_init(&w1, &c, 3, shard, 2, 1), 0);
		assert_int_equal(wc_cyclic_walk_init(&w2, &c, 3, shard, 2, 1), 0);
		while (wc_cyclic_walk_done(&w1) < stop && wc_cyclic_next(&w1, &i))
			;
		wc_cyclic_walk_seek(&w2, wc_cyclic_walk_done(&w1));
		while (wc_cyclic_next(&w1, &i)) {
			assert_true(wc_cyclic_next(&w2, &j));
			assert_int_equal(i, j);
		}
		assert_false(wc_cyclic_next(&w2, &j));
		/* seeking backwards from the end */
		w3 = w2;
		wc_cyclic_walk_seek(&w3, 0);
		assert_int_equal(wc_cyclic_walk_init(&w1, &c, 3, shard, 2, 1), 0);
		assert_int_equal(w3.x, w1.x);
		wc_cyclic_walk_seek(&w3, UINT64_MAX);
		assert_false(wc_cyclic_next(&w3, &j));
	}
}

/* Targets with blocklist holes times ports, walked by sharded threads: every allowed pair
 * once, no blocked address ever. */
static void test_scan_space(void **state)
{
	static const char *const items[] = {"198.18.0.0/22", "2001:db8::/120", "198.18.8.1", NULL};
	static const char *const blocked[] = {"198.18.1.0/24", "198.18.2.7", "198.18.3.250-198.18.4.9",
					      "2001:db8::80/121", NULL};
	struct wc_ipset *s = set_of(items), *blk = set_of(blocked);
	struct wc_ports *p = malloc(sizeof(*p));
	struct wc_targets *t;
	struct wc_cyclic c;
	uint8_t *seen;
	uint64_t n, total = 0;

	(void)state;
	assert_int_equal(wc_ipset_subtract(s, blk), 0);
	assert_int_equal(wc_ports_parse("22,80,443,8000-8004", p), 0);
	assert_int_equal(wc_targets_new(s, p, &t), 0);
	n = wc_targets_count(t);
	assert_int_equal(n, ((1024 - 256 - 1 - 6) + 128 + 1) * 8);
	seen = calloc(n, 1);
	assert_int_equal(wc_cyclic_init(&c, n, 1234), 0);
	for (uint64_t shard = 0; shard < 5; shard++)
		for (uint64_t part = 0; part < 2; part++) {
			struct wc_cyclic_walk w;
			uint64_t i;

			assert_int_equal(wc_cyclic_walk_init(&w, &c, 5, shard, 2, part), 0);
			while (wc_cyclic_next(&w, &i)) {
				struct wc_ipaddr a;
				uint16_t port;
				uint64_t back;

				assert_int_equal(seen[i], 0);
				seen[i] = 1;
				total++;
				assert_int_equal(wc_targets_get(t, i, &a, &port), 0);
				assert_false(wc_ipset_contains(blk, &a));
				assert_int_equal(wc_targets_index(t, &a, port, &back), 0);
				assert_int_equal(back, i);
			}
		}
	assert_int_equal(total, n);
	free(seen);
	free(p);
	wc_targets_free(t);
	wc_ipset_free(s);
	wc_ipset_free(blk);
}

/* ---- dedup ---- */

static int collect(uint64_t i, void *arg)
{
	uint64_t *v = arg;

	v[++v[0]] = i;
	return 0;
}

static void test_dedup(void **state)
{
	struct wc_dedup *d;
	uint64_t got[16] = {0};

	(void)state;
	assert_int_equal(wc_dedup_new(3000000, 0, &d), 0);
	assert_true(wc_dedup_exact(d));
	assert_true(wc_dedup_add(d, 5));
	assert_false(wc_dedup_add(d, 5));
	assert_true(wc_dedup_add(d, 2999999));
	assert_true(wc_dedup_add(d, 1u << 19));
	assert_false(wc_dedup_add(d, 3000000)); /* outside */
	assert_true(wc_dedup_has(d, 5));
	assert_false(wc_dedup_has(d, 6));
	assert_int_equal(wc_dedup_count(d), 3);
	assert_int_equal(wc_dedup_foreach(d, collect, got), 0);
	assert_int_equal(got[0], 3);
	assert_int_equal(got[1], 5);
	assert_int_equal(got[2], 1u << 19);
	assert_int_equal(got[3], 2999999);
	assert_true(wc_dedup_bytes(d) < 3 * 65536 + 4096);
	wc_dedup_free(d);

	/* over the budget: the bounded cache */
	assert_int_equal(wc_dedup_new(1ull << 40, 1 << 20, &d), 0);
	assert_false(wc_dedup_exact(d));
	for (uint64_t i = 0; i < 100000; i++)
		assert_true(wc_dedup_add(d, i * 7919));
	for (uint64_t i = 0; i < 100000; i++) {
		assert_false(wc_dedup_add(d, i * 7919));
		assert_true(wc_dedup_has(d, i * 7919));
	}
	assert_int_equal(wc_dedup_foreach(d, collect, got), -EOPNOTSUPP);
	wc_dedup_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),      cmocka_unit_test(test_set_ops),
		cmocka_unit_test(test_file),       cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_ports),      cmocka_unit_test(test_targets),
		cmocka_unit_test(test_primes),     cmocka_unit_test(test_cycle_once),
		cmocka_unit_test(test_seeds),      cmocka_unit_test(test_seek),
		cmocka_unit_test(test_scan_space), cmocka_unit_test(test_dedup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
