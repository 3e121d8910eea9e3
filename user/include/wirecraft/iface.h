/* SPDX-License-Identifier: MIT */
/* Host-dependent defaults, as Scapy takes them from the host: the interface's own MAC and
 * addresses, and the next hop's MAC from the kernel's routes and neighbour table. Reading
 * only: nothing here sends a packet. */
#ifndef WIRECRAFT_IFACE_H
#define WIRECRAFT_IFACE_H

#include <stdbool.h>
#include <stdint.h>

struct wc_set;

struct wc_iface {
	char name[16];
	int ifindex;
	uint64_t mac;     /* 48-bit, as the MAC field kind holds it */
	bool has_ip4, has_ip6;
	uint32_t ip4;     /* first IPv4 address, host order */
	uint8_t ip6[16];  /* first global IPv6 address, else link-local */
};

/* Read an interface's MAC and addresses. -ENODEV if it does not exist. */
int wc_iface_get(const char *name, struct wc_iface *out);

/* The address of the next hop towards `dst` (4 or 16 bytes, per `family`): the gateway when the
 * kernel routes via one, else dst itself. Written to nh (as many bytes). -EHOSTUNREACH when
 * there is no route. */
int wc_iface_nexthop(const struct wc_iface *ifc, int family, const void *dst, void *nh);

/* The MAC of an on-link address (`family` AF_INET: ARP; AF_INET6: Neighbour Discovery): from
 * the neighbour table, else asked on the wire: the kernel asks (its own ARP / NS, started over
 * rtnetlink; needs CAP_NET_ADMIN) and the answer is read from the table, so this process reads
 * nothing from the wire; an entry made for it is removed again. Without CAP_NET_ADMIN the
 * question goes from a packet socket (needs CAP_NET_RAW). Up to `tries` rounds, each waiting
 * up to timeout_ms. Returns 0 with *mac set, -ETIMEDOUT when nobody answered, -EADDRNOTAVAIL
 * when ifc has no address of that family to ask from, or -errno. */
int wc_iface_resolve(const struct wc_iface *ifc, int family, const void *addr, int tries,
		     int timeout_ms, uint64_t *mac);

/* wc_set_apply_iface(), and then, when the set starts at Ether and its dst is still unknown,
 * the next hop of the first destination: multicast and broadcast destinations map to their
 * MACs, unicast ones are resolved with wc_iface_resolve() (3 tries of 1 s). Returns 0,
 * -ETIMEDOUT (no answer from the next hop), -EHOSTUNREACH (no route) or -errno. */
int wc_set_resolve_iface(struct wc_set *s, const struct wc_iface *ifc);

/* The MAC of the next hop towards `dst` (4 or 16 bytes, per `family`) through `ifc`: the
 * gateway's when the kernel routes via one, else dst's own, from the neighbour table.
 * -EHOSTUNREACH when the kernel has no entry for it (nothing is resolved here). */
int wc_iface_nexthop_mac(const struct wc_iface *ifc, int family, const void *dst,
			 uint64_t *mac);

/* Fill what the user left unset in a set from the interface: Ether src (its MAC), Ether
 * dst (next hop's MAC for the set's first destination, when the neighbour is known),
 * IP/IPv6/ARP sources. Returns 0, or -errno from the lookups (a missing neighbour is not
 * an error: dst stays broadcast, as without an interface). */
int wc_set_apply_iface(struct wc_set *s, const struct wc_iface *ifc);

/* An interface's link as a sender sees it: administratively up, carrier (for a veth: its peer
 * is up too), and the device's transmit counters (32-bit, they wrap). */
struct wc_link_state {
	bool up, carrier;
	uint32_t tx_packets, tx_dropped;
};

/* Read it. -ENODEV when the interface does not exist (or no longer does). */
int wc_iface_link_state(const char *name, struct wc_link_state *out);

#endif
