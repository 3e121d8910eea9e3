/* SPDX-License-Identifier: MIT */
/* pcap and pcapng files through libpcap: pcap_fopen_offline reads both formats; writing
 * goes through a dead pcap handle and pcap_dump, into a temporary file that is renamed
 * over the target only once every byte is on disk. */
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "wirecraft/pcapio.h"
#include "tmpfile.h"

struct wc_pcap_reader {
	pcap_t *pc;
	int dlt;
	enum wc_link link;
};

struct wc_pcap_writer {
	pcap_t *dead;
	pcap_dumper_t *dump;
	FILE *fp;
	char *path, *tmp;
	int err; /* first write error: close then refuses to commit */
};

static void set_err(char *errbuf, const char *msg)
{
	if (errbuf)
		snprintf(errbuf, WC_PCAP_ERRBUF, "%s", msg);
}

static enum wc_link link_of(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return WC_LINK_ETHER;
	case DLT_RAW:
		return WC_LINK_RAW;
	case DLT_IPV4:
		return WC_LINK_IPV4;
	case DLT_IPV6:
		return WC_LINK_IPV6;
	case DLT_LINUX_SLL:
		return WC_LINK_LINUX_SLL;
	case DLT_LINUX_SLL2:
		return WC_LINK_LINUX_SLL2;
	case DLT_NULL:
		return WC_LINK_NULL;
	default:
		return WC_LINK_OTHER;
	}
}

int wc_pcap_open_read(const char *path, struct wc_pcap_reader **out, char *errbuf)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct wc_pcap_reader *r;
	FILE *fp;

	/* Open the file ourselves so that a missing or unreadable file gives its errno. */
	fp = fopen(path, "rb");
	if (!fp) {
		int e = errno;

		set_err(errbuf, strerror(e));
		return -e;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		fclose(fp);
		set_err(errbuf, strerror(ENOMEM));
		return -ENOMEM;
	}
	/* Nanosecond stamps when the file has them; microsecond files are scaled. */
	r->pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, eb);
	if (!r->pc) {
		fclose(fp); /* libpcap leaves the stream to its caller on failure */
		free(r);
		set_err(errbuf, eb[0] ? eb : "not a pcap or pcapng file");
		return -EINVAL;
	}
	r->dlt = pcap_datalink(r->pc);
	r->link = link_of(r->dlt);
	*out = r;
	return 0;
}

int wc_pcap_set_filter(struct wc_pcap_reader *r, const char *filter, char *errbuf)
{
	struct bpf_program prog;
	int rc = 0;

	if (!filter || !filter[strspn(filter, " \t\r\n")])
		return 0;
	/* An offline handle filters in pcap_next_ex once a program is set; libpcap keeps its
	 * own copy of the program, so ours is freed at once. */
	if (pcap_compile(r->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		if (errbuf)
			snprintf(errbuf, WC_PCAP_ERRBUF, "filter: %s", pcap_geterr(r->pc));
		return -EINVAL;
	}
	if (pcap_setfilter(r->pc, &prog) != 0) {
		if (errbuf)
			snprintf(errbuf, WC_PCAP_ERRBUF, "filter: %s", pcap_geterr(r->pc));
		rc = -EINVAL;
	}
	pcap_freecode(&prog);
	return rc;
}

int wc_pcap_next(struct wc_pcap_reader *r, const uint8_t **data, size_t *len,
		 struct timespec *ts)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = pcap_next_ex(r->pc, &h, &d);

	if (rc == PCAP_ERROR_BREAK)
		return -ENOENT; /* end of the file */
	if (rc != 1)
		return -EIO;
	*data = d;
	*len = h->caplen;
	if (ts) {
		/* Nanoseconds: opened with nano precision. libpcap copies a pcap record's
		 * sub-second field unchecked, so a hostile file can claim 4 s of "microseconds":
		 * carry into the seconds, or comparisons of times (match's pairing) go wrong. */
		long ns = (long)h->ts.tv_usec;

		ts->tv_sec = h->ts.tv_sec + ns / 1000000000L;
		ts->tv_nsec = ns % 1000000000L;
		if (ts->tv_nsec < 0) {
			ts->tv_nsec += 1000000000L;
			ts->tv_sec--;
		}
	}
	return 0;
}

enum wc_link wc_pcap_link(const struct wc_pcap_reader *r)
{
	return r->link;
}

int wc_pcap_dlt(const struct wc_pcap_reader *r)
{
	return r->dlt;
}

const char *wc_pcap_read_error(const struct wc_pcap_reader *r)
{
	return pcap_geterr(r->pc);
}

void wc_pcap_close_read(struct wc_pcap_reader *r)
{
	if (!r)
		return;
	pcap_close(r->pc);
	free(r);
}

/* The protocol an EtherType selects over Ethernet, from the binding table. */
static const struct wc_proto *by_ethertype(unsigned type)
{
	size_t n;
	const struct wc_bind *b = wc_binds(&n);

	for (size_t i = 0; i < n; i++)
		if (b[i].lower == &wc_proto_ether && b[i].f[0].field &&
		    !strcmp(b[i].f[0].field, "type") && b[i].f[0].v == type && !b[i].f[1].field)
			return b[i].upper;
	return NULL;
}

static const struct wc_proto *by_version(const uint8_t *data, size_t len)
{
	/* Scapy reads DLT_RAW with a class that picks IPv6 by the version, IP otherwise. */
	return wc_proto_find(len && data[0] >> 4 == 6 ? "IPv6" : "IP");
}

