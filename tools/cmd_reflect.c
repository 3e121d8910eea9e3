// SPDX-License-Identifier: BSD-2-Clause
/*
 * wirecraft reflect: run the XDP reflector on an interface until Ctrl-C, SIGTERM or --duration,
 * printing its counters once a second on stderr and the totals on stdout at the end.
 * `wirecraft reflect -i IF --stats` prints the counters of a reflector that another process runs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "wirecraft/xdp.h"

int cmd_reflect(int argc, char **argv);

static const char usage_text[] =
	"usage: wirecraft reflect -i IFACE --hosts CIDR [--hosts6 CIDR] [options]\n"
	"       wirecraft reflect -i IFACE --stats\n"
	"\n"
	"Answer probes for a whole population of addresses on IFACE at XDP speed: ARP and IPv6\n"
	"neighbour solicitations, TCP SYN -> SYN-ACK (open ports) or RST-ACK, ICMP/ICMPv6 echo,\n"
	"UDP -> echo (open ports) or ICMP port unreachable. Runs until Ctrl-C, SIGTERM or\n"
	"--duration; the program leaves the interface when the process exits, however it exits.\n"
	"\n"
	"  -i, --interface IFACE   interface to attach to (in the current network namespace)\n"
	"      --hosts CIDR        IPv4 population, e.g. 198.18.0.0/16\n"
	"      --hosts6 CIDR       IPv6 population, e.g. 2001:db8::/64\n"
	"      --open SPEC         open ports: [tcp:|udp:]PORT[-PORT][,...], protocol sticks until\n"
	"                          changed, tcp by default (e.g. tcp:22,80,443,udp:53)\n"
	"      --udp-open PORTS    open UDP ports (echoed), e.g. 53,123\n"
	"      --icmp              answer ICMP / ICMPv6 echo requests\n"
	"      --no-rst            closed TCP ports stay silent (filtered) instead of RST-ACK\n"
	"      --no-unreach        closed UDP ports stay silent instead of port unreachable\n"
	"      --exclude ADDR      never answer for ADDR (repeatable); IFACE's own addresses are\n"
	"                          always excluded, so the host keeps them\n"
	"      --mode MODE         auto (default), native or skb (generic XDP)\n"
	"      --duration S        stop after S seconds\n"
	"      --interval S        seconds between counter lines on stderr (default 1, 0: none)\n"
	"      --stats             print the counters of the reflector running on IFACE and exit\n"
	"  -u, --user USER         once attached, run as USER (under sudo: the user who ran sudo)\n"
	"  -v, --verbose           show libbpf's messages (the verifier log on a load failure)\n"
	"  -h, --help              this text\n"
	"\n"
	"Counters: arp ndp synack rst echo udp-echo unreach (answers sent), passed (not for the\n"
	"population), ignored (for it but not a probe), malformed, errors (dropped).\n"
	"On a veth, the peer must run an XDP program (or have GRO on) to receive the answers, e.g.\n"
	"  ip link set dev PEER xdpdrv object build/bpf/reflect.bpf.o program wc_pass\n";

/* "wirecraft: <what>: <why>", exit status 1 for the caller to return (resources to free). */
static int fail(const char *what, const char *why)
{
	cli_warn(what, "%s", why);
	return CLI_EXIT_FAIL;
}

/* ---- argument parsing -------------------------------------------------------------------- */

static int parse_cidr4(const char *s, struct in_addr *a, uint8_t *len)
{
	char buf[INET_ADDRSTRLEN + 4], *slash, *end;
	long n = 32;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		n = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || n < 0 || n > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, a) != 1)
		return -1;
	*len = (uint8_t)n;
	return 0;
}

static int parse_cidr6(const char *s, struct in6_addr *a, uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN + 5], *slash, *end;
	long n = 128;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		n = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || n < 0 || n > 128)
			return -1;
	}
	if (inet_pton(AF_INET6, buf, a) != 1)
		return -1;
	*len = (uint8_t)n;
	return 0;
}

/* Port sets: a bitmap per protocol while parsing, turned into lists for the library. */
struct portset {
	uint8_t bits[65536 / 8];
	uint16_t *list;
	size_t n;
};

