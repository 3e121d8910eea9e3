/* SPDX-License-Identifier: MIT */
/* Scan targets: address sets, port lists, and the (address, port) index space a scan walks.
 *
 * An address set is a sorted list of disjoint, non-adjacent intervals, so its memory grows with
 * the number of intervals, never with the number of addresses: 0.0.0.0/0 minus a blocklist of a
 * few hundred ranges is a few hundred intervals. IPv4 and IPv6 share one ordered space: an IPv4
 * address is kept as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), which is also what such an IPv6
 * literal means, so one set (and one scan) can hold both families.
 *
 * The index space of a scan is the set's addresses times the port list: pair i is address
 * i / nports, port i % nports, both in ascending order. Turning an index into an address is a
 * binary search over the intervals; the reverse (a reply back to its index, for dedup) too.
 *
 *   struct wc_ipset *s;  wc_ipset_new(&s);
 *   wc_ipset_add_text(s, "198.18.0.0/15");
 *   wc_ipset_add_file(s, "targets.txt", &line);
 *   wc_ipset_subtract(s, blocklist);                   // blocklist: wc_ipset_add_reserved()
 *   wc_targets_new(s, ports, &t);                       // ports: wc_ports_parse("22,80,8000-8100")
 *   wc_targets_get(t, i, &addr, &port);
 *
 * Functions return 0 or a negative errno and never print. */
#ifndef WIRECRAFT_TARGET_H
#define WIRECRAFT_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One address. family: AF_INET (bytes a[0..3]) or AF_INET6 (a[0..15]), network order. */
struct wc_ipaddr {
	int family;
	uint8_t a[16];
};

/* Text form into buf (INET6_ADDRSTRLEN bytes is enough); returns buf. */
const char *wc_ipaddr_str(const struct wc_ipaddr *a, char *buf, size_t cap);

/* ---- address sets ----------------------------------------------------------------------- */

struct wc_ipset;

int wc_ipset_new(struct wc_ipset **out);
void wc_ipset_free(struct wc_ipset *s);
int wc_ipset_copy(const struct wc_ipset *s, struct wc_ipset **out);

/* Add lo..hi (both included; same family). -EINVAL when hi < lo or the families differ. */
int wc_ipset_add_range(struct wc_ipset *s, const struct wc_ipaddr *lo, const struct wc_ipaddr *hi);

/* Add one target written as an address ("198.18.0.1", "2001:db8::1"), a CIDR ("198.18.0.0/15";
 * host bits set are ignored, as ZMap does), or a range of two addresses ("198.18.0.10-198.18.0.20").
 * Surrounding blanks are allowed. -EINVAL when it is none of those. */
int wc_ipset_add_text(struct wc_ipset *s, const char *text);

/* Add every line of a file: one target per line as wc_ipset_add_text takes it, '#' starts a
 * comment, blank lines are skipped. -EINVAL with *line (may be NULL) set to the first bad line
 * (1-based); -errno from opening or reading it (*line 0). */
int wc_ipset_add_file(struct wc_ipset *s, const char *path, unsigned *line);

/* The reserved ranges a scan leaves alone unless told otherwise (RFC 6890 and later special
 * purpose registries: private, loopback, link-local, CGN, documentation, benchmarking,
 * multicast, class E, broadcast; IPv6 unspecified/loopback, ULA, link- and site-local,
 * multicast, documentation, ...). Added to s. */
int wc_ipset_add_reserved(struct wc_ipset *s);
/* The same list as text, one CIDR per entry, NULL-terminated (for --help and docs). */
const char *const *wc_ipset_reserved_list(void);

/* s := s minus b, s := s intersected with b. */
int wc_ipset_subtract(struct wc_ipset *s, const struct wc_ipset *b);
int wc_ipset_intersect(struct wc_ipset *s, const struct wc_ipset *b);

bool wc_ipset_contains(const struct wc_ipset *s, const struct wc_ipaddr *a);
/* Addresses in the set (UINT64_MAX when more), and how many of them are IPv4 and IPv6. */
uint64_t wc_ipset_count(const struct wc_ipset *s);
void wc_ipset_count_families(const struct wc_ipset *s, uint64_t *v4, uint64_t *v6);
/* Intervals after merging. */
size_t wc_ipset_intervals(const struct wc_ipset *s);
/* Interval i as two addresses; -ENOENT past the end. */
int wc_ipset_interval(const struct wc_ipset *s, size_t i, struct wc_ipaddr *lo,
		      struct wc_ipaddr *hi);

/* ---- port lists ------------------------------------------------------------------------- */

/* Sorted, without duplicates. */
struct wc_ports {
	uint32_t n;
	uint16_t port[65536];
};

/* "22,80,443,8000-8100" (blanks allowed around the items; 0-65535). -EINVAL for anything
 * else, an empty list or a reversed range. out is filled (and sorted) whatever the order. */
int wc_ports_parse(const char *spec, struct wc_ports *out);

/* ---- the index space -------------------------------------------------------------------- */

struct wc_targets;

/* The pairs (address of s, port of ports) in ascending order; ports NULL: a single port 0
 * (probes without ports, ICMP echo). s and ports are copied. Returns 0, -ENOENT when s is
 * empty, -E2BIG when the pairs number 2^62 or more (the permutation's limit). */
int wc_targets_new(const struct wc_ipset *s, const struct wc_ports *ports,
		   struct wc_targets **out);
void wc_targets_free(struct wc_targets *t);

uint64_t wc_targets_count(const struct wc_targets *t); /* pairs */
uint64_t wc_targets_addrs(const struct wc_targets *t); /* addresses */
uint32_t wc_targets_nports(const struct wc_targets *t);
uint16_t wc_targets_port(const struct wc_targets *t, uint32_t i);
/* Does the space hold IPv4 (IPv6) addresses at all? */
bool wc_targets_has_family(const struct wc_targets *t, int family);

/* The lowest address of a family in the space; -ENOENT when it has none. */
int wc_targets_first(const struct wc_targets *t, int family, struct wc_ipaddr *addr);

/* Pair `index` (< count). -ERANGE past the end. No allocation, no system call. */
int wc_targets_get(const struct wc_targets *t, uint64_t index, struct wc_ipaddr *addr,
		   uint16_t *port);
/* The index of (addr, port), or -ENOENT when it is not in the space. */
int wc_targets_index(const struct wc_targets *t, const struct wc_ipaddr *addr, uint16_t port,
		     uint64_t *index);

/* A fingerprint of the space (its intervals and ports), to tell on resume that a saved
 * position belongs to the same scan. */
uint64_t wc_targets_hash(const struct wc_targets *t);

#endif
