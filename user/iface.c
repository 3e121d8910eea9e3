/* SPDX-License-Identifier: MIT */
/* Interface facts from the kernel: ioctl for the MAC, getifaddrs for the addresses,
 * rtnetlink for the route and the neighbour table. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "neigh.h"
#include "set_impl.h"
#include "wirecraft/iface.h"
#include "wirecraft/rate.h"

static int read_mac(const char *name, uint64_t *mac)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	*mac = 0;
	for (int i = 0; i < 6; i++)
		*mac = *mac << 8 | (uint8_t)ifr.ifr_hwaddr.sa_data[i];
	return 0;
}

static void read_addrs(struct wc_iface *ifc)
{
	struct ifaddrs *ifa, *a;
	bool have_global6 = false;

	if (getifaddrs(&ifa) < 0)
		return;
	for (a = ifa; a; a = a->ifa_next) {
		if (!a->ifa_addr || strcmp(a->ifa_name, ifc->name) != 0)
			continue;
		if (a->ifa_addr->sa_family == AF_INET && !ifc->has_ip4) {
			ifc->ip4 = ntohl(((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr);
			ifc->has_ip4 = true;
		} else if (a->ifa_addr->sa_family == AF_INET6 && !have_global6) {
			const uint8_t *b = ((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr.s6_addr;
			bool link_local = b[0] == 0xfe && (b[1] & 0xc0) == 0x80;

			/* Prefer a global address; keep a link-local one until then. */
			if (!ifc->has_ip6 || !link_local) {
				memcpy(ifc->ip6, b, 16);
				ifc->has_ip6 = true;
				have_global6 = !link_local;
			}
		}
	}
	freeifaddrs(ifa);
}

int wc_iface_get(const char *name, struct wc_iface *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (strlen(name) >= sizeof(out->name))
		return -ENAMETOOLONG;
	strcpy(out->name, name);
	out->ifindex = (int)if_nametoindex(name);
	if (!out->ifindex)
		return -ENODEV;
	err = read_mac(name, &out->mac);
	if (err)
		return err;
	read_addrs(out);
	return 0;
}

/* One request, answers until NLMSG_DONE (or the single reply of a non-dump request);
 * `cb` sees each message and returns 1 to stop early. */
static int nl_talk(struct nlmsghdr *req, int (*cb)(struct nlmsghdr *h, void *arg), void *arg)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char buf[16384];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), err = -ENOENT;
	struct timeval tv = {.tv_sec = 2};

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			err = -errno;
			goto out;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				/* error 0 is the acknowledgement a NLM_F_ACK request asked for */
				err = e->error ? e->error : (req->nlmsg_flags & NLM_F_ACK) ? 0 : err;
				goto out;
			}
			if (cb(h, arg)) {
				err = 0;
				goto out;
			}
		}
		if (!(req->nlmsg_flags & NLM_F_DUMP))
			goto out;
	}
out:
	close(fd);
	return err;
}

struct route_ans {
	int family;
	uint8_t gw[16];
	bool has_gw;
};

static int route_cb(struct nlmsghdr *h, void *arg)
{
	struct route_ans *a = arg;
	struct rtmsg *rt = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWROUTE)
		return 0;
	for (struct rtattr *at = RTM_RTA(rt); RTA_OK(at, len); at = RTA_NEXT(at, len))
		if (at->rta_type == RTA_GATEWAY) {
			memcpy(a->gw, RTA_DATA(at), a->family == AF_INET ? 4 : 16);
			a->has_gw = true;
		}
	return 1;
}

struct neigh_ans {
	int family, ifindex;
	const uint8_t *addr;
	uint64_t mac;
	bool found;  /* an entry with a usable MAC */
	bool exists; /* an entry in any state (incomplete, failed) */
};

