/* SPDX-License-Identifier: MIT */
/* Scan output: results as CSV (a header line, then one line per target), JSON lines, plain
 * text (values separated by spaces) or a pcap file of the answers; and the scan's metadata as
 * one JSON object.
 *
 * A file is written to "PATH.tmp.XXXXXX" next to it and renamed into place, complete, by
 * wc_scan_out_close(): a reader never sees half a file under its name. Standard output gets
 * whole records only (a record never straddles two writes), flushed by wc_scan_out_flush().
 * Writes may come from one thread while another flushes. */
#ifndef WIRECRAFT_SCAN_OUT_H
#define WIRECRAFT_SCAN_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scan.h"

enum wc_out_format { WC_OUT_CSV = 0, WC_OUT_JSON, WC_OUT_TEXT, WC_OUT_PCAP };

enum wc_out_field {
	WC_OF_SADDR = 0,  /* the answer's source: the target (an ICMP error: who sent it) */
	WC_OF_DADDR,      /* the answer's destination: us */
	WC_OF_SPORT,      /* the answer's source port: the target's port */
	WC_OF_DPORT,      /* the answer's destination port: ours */
	WC_OF_CLASS,      /* classification: synack, rst, echo-reply, udp, port-unreach, ... */
	WC_OF_SUCCESS,    /* 1: open / alive, 0: closed / unreachable */
	WC_OF_TTL,
	WC_OF_IPID,
	WC_OF_WINDOW,
	WC_OF_RTT,        /* round-trip time in milliseconds (empty / null when unknown) */
	WC_OF_TIMESTAMP,  /* arrival, ISO 8601 UTC with microseconds */
	WC_OF_TARGET,     /* the probe's destination (differs from saddr for ICMP errors) */
	WC_OF_TPORT,      /* the probe's destination port */
	WC_OF_PROTO,      /* the answer's IP protocol: tcp, udp, icmp, icmpv6 */
	WC_OF_FLAGS,      /* TCP flags as letters (SA, RA, ...) */
	WC_OF_ICMP_TYPE,
	WC_OF_ICMP_CODE,
	/* --banners (empty / omitted from JSON when the connection had none) */
	WC_OF_SERVICE,    /* ssh, http, tls, smtp, ftp, pop3, imap, mysql, redis, raw */
	WC_OF_END,        /* how the connection ended: complete, size, fin, reset, timeout, ... */
	WC_OF_BANNER,     /* the first line (text protocols) or the first bytes, escaped */
	WC_OF_BANNER_LEN, /* bytes collected */
	WC_OF_STATUS,     /* HTTP */
	WC_OF_SERVER,
	WC_OF_TITLE,
	WC_OF_TLS_VERSION, /* TLS */
	WC_OF_TLS_CIPHER,
	WC_OF_TLS_ALERT,
	WC_OF_CERT_SUBJECT,
	WC_OF_CERT_ISSUER,
	WC_OF_CERT_SAN,
	WC_OF_CERT_NOT_BEFORE,
	WC_OF_CERT_NOT_AFTER,
	WC_OF_CERT_SHA256,
	/* UDP answers (service and banner too: the module's name and what it read) */
	WC_OF_AMP,        /* amplification: reply_bytes / probe_bytes (UDP payloads) */
	WC_OF_REPLY_BYTES,
	WC_OF_PROBE_BYTES,
	WC_OF_RCODE,      /* dns: the reply code, by name */
	WC_OF_ANCOUNT,    /* dns: answers */
	WC_OF_NAME,       /* banners: the host name sent (HTTP Host, TLS SNI) */
	WC_OF__MAX
};

#define WC_OUT_DEFAULT_FIELDS "saddr,daddr,sport,dport,classification,success,ttl,ipid,window,rtt,timestamp"
/* --banners: what a connection said instead of what its SYN-ACK looked like */
#define WC_OUT_BANNER_FIELDS "saddr,sport,name,classification,service,end,banner_len,banner,status," \
	"server,title,tls_version,tls_cipher,tls_alert,cert_subject,cert_issuer,cert_san," \
	"cert_not_before,cert_not_after,cert_sha256,rtt,timestamp"
/* UDP probe modules: the module's verdict and the amplification */
#define WC_OUT_UDP_FIELDS "saddr,sport,classification,service,banner,rcode,ancount,reply_bytes," \
	"probe_bytes,amp,rtt,timestamp"

/* Parse a comma-separated field list ("saddr,sport,classification"; "*": all) into fields[]
 * (at most WC_OF__MAX). Returns the count, or -EINVAL with the bad name in bad (64 bytes). */
int wc_out_fields_parse(const char *list, uint8_t *fields, char *bad);
const char *wc_out_field_name(unsigned f);
/* "csv", "json", "text", "pcap" -> format; -EINVAL otherwise. */
int wc_out_format_parse(const char *name);

struct wc_scan_out;

/* path NULL or "-": standard output. */
int wc_scan_out_open(const char *path, enum wc_out_format fmt, const uint8_t *fields,
		     unsigned nfields, struct wc_scan_out **out);
int wc_scan_out_write(struct wc_scan_out *w, const struct wc_scan_result *r);
/* -O pcap with banners: one frame of a conversation (a result without a frame writes none). */
int wc_scan_out_frame(struct wc_scan_out *w, const uint8_t *frame, size_t len,
		      const struct timespec *ts);
int wc_scan_out_flush(struct wc_scan_out *w);
/* Flush, sync, rename into place; frees w. Returns 0 or the first error of any write. */
int wc_scan_out_close(struct wc_scan_out *w);
uint64_t wc_scan_out_records(const struct wc_scan_out *w);
/* Give up: a file's temporary goes, standard output gets nothing more; frees w. */
void wc_scan_out_abort(struct wc_scan_out *w);

/* The scan as a whole, for --metadata. */
struct wc_scan_meta {
	struct timespec start, end; /* CLOCK_REALTIME */
	const char *iface, *probe, *ports, *output, *resume_file;
	uint64_t seed;
	uint32_t shards, shard, threads, retries;
	double rate_pps;            /* asked for; 0: max */
	const struct wc_scan_stats *st;
	bool complete;
};

/* One JSON object, written complete (temp + rename). */
int wc_scan_meta_write(const char *path, const struct wc_scan_meta *m);

#endif
