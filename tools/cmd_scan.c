/* SPDX-License-Identifier: MIT */
/* wirecraft scan: a stateless scanner over (address, port) pairs in a pseudo-random order,
 * probes out through AF_XDP, answers steered back by XDP and checked by their cookie.
 * Thin over the library (wirecraft/scan.h): this file turns options into a target space and
 * a probe, prints progress, writes outputs and the state to resume from. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_targets.h"
#include "wirecraft/probe.h"
#include "wirecraft/scan.h"
#include "wirecraft/scan_out.h"
#include "wirecraft/target.h"

#define CMD "scan"
#define DEFAULT_RATE CLI_DEFAULT_RATE
#define DEFAULT_STATE "wirecraft-scan.state"

static const char scan_help[] =
	"Usage: wirecraft scan -i IFACE [-p PORTS] [OPTIONS] TARGET... \n"
	"       wirecraft scan -i IFACE -p PORTS -I FILE [OPTIONS]\n\n"
	"Probe every (address, port) pair of the targets once, in a pseudo-random order, and\n"
	"report each target that answers once. Stateless: each probe carries a keyed cookie that\n"
	"its answer hands back; an XDP program picks the answers out of the receive path.\n\n"
	"Targets (at least one, explicitly):\n"
	"  TARGET                 an address, a CIDR (198.18.0.0/15, 2001:db8::/112) or a range\n"
	"                         (198.18.0.10-198.18.0.99)\n"
	"  -I, --input-file FILE  targets, one per line ('#' comments)\n"
	"      --allowlist FILE   only these ranges (CIDR per line); the targets when none given\n"
	"  -b, --blocklist FILE   never these ranges (CIDR per line)\n"
	"      --allow-reserved[=CIDR,...]\n"
	"                         scan reserved ranges (private, loopback, multicast, benchmarking,\n"
	"                         documentation, ...: skipped by default); with a list, only those\n"
	"  -p, --ports PORTS      22,80,443,8000-8100 (TCP and UDP probes)\n"
	"Probe:\n"
	"      --probe P          tcp-syn (default), tcp-ack, icmp-echo, icmpv6-echo, udp, or a\n"
	"                         Scapy expression such as 'IP()/UDP(dport=53)/b\"...\"' (its dst,\n"
	"                         dport and cookie field are set per target)\n"
	"      --os PRESET        tcp-syn options as linux (default), windows, bsd or none send them\n"
	"      --udp-payloads FILE  per port: lines 'PORTS HEX' or 'PORTS \"text\"', 'default ...'\n"
	"      --probe udp:MODULE a built-in request and a classifier of its answer: dns, ntp,\n"
	"                         snmp (v2c public sysDescr), snmp1, ssdp, netbios-ns, memcached;\n"
	"                         fields add service,banner,rcode,ancount,reply_bytes,probe_bytes,\n"
	"                         amp (the amplification: bytes back per byte sent)\n"
	"      --probe-args ARG   the module's argument (dns: NAME, default example.com, type A;\n"
	"                         or TYPE,NAME as ZMap's: AAAA,example.com, ANY,example.org)\n"
	"      --source-port N    TCP source port (default: random per scan, 61000-65499)\n"
	"  -S, --source-ip ADDR   source address (once per family; default: the interface's)\n"
	"  -G, --gateway-mac MAC  next hop (default: the neighbour table, else ARP/ND)\n"
	"Speed and time:\n"
	"      --rate PPS|max     probes per second (default 10000; 'max': as fast as it goes)\n"
	"      --bandwidth BPS    bits per second on the wire (k, M, G)\n"
	"      --retries N        probe the targets that did not answer N more times, a pass each\n"
	"      --cooldown S       wait S seconds after the last probe (default: adaptive, while\n"
	"                         answers keep coming, bounded by the RTTs measured)\n"
	"      --max-targets N    probe at most N targets (this shard)\n"
	"      --max-runtime S    stop after S seconds (resumable)\n"
	"      --threads N        sending threads, one queue each (default 1)\n"
	"Sharding and resuming:\n"
	"      --shards N --shard I --seed S\n"
	"                         this process's part I (0..N-1) of N disjoint parts whose union is\n"
	"                         the whole scan; every part needs the same seed. I may be\n"
	"                         env:VAR (env:JOB_COMPLETION_INDEX, env:SLURM_ARRAY_TASK_ID)\n"
	"      --resume FILE      carry on from a state saved by an interrupted scan (same command)\n"
	"      --state FILE       where an interrupted scan saves its state (default: the --resume\n"
	"                         file, else " DEFAULT_STATE ")\n"
	"Output:\n"
	"  -o, --output FILE      results (default: standard output), written complete at the end\n"
	"  -O, --output-format F  csv (default), json, text or pcap (the answers)\n"
	"  -f, --output-fields L  comma-separated, '*' for all; default:\n"
	"                         " WC_OUT_DEFAULT_FIELDS "\n"
	"                         also: target,tport,proto,flags,icmp_type,icmp_code; with\n"
	"                         --banners and UDP modules: service,end,banner,banner_len,status,\n"
	"                         server,title,tls_version,tls_cipher,tls_alert,cert_subject,\n"
	"                         cert_issuer,cert_san,cert_not_before,cert_not_after,cert_sha256,\n"
	"                         amp,reply_bytes,probe_bytes,rcode,ancount,name\n"
	"      --all-replies      report closed and unreachable targets too (rst, port-unreach, ...)\n"
	"Banners (tcp-syn; the connection is completed from userspace, no firewall rule needed):\n"
	"      --banners          for each open port: ACK, a hello where the server does not speak\n"
	"                         first (HTTP GET, TLS 1.2 ClientHello), its first bytes, a RST;\n"
	"                         fields: service,end,banner,status,server,title,tls_*,cert_*\n"
	"      --banner-bytes N   collect at most N bytes (default 4096; TLS at least 16384)\n"
	"      --banner-timeout S end a connection S seconds after its SYN-ACK (default 3)\n"
	"      --banner-max-conns N  connections open at once (default 65536)\n"
	"      --banner-host NAME the HTTP Host and TLS SNI (default: the address, no SNI)\n"
	"      --names FILE       a name per target, zgrab2's input: 'ADDRESS,NAME' lines; each\n"
	"                         address is a target, and gets its NAME as Host and SNI (the\n"
	"                         field 'name' says which was sent)\n"
	"      --http-ports PORTS send an HTTP GET there (default 80,8000,8008,8080,8081,8888)\n"
	"      --tls-ports PORTS  send a TLS ClientHello there (default 443,465,636,853,990,993,\n"
	"                         995,8443); elsewhere the server speaks first\n"
	"      --metadata FILE    a JSON summary: start, end, seed, shard, sent, replies, hit rate,\n"
	"                         drops, accounting (where every frame went: AF_XDP and\n"
	"                         steering counters), ...\n"
	"      --dry-run FILE     write the probes to a pcap file instead of sending them\n"
	"      --mode MODE        how the XDP program attaches: auto, native, skb\n"
	"  -q, --quiet            no progress line\n"
	"  -u, --user USER        once set up, run as USER (under sudo: the user who ran sudo, by\n"
	"                         default); -o, --metadata, the state and --dry-run's file are\n"
	"                         then created as that user\n"
	"  -h, --help             this text\n\n"
	"Ctrl-C stops, waits for the answers to what was sent, writes the outputs and saves a\n"
	"state; the same command with --resume FILE carries on. A second Ctrl-C cuts the wait.\n\n"
	"Example: wirecraft scan -i eth1 -p 22,80,443 198.18.0.0/16 --allow-reserved -o open.csv\n";

struct scan_cli {
	struct wc_scan_opts so;
	const char *ports, *output, *metadata, *state_path, *resume_path, *probe, *os;
	const char *fields, *udp_payloads, *allowlist;
	const char **inputs, **blocklists, **targets;
	unsigned ninputs, nblock, ntargets;
	const char *allow_reserved; /* "" : all; else a list */
	bool has_seed, has_rate, quiet, has_shard, has_shards;
	int fmt;
	uint8_t flds[WC_OF__MAX];
	int nflds;
	struct wc_scan_out *out;
	int out_err;
	const char *user;
	struct cli_drop drop;
	const char *ready_who; /* what the set-up hook failed at, and why */
	char ready_why[200];
	uint64_t space;
	bool last_line_progress;
	bool banners;
	struct wc_banner_cfg bcfg;
	const char *http_ports, *tls_ports, *names_path;
	struct wc_names *names;
	uint8_t *hello_by_port;
	const struct wc_udp_module *udp_module;
	const char *probe_args;
};

