/* The scan engine's skip and phases (wc_scan_opts.skip, .phases), on a dry run (probes into a
 * pcap file, no privileges): every pair the skip lets through is written exactly once (once a
 * pass) and no other; phases run in order over the same walk, each probing its own pairs,
 * and on_phase's false ends the scan. A pass whose last batch sent nothing (the walk ended
 * on a batch's edge, the rest left out) must not leave the frames it reserved to the next
 * pass or phase, which would send them, old bytes and all, instead of its own. */
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

#include "wirecraft/pcapio.h"
#include "wirecraft/scan.h"
#include "wirecraft/target.h"

#define NPORTS 16 /* ports 80..95: index = address * 16 + port - 80 */

struct ctx {
	const struct wc_targets *t;
	unsigned phase, calls[4], ncalls;
	bool stop_at_2;
};

/* phase 0: port 95 of every eighth address (127 of 128 left out: most batches of 64 send
 * nothing); phase 1: ports 80..84; phase 2: port 90 */
static bool wanted(unsigned phase, uint64_t idx)
{
	unsigned p = (unsigned)(idx % NPORTS);

	return phase == 0 ? p == 15 && idx / NPORTS % 8 == 0 : phase == 1 ? p < 5 : p == 10;
}

static bool leave_out(uint64_t idx, void *arg)
{
	struct ctx *c = arg;

	return !wanted(c->phase, idx);
}

static bool on_phase(unsigned phase, void *arg)
{
	struct ctx *c = arg;

	c->calls[c->ncalls++] = phase;
	if (c->stop_at_2 && phase == 2)
		return false;
	c->phase = phase;
	return true;
}

/* How many times each pair is in the file (the TCP SYN's destination and port). */
static void count_pairs(const char *path, const struct wc_targets *t, unsigned *seen, uint64_t n)
{
	struct wc_pcap_reader *r;
	char err[256];
	const uint8_t *d;
	size_t len;
	uint64_t idx;

	memset(seen, 0, n * sizeof(*seen));
	assert_int_equal(wc_pcap_open_read(path, &r, err), 0);
	while (wc_pcap_next(r, &d, &len, NULL) == 0) {
		struct wc_ipaddr a = {.family = AF_INET};
		size_t ihl;

		assert_true(len >= 14 + 20 + 20);
		assert_int_equal(d[12] << 8 | d[13], 0x0800);
		ihl = (size_t)(d[14] & 15) * 4;
		memcpy(a.a, d + 14 + 16, 4);
		assert_int_equal(wc_targets_index(t, &a, (uint16_t)(d[14 + ihl + 2] << 8 |
								      d[14 + ihl + 3]), &idx), 0);
		assert_true(idx < n);
		seen[idx]++;
	}
	wc_pcap_close_read(r);
}

static void run(struct ctx *c, unsigned phases, unsigned retries, const char *path)
{
	struct wc_scan_opts o = {
		.sz = sizeof(o),
		.targets = c->t,
		.probe = {.sz = sizeof(o.probe), .kind = WC_PROBE_TCP_SYN, .sport = 61000},
		.seed = 7,
		.cooldown_s = -1,
		.retries = retries,
		.has_src4 = true,
		.src4 = {198, 18, 0, 1},
		.dry_run = path,
		.skip = leave_out,
		.skip_arg = c,
		.phases = phases,
		.on_phase = phases > 1 ? on_phase : NULL,
		.arg = c,
	};
	struct wc_scan_stats st;
	char why[WC_SCAN_WHY] = "";
	int err = wc_scan(&o, &st, NULL, why);

	if (err)
		fprintf(stderr, "scan: %s\n", why);
	assert_int_equal(err, 0);
}

static struct wc_targets *targets(void)
{
	struct wc_ipset *s;
	struct wc_ports *p = calloc(1, sizeof(*p));
	struct wc_targets *t;

	assert_non_null(p);
	assert_int_equal(wc_ipset_new(&s), 0);
	assert_int_equal(wc_ipset_add_text(s, "198.18.4.0/22"), 0); /* 1024 x 16 pairs */
	p->n = NPORTS;
	for (unsigned i = 0; i < NPORTS; i++)
		p->port[i] = (uint16_t)(80 + i);
	assert_int_equal(wc_targets_new(s, p, &t), 0);
	wc_ipset_free(s);
	free(p);
	return t;
}

static void test_skip(void **state)
{
	char path[] = "/tmp/wc-phases-XXXXXX";
	int fd = mkstemp(path);
	struct ctx c = {.t = targets()};
	uint64_t n = wc_targets_count(c.t);
	unsigned *seen = calloc(n, sizeof(*seen));

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	run(&c, 0, 0, path);
	count_pairs(path, c.t, seen, n);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(seen[i], wanted(0, i) ? 1 : 0);
	/* a retry pass: nothing answers a dry run, every pair again (128 of them: the first
	 * pass ends on a batch's edge) */
	run(&c, 0, 1, path);
	count_pairs(path, c.t, seen, n);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(seen[i], wanted(0, i) ? 2 : 0);
	unlink(path);
	free(seen);
	wc_targets_free((struct wc_targets *)c.t);
}

static void test_phases(void **state)
{
	char path[] = "/tmp/wc-phases-XXXXXX";
	int fd = mkstemp(path);
	struct ctx c = {.t = targets()};
	uint64_t n = wc_targets_count(c.t);
	unsigned *seen = calloc(n, sizeof(*seen));

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	run(&c, 3, 0, path);
	assert_int_equal(c.ncalls, 2);
	assert_int_equal(c.calls[0], 1);
	assert_int_equal(c.calls[1], 2);
	count_pairs(path, c.t, seen, n);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(seen[i], wanted(0, i) || wanted(1, i) || wanted(2, i) ? 1 : 0);

	/* on_phase says no more: phase 2 never runs */
	wc_targets_free((struct wc_targets *)c.t);
	memset(&c, 0, sizeof(c));
	c.t = targets();
	c.stop_at_2 = true;
	run(&c, 3, 0, path);
	assert_int_equal(c.ncalls, 2);
	count_pairs(path, c.t, seen, n);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(seen[i], wanted(0, i) || wanted(1, i) ? 1 : 0);
	wc_targets_free((struct wc_targets *)c.t);
	unlink(path);
	free(seen);
}

/* phases with a state to fill (or resume) are refused: a stopped phase cannot carry on */
static void test_refused(void **state)
{
	struct ctx c = {.t = targets()};
	struct wc_scan_opts o = {
		.sz = sizeof(o), .targets = c.t, .dry_run = "/dev/null", .phases = 2,
		.on_phase = on_phase, .probe = {.sz = sizeof(o.probe), .kind = WC_PROBE_TCP_SYN},
	};
	struct wc_scan_state ss;
	struct wc_scan_stats st;
	char why[WC_SCAN_WHY] = "";

	(void)state;
	assert_int_equal(wc_scan(&o, &st, &ss, why), -EINVAL);
	o.on_phase = NULL;
	assert_int_equal(wc_scan(&o, &st, NULL, why), -EINVAL);
	wc_targets_free((struct wc_targets *)c.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