static void portset_add(struct portset *ps, unsigned int p)
{
	ps->bits[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static int portset_finish(struct portset *ps)
{
	ps->n = 0;
	ps->list = malloc(65536 * sizeof(*ps->list));
	if (!ps->list)
		return -1;
	for (unsigned int p = 0; p < 65536; p++)
		if (ps->bits[p >> 3] & (1u << (p & 7)))
			ps->list[ps->n++] = (uint16_t)p;
	return 0;
}

static int parse_port(const char *s, char **end, unsigned int *out)
{
	long v;

	errno = 0;
	v = strtol(s, end, 10);
	if (errno || *end == s || v < 0 || v > 65535)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* [tcp:|udp:]PORT[-PORT][,...]; a protocol prefix applies until the next one. */
static int parse_ports(const char *spec, struct portset *dflt, struct portset *tcp, struct portset *udp)
{
	struct portset *cur = dflt;
	const char *s = spec;

	if (!*s)
		return -1;
	while (*s) {
		unsigned int lo, hi;
		char *end;

		if (strncmp(s, "tcp:", 4) == 0) {
			cur = tcp;
			s += 4;
		} else if (strncmp(s, "udp:", 4) == 0) {
			cur = udp;
			s += 4;
		}
		if (parse_port(s, &end, &lo) < 0)
			return -1;
		hi = lo;
		if (*end == '-' && parse_port(end + 1, &end, &hi) < 0)
			return -1;
		if (hi < lo)
			return -1;
		for (unsigned int p = lo; p <= hi; p++)
			portset_add(cur, p);
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 1e9)
		return -1;
	*out = v;
	return 0;
}

/* ---- environment checks ------------------------------------------------------------------ */

static int iface_is_up(const char *name)
{
	struct ifreq ifr;
	int fd, up;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	up = (ifr.ifr_flags & IFF_UP) != 0;
	return up;
}

/* The interface's own addresses: the reflector must not answer for them, or the host behind
 * the interface could no longer be reached at its own address. */
static int own_addresses(const char *ifname, struct in_addr *v4, size_t *n4, struct in6_addr *v6,
			 size_t *n6)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname) != 0)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			if (*n4 >= WC_REFLECT_MAX_EXCL)
				goto full;
			v4[(*n4)++] = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *a = &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a))
				continue; /* never inside a population the reflector can be given */
			if (*n6 >= WC_REFLECT_MAX_EXCL)
				goto full;
			v6[(*n6)++] = *a;
		}
	}
	freeifaddrs(ifa);
	return 0;
full:
	freeifaddrs(ifa);
	return -E2BIG;
}

/* ---- running ----------------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_counters(FILE *f, const char *prefix, const uint64_t c[WC_RC__MAX])
{
	/* answers first, then what was let through */
	static const int order[] = { WC_RC_ARP, WC_RC_NDP, WC_RC_SYNACK, WC_RC_RST, WC_RC_ECHO,
				     WC_RC_UDP_ECHO, WC_RC_UNREACH, WC_RC_PASS, WC_RC_IGNORED,
				     WC_RC_MALFORMED, WC_RC_ERROR };

	fputs(prefix, f);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		fprintf(f, "%s%s=%llu", i ? " " : "", wc_reflect_counter_name(order[i]),
			(unsigned long long)c[order[i]]);
	fputc('\n', f);
	fflush(f);
}

static uint64_t answers(const uint64_t c[WC_RC__MAX])
{
	uint64_t n = 0;

	for (int i = WC_RC_ARP; i < WC_RC_ERROR; i++)
		n += c[i];
	return n;
}