/* --shard I or --shard env:VAR (a scheduler's index: Kubernetes indexed Jobs set
 * JOB_COMPLETION_INDEX, Slurm job arrays SLURM_ARRAY_TASK_ID). */
static uint32_t parse_shard(const char *arg)
{
	const char *v = arg;

	if (!strncmp(arg, "env:", 4)) {
		v = getenv(arg + 4);
		if (!v || !*v)
			cli_usage(CMD, "--shard %s: the variable %s is not set", arg, arg + 4);
	}
	return (uint32_t)cli_opt_u64(CMD, "--shard", v);
}

static const char **push(const char **v, unsigned *n, const char *s)
{
	const char **nv = realloc(v, (*n + 1) * sizeof(*v));

	if (!nv)
		cli_die_err("memory", -ENOMEM);
	nv[(*n)++] = s;
	return nv;
}

static void parse_opts(int argc, char **argv, struct scan_cli *o)
{
	enum { O_ALLOW = 256, O_RESERVED, O_PROBE, O_OS, O_UDP, O_SPORT, O_RATE, O_BW, O_RETRIES,
	       O_COOL, O_MAXT, O_MAXR, O_THREADS, O_SHARDS, O_SHARD, O_SEED, O_RESUME, O_STATE,
	       O_ALLREP, O_META, O_DRY, O_MODE, O_BANNERS, O_BBYTES, O_BTIME, O_BCONNS, O_BHOST,
	       O_HTTPP, O_TLSP, O_PARGS, O_NAMES };
	static const struct option lopts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"interface", required_argument, NULL, 'i'},
		{"ports", required_argument, NULL, 'p'},
		{"input-file", required_argument, NULL, 'I'},
		{"allowlist", required_argument, NULL, O_ALLOW},
		{"blocklist", required_argument, NULL, 'b'},
		{"allow-reserved", optional_argument, NULL, O_RESERVED},
		{"probe", required_argument, NULL, O_PROBE},
		{"os", required_argument, NULL, O_OS},
		{"udp-payloads", required_argument, NULL, O_UDP},
		{"source-port", required_argument, NULL, O_SPORT},
		{"source-ip", required_argument, NULL, 'S'},
		{"gateway-mac", required_argument, NULL, 'G'},
		{"rate", required_argument, NULL, O_RATE},
		{"bandwidth", required_argument, NULL, O_BW},
		{"retries", required_argument, NULL, O_RETRIES},
		{"cooldown", required_argument, NULL, O_COOL},
		{"max-targets", required_argument, NULL, O_MAXT},
		{"max-runtime", required_argument, NULL, O_MAXR},
		{"threads", required_argument, NULL, O_THREADS},
		{"shards", required_argument, NULL, O_SHARDS},
		{"shard", required_argument, NULL, O_SHARD},
		{"seed", required_argument, NULL, O_SEED},
		{"resume", required_argument, NULL, O_RESUME},
		{"state", required_argument, NULL, O_STATE},
		{"output", required_argument, NULL, 'o'},
		{"output-format", required_argument, NULL, 'O'},
		{"output-fields", required_argument, NULL, 'f'},
		{"all-replies", no_argument, NULL, O_ALLREP},
		{"metadata", required_argument, NULL, O_META},
		{"dry-run", required_argument, NULL, O_DRY},
		{"mode", required_argument, NULL, O_MODE},
		{"banners", no_argument, NULL, O_BANNERS},
		{"banner-bytes", required_argument, NULL, O_BBYTES},
		{"banner-timeout", required_argument, NULL, O_BTIME},
		{"banner-max-conns", required_argument, NULL, O_BCONNS},
		{"banner-host", required_argument, NULL, O_BHOST},
		{"names", required_argument, NULL, O_NAMES},
		{"http-ports", required_argument, NULL, O_HTTPP},
		{"tls-ports", required_argument, NULL, O_TLSP},
		{"probe-args", required_argument, NULL, O_PARGS},
		{"quiet", no_argument, NULL, 'q'},
		{"user", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:p:I:b:S:G:o:O:f:u:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->so.ifname = optarg; break;
		case 'p': o->ports = optarg; break;
		case 'I': o->inputs = push(o->inputs, &o->ninputs, optarg); break;
		case 'b': o->blocklists = push(o->blocklists, &o->nblock, optarg); break;
		case O_ALLOW: o->allowlist = optarg; break;
		case O_RESERVED: {
			/* --allow-reserved or --allow-reserved=LIST: the list follows the '=' of
			 * the word getopt just read */
			const char *eq = strchr(argv[optind - 1], '=');

			o->allow_reserved = eq ? eq + 1 : "";
			break;
		}
		case O_PROBE: o->probe = optarg; break;
		case O_OS: o->os = optarg; break;
		case O_UDP: o->udp_payloads = optarg; break;
		case O_SPORT: {
			uint64_t v = cli_opt_u64(CMD, "--source-port", optarg);

			if (v < 1 || v > 65535)
				cli_usage(CMD, "--source-port wants 1 to 65535");
			o->so.probe.sport = (uint16_t)v;
			break;
		}
		case 'S': {
			struct in6_addr a6;
			struct in_addr a4;

			if (inet_pton(AF_INET, optarg, &a4) == 1) {
				o->so.has_src4 = true;
				memcpy(o->so.src4, &a4, 4);
			} else if (inet_pton(AF_INET6, optarg, &a6) == 1) {
				o->so.has_src6 = true;
				memcpy(o->so.src6, &a6, 16);
			} else {
				cli_usage(CMD, "--source-ip wants an IPv4 or IPv6 address, not '%s'",
					  optarg);
			}
			break;
		}
		case 'G':
			o->so.gateway_mac = cli_opt_mac(CMD, "--gateway-mac", optarg);
			o->so.has_gateway_mac = true;
			break;
		case O_RATE:
			o->has_rate = true;
			o->so.rate_pps = strcmp(optarg, "max") ? cli_opt_si(CMD, "--rate", optarg, false) : 0;
			break;
		case O_BW: o->so.bandwidth_bps = cli_opt_si(CMD, "--bandwidth", optarg, false); break;
		case O_RETRIES:
			o->so.retries = (unsigned)cli_opt_u64(CMD, "--retries", optarg);
			if (o->so.retries > 100)
				cli_usage(CMD, "--retries: at most 100");
			break;
		case O_COOL: o->so.cooldown_s = cli_opt_si(CMD, "--cooldown", optarg, true); break;
		case O_MAXT: o->so.max_targets = cli_opt_u64(CMD, "--max-targets", optarg); break;
		case O_MAXR: o->so.max_runtime_s = cli_opt_si(CMD, "--max-runtime", optarg, false); break;
		case O_THREADS:
			o->so.threads = (unsigned)cli_opt_u64(CMD, "--threads", optarg);
			if (o->so.threads < 1 || o->so.threads > WC_SCAN_MAX_THREADS)
				cli_usage(CMD, "--threads wants 1 to %d", WC_SCAN_MAX_THREADS);
			break;
		case O_SHARDS:
			o->so.shards = (uint32_t)cli_opt_u64(CMD, "--shards", optarg);
			o->has_shards = true;
			if (o->so.shards < 1)
				cli_usage(CMD, "--shards wants 1 or more");
			break;
		case O_SHARD:
			o->so.shard = parse_shard(optarg);
			o->has_shard = true;
			break;
		case O_SEED:
			o->so.seed = cli_opt_u64(CMD, "--seed", optarg);
			o->has_seed = true;
			break;
		case O_RESUME: o->resume_path = optarg; break;
		case O_STATE: o->state_path = optarg; break;
		case 'o': o->output = optarg; break;
		case 'O':
			o->fmt = wc_out_format_parse(optarg);
			if (o->fmt < 0)
				cli_usage(CMD, "-O wants csv, json, text or pcap, not '%s'", optarg);
			break;
		case 'f': o->fields = optarg; break;
		case O_ALLREP: o->so.all_replies = true; break;
		case O_META: o->metadata = optarg; break;
		case O_DRY: o->so.dry_run = optarg; break;
		case O_MODE:
			if (!strcmp(optarg, "auto"))
				o->so.mode = WC_XDP_AUTO;
			else if (!strcmp(optarg, "native"))
				o->so.mode = WC_XDP_NATIVE;
			else if (!strcmp(optarg, "skb"))
				o->so.mode = WC_XDP_SKB;
			else
				cli_usage(CMD, "--mode wants auto, native or skb, not '%s'", optarg);
			break;
		case O_BANNERS: o->banners = true; break;
		case O_BBYTES: {
			uint64_t v = cli_opt_u64(CMD, "--banner-bytes", optarg);

			if (v < 1 || v > (16u << 20))
				cli_usage(CMD, "--banner-bytes wants 1 to 16777216");
			o->bcfg.max_bytes = (uint32_t)v;
			break;
		}
		case O_BTIME:
			o->bcfg.timeout_s = cli_opt_si(CMD, "--banner-timeout", optarg, true);
			if (o->bcfg.timeout_s <= 0 || o->bcfg.timeout_s > 600)
				cli_usage(CMD, "--banner-timeout wants more than 0 and at most 600 s");
			break;
		case O_BCONNS: {
			uint64_t v = cli_opt_u64(CMD, "--banner-max-conns", optarg);

			if (v < 1 || v > (1u << 24))
				cli_usage(CMD, "--banner-max-conns wants 1 to 16777216");
			o->bcfg.max_conns = (uint32_t)v;
			break;
		}
		case O_BHOST:
			if (!*optarg || strlen(optarg) > 253 || strpbrk(optarg, " \t\r\n/"))
				cli_usage(CMD, "--banner-host wants a host name, not '%s'", optarg);
			o->bcfg.host = optarg;
			break;
		case O_NAMES: o->names_path = optarg; break;
		case O_HTTPP: o->http_ports = optarg; break;
		case O_TLSP: o->tls_ports = optarg; break;
		case O_PARGS: o->probe_args = optarg; break;
		case 'q': o->quiet = true; break;
		case 'u': o->user = optarg; break;
		case 'h':
			fputs(scan_help, stdout);
			cli_flush();
			exit(0);
		case ':': cli_usage(CMD, "%s needs a value", argv[optind - 1]);
		default: cli_usage(CMD, "unknown option '%s'", argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++)
		o->targets = push(o->targets, &o->ntargets, argv[i]);
	if (!o->so.ifname && !o->so.dry_run)
		cli_usage(CMD, "no interface: -i IFACE (or --dry-run FILE)");
	if (!o->ntargets && !o->ninputs && !o->allowlist && !o->names_path)
		cli_usage(CMD, "no targets: give addresses, CIDRs or ranges, -I FILE, --names FILE "
			  "or --allowlist FILE (a scan never picks its own)");
	if (o->names_path && !o->banners)
		cli_usage(CMD, "--names is for --banners (the names go in the hellos)");
	if (o->has_shards != o->has_shard && !(o->has_shards && o->so.shards == 1))
		cli_usage(CMD, "--shards and --shard go together");
	if (o->so.shards > 1 && !o->has_seed && !o->resume_path)
		cli_usage(CMD, "--shards needs --seed: every shard must walk the same permutation");
	if (o->has_shard && o->so.shard >= (o->so.shards ? o->so.shards : 1))
		cli_usage(CMD, "--shard %u: shards count from 0 to %u", o->so.shard,
			  (o->so.shards ? o->so.shards : 1) - 1);
	if (!o->banners && (o->bcfg.max_bytes || o->bcfg.timeout_s > 0 || o->bcfg.max_conns ||
			    o->bcfg.host || o->http_ports || o->tls_ports))
		cli_usage(CMD, "--banner-*, --http-ports and --tls-ports go with --banners");
	if (o->banners && o->fmt == WC_OUT_PCAP && o->fields)
		cli_usage(CMD, "-f has nothing to choose in a pcap file");
	if (!o->has_rate) /* the default pace, unless a bandwidth sets it */
		o->so.rate_pps = o->so.bandwidth_bps > 0 ? 0 : DEFAULT_RATE;
	{
		char bad[64] = "";

		bool udpm = o->probe && !strncmp(o->probe, "udp:", 4);

		o->nflds = wc_out_fields_parse(o->fields ? o->fields : o->banners
					       ? WC_OUT_BANNER_FIELDS : udpm ? WC_OUT_UDP_FIELDS
					       : WC_OUT_DEFAULT_FIELDS, o->flds, bad);
		if (o->nflds < 0)
			cli_usage(CMD, "--output-fields: unknown field '%s' (%s, target, tport, proto, "
				  "flags, icmp_type, icmp_code, and the banner and UDP fields of --help)",
				  bad, WC_OUT_DEFAULT_FIELDS);
	}
}