static int neigh_cb(struct nlmsghdr *h, void *arg)
{
	struct neigh_ans *a = arg;
	struct ndmsg *nd = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h), alen = a->family == AF_INET ? 4 : 16;
	const uint8_t *dst = NULL, *ll = NULL;

	if (h->nlmsg_type != RTM_NEWNEIGH || nd->ndm_ifindex != a->ifindex ||
	    nd->ndm_family != a->family)
		return 0;
	for (struct rtattr *at = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	     RTA_OK(at, len); at = RTA_NEXT(at, len)) {
		if (at->rta_type == NDA_DST && RTA_PAYLOAD(at) == (unsigned)alen)
			dst = RTA_DATA(at);
		else if (at->rta_type == NDA_LLADDR && RTA_PAYLOAD(at) == 6)
			ll = RTA_DATA(at);
	}
	if (!dst || memcmp(dst, a->addr, (size_t)alen) != 0)
		return 0;
	a->exists = true;
	if (!ll || (nd->ndm_state & (NUD_FAILED | NUD_INCOMPLETE)))
		return 1; /* there, but no MAC to use yet */
	a->mac = 0;
	for (int i = 0; i < 6; i++)
		a->mac = a->mac << 8 | ll[i];
	a->found = true;
	return 1;
}

/* The neighbour table's entry for addr on ifc, if any (a dump: the table is small). */
static int neigh_get(const struct wc_iface *ifc, int family, const void *addr,
		     struct neigh_ans *na)
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
	} nq = {0};
	int err;

	*na = (struct neigh_ans){.family = family, .ifindex = ifc->ifindex, .addr = addr};
	nq.h.nlmsg_len = NLMSG_LENGTH(sizeof(nq.nd));
	nq.h.nlmsg_type = RTM_GETNEIGH;
	nq.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nq.nd.ndm_family = (unsigned char)family;
	err = nl_talk(&nq.h, neigh_cb, na);
	return err == -ENOENT ? 0 : err;
}

int wc_iface_nexthop(const struct wc_iface *ifc, int family, const void *dst, void *nh)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg rt;
		char attrs[64];
	} rq = {0};
	struct route_ans ra = {.family = family};
	int alen = family == AF_INET ? 4 : 16, err;
	struct rtattr *at;

	(void)ifc; /* the kernel's choice, as wc_iface_nexthop_mac always made it (no RTA_OIF) */
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	/* Which next hop the kernel would use for dst. */
	rq.h.nlmsg_type = RTM_GETROUTE;
	rq.h.nlmsg_flags = NLM_F_REQUEST;
	rq.rt.rtm_family = (unsigned char)family;
	rq.rt.rtm_dst_len = (unsigned char)(alen * 8);
	at = (struct rtattr *)((char *)&rq + NLMSG_ALIGN(NLMSG_LENGTH(sizeof(rq.rt))));
	at->rta_type = RTA_DST;
	at->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(at), dst, (size_t)alen);
	rq.h.nlmsg_len = NLMSG_ALIGN(NLMSG_LENGTH(sizeof(rq.rt))) + RTA_ALIGN(at->rta_len);
	err = nl_talk(&rq.h, route_cb, &ra);
	if (err && err != -ENOENT)
		return err == -ENETUNREACH ? -EHOSTUNREACH : err;
	memcpy(nh, ra.has_gw ? ra.gw : dst, (size_t)alen);
	return 0;
}

int wc_iface_nexthop_mac(const struct wc_iface *ifc, int family, const void *dst,
			 uint64_t *mac)
{
	struct neigh_ans na;
	uint8_t nh[16];
	int err = wc_iface_nexthop(ifc, family, dst, nh);

	if (!err)
		err = neigh_get(ifc, family, nh, &na);
	if (err)
		return err;
	if (!na.found)
		return -EHOSTUNREACH;
	*mac = na.mac;
	return 0;
}

/* ---- resolving a next hop ------------------------------------------------------------------ */

static int noop_cb(struct nlmsghdr *h, void *arg)
{
	(void)h, (void)arg;
	return 0;
}

/* RTM_NEWNEIGH with NTF_USE (the kernel starts its own ARP / Neighbour Solicitation for the
 * entry, creating it if need be, as a connect() would) or RTM_DELNEIGH. */
