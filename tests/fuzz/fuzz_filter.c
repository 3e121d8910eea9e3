/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the tcpdump filter front end of `sniff` (wc_sniff_filter_check in
 * user/sniff.c, which compiles the text with libpcap as sniff does), then matching.
 *
 * Input: the filter text, cut at its first NUL. What must hold:
 * - wc_sniff_filter_check returns 0 or a negative errno; a refusal carries a non-empty,
 *   NUL-terminated message, and refuses the same way with no error buffer;
 * - a filter it accepts compiles as `sniff --steal` compiles it (a dead Ethernet handle,
 *   optimised, netmask unknown), and running the program over a fixed set of frames (each an
 *   exact-size heap copy, so ASan sees a read past one) returns 0 or at most the snapshot
 *   length, and the same answer each time;
 * - nothing leaks (LeakSanitizer after every input).
 * Strict mode (WIRECRAFT_FUZZ_STRICT=1) also compiles without libpcap's optimiser and traps
 * when the two programs disagree on a whole frame: a report on libpcap, not on wirecraft. (On
 * frames cut short they do disagree: the optimiser drops loads whose value is masked away, so
 * 'src net 2001:db8::/32' accepts an IPv6 frame cut inside its source address that the plain
 * program, loading the masked words too, rejects.)
 *
 * libpcap is the system's, not built for coverage, so the fuzzer would see almost no branch
 * to climb (ours are few). The harness gives it features of its own through libFuzzer's extra
 * counters: the kinds of BPF instruction the compiled program holds and how many, its length,
 * which frames it accepts, and which refusal a rejected filter got. */
#define _GNU_SOURCE
#include <errno.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "wirecraft/pkt.h"
#include "wirecraft/set.h"
#include "wirecraft/sniff.h"
#include "sniff_impl.h"

#define SNAPLEN 65535 /* as user/sniff.c */
#define MAX_TEXT 512
#define MAX_FRAMES 64

/* sniff.c's AF_XDP path lives in port_steal.c, which loads a BPF skeleton and is left out
 * of the fuzz library. The filter front end never reaches it; these keep the link whole (one
 * for each function of user/sniff_impl.h's wc_steal_* interface: add any new one here). */
int wc_steal_open(const char *ifname, unsigned frames, struct wc_steal **out, char *errbuf)
{
	(void)ifname, (void)frames, (void)out, (void)errbuf;
	return -EOPNOTSUPP;
}
int wc_steal_next(struct wc_steal *st, const uint8_t **data, size_t *len, struct timespec *ts,
		  int timeout_ms)
{
	(void)st, (void)data, (void)len, (void)ts, (void)timeout_ms;
	return -EOPNOTSUPP;
}
int wc_steal_drops(const struct wc_steal *st, uint64_t *drops)
{
	(void)st, (void)drops;
	return -EOPNOTSUPP;
}
const char *wc_steal_engine(const struct wc_steal *st)
{
	(void)st;
	return "none";
}
bool wc_steal_shared(const struct wc_steal *st)
{
	(void)st;
	return false;
}
void wc_steal_close(struct wc_steal *st)
{
	(void)st;
}

/* Frames the filters run over: what a capture on a test network holds, plus frames cut
 * short (a filter reading past the captured bytes must answer 0, not read on). */