/* ---- the probe ------------------------------------------------------------------------------ */

static void pick_probe(struct scan_cli *o)
{
	static const struct {
		const char *name;
		enum wc_tcp_preset p;
	} oses[] = {
		{"linux", WC_TCP_LINUX}, {"windows", WC_TCP_WINDOWS}, {"bsd", WC_TCP_BSD},
		{"none", WC_TCP_NONE},
	};
	struct wc_probe_opts *po = &o->so.probe;
	size_t i;

	po->sz = sizeof(*po);
	po->kind = WC_PROBE_TCP_SYN;
	if (o->probe) {
		if (!wc_probe_kind_parse(o->probe, &po->kind)) {
			/* a built-in probe */
		} else if (!strncmp(o->probe, "udp:", 4)) {
			o->udp_module = wc_udp_module_find(o->probe + 4);
			if (!o->udp_module)
				cli_usage(CMD, "--probe %s: no such UDP module (%s)", o->probe,
					  wc_udp_module_list());
			po->kind = WC_PROBE_UDP;
		} else if (strchr(o->probe, '(')) {
			po->kind = WC_PROBE_EXPR;
			po->expr = o->probe;
		} else {
			cli_usage(CMD, "--probe: '%s' is neither tcp-syn, tcp-ack, icmp-echo, "
				  "icmpv6-echo, udp nor an expression", o->probe);
		}
	}
	if (o->os) {
		for (i = 0; i < sizeof(oses) / sizeof(oses[0]); i++)
			if (!strcmp(o->os, oses[i].name))
				break;
		if (i == sizeof(oses) / sizeof(oses[0]))
			cli_usage(CMD, "--os wants linux, windows, bsd or none, not '%s'", o->os);
		if (po->kind != WC_PROBE_TCP_SYN)
			cli_usage(CMD, "--os is for tcp-syn probes");
		po->preset = oses[i].p;
	}
	if (o->banners) {
		if (po->kind != WC_PROBE_TCP_SYN)
			cli_usage(CMD, "--banners needs tcp-syn probes");
		if (o->http_ports || o->tls_ports) {
			struct wc_ports *pl = malloc(sizeof(*pl));
			uint8_t *h = calloc(65536, 1);

			if (!pl || !h)
				cli_die_err("memory", -ENOMEM);
			/* the defaults first, then what was given takes its ports */
			for (unsigned k = 0; k < 2; k++) {
				const char *given = k ? o->tls_ports : o->http_ports;
				const char *list = given ? given : k ? "443,465,636,853,990,993,995,8443"
							       : "80,8000,8008,8080,8081,8888";

				if (wc_ports_parse(list, pl))
					cli_usage(CMD, "--%s-ports: '%s' is not a port list",
						  k ? "tls" : "http", list);
				for (uint32_t i = 0; i < pl->n; i++)
					if (given || !h[pl->port[i]])
						h[pl->port[i]] = k ? WC_HELLO_TLS : WC_HELLO_HTTP;
			}
			free(pl);
			o->hello_by_port = h;
			o->bcfg.hello_by_port = h;
		}
		o->so.banner = &o->bcfg;
	}
	if (o->probe_args && !o->udp_module)
		cli_usage(CMD, "--probe-args is for --probe udp:MODULE");
	if (o->udp_module) {
		uint8_t req[1400];
		struct wc_udp_payloads *u;
		int n = wc_udp_module_request(o->udp_module, o->probe_args, req, sizeof(req));

		if (o->udp_payloads)
			cli_usage(CMD, "--udp-payloads and --probe %s: the module brings its own", o->probe);
		if (n < 0)
			cli_usage(CMD, "--probe-args: '%s' is not a valid argument for %s",
				  o->probe_args ? o->probe_args : "", o->probe);
		if (wc_udp_payloads_single(req, (size_t)n, &u))
			cli_die_err("memory", -ENOMEM);
		po->payloads = u;
		o->so.udp_module = o->udp_module;
	}
	if (o->udp_payloads) {
		struct wc_udp_payloads *u;
		unsigned line;
		int err;

		if (po->kind != WC_PROBE_UDP)
			cli_usage(CMD, "--udp-payloads is for udp probes");
		err = wc_udp_payloads_load(o->udp_payloads, &u, &line);
		if (err == -EINVAL || err == -E2BIG)
			cli_die(o->udp_payloads, "line %u: %s", line,
				err == -E2BIG ? "payload over 1400 bytes"
					      : "expected 'PORTS HEX' or 'PORTS \"text\"'");
		if (err)
			cli_die_err(o->udp_payloads, err);
		po->payloads = u;
	}
}

