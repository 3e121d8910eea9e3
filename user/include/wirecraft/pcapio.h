/* SPDX-License-Identifier: MIT */
/* Packet capture files: read pcap and pcapng (through libpcap), write pcap. A written file
 * appears under its name only when it is complete: until wc_pcap_close_write() succeeds
 * the packets go to "PATH.tmp.XXXXXX" next to it, which an error or an abort removes. */
#ifndef WIRECRAFT_PCAPIO_H
#define WIRECRAFT_PCAPIO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto.h"

#define WC_PCAP_ERRBUF 256 /* as libpcap's PCAP_ERRBUF_SIZE */

/* What a capture's frames start with (its link-layer header type). */
enum wc_link {
	WC_LINK_OTHER = 0,  /* anything else: see wc_pcap_dlt() */
	WC_LINK_ETHER,      /* Ethernet */
	WC_LINK_RAW,        /* IPv4 or IPv6, told apart by the version nibble */
	WC_LINK_IPV4,
	WC_LINK_IPV6,
	WC_LINK_LINUX_SLL,  /* Linux cooked capture v1 (16-byte header) */
	WC_LINK_LINUX_SLL2, /* Linux cooked capture v2 (20-byte header) */
	WC_LINK_NULL,       /* BSD loopback: 4-byte address family in host order */
};

struct wc_pcap_reader;
struct wc_pcap_writer;

/* Open a pcap or pcapng file. Returns 0, or -errno (-ENOENT, -EACCES, ...; -EINVAL for a
 * file libpcap does not understand) with a message in errbuf (WC_PCAP_ERRBUF bytes, may
 * be NULL). */
int wc_pcap_open_read(const char *path, struct wc_pcap_reader **out, char *errbuf);
/* The next frame: its bytes (valid until the next call), their number (less than the
 * frame had on the wire when the capture cut it) and its time (ts may be NULL).
 * Returns 0, -ENOENT at the end, -EIO on a damaged file (wc_pcap_read_error() says
 * why). */
int wc_pcap_next(struct wc_pcap_reader *r, const uint8_t **data, size_t *len,
		 struct timespec *ts);
/* Keep only the frames that pass a tcpdump filter (libpcap's syntax, compiled for the file's
 * link type; libpcap applies it inside wc_pcap_next). NULL or blank: every frame. Returns 0
 * or -EINVAL with "filter: <libpcap's message>" in errbuf (may be NULL). */
int wc_pcap_set_filter(struct wc_pcap_reader *r, const char *filter, char *errbuf);
enum wc_link wc_pcap_link(const struct wc_pcap_reader *r);
int wc_pcap_dlt(const struct wc_pcap_reader *r); /* libpcap's DLT_ value */
const char *wc_pcap_read_error(const struct wc_pcap_reader *r);
void wc_pcap_close_read(struct wc_pcap_reader *r);

/* Where the packet bytes of one frame begin, and as which protocol (Ether, IP or IPv6 by
 * link type; for cooked and loopback captures from their protocol field, after skipping
 * their header). Returns NULL when the link type or its protocol is not one wirecraft
 * dissects; *skip is then 0. */
const struct wc_proto *wc_pcap_first_proto(enum wc_link link, const uint8_t *data,
					   size_t len, size_t *skip);

/* Start writing a pcap file of `link` frames (WC_LINK_ETHER or WC_LINK_RAW; snaplen
 * 65535, microsecond timestamps). Returns 0 or -errno. */
int wc_pcap_open_write(const char *path, enum wc_link link, struct wc_pcap_writer **out);
/* Append one frame; ts NULL: the current time. Returns 0, -EMSGSIZE above 65535 bytes,
 * or -errno from the disk. */
int wc_pcap_write(struct wc_pcap_writer *w, const uint8_t *data, size_t len,
			 const struct timespec *ts);
/* Flush, sync and move the file into place. Returns 0 or -errno; on error the temporary
 * file is removed and `path` is left as it was. Frees w either way. */
int wc_pcap_close_write(struct wc_pcap_writer *w);
/* Drop everything written: remove the temporary file, leave `path` alone, free w. */
void wc_pcap_abort_write(struct wc_pcap_writer *w);

#endif
