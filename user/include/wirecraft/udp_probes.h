/* SPDX-License-Identifier: MIT */
/* UDP probe modules (wirecraft scan --probe udp:NAME): a built-in request per service and a
 * classifier of its answer, as reflector research needs them: what answered, and how many
 * bytes came back for each byte sent (the amplification factor).
 *
 *   dns         a recursive query for NAME (default example.com), type A, or TYPE,NAME as
 *               ZMap's dns module takes it (AAAA, TXT, ANY, ... or a number), built and
 *               dissected by the DNS layer; id, QR, rcode, answer count and the first
 *               answer of the question's type (else the first), decoded
 *   ntp         an NTPv4 client request (mode 3); the server's mode, stratum and reference
 *   snmp        SNMPv2c GetRequest for sysDescr.0, community public; snmp1: the same in v1
 *   ssdp        an M-SEARCH for ssdp:all; the status and SERVER header
 *   netbios-ns  a node status (NBSTAT) query for '*'; the first unique and group names, the MAC
 *   memcached   "stats" over the UDP frame header; the version
 *
 * A classifier never reads outside the reply, and says "not this protocol" rather than guess.
 * Functions return 0 or a negative errno and never print. */
#ifndef WIRECRAFT_UDP_PROBES_H
#define WIRECRAFT_UDP_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"

struct wc_udp_module;

/* "dns", "ntp", ...; NULL when there is no such module. */
const struct wc_udp_module *wc_udp_module_find(const char *name);
const char *wc_udp_module_name(const struct wc_udp_module *m);
uint16_t wc_udp_module_port(const struct wc_udp_module *m); /* its service's port */
/* The names, comma-separated, for messages. */
const char *wc_udp_module_list(void);

/* The request, into out (cap bytes); arg: the module's argument (dns: the name; NULL: its
 * default). Returns the length, or -EINVAL (a bad argument), -ENOSPC. */
int wc_udp_module_request(const struct wc_udp_module *m, const char *arg, uint8_t *out,
			  size_t cap);

/* What an answer says. */
struct wc_udp_info {
	const char *module;      /* the module's name; NULL: a plain udp scan */
	bool recognised;         /* the answer is that protocol's, and answers our request */
	char summary[256];       /* printable: "NOERROR 1 answer A 198.18.0.99", a sysDescr, ... */
	int rcode;               /* dns: the reply code; -1 otherwise */
	int ancount;             /* dns: answers; -1 otherwise */
	uint32_t reply_bytes;    /* the answer's UDP payload */
	uint32_t probe_bytes;    /* our request's UDP payload */
	double amp;              /* reply_bytes / probe_bytes; < 0: unknown (an empty probe) */
};

/* A DNS reply code as dig names it (NOERROR, NXDOMAIN, ...); NULL for one without a name. */
const char *wc_udp_rcode_name(int rcode);

/* Classify a UDP answer's payload (m NULL: no module, only the sizes). */
void wc_udp_classify(const struct wc_udp_module *m, const uint8_t *payload, size_t len,
		     size_t probe_bytes, struct wc_udp_info *info);
/* The UDP payload of an Ethernet frame carrying IPv4 or IPv6 (no extension headers) and UDP;
 * NULL when it is not one. */
const uint8_t *wc_udp_payload_of(const uint8_t *frame, size_t len, size_t *plen);

/* A payload set with one default payload, for every port (wirecraft/probe.h). */
int wc_udp_payloads_single(const uint8_t *p, size_t n, struct wc_udp_payloads **out);

#endif