static int neigh_msg(const struct wc_iface *ifc, int family, const void *addr, int type)
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
		char attrs[32];
	} rq = {0};
	int alen = family == AF_INET ? 4 : 16;
	struct rtattr *at;

	rq.h.nlmsg_type = (unsigned short)type;
	rq.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWNEIGH ? NLM_F_CREATE : 0);
	rq.nd.ndm_family = (unsigned char)family;
	rq.nd.ndm_ifindex = ifc->ifindex;
	rq.nd.ndm_flags = type == RTM_NEWNEIGH ? NTF_USE : 0;
	at = (struct rtattr *)((char *)&rq + NLMSG_ALIGN(NLMSG_LENGTH(sizeof(rq.nd))));
	at->rta_type = NDA_DST;
	at->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(at), addr, (size_t)alen);
	rq.h.nlmsg_len = NLMSG_ALIGN(NLMSG_LENGTH(sizeof(rq.nd))) + RTA_ALIGN(at->rta_len);
	return nl_talk(&rq.h, noop_cb, NULL);
}

/*
 * The kernel asks the wire and reads the answer; this process only reads the neighbour table.
 * So no frame from the wire is parsed here before the caller drops its privileges
 * (doc/privileges.md), and no packet socket is opened and closed (each waits for an RCU grace
 * period, 10-20 ms). An entry this made is deleted again at the end, answered or not: the
 * table is left as it was found. Without CAP_NET_ADMIN (send through AF_PACKET needs only
 * CAP_NET_RAW), the question goes on the wire from a packet socket instead (user/neigh.c).
 */
int wc_iface_resolve(const struct wc_iface *ifc, int family, const void *addr, int tries,
		     int timeout_ms, uint64_t *mac)
{
	struct neigh_ans na;
	bool made;
	int err;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if ((family == AF_INET && !ifc->has_ip4) || (family == AF_INET6 && !ifc->has_ip6))
		return -EADDRNOTAVAIL;
	err = neigh_get(ifc, family, addr, &na);
	if (err)
		return err;
	if (na.found) {
		*mac = na.mac;
		return 0;
	}
	made = !na.exists;
	err = -ETIMEDOUT;
	for (int t = 0; t < tries && err == -ETIMEDOUT; t++) {
		uint64_t end = wc_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
		int e = neigh_msg(ifc, family, addr, RTM_NEWNEIGH);

		if (e == -EPERM && t == 0)
			return wc_iface_resolve_wire(ifc, family, addr, tries, timeout_ms, mac);
		if (e) {
			err = e;
			break;
		}
		do {
			nanosleep(&(struct timespec){0, 1000000}, NULL);
			e = neigh_get(ifc, family, addr, &na);
			if (e || na.found) {
				err = e;
				if (!e)
					*mac = na.mac;
				break;
			}
		} while (wc_now_ns() < end);
	}
	if (made)
		(void)neigh_msg(ifc, family, addr, RTM_DELNEIGH);
	return err;
}

static void set_default(struct wc_xlayer *xl, const char *field, uint64_t u, const uint8_t *a)
{
	int fi = wc_field_index(xl->proto, field);
	struct wc_spec *sp;

	if (fi < 0)
		return;
	sp = &xl->f[fi];
	if (sp->kind != WC_SP_DEFAULT)
		return;
	sp->kind = WC_SP_VALUE;
	sp->val.u = u;
	if (a)
		memcpy(sp->val.a, a, 16);
}

/* The first destination of the layer: its value, or its set's first segment. */
static bool first_dst(const struct wc_xlayer *xl, const char *field, uint32_t *v4, uint8_t *v6)
{
	int fi = wc_field_index(xl->proto, field);
	const struct wc_spec *sp;

	if (fi < 0)
		return false;
	sp = &xl->f[fi];
	if (sp->kind == WC_SP_VALUE) {
		*v4 = htonl((uint32_t)sp->val.u);
		memcpy(v6, sp->val.a, 16);
		return true;
	}
	if (sp->kind == WC_SP_SET && sp->nsegs) {
		*v4 = htonl((uint32_t)sp->segs[0].lo);
		memcpy(v6, sp->segs[0].a, 16);
		return true;
	}
	return false;
}