static const char *const frame_exprs[] = {
	"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/"
		"IP(src='198.18.0.1', dst='198.18.0.2')/"
		"TCP(sport=40000, dport=[22,80,443], flags='S', options=[('MSS', 1460), ('WScale', 7)])",
	"Ether(src='02:00:00:00:00:02', dst='02:00:00:00:00:01')/"
		"IP(src='198.18.0.2', dst='198.18.0.1', flags='DF')/"
		"TCP(sport=80, dport=40000, flags='SA')",
	"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/"
		"IP(src='198.18.0.1', dst='198.19.255.255', ttl=1)/UDP(sport=5353, dport=53)/'hello'",
	"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/"
		"IP(src='198.18.0.1', dst='198.18.0.2', frag=100, options=b'\\x94\\x04\\x00\\x00')/"
		"ICMP(type='echo-request')/'ping'",
	"Ether(src='02:00:00:00:00:02', dst='02:00:00:00:00:01')/"
		"IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type='dest-unreach', code=3)/"
		"IPerror(src='198.18.0.1', dst='198.18.0.2')/UDPerror(dport=53)",
	"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/"
		"IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP(dport=443, flags='S')",
	"Ether(src='02:00:00:00:00:01', dst='33:33:ff:00:00:02')/"
		"IPv6(src='2001:db8::1', dst='ff02::1:ff00:2')/ICMPv6ND_NS(tgt='2001:db8::2')",
	"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/"
		"IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrHopByHop()/"
		"IPv6ExtHdrFragment(m=1)/UDP(dport=53)",
	"Ether(src='02:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff')/"
		"ARP(psrc='198.18.0.1', pdst='198.18.0.2')",
	"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/Dot1Q(vlan=7)/"
		"IP(src='198.18.0.1', dst='198.18.0.2')/TCP(dport=80)",
	"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/Dot1AD(vlan=1)/Dot1Q(vlan=2)/"
		"IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP()",
	"Ether(src='02:00:00:00:00:01', dst='01:00:5e:00:00:01')/"
		"IP(src='198.18.0.1', dst='224.0.0.1', proto=2)/"
		"'\\x11\\x64\\xee\\x9b\\x00\\x00\\x00\\x00'",
};

static struct {
	uint8_t *bytes;
	size_t len;
	bool whole; /* not cut short */
} frames[MAX_FRAMES];

/* Extra coverage (see the top): libFuzzer clears these before each input and treats each
 * counter, bucketed by value, as it treats an edge's. */
enum { F_OPCODE = 0, F_LENGTH = 256, F_MATCH = F_LENGTH + 64, F_REFUSAL = F_MATCH + MAX_FRAMES,
       F_END = F_REFUSAL + 64 };
__attribute__((section("__libfuzzer_extra_counters"), used)) static uint8_t feat[F_END];

static void bump(unsigned i)
{
	if (i < F_END && feat[i] < 255)
		feat[i]++;
}

static void program_features(const struct bpf_program *p)
{
	for (unsigned i = 0; i < p->bf_len; i++)
		bump(F_OPCODE + (p->bf_insns[i].code & 0xff));
	bump(F_LENGTH + (p->bf_len < 63 ? p->bf_len : 63));
}

/* Which refusal: the message up to the first quote or digit (names and numbers the user
 * typed would make every message new), hashed. */