/* What the probe needs to know before the scan: ports or not, the expression's own port
 * (and a bad expression reported early). */
static void probe_shape(struct scan_cli *o, bool *has_ports, uint16_t *expr_port)
{
	char why[WC_PROBE_WHY] = "";
	int err = wc_probe_shape(&o->so.probe, has_ports, expr_port, why);

	if (err)
		cli_die(CMD, "%s", why[0] ? why : strerror(-err));
}

/* ---- the target space ---------------------------------------------------------------------- */

static struct wc_targets *make_targets(struct scan_cli *o, struct wc_ports *ports)
{
	struct cli_targets spec = {
		.targets = o->targets, .ntargets = o->ntargets, .inputs = o->inputs,
		.ninputs = o->ninputs, .blocklists = o->blocklists, .nblock = o->nblock,
		.allowlist = o->allowlist, .allow_reserved = o->allow_reserved, .quiet = o->quiet,
		.names = o->names_path, .names_out = &o->names,
	};
	struct wc_ipset *s = cli_target_set(CMD, &spec);
	struct wc_targets *t;
	int err;

	err = wc_targets_new(s, ports, &t);
	if (err == -ENOENT)
		cli_die(CMD, "no targets left after the allowlist and blocklists");
	if (err == -E2BIG)
		cli_die(CMD, "%llu addresses%s: more pairs than a scan can walk (2^62)",
			(unsigned long long)wc_ipset_count(s), ports ? " times the ports" : "");
	if (err)
		cli_die_err(CMD, err);
	wc_ipset_free(s);
	return t;
}