static void log_to_stderr(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

static int show_stats(const char *ifname, int ifindex)
{
	uint64_t c[WC_RC__MAX];
	char what[IF_NAMESIZE + 32];
	int err;

	err = wc_reflect_counters_ifindex(ifindex, c);
	snprintf(what, sizeof(what), "reflect: %s", ifname);
	if (err == -ENOENT)
		return fail(what, "no wirecraft reflector is attached");
	if (err)
		return fail(what, strerror(-err));
	print_counters(stdout, "", c);
	return 0;
}

static const char *attach_hint(int err, enum wc_xdp_mode mode)
{
	switch (err) {
	case -EBUSY:
	case -EEXIST:
		return "another XDP program is attached, not a libxdp dispatcher that the reflector "
		       "could join (see `ip link show`; remove it with `ip link set dev IFACE xdp "
		       "off`, or load it with xdp-loader)";
	case -ESTALE:
	case -EXDEV:
	case -ENOEXEC:
		return wc_xdp_attach_error(err);
	case -EOPNOTSUPP:
		return mode == WC_XDP_NATIVE ? "the driver has no native XDP: try --mode skb"
					     : "XDP is not supported on this interface";
	case -EINVAL:
		return "rejected by the kernel (an MTU too large for XDP? try a smaller MTU or "
		       "--mode skb)";
	case -EPERM:
		return "permission denied: needs root, or CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON";
	}
	return strerror(-err);
}

int cmd_reflect(int argc, char **argv)
{
	enum {
		O_HOSTS = 256, O_HOSTS6, O_OPEN, O_UDP_OPEN, O_ICMP, O_NO_RST, O_NO_UNREACH,
		O_EXCLUDE, O_MODE, O_DURATION, O_INTERVAL, O_STATS
	};
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "hosts", required_argument, NULL, O_HOSTS },
		{ "hosts6", required_argument, NULL, O_HOSTS6 },
		{ "open", required_argument, NULL, O_OPEN },
		{ "udp-open", required_argument, NULL, O_UDP_OPEN },
		{ "icmp", no_argument, NULL, O_ICMP },
		{ "no-rst", no_argument, NULL, O_NO_RST },
		{ "no-unreach", no_argument, NULL, O_NO_UNREACH },
		{ "exclude", required_argument, NULL, O_EXCLUDE },
		{ "mode", required_argument, NULL, O_MODE },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "stats", no_argument, NULL, O_STATS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct wc_reflect_opts o = { .sz = sizeof(o), .flags = WC_RF_RST | WC_RF_UNREACH };
	struct in_addr excl4[WC_REFLECT_MAX_EXCL];
	struct in6_addr excl6[WC_REFLECT_MAX_EXCL];
	size_t n4 = 0, n6 = 0;
	struct portset *tcp = NULL, *udp = NULL;
	const char *ifname = NULL, *user = NULL;
	struct cli_drop drop;
	char dwhy[160];
	double duration = 0, interval = 1;
	bool stats = false, verbose = false;
	struct wc_reflect *r = NULL;
	char what[IF_NAMESIZE + 64];
	uint64_t c[WC_RC__MAX];
	int ifindex, opt, err, ret = 1;

	tcp = calloc(1, sizeof(*tcp));
	udp = calloc(1, sizeof(*udp));
	if (!tcp || !udp) {
		ret = fail("reflect", strerror(ENOMEM));
		goto out;
	}

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":i:u:vh", longopts, NULL)) != -1) {
		struct in_addr a4;
		struct in6_addr a6;
		uint8_t len;

		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case O_HOSTS:
			if (parse_cidr4(optarg, &o.hosts4, &o.hosts4_len) < 0)
				cli_usage("reflect", "--hosts '%s': not an IPv4 prefix like 198.18.0.0/16",
					  optarg);
			o.flags |= WC_RF_HOSTS4;
			break;
		case O_HOSTS6:
			if (parse_cidr6(optarg, &o.hosts6, &o.hosts6_len) < 0)
				cli_usage("reflect", "--hosts6 '%s': not an IPv6 prefix like 2001:db8::/64",
					  optarg);
			o.flags |= WC_RF_HOSTS6;
			break;
		case O_OPEN:
			if (parse_ports(optarg, tcp, tcp, udp) < 0)
				cli_usage("reflect", "--open '%s': expected [tcp:|udp:]PORT[-PORT],... "
					  "like tcp:22,80,443", optarg);
			break;
		case O_UDP_OPEN:
			if (parse_ports(optarg, udp, tcp, udp) < 0)
				cli_usage("reflect", "--udp-open '%s': expected PORT[-PORT],... like 53,123",
					  optarg);
			break;
		case O_ICMP:
			o.flags |= WC_RF_ICMP;
			break;
		case O_NO_RST:
			o.flags &= ~WC_RF_RST;
			break;
		case O_NO_UNREACH:
			o.flags &= ~WC_RF_UNREACH;
			break;
		case O_EXCLUDE:
			if (parse_cidr4(optarg, &a4, &len) == 0 && len == 32) {
				if (n4 >= WC_REFLECT_MAX_EXCL)
					goto too_many;
				excl4[n4++] = a4;
			} else if (parse_cidr6(optarg, &a6, &len) == 0 && len == 128) {
				if (n6 >= WC_REFLECT_MAX_EXCL)
					goto too_many;
				excl6[n6++] = a6;
			} else {
				cli_usage("reflect", "--exclude '%s': not an IPv4 or IPv6 address", optarg);
			}
			break;
		case O_MODE:
			if (strcmp(optarg, "auto") == 0)
				o.mode = WC_XDP_AUTO;
			else if (strcmp(optarg, "native") == 0 || strcmp(optarg, "drv") == 0)
				o.mode = WC_XDP_NATIVE;
			else if (strcmp(optarg, "skb") == 0 || strcmp(optarg, "generic") == 0)
				o.mode = WC_XDP_SKB;
			else
				cli_usage("reflect", "--mode '%s': expected auto, native or skb", optarg);
			break;
		case O_DURATION:
			if (parse_seconds(optarg, &duration) < 0 || duration <= 0)
				cli_usage("reflect", "--duration '%s': expected a positive number of seconds",
					  optarg);
			break;
		case O_INTERVAL:
			if (parse_seconds(optarg, &interval) < 0)
				cli_usage("reflect", "--interval '%s': expected a number of seconds", optarg);
			break;
		case O_STATS:
			stats = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'u':
			user = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			ret = 0;
			goto out;
		case ':':
			cli_usage("reflect", "%s needs an argument", argv[optind - 1]);
		default:
			cli_usage("reflect", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_usage("reflect", "unexpected argument '%s'", argv[optind]);
	if (!ifname)
		cli_usage("reflect", "-i IFACE is required");
	if (!stats && !(o.flags & (WC_RF_HOSTS4 | WC_RF_HOSTS6)))
		cli_usage("reflect", "--hosts or --hosts6 is required");
	if (verbose)
		wc_xdp_set_log(log_to_stderr);
	if (cli_drop_prepare(&drop, user, dwhy, sizeof(dwhy)))
		cli_die("reflect", "%s", dwhy);

	snprintf(what, sizeof(what), "reflect: %s", ifname);
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex) {
		ret = fail(what, "no such interface in this network namespace");
		goto out;
	}
	/* Checked up front so the error names the capabilities rather than a bare EPERM from deep
	 * inside libbpf. Without CAP_PERFMON the verifier applies rules the program does not pass. */
	cli_need_caps("reflect", CLI_CAP_BPF | CLI_CAP_NET_ADMIN | CLI_CAP_PERFMON,
		      stats ? "reading another process's counters" : "attaching the reflector");
	if (stats) {
		ret = show_stats(ifname, ifindex);
		goto out;
	}
	err = iface_is_up(ifname);
	if (err == 0) {
		char why[IF_NAMESIZE + 64];

		snprintf(why, sizeof(why), "interface is down (ip link set dev %s up)", ifname);
		ret = fail(what, why);
		goto out;
	}
	if (err < 0) {
		ret = fail(what, strerror(-err));
		goto out;
	}

	err = own_addresses(ifname, excl4, &n4, excl6, &n6);
	if (err == -E2BIG)
		goto too_many;
	if (err) {
		ret = fail("reflect: reading the interface's addresses", strerror(-err));
		goto out;
	}
	o.excl4 = excl4;
	o.n_excl4 = n4;
	o.excl6 = excl6;
	o.n_excl6 = n6;
	if (portset_finish(tcp) < 0 || portset_finish(udp) < 0) {
		ret = fail("reflect", strerror(ENOMEM));
		goto out;
	}
	o.tcp_open = tcp->list;
	o.n_tcp_open = tcp->n;
	o.udp_open = udp->list;
	o.n_udp_open = udp->n;

	err = wc_reflect_open(&r, &o);
	if (err) {
		ret = fail("reflect: loading the XDP program",
			   err == -EPERM ? "permission denied: needs root, or CAP_BPF, CAP_NET_ADMIN "
					   "and CAP_PERFMON"
			   : verbose ? strerror(-err)
				     : "rejected (run with --verbose for libbpf's and the verifier's log)");
		goto out;
	}

	/* Signals first: from the moment the program is attached, Ctrl-C must detach it. */
	cli_catch_signals();

	err = wc_reflect_attach(r, ifindex);
	if (err) {
		ret = fail(what, attach_hint(err, o.mode));
		goto out;
	}
	/* Attached: reading the counters and, at the end, letting go of the link need no
	 * capability. Give them all up, and with --user (or under sudo) the uid too. Not so in a
	 * libxdp dispatcher: leaving it rebuilds the dispatcher (CAP_BPF, CAP_NET_ADMIN, root's
	 * pins in bpffs), and a component left behind would keep answering after we are gone. */
	if (wc_reflect_shared(r))
		fprintf(stderr, "reflect: %s runs a libxdp dispatcher: joined it, keeping the "
			"privileges needed to leave it at exit\n", ifname);
	else if (cli_drop_apply(&drop, 0, dwhy, sizeof(dwhy))) {
		ret = fail("reflect: dropping privileges", dwhy);
		goto out;
	}
	{
		char a[INET6_ADDRSTRLEN], h4[INET6_ADDRSTRLEN + 8] = "", h6[INET6_ADDRSTRLEN + 8] = "";

		if ((o.flags & WC_RF_HOSTS4) && inet_ntop(AF_INET, &o.hosts4, a, sizeof(a)))
			snprintf(h4, sizeof(h4), " %s/%u", a, o.hosts4_len);
		if ((o.flags & WC_RF_HOSTS6) && inet_ntop(AF_INET6, &o.hosts6, a, sizeof(a)))
			snprintf(h6, sizeof(h6), " %s/%u", a, o.hosts6_len);
		/* tests wait for this line: from here on, probes are answered */
		fprintf(stderr, "reflect: attached to %s (prog id %u): hosts%s%s, tcp open %zu, "
			"udp open %zu, own addresses excluded %zu+%zu; Ctrl-C stops\n",
			ifname, wc_reflect_prog_id(r), h4, h6, o.n_tcp_open, o.n_udp_open, n4, n6);
	}

	{
		double t0 = now_s(), next = t0 + interval, t;
		uint64_t last = 0;

		while (!cli_stop) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };

			t = now_s();
			if (duration > 0 && t - t0 >= duration)
				break;
			if (interval > 0 && t >= next) {
				char prefix[64];
				uint64_t a;

				if (wc_reflect_counters(r, c) == 0) {
					a = answers(c);
					snprintf(prefix, sizeof(prefix), "reflect: %.0fs %.0f answers/s ",
						 t - t0, (double)(a - last) / (t - next + interval));
					print_counters(stderr, prefix, c);
					last = a;
				}
				next += interval;
				if (next < t)
					next = t + interval;
			}
			nanosleep(&ts, NULL);
		}
	}
	wc_reflect_detach(r);
	err = wc_reflect_counters(r, c);
	if (err) {
		ret = fail("reflect: reading the counters", strerror(-err));
		goto out;
	}
	print_counters(stdout, "reflect: total ", c);
	ret = 0;
	goto out;

too_many:
	ret = fail("reflect", "too many addresses to exclude (the interface's own and --exclude; at most 8 per family)");
out:
	wc_reflect_close(r);
	if (tcp)
		free(tcp->list);
	if (udp)
		free(udp->list);
	free(tcp);
	free(udp);
	return ret;
}