static void refusal_feature(const char *msg)
{
	uint32_t h = 2166136261u;

	for (const char *c = msg; *c && *c != '\'' && *c != '"' && (*c < '0' || *c > '9'); c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	bump(F_REFUSAL + h % 64);
}
static unsigned nframes;

static void add_frame(const uint8_t *b, size_t len, bool whole)
{
	if (nframes == MAX_FRAMES)
		return;
	frames[nframes].bytes = malloc(len ? len : 1);
	if (!frames[nframes].bytes)
		abort();
	memcpy(frames[nframes].bytes, b, len);
	frames[nframes].len = len;
	frames[nframes].whole = whole;
	nframes++;
}

static void make_frames(void)
{
	static struct wc_pkt p;
	static uint8_t buf[WC_MAX_PKT];

	for (size_t i = 0; i < sizeof(frame_exprs) / sizeof(frame_exprs[0]); i++) {
		struct wc_set *set;
		struct wc_iter *it;
		struct wc_err err;

		if (wc_set_parse(frame_exprs[i], &set, &err) || wc_iter_new(set, &it)) {
			fprintf(stderr, "fuzz_filter: frame %zu: col %d: %s\n", i, err.col, err.msg);
			abort();
		}
		wc_pkt_init(&p, buf, sizeof(buf));
		while (wc_iter_next(it, &p) == 0) {
			add_frame(p.buf, p.len, true);
			/* the same frame cut inside its headers */
			add_frame(p.buf, p.len > 20 ? p.len / 2 : p.len, p.len <= 20);
		}
		wc_iter_free(it);
		wc_set_free(set);
	}
	add_frame((const uint8_t *)"", 0, false);
}

/* A filter may name hosts and networks ("host example", "net corp"): libpcap looks them up,
 * and a lookup may ask a DNS server. The fuzzer would ask thousands of times a second, so it
 * runs in a network namespace of its own with no interface up: a lookup fails at once and
 * nothing leaves the machine. No namespace, no fuzzing. */
static void isolate(void)
{
	if (unshare(CLONE_NEWNET) == 0 || unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0)
		return;
	fprintf(stderr, "fuzz_filter: cannot make an empty network namespace (%s): run as root, "
			"or allow unprivileged user namespaces\n", strerror(errno));
	exit(1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	isolate();
	wcf_init();
	make_frames();
	return 0;
}

static void check_refusal(const char *text, int rc, const char *errbuf)
{
	if (rc > 0)
		wcf_trap("wc_sniff_filter_check returned a positive value", NULL, -1, -1);
	if (!memchr(errbuf, '\0', WC_SNIFF_ERRBUF) || !errbuf[0])
		wcf_trap("refused filter without a message", NULL, -1, -1);
	if (wc_sniff_filter_check(text, NULL) != rc)
		wcf_trap("refusal differs without an error buffer", NULL, -1, -1);
	refusal_feature(errbuf);
}

static void run_frames(const char *text, pcap_t *dead)
{
	struct bpf_program opt, plain;
	bool have_plain = false;

	if (pcap_compile(dead, &opt, text, 1, PCAP_NETMASK_UNKNOWN) != 0)
		wcf_trap("accepted filter does not compile as sniff compiles it", NULL, -1, -1);
	if (wcf_strict)
		have_plain = pcap_compile(dead, &plain, text, 0, PCAP_NETMASK_UNKNOWN) == 0;
	program_features(&opt);

	for (unsigned i = 0; i < nframes; i++) {
		struct pcap_pkthdr h = {.caplen = (bpf_u_int32)frames[i].len,
					.len = (bpf_u_int32)frames[i].len};
		int a = pcap_offline_filter(&opt, &h, frames[i].bytes);

		if (a < 0 || a > SNAPLEN)
			wcf_trap("filter returned a length outside 0..snaplen", NULL, -1, -1);
		if (pcap_offline_filter(&opt, &h, frames[i].bytes) != a)
			wcf_trap("filter answered differently on the same frame", NULL, -1, -1);
		if (a)
			bump(F_MATCH + i);
		if (have_plain && frames[i].whole &&
		    (pcap_offline_filter(&plain, &h, frames[i].bytes) != 0) != (a != 0))
			wcf_trap("optimised and unoptimised programs disagree (libpcap)", NULL, -1, -1);
	}
	pcap_freecode(&opt);
	if (have_plain)
		pcap_freecode(&plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[WC_SNIFF_ERRBUF];
	char *text;
	pcap_t *dead;
	int rc;

	if (size > MAX_TEXT)
		size = MAX_TEXT;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	memset(errbuf, 0x5a, sizeof(errbuf));
	rc = wc_sniff_filter_check(text, errbuf);
	if (rc != 0) {
		check_refusal(text, rc, errbuf);
		goto out;
	}
	/* An empty or blank filter is no filter: sniff compiles nothing for it. */
	if (!text[strspn(text, " \t\r\n")])
		goto out;
	dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	if (!dead)
		goto out;
	run_frames(text, dead);
	pcap_close(dead);
out:
	free(text);
	return 0;
}