/* ---- running ------------------------------------------------------------------------------- */

/* -O pcap with --banners: every frame of every conversation */
static void on_frame(const uint8_t *f, size_t len, uint64_t mono_ns, void *arg)
{
	struct scan_cli *o = arg;
	struct timespec rt, mt, ts;
	int64_t ns;
	int err;

	if (!o->out)
		return;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	ns = ((int64_t)rt.tv_sec - mt.tv_sec) * 1000000000 + (rt.tv_nsec - mt.tv_nsec) + (int64_t)mono_ns;
	ts.tv_sec = (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	err = wc_scan_out_frame(o->out, f, len, &ts);
	if (err && !o->out_err) {
		o->out_err = err;
		cli_job_stop = 2;
	}
}

static void on_result(const struct wc_scan_result *r, void *arg)
{
	struct scan_cli *o = arg;
	int err = wc_scan_out_write(o->out, r);

	if (err && !o->out_err) {
		o->out_err = err;
		cli_job_stop = 2; /* nowhere to put results: stop now */
	}
}

static void fmt_eta(double s, char *b, size_t n)
{
	unsigned long t = s > 0 && s < 1e9 ? (unsigned long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(b, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(b, n, "%lu:%02lu", t / 60, t % 60);
}

static void progress(const struct wc_scan_stats *st, void *arg)
{
	struct scan_cli *o = arg;
	double hit = st->targets_sent ? 100.0 * (double)st->hits / (double)st->targets_sent : 0;
	char eta[32] = "", pass[32] = "";

	if (o->out && !o->output)
		wc_scan_out_flush(o->out); /* standard output: whole records, once a second */
	if (o->quiet || st->finished)
		return;
	if (st->passes > 1)
		snprintf(pass, sizeof(pass), " pass %u/%u", st->pass + 1, st->passes);
	if (st->cooling) {
		snprintf(eta, sizeof(eta), "cooling down");
	} else {
		double left = st->pps > 0 && st->steps_total > st->steps
				      ? (double)(st->steps_total - st->steps) * ((double)st->sent /
						(st->steps ? (double)st->steps : 1)) / st->pps
				      : 0;

		char t[24] = "-";

		if (left > 0)
			fmt_eta(left, t, sizeof(t));
		snprintf(eta, sizeof(eta), "ETA %s", t);
	}
	fprintf(stderr, "wirecraft: scan %5.1f%%%s sent %llu (%.0f pps) replies %llu hits %llu "
			"(%.2f%%) drops %llu %s\n",
		100.0 * st->done, pass, (unsigned long long)st->sent, st->pps,
		(unsigned long long)st->replies, (unsigned long long)st->hits, hit,
		(unsigned long long)st->drops, eta);
}

/* The results file (-o), or standard output; none for a dry run without -o. */
static int open_output(struct scan_cli *o)
{
	if (o->so.dry_run && !o->output)
		return 0; /* a dry run has no answers: results only where asked for explicitly */
	return wc_scan_out_open(o->output, (enum wc_out_format)o->fmt, o->flds, (unsigned)o->nflds,
				&o->out);
}

/* Everything privileged is done (steering program attached, sockets open): give it all up
 * before the first answer is read, then make the results file as the user when there is one,
 * so that it is theirs and only where they may write; the state and the metadata are made
 * after the scan, as the same user. Plain root (nobody to become) keeps only
 * CAP_DAC_OVERRIDE: its files are renamed into place at the end, where root may write. */
static int ready(void *arg)
{
	struct scan_cli *o = arg;
	char why[160];
	int err;

	err = cli_drop_apply(&o->drop, o->drop.active ? 0 : CLI_CAP_DAC_OVERRIDE, why, sizeof(why));
	if (err) {
		o->ready_who = CMD;
		snprintf(o->ready_why, sizeof(o->ready_why), "dropping privileges: %s", why);
		return err;
	}
	err = open_output(o);
	if (err) {
		o->ready_who = o->output ? o->output : "stdout";
		snprintf(o->ready_why, sizeof(o->ready_why), "%s", strerror(-err));
	}
	return err;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_cli o;
	struct wc_ports *ports = NULL;
	struct wc_targets *t;
	struct wc_scan_state resume, state;
	struct wc_scan_stats st;
	struct wc_scan_meta meta;
	char why[WC_SCAN_WHY] = "";
	bool has_ports;
	uint16_t expr_port;
	int err, cerr;

	memset(&o, 0, sizeof(o));
	o.so.sz = sizeof(o.so);
	o.so.cooldown_s = -1;
	parse_opts(argc, argv, &o);
	/* Checked up front so that the error names the capabilities, not a bare EPERM; and a bad
	 * --user fails before anything is opened. A dry run needs nothing. */
	if (!o.so.dry_run)
		cli_need_caps(CMD, CLI_CAP_NET_RAW | CLI_CAP_NET_ADMIN | CLI_CAP_BPF | CLI_CAP_PERFMON,
			      "scanning");
	if (cli_drop_prepare(&o.drop, o.user, why, sizeof(why)))
		cli_die(CMD, "%s", why);
	/* The files named here (--udp-payloads, -I, --allowlist, -b, --resume) are the user's:
	 * read them with the user's rights, not root's. */
	if (cli_drop_borrow(&o.drop, why, sizeof(why)))
		cli_die(CMD, "%s", why);
	why[0] = '\0';
	pick_probe(&o);
	probe_shape(&o, &has_ports, &expr_port);

	if (has_ports) {
		ports = malloc(sizeof(*ports));
		if (!ports)
			cli_die_err("memory", -ENOMEM);
		if (o.ports) {
			if (wc_ports_parse(o.ports, ports))
				cli_usage(CMD, "-p: '%s' is not a port list (22,80,8000-8100)", o.ports);
		} else if (expr_port) {
			ports->n = 1;
			ports->port[0] = expr_port;
		} else if (o.udp_module) { /* the module's service port */
			ports->n = 1;
			ports->port[0] = wc_udp_module_port(o.udp_module);
		} else {
			cli_usage(CMD, "no ports: -p PORTS (22,80,443,8000-8100)");
		}
	} else if (o.ports) {
		cli_usage(CMD, "-p: a %s probe has no ports", o.probe ? o.probe : "tcp-syn");
	}
	t = make_targets(&o, ports);
	o.bcfg.names = o.names; /* loaded with the targets */
	o.space = wc_targets_count(t);
	if (!o.has_rate && !o.so.bandwidth_bps && !o.quiet && !o.so.dry_run &&
	    wc_targets_addrs(t) > 65536)
		cli_warn(CMD, "%llu addresses (more than a /16) at the default %.0f probes per "
			 "second: about %.0f s; --rate sets the pace",
			 (unsigned long long)wc_targets_addrs(t), DEFAULT_RATE,
			 (double)o.space / DEFAULT_RATE);

	/* the seed: given, the state's, or a fresh one (saved in the state and the metadata) */
	if (o.resume_path) {
		unsigned line;

		err = wc_scan_state_load(o.resume_path, &resume, &line);
		if (err == -EINVAL)
			cli_die(o.resume_path, "line %u: not a wirecraft scan state", line);
		if (err)
			cli_die_err(o.resume_path, err);
		if (o.has_seed && o.so.seed != resume.seed)
			cli_die(o.resume_path, "the state's seed is %llu, not %llu",
				(unsigned long long)resume.seed, (unsigned long long)o.so.seed);
		if ((o.has_shards && o.so.shards != resume.shards) ||
		    (o.has_shard && o.so.shard != resume.shard))
			cli_die(o.resume_path, "the state is of shard %u of %u", resume.shard,
				resume.shards);
		if (o.so.threads && o.so.threads != resume.threads)
			cli_die(o.resume_path, "the state was made with --threads %u", resume.threads);
		if (resume.complete) {
			if (!o.quiet)
				cli_warn(CMD, "%s: that scan is complete: nothing left to do",
					 o.resume_path);
		}
		o.so.seed = resume.seed;
		o.so.shards = resume.shards;
		o.so.shard = resume.shard;
		o.so.threads = resume.threads;
		o.so.resume = &resume;
	} else if (!o.has_seed) {
		if (getrandom(&o.so.seed, sizeof(o.so.seed), 0) != sizeof(o.so.seed))
			cli_die_err("random seed", -errno);
		o.so.seed &= (1ull << 53) - 1; /* exact in JSON numbers too */
	}
	if (!o.state_path)
		o.state_path = o.resume_path ? o.resume_path : DEFAULT_STATE;
	if (cli_drop_return(why, sizeof(why)))
		cli_die(CMD, "%s", why);

	/* the output: the file */
	{
		if (o.output && !strcmp(o.output, "-"))
			o.output = NULL;
		if (!o.output && o.fmt == WC_OUT_PCAP && isatty(STDOUT_FILENO))
			cli_usage(CMD, "-O pcap to a terminal: give -o FILE");
		if (o.so.dry_run) {
			/* Nothing privileged in a dry run: drop now, before its files are made. */
			cli_drop_or_die(CMD, &o.drop, o.drop.active ? 0 : CLI_CAP_DAC_OVERRIDE);
			err = open_output(&o);
			if (err)
				cli_die_err(o.output ? o.output : "stdout", err);
		} else {
			o.so.on_ready = ready; /* the drop, then the results file */
		}
	}

	o.so.targets = t;
	o.so.stop = &cli_job_stop;
	o.so.on_result = on_result;
	if (o.banners && o.fmt == WC_OUT_PCAP)
		o.so.on_frame = on_frame;
	o.so.progress = progress;
	o.so.arg = &o;
	cli_catch_job_signals();
	memset(&meta, 0, sizeof(meta));
	clock_gettime(CLOCK_REALTIME, &meta.start);
	memset(&state, 0, sizeof(state));
	if (!o.quiet)
		fprintf(stderr, "wirecraft: scanning %llu targets (%llu addresses x %u ports)%s%s, "
				"%s probes, seed %llu, shard %u/%u, rate %s\n",
			(unsigned long long)o.space, (unsigned long long)wc_targets_addrs(t),
			wc_targets_nports(t), o.so.dry_run ? " into " : "",
			o.so.dry_run ? o.so.dry_run : "", o.so.probe.kind == WC_PROBE_EXPR ? "expression"
				: (o.probe ? o.probe : "tcp-syn"),
			(unsigned long long)o.so.seed, o.so.shard, o.so.shards ? o.so.shards : 1,
			o.so.rate_pps > 0 ? (snprintf(why, sizeof(why), "%.0f pps", o.so.rate_pps), why)
					  : "max");
	why[0] = 0;
	err = wc_scan(&o.so, &st, &state, why);
	clock_gettime(CLOCK_REALTIME, &meta.end);
	if (err && !st.sent) { /* nothing happened: no output at all, not a header alone */
		wc_scan_out_abort(o.out);
		cerr = 0;
	} else {
		cerr = wc_scan_out_close(o.out);
	}
	o.out = NULL;

	/* Whatever stopped the scan, what it did is kept: the state to carry on from (unless it
	 * never sent a probe) and the metadata, before any error is reported. */
	int serr = 0, merr = 0;

	if (!state.complete && (st.sent || !err)) {
		serr = wc_scan_state_save(o.state_path, &state);
	} else if (state.complete && o.resume_path && !access(o.resume_path, F_OK)) {
		/* done: a state left behind would only invite resuming a finished scan */
		serr = wc_scan_state_save(o.resume_path, &state);
	}
	if (o.metadata && (st.sent || !err)) {
		meta.iface = o.so.ifname;
		meta.probe = o.so.probe.kind == WC_PROBE_EXPR ? o.so.probe.expr
							       : (o.probe ? o.probe : "tcp-syn");
		meta.ports = o.ports;
		meta.output = o.output ? o.output : "-";
		meta.resume_file = o.state_path;
		meta.seed = o.so.seed;
		meta.shards = o.so.shards ? o.so.shards : 1;
		meta.shard = o.so.shard;
		meta.threads = o.so.threads ? o.so.threads : 1;
		meta.retries = o.so.retries;
		meta.rate_pps = o.so.rate_pps;
		meta.st = &st;
		meta.complete = state.complete;
		merr = wc_scan_meta_write(o.metadata, &meta);
	}
	if (err) {
		if (st.sent && !state.complete && !serr)
			cli_warn(CMD, "state saved to %s (--resume %s carries on)", o.state_path,
				 o.state_path);
		if (o.ready_who)
			cli_die(o.ready_who, "%s", o.ready_why);
		if (err == -EPERM || err == -EACCES)
			cli_die(CMD, "%s (needs root: CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON)", why);
		cli_die(CMD, "%s", why[0] ? why : strerror(-err));
	}
	if (o.out_err || cerr)
		cli_die_err(o.output ? o.output : "stdout", o.out_err ? o.out_err : cerr);
	if (serr)
		cli_die_err(state.complete ? o.resume_path : o.state_path, serr);
	if (merr)
		cli_die_err(o.metadata, merr);
	if (!o.quiet) {
		double hit = st.targets_sent ? 100.0 * (double)st.hits / (double)st.targets_sent : 0;

		fprintf(stderr, "wirecraft: scan %s: %llu probes to %llu targets in %.2f s (%.0f pps), "
				"%llu replies, %llu hits (%.2f%%), %llu repeats, %llu drops, cooldown "
				"%.2f s, RTT p50 %.3f ms p99 %.3f ms\n",
			state.complete ? "done" : "stopped", (unsigned long long)st.sent,
			(unsigned long long)st.targets_sent, st.send_s,
			st.send_s > 0 ? (double)st.sent / st.send_s : 0.0,
			(unsigned long long)st.replies, (unsigned long long)st.hits, hit,
			(unsigned long long)st.repeats, (unsigned long long)st.drops, st.cooldown_s,
			st.rtt_p50_us / 1e3, st.rtt_p99_us / 1e3);
		if (!state.complete)
			fprintf(stderr, "wirecraft: scan: state saved to %s: the same command with "
					"--resume %s carries on\n", o.state_path, o.state_path);
	}
	wc_scan_state_free(&state);
	if (o.resume_path)
		wc_scan_state_free(&resume);
	wc_udp_payloads_free((struct wc_udp_payloads *)o.so.probe.payloads);
	free(o.hello_by_port);
	wc_targets_free(t);
	free(ports);
	free(o.inputs);
	wc_names_free(o.names);
	free(o.blocklists);
	free(o.targets);
	/* stopped by a signal: the shell's 128 + SIGINT; by --max-runtime: done as asked */
	return state.complete || !cli_job_stop ? 0 : 130;
}