int wc_set_apply_iface(struct wc_set *s, const struct wc_iface *ifc)
{
	const struct wc_proto *ether = wc_proto_find("Ether"), *ip = wc_proto_find("IP"),
			      *ip6 = wc_proto_find("IPv6"), *arp = wc_proto_find("ARP");
	uint64_t nh;

	for (unsigned i = 0; i < s->n; i++) {
		struct wc_xlayer *xl = &s->l[i];

		if (xl->proto == ip && ifc->has_ip4)
			set_default(xl, "src", ifc->ip4, NULL);
		else if (xl->proto == ip6 && ifc->has_ip6)
			set_default(xl, "src", 0, ifc->ip6);
		else if (arp && xl->proto == arp) {
			set_default(xl, "hwsrc", ifc->mac, NULL);
			if (ifc->has_ip4)
				set_default(xl, "psrc", ifc->ip4, NULL);
		}
	}
	if (s->n == 0 || s->l[0].proto != ether)
		return 0;
	set_default(&s->l[0], "src", ifc->mac, NULL);
	/* Ether dst: the next hop of the first IP/IPv6 layer's first destination. */
	for (unsigned i = 1; i < s->n; i++) {
		uint32_t v4;
		uint8_t v6[16];
		int fam = s->l[i].proto == ip ? AF_INET : s->l[i].proto == ip6 ? AF_INET6 : 0;

		if (!fam)
			continue;
		if (first_dst(&s->l[i], "dst", &v4, v6) &&
		    wc_iface_nexthop_mac(ifc, fam, fam == AF_INET ? (void *)&v4 : (void *)v6,
					 &nh) == 0)
			set_default(&s->l[0], "dst", nh, NULL);
		break;
	}
	return 0;
}

/* The MAC a multicast or broadcast destination maps to (RFC 1112 6.4, RFC 2464 7), if it is
 * one. */
static bool group_mac(int fam, uint32_t v4, const uint8_t *v6, uint64_t *mac)
{
	if (fam == AF_INET) {
		uint32_t h = ntohl(v4);

		if (h == 0xffffffffu) {
			*mac = 0xffffffffffffULL;
			return true;
		}
		if ((h >> 28) == 0xe) {
			*mac = 0x01005e000000ULL | (h & 0x7fffff);
			return true;
		}
		return false;
	}
	if (v6[0] != 0xff)
		return false;
	*mac = 0x333300000000ULL | (uint64_t)v6[12] << 24 | (uint64_t)v6[13] << 16 |
	       (uint64_t)v6[14] << 8 | v6[15];
	return true;
}

int wc_set_resolve_iface(struct wc_set *s, const struct wc_iface *ifc)
{
	const struct wc_proto *ether = wc_proto_find("Ether"), *ip = wc_proto_find("IP"),
			      *ip6 = wc_proto_find("IPv6");
	int err = wc_set_apply_iface(s, ifc), fi;

	if (err || s->n == 0 || s->l[0].proto != ether)
		return err;
	fi = wc_field_index(ether, "dst");
	if (fi < 0 || s->l[0].f[fi].kind != WC_SP_DEFAULT)
		return 0; /* the user's, or the neighbour table had it */
	for (unsigned i = 1; i < s->n; i++) {
		int fam = s->l[i].proto == ip ? AF_INET : s->l[i].proto == ip6 ? AF_INET6 : 0;
		uint8_t v6[16], nh[16];
		uint32_t v4;
		uint64_t mac;

		if (!fam)
			continue;
		if (!first_dst(&s->l[i], "dst", &v4, v6))
			return 0;
		if (!group_mac(fam, v4, v6, &mac)) {
			err = wc_iface_nexthop(ifc, fam, fam == AF_INET ? (void *)&v4 : (void *)v6, nh);
			if (!err)
				err = wc_iface_resolve(ifc, fam, nh, 3, 1000, &mac);
			if (err)
				return err;
		}
		set_default(&s->l[0], "dst", mac, NULL);
		return 0;
	}
	return 0;
}
