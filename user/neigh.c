/* SPDX-License-Identifier: MIT */
/* Neighbour resolution on the wire, the fallback of wc_iface_resolve() (user/iface.c) for a
 * caller without CAP_NET_ADMIN, who cannot have the kernel ask: the question asked ourselves,
 * as Scapy's getmacbyip() does, an ARP who-has or an IPv6 Neighbour Solicitation from the
 * interface, and the answer read here. Bounded: a few requests, each with its own wait.
 * Through an AF_PACKET socket bound to the interface, so nothing here depends on the
 * transport that sends the probes afterwards. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "neigh.h"
#include "wirecraft/iface.h"
#include "wirecraft/pkt.h"
#include "wirecraft/rate.h"

static void put_mac(uint8_t *b, uint64_t mac)
{
	for (int i = 5; i >= 0; i--, mac >>= 8)
		b[i] = (uint8_t)mac;
}

static uint64_t get_mac(const uint8_t *b)
{
	uint64_t m = 0;

	for (int i = 0; i < 6; i++)
		m = m << 8 | b[i];
	return m;
}

/* ARP who-has addr, padded to the 60-byte minimum. */
static size_t arp_request(const struct wc_iface *ifc, const uint8_t *addr, uint8_t *f)
{
	uint32_t spa = htonl(ifc->ip4);

	memset(f, 0, 60);
	memset(f, 0xff, 6);
	put_mac(f + 6, ifc->mac);
	f[12] = 0x08, f[13] = 0x06;
	f[14] = 0, f[15] = 1;       /* Ethernet */
	f[16] = 0x08, f[17] = 0x00; /* IPv4 */
	f[18] = 6, f[19] = 4;
	f[20] = 0, f[21] = 1;       /* request */
	put_mac(f + 22, ifc->mac);
	memcpy(f + 28, &spa, 4);
	memcpy(f + 38, addr, 4);
	return 60;
}

/* Neighbour Solicitation for addr to its solicited-node group, with our link-layer address
 * (RFC 4861 4.3, 7.2.2). */
static size_t ns_request(const struct wc_iface *ifc, const uint8_t *addr, uint8_t *f)
{
	static const uint8_t snm[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
	uint8_t *ip = f + 14, *icmp = ip + 40;
	uint32_t sum = 0;

	memset(f, 0, 14 + 40 + 32);
	f[0] = 0x33, f[1] = 0x33, f[2] = 0xff;
	memcpy(f + 3, addr + 13, 3);
	put_mac(f + 6, ifc->mac);
	f[12] = 0x86, f[13] = 0xdd;
	ip[0] = 0x60;
	ip[5] = 32;  /* payload length */
	ip[6] = 58;  /* ICMPv6 */
	ip[7] = 255; /* hop limit: RFC 4861 requires it */
	memcpy(ip + 8, ifc->ip6, 16);
	memcpy(ip + 24, snm, 13);
	memcpy(ip + 37, addr + 13, 3);
	icmp[0] = 135;
	memcpy(icmp + 8, addr, 16);
	icmp[24] = 1; /* source link-layer address option */
	icmp[25] = 1;
	put_mac(icmp + 26, ifc->mac);
	/* pseudo-header (addresses, length, next header) and the message */
	sum = wc_csum_add(sum, ip + 8, 32);
	sum += 32 + 58;
	sum = wc_csum_add(sum, icmp, 32);
	uint16_t ck = htons(wc_csum_fold(sum));
	memcpy(icmp + 2, &ck, 2);
	return 14 + 40 + 32;
}

/* Is frame f (n bytes) the answer about addr? Sets *mac. */
static bool is_answer(int fam, const uint8_t *addr, const uint8_t *f, size_t n, uint64_t *mac)
{
	if (fam == AF_INET) {
		/* is-at from addr */
		if (n < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 || f[21] != 2 ||
		    memcmp(f + 28, addr, 4) != 0)
			return false;
		*mac = get_mac(f + 22);
		return true;
	}
	/* Neighbour Advertisement for addr (no extension headers: RFC 4861 forbids none, but
	 * every stack sends it plain) */
	const uint8_t *ip = f + 14, *icmp = ip + 40;
	size_t plen;

	if (n < 14 + 40 + 24 || f[12] != 0x86 || f[13] != 0xdd || ip[6] != 58 || icmp[0] != 136 ||
	    memcmp(icmp + 8, addr, 16) != 0)
		return false;
	plen = (size_t)ip[4] << 8 | ip[5];
	*mac = get_mac(f + 6); /* the sender's, unless a target link-layer option says better */
	for (size_t o = 24; o + 8 <= plen && 14 + 40 + o + 8 <= n;) {
		size_t olen = (size_t)icmp[o + 1] * 8;

		if (olen == 0)
			break;
		if (icmp[o] == 2 && olen == 8) {
			*mac = get_mac(icmp + o + 2);
			break;
		}
		o += olen;
	}
	return true;
}

int wc_iface_resolve_wire(const struct wc_iface *ifc, int family, const void *addr, int tries,
			  int timeout_ms, uint64_t *mac)
{
	uint16_t proto = family == AF_INET ? ETH_P_ARP : ETH_P_IPV6;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifc->ifindex,
	};
	uint8_t req[128], buf[2048];
	size_t rlen;
	int fd, err = -ETIMEDOUT;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if ((family == AF_INET && !ifc->has_ip4) || (family == AF_INET6 && !ifc->has_ip6))
		return -EADDRNOTAVAIL;
	rlen = family == AF_INET ? arp_request(ifc, addr, req) : ns_request(ifc, addr, req);
	/* Protocol 0 here, the real one in bind(): a socket opened with a protocol is hooked into
	 * the receive path at once, and bind() then unhooks it again, which waits for an RCU grace
	 * period (10-20 ms here, on every scan that asks the wire for its next hop). */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		err = -errno;
		goto out;
	}
	for (int t = 0; t < tries; t++) {
		uint64_t end;

		if (send(fd, req, rlen, 0) < 0) {
			err = -errno;
			goto out;
		}
		end = wc_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
		for (uint64_t now = wc_now_ns(); now < end; now = wc_now_ns()) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			struct sockaddr_ll from;
			socklen_t flen = sizeof(from);
			ssize_t n;

			if (poll(&pfd, 1, (int)((end - now) / 1000000ULL) + 1) < 0 && errno != EINTR) {
				err = -errno;
				goto out;
			}
			n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
				     &flen);
			if (n < 0)
				continue;
			if (from.sll_pkttype == PACKET_OUTGOING)
				continue; /* our own request, looped back to the socket */
			if (is_answer(family, addr, buf, (size_t)n, mac)) {
				err = 0;
				goto out;
			}
		}
	}
out:
	close(fd);
	return err;
}