/* BSD loopback: the address family in the capturing host's byte order. */
static const struct wc_proto *by_family(const uint8_t *d)
{
	uint32_t le = d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
	uint32_t be = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
	uint32_t af = le < 256 ? le : be;

	if (af == 2)
		return wc_proto_find("IP");
	if (af == 24 || af == 28 || af == 30) /* AF_INET6 on the BSDs and macOS */
		return wc_proto_find("IPv6");
	return NULL;
}

const struct wc_proto *wc_pcap_first_proto(enum wc_link link, const uint8_t *data,
					   size_t len, size_t *skip)
{
	const struct wc_proto *pr = NULL;
	size_t hdr = 0;

	switch (link) {
	case WC_LINK_ETHER:
		pr = &wc_proto_ether;
		break;
	case WC_LINK_RAW:
		pr = by_version(data, len);
		break;
	case WC_LINK_IPV4:
		pr = wc_proto_find("IP");
		break;
	case WC_LINK_IPV6:
		pr = wc_proto_find("IPv6");
		break;
	case WC_LINK_LINUX_SLL: /* protocol at 14, 16 bytes of header */
		hdr = 16;
		if (len >= hdr)
			pr = by_ethertype((unsigned)data[14] << 8 | data[15]);
		break;
	case WC_LINK_LINUX_SLL2: /* protocol at 0, 20 bytes of header */
		hdr = 20;
		if (len >= hdr)
			pr = by_ethertype((unsigned)data[0] << 8 | data[1]);
		break;
	case WC_LINK_NULL:
		hdr = 4;
		if (len >= hdr)
			pr = by_family(data);
		break;
	default:
		break;
	}
	*skip = pr ? hdr : 0;
	return pr;
}

/* ---- writing --------------------------------------------------------------------------- */

static void writer_free(struct wc_pcap_writer *w)
{
	free(w->path);
	free(w->tmp);
	free(w);
}

/* Something other than a regular file that exists (/dev/null, a FIFO, a symlink) is written
 * in place: renaming a temporary over it would replace the device node or the link. */
static bool in_place(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* A new file to become w->path: unnamed until it is complete (tmpfile.h), so that a capture
 * killed with SIGKILL leaves no "PATH.tmp.XXXXXX" for the user to find. */
static int create_tmp(struct wc_pcap_writer *w)
{
	return wc_tmpfile_open(w->path, &w->tmp);
}

int wc_pcap_open_write(const char *path, enum wc_link link, struct wc_pcap_writer **out)
{
	struct wc_pcap_writer *w;
	int dlt, fd;

	switch (link) {
	case WC_LINK_ETHER:
		dlt = DLT_EN10MB;
		break;
	case WC_LINK_RAW:
		dlt = DLT_RAW;
		break;
	default:
		return -EINVAL;
	}
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path))) {
		free(w);
		return -ENOMEM;
	}
	fd = in_place(path) ? open(path, O_WRONLY | O_TRUNC | O_CLOEXEC) : create_tmp(w);
	if (fd < 0 && in_place(path))
		fd = -errno;
	if (fd < 0) {
		writer_free(w);
		return fd;
	}
	w->fp = fdopen(fd, "wb");
	w->dead = pcap_open_dead(dlt, 65535);
	if (w->fp && w->dead)
		w->dump = pcap_dump_fopen(w->dead, w->fp);
	if (!w->dump) {
		if (w->tmp)
			wc_tmpfile_discard(fd, w->tmp);
		if (w->fp)
			fclose(w->fp);
		else
			close(fd);
		if (w->dead)
			pcap_close(w->dead);
		writer_free(w);
		return -ENOMEM;
	}
	*out = w;
	return 0;
}

int wc_pcap_write(struct wc_pcap_writer *w, const uint8_t *data, size_t len,
		  const struct timespec *ts)
{
	struct pcap_pkthdr h;
	struct timespec now;

	if (w->err)
		return w->err;
	if (len > 65535)
		return -EMSGSIZE;
	if (!ts) {
		clock_gettime(CLOCK_REALTIME, &now);
		ts = &now;
	}
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = ts->tv_sec;
	h.ts.tv_usec = ts->tv_nsec / 1000;
	h.caplen = h.len = (bpf_u_int32)len;
	errno = 0;
	pcap_dump((u_char *)w->dump, &h, data);
	if (ferror(w->fp))
		w->err = errno ? -errno : -EIO;
	return w->err;
}

static void writer_drop(struct wc_pcap_writer *w)
{
	if (w->tmp)
		wc_tmpfile_discard(fileno(w->fp), w->tmp);
	pcap_dump_close(w->dump); /* closes w->fp */
	pcap_close(w->dead);
	writer_free(w);
}

int wc_pcap_close_write(struct wc_pcap_writer *w)
{
	int err = w->err;

	errno = 0;
	if (!err && (pcap_dump_flush(w->dump) != 0 || ferror(w->fp)))
		err = errno ? -errno : -EIO;
	/* On disk before the rename, so a crash leaves the old file or the whole new one. */
	if (!err && w->tmp && fsync(fileno(w->fp)) != 0)
		err = -errno;
	if (err) {
		writer_drop(w);
		return err;
	}
	/* named while the descriptor is open: an unnamed file would be gone once closed */
	if (w->tmp && (err = wc_tmpfile_commit(fileno(w->fp), w->tmp, w->path))) {
		writer_drop(w);
		return err;
	}
	pcap_dump_close(w->dump);
	pcap_close(w->dead);
	writer_free(w);
	return err;
}

void wc_pcap_abort_write(struct wc_pcap_writer *w)
{
	if (w)
		writer_drop(w);
}
