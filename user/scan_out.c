/* SPDX-License-Identifier: MIT */
/* Scan output (wirecraft/scan_out.h): records formatted into a buffer of whole records, written
 * to a temporary file renamed into place at the end, or to standard output. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirecraft/format.h"
#include "scan_file.h"
#include "tmpfile.h"
#include "wirecraft/scan_out.h"

#define BUF_CAP (256u << 10)
#define REC_MAX 16384 /* a text record never needs more (a pcap one may: it is written apart) */

/* ---- files ---------------------------------------------------------------------------------- */

int wc_scan_file_open(const char *path, char **tmp)
{
	struct stat st;
	int fd;

	*tmp = NULL;
	/* not a plain file: in place (see scan_file.h) */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		return fd < 0 ? -errno : fd;
	}
	/* unnamed until complete: a scan killed with SIGKILL leaves no temporary behind */
	return wc_tmpfile_open(path, tmp);
}

int wc_scan_file_commit(int fd, const char *path, char *tmp, int err)
{
	if (!err && tmp && fsync(fd))
		err = -errno;
	if (tmp) { /* named and renamed while fd is open: an unnamed file dies with it */
		if (!err)
			err = wc_tmpfile_commit(fd, tmp, path);
		else
			wc_tmpfile_discard(fd, tmp);
		free(tmp);
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static const char *const field_names[WC_OF__MAX] = {
	[WC_OF_SADDR] = "saddr",         [WC_OF_DADDR] = "daddr",
	[WC_OF_SPORT] = "sport",         [WC_OF_DPORT] = "dport",
	[WC_OF_CLASS] = "classification", [WC_OF_SUCCESS] = "success",
	[WC_OF_TTL] = "ttl",             [WC_OF_IPID] = "ipid",
	[WC_OF_WINDOW] = "window",       [WC_OF_RTT] = "rtt",
	[WC_OF_TIMESTAMP] = "timestamp", [WC_OF_TARGET] = "target",
	[WC_OF_TPORT] = "tport",         [WC_OF_PROTO] = "proto",
	[WC_OF_FLAGS] = "flags",         [WC_OF_ICMP_TYPE] = "icmp_type",
	[WC_OF_ICMP_CODE] = "icmp_code",
	[WC_OF_SERVICE] = "service",     [WC_OF_END] = "end",
	[WC_OF_BANNER] = "banner",       [WC_OF_BANNER_LEN] = "banner_len",
	[WC_OF_STATUS] = "status",       [WC_OF_SERVER] = "server",
	[WC_OF_TITLE] = "title",         [WC_OF_TLS_VERSION] = "tls_version",
	[WC_OF_TLS_CIPHER] = "tls_cipher", [WC_OF_TLS_ALERT] = "tls_alert",
	[WC_OF_CERT_SUBJECT] = "cert_subject", [WC_OF_CERT_ISSUER] = "cert_issuer",
	[WC_OF_CERT_SAN] = "cert_san",   [WC_OF_CERT_NOT_BEFORE] = "cert_not_before",
	[WC_OF_CERT_NOT_AFTER] = "cert_not_after", [WC_OF_CERT_SHA256] = "cert_sha256",
	[WC_OF_AMP] = "amp",             [WC_OF_REPLY_BYTES] = "reply_bytes",
	[WC_OF_PROBE_BYTES] = "probe_bytes", [WC_OF_RCODE] = "rcode",
	[WC_OF_ANCOUNT] = "ancount",     [WC_OF_NAME] = "name",
};

const char *wc_out_field_name(unsigned f)
{
	return f < WC_OF__MAX ? field_names[f] : NULL;
}

int wc_out_fields_parse(const char *list, uint8_t *fields, char *bad)
{
	const char *p = list;
	int n = 0;

	if (!strcmp(list, "*")) {
		for (unsigned f = 0; f < WC_OF__MAX; f++)
			fields[n++] = (uint8_t)f;
		return n;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		unsigned f;

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		for (f = 0; f < WC_OF__MAX; f++)
			if (strlen(field_names[f]) == len && !strncmp(p, field_names[f], len))
				break;
		if (f == WC_OF__MAX || n >= WC_OF__MAX) {
			if (bad)
				snprintf(bad, 64, "%.*s", (int)(len < 60 ? len : 60), p);
			return -EINVAL;
		}
		fields[n++] = (uint8_t)f;
		p += strcspn(p, ",");
		if (!*p)
			break;
		p++;
	}
	return n;
}

int wc_out_format_parse(const char *name)
{
	static const char *const names[] = {"csv", "json", "text", "pcap"};

	for (int i = 0; i < 4; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -EINVAL;
}

struct wc_scan_out {
	int fd;
	bool own_fd;      /* a file we opened (not standard output) */
	char *path, *tmp; /* tmp: NULL when written in place */
	enum wc_out_format fmt;
	uint8_t fields[WC_OF__MAX];
	unsigned nf;
	char *buf;
	size_t len;
	uint64_t records;
	int err;
	pthread_mutex_t mu;
};

static int write_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int flush_locked(struct wc_scan_out *w)
{
	if (w->len && !w->err)
		w->err = write_all(w->fd, w->buf, w->len);
	w->len = 0;
	return w->err;
}

/* Append one whole record: it goes to the buffer entire, after a flush if it does not fit. */
static void put(struct wc_scan_out *w, const void *b, size_t n)
{
	if (w->len + n > BUF_CAP)
		flush_locked(w);
	if (n > BUF_CAP) {
		if (!w->err)
			w->err = write_all(w->fd, b, n);
		return;
	}
	memcpy(w->buf + w->len, b, n);
	w->len += n;
}

static void pcap_u32(uint8_t *b, uint32_t v)
{
	memcpy(b, &v, 4); /* pcap is in the writer's byte order; the magic tells readers which */
}

int wc_scan_out_open(const char *path, enum wc_out_format fmt, const uint8_t *fields,
		     unsigned nfields, struct wc_scan_out **out)
{
	struct wc_scan_out *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	if (nfields > WC_OF__MAX || fmt > WC_OUT_PCAP) {
		free(w);
		return -EINVAL;
	}
	pthread_mutex_init(&w->mu, NULL);
	w->fmt = fmt;
	memcpy(w->fields, fields, nfields);
	w->nf = nfields;
	w->buf = malloc(BUF_CAP);
	if (!w->buf) {
		err = -ENOMEM;
		goto fail;
	}
	if (!path || !strcmp(path, "-")) {
		w->fd = STDOUT_FILENO;
	} else {
		w->path = strdup(path);
		if (!w->path) {
			err = -ENOMEM;
			goto fail;
		}
		w->fd = wc_scan_file_open(path, &w->tmp);
		if (w->fd < 0) {
			err = w->fd;
			goto fail;
		}
		w->own_fd = true;
	}
	if (fmt == WC_OUT_CSV) {
		char line[512];
		size_t n = 0;

		for (unsigned i = 0; i < w->nf; i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", i ? "," : "",
					      field_names[w->fields[i]]);
		line[n++] = '\n';
		put(w, line, n);
	} else if (fmt == WC_OUT_PCAP) {
		uint8_t h[24];

		uint16_t version[2] = {2, 4};

		pcap_u32(h, 0xa1b2c3d4);
		memcpy(h + 4, version, 4);
		pcap_u32(h + 8, 0);
		pcap_u32(h + 12, 0);
		pcap_u32(h + 16, 65535);
		pcap_u32(h + 20, 1); /* DLT_EN10MB */
		put(w, h, sizeof(h));
	}
	*out = w;
	return 0;
fail:
	if (w->own_fd)
		wc_scan_file_commit(w->fd, w->path, w->tmp, err);
	free(w->path);
	free(w->buf);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return err;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "icmpv6";
	}
	return "other";
}

static void tcp_flag_letters(uint8_t f, char *out)
{
	static const char l[] = "FSRPAUEC";
	int n = 0;

	for (int i = 0; i < 8; i++)
		if (f & (1u << i))
			out[n++] = l[i];
	out[n] = 0;
}

/* A string value: JSON quoted and escaped; CSV quoted when it holds a comma or a quote;
 * text as it is (banner strings are printable already, see banner_parse.c). */
static void str_value(struct wc_sb *sb, const char *v, enum wc_out_format fmt)
{
	if (fmt == WC_OUT_JSON) {
		wc_sb_putc(sb, '"');
		for (const char *p = v; *p; p++) {
			unsigned char c = (unsigned char)*p;

			if (c == '"' || c == '\\')
				wc_sb_printf(sb, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				wc_sb_printf(sb, "\\u%04x", c);
			else
				wc_sb_putc(sb, (char)c);
		}
		wc_sb_putc(sb, '"');
	} else if (fmt == WC_OUT_CSV && strpbrk(v, ",\"\n")) {
		wc_sb_putc(sb, '"');
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				wc_sb_putc(sb, '"');
			wc_sb_putc(sb, *p);
		}
		wc_sb_putc(sb, '"');
	} else {
		wc_sb_puts(sb, v);
	}
}

/* A banner field's string, or NULL when the result has none (JSON leaves it out). */
static const char *banner_str(const struct wc_scan_result *r, unsigned f, char *tmp, size_t cap)
{
	const struct wc_banner_info *b = r->banner;
	const struct wc_udp_info *u = r->udp;
	const char *v = NULL;

	if (u) {
		switch (f) {
		case WC_OF_SERVICE: return u->recognised ? u->module : NULL;
		case WC_OF_BANNER: return u->summary[0] ? u->summary : NULL;
		case WC_OF_AMP:
			if (u->amp < 0)
				return NULL;
			snprintf(tmp, cap, "%.3f", u->amp);
			return tmp;
		case WC_OF_REPLY_BYTES: snprintf(tmp, cap, "%u", u->reply_bytes); return tmp;
		case WC_OF_PROBE_BYTES: snprintf(tmp, cap, "%u", u->probe_bytes); return tmp;
		case WC_OF_RCODE:
			if (u->rcode < 0)
				return NULL;
			if (wc_udp_rcode_name(u->rcode))
				return wc_udp_rcode_name(u->rcode);
			snprintf(tmp, cap, "%d", u->rcode);
			return tmp;
		case WC_OF_ANCOUNT:
			if (u->ancount < 0)
				return NULL;
			snprintf(tmp, cap, "%d", u->ancount);
			return tmp;
		}
		return NULL;
	}
	if (!b)
		return NULL;
	switch (f) {
	case WC_OF_SERVICE: v = b->service; break;
	case WC_OF_END: v = wc_banner_end_name(b->end); break;
	case WC_OF_BANNER: v = b->line; break;
	case WC_OF_BANNER_LEN: snprintf(tmp, cap, "%zu", b->len); return tmp;
	case WC_OF_STATUS:
		if (!b->status)
			return NULL;
		snprintf(tmp, cap, "%d", b->status);
		return tmp;
	case WC_OF_SERVER: v = b->server; break;
	case WC_OF_TITLE: v = b->title; break;
	case WC_OF_TLS_VERSION: v = b->tls_version; break;
	case WC_OF_TLS_CIPHER: v = b->tls_cipher; break;
	case WC_OF_TLS_ALERT: v = b->tls_alert; break;
	case WC_OF_CERT_SUBJECT: v = b->cert_subject; break;
	case WC_OF_CERT_ISSUER: v = b->cert_issuer; break;
	case WC_OF_CERT_SAN: v = b->cert_san; break;
	case WC_OF_CERT_NOT_BEFORE: v = b->cert_not_before; break;
	case WC_OF_CERT_NOT_AFTER: v = b->cert_not_after; break;
	case WC_OF_CERT_SHA256: v = b->cert_sha256; break;
	case WC_OF_NAME: v = b->name; break;
	}
	return v && *v ? v : NULL;
}

static bool numeric_field(unsigned f)
{
	return f == WC_OF_BANNER_LEN || f == WC_OF_STATUS || f == WC_OF_AMP ||
	       f == WC_OF_REPLY_BYTES || f == WC_OF_PROBE_BYTES || f == WC_OF_ANCOUNT;
}

/* One value as text; json: strings quoted, unknowns null. */
static void value(struct wc_sb *sb, const struct wc_scan_result *r, unsigned f, bool json,
		  enum wc_out_format fmt)
{
	const struct wc_probe_reply *p = &r->r;
	char a[64];

	switch (f) {
	case WC_OF_SADDR:
	case WC_OF_DADDR:
	case WC_OF_TARGET:
		wc_ipaddr_str(f == WC_OF_SADDR ? &p->saddr : f == WC_OF_DADDR ? &p->daddr : &p->target,
			      a, sizeof(a));
		wc_sb_printf(sb, json ? "\"%s\"" : "%s", a);
		break;
	case WC_OF_SPORT: wc_sb_printf(sb, "%u", p->sport); break;
	case WC_OF_DPORT: wc_sb_printf(sb, "%u", p->dport); break;
	case WC_OF_TPORT: wc_sb_printf(sb, "%u", p->tport); break;
	case WC_OF_CLASS: wc_sb_printf(sb, json ? "\"%s\"" : "%s", p->classification); break;
	case WC_OF_SUCCESS:
		wc_sb_puts(sb, json ? (p->success ? "true" : "false") : (p->success ? "1" : "0"));
		break;
	case WC_OF_TTL: wc_sb_printf(sb, "%u", p->ttl); break;
	case WC_OF_IPID: wc_sb_printf(sb, "%u", p->ipid); break;
	case WC_OF_WINDOW: wc_sb_printf(sb, "%u", p->window); break;
	case WC_OF_RTT:
		if (r->rtt_us >= 0)
			wc_sb_printf(sb, "%.3f", r->rtt_us / 1e3);
		else if (json)
			wc_sb_puts(sb, "null");
		break;
	case WC_OF_TIMESTAMP: {
		struct tm tm;
		time_t t = r->ts.tv_sec;
		char b[40];

		gmtime_r(&t, &tm);
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		wc_sb_printf(sb, json ? "\"%s.%06ldZ\"" : "%s.%06ldZ", b, r->ts.tv_nsec / 1000);
		break;
	}
	case WC_OF_PROTO: wc_sb_printf(sb, json ? "\"%s\"" : "%s", proto_name(p->proto)); break;
	case WC_OF_FLAGS:
		tcp_flag_letters(p->tcp_flags, a);
		wc_sb_printf(sb, json ? "\"%s\"" : "%s", a);
		break;
	case WC_OF_ICMP_TYPE: wc_sb_printf(sb, "%u", p->icmp_type); break;
	case WC_OF_ICMP_CODE: wc_sb_printf(sb, "%u", p->icmp_code); break;
	default: {
		char tmp[32];
		const char *v = banner_str(r, f, tmp, sizeof(tmp));

		if (v && numeric_field(f))
			wc_sb_puts(sb, v);
		else if (v)
			str_value(sb, v, json ? WC_OUT_JSON : fmt);
		else if (json)
			wc_sb_puts(sb, "null");
	}
	}
}

int wc_scan_out_write(struct wc_scan_out *w, const struct wc_scan_result *r)
{
	char rec[REC_MAX];
	struct wc_sb sb;
	int err;

	if (w->fmt == WC_OUT_PCAP) {
		uint8_t h[16];

		if (!r->frame)
			return 0; /* a banner: its frames went by wc_scan_out_frame */
		uint32_t n = r->len > 65535 ? 65535 : (uint32_t)r->len;

		pcap_u32(h, (uint32_t)r->ts.tv_sec);
		pcap_u32(h + 4, (uint32_t)(r->ts.tv_nsec / 1000));
		pcap_u32(h + 8, n);
		pcap_u32(h + 12, (uint32_t)r->len);
		pthread_mutex_lock(&w->mu);
		if (w->len + sizeof(h) + n > BUF_CAP)
			flush_locked(w);
		put(w, h, sizeof(h));
		put(w, r->frame, n);
		w->records++;
		err = w->err;
		pthread_mutex_unlock(&w->mu);
		return err;
	}
	wc_sb_init(&sb, rec, sizeof(rec));
	if (w->fmt == WC_OUT_JSON)
		wc_sb_putc(&sb, '{');
	for (unsigned i = 0, k = 0; i < w->nf; i++) {
		unsigned f = w->fields[i];
		char tmp[32];

		if (w->fmt == WC_OUT_JSON) {
			/* a banner field the connection did not have: left out, not null */
			if (f >= WC_OF_SERVICE && !banner_str(r, f, tmp, sizeof(tmp)))
				continue;
			wc_sb_printf(&sb, "%s\"%s\":", k++ ? "," : "", field_names[f]);
		} else if (i) {
			wc_sb_putc(&sb, w->fmt == WC_OUT_CSV ? ',' : ' ');
		}
		value(&sb, r, f, w->fmt == WC_OUT_JSON, w->fmt);
	}
	if (w->fmt == WC_OUT_JSON)
		wc_sb_putc(&sb, '}');
	wc_sb_putc(&sb, '\n');
	if (sb.len >= sizeof(rec))
		return -EOVERFLOW;
	pthread_mutex_lock(&w->mu);
	put(w, rec, sb.len);
	w->records++;
	err = w->err;
	pthread_mutex_unlock(&w->mu);
	return err;
}

int wc_scan_out_frame(struct wc_scan_out *w, const uint8_t *frame, size_t len,
		      const struct timespec *ts)
{
	struct wc_scan_result r;

	memset(&r, 0, sizeof(r));
	r.frame = frame;
	r.len = len;
	r.ts = *ts;
	return w->fmt == WC_OUT_PCAP ? wc_scan_out_write(w, &r) : 0;
}

int wc_scan_out_flush(struct wc_scan_out *w)
{
	int err;

	pthread_mutex_lock(&w->mu);
	err = flush_locked(w);
	pthread_mutex_unlock(&w->mu);
	return err;
}

uint64_t wc_scan_out_records(const struct wc_scan_out *w)
{
	return w->records;
}

int wc_scan_out_close(struct wc_scan_out *w)
{
	int err;

	if (!w)
		return 0;
	err = flush_locked(w);
	if (w->own_fd)
		err = wc_scan_file_commit(w->fd, w->path, w->tmp, err);
	free(w->path);
	free(w->buf);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return err;
}

void wc_scan_out_abort(struct wc_scan_out *w)
{
	if (!w)
		return;
	if (w->own_fd)
		wc_scan_file_commit(w->fd, w->path, w->tmp, -ECANCELED);
	free(w->path);
	free(w->buf);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

/* ---- metadata ----------------------------------------------------------------------------- */

static void json_str(struct wc_sb *sb, const char *s)
{
	if (!s) {
		wc_sb_puts(sb, "null");
		return;
	}
	wc_sb_putc(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			wc_sb_printf(sb, "\\%c", c);
		else if (c < 0x20)
			wc_sb_printf(sb, "\\u%04x", c);
		else
			wc_sb_putc(sb, (char)c);
	}
	wc_sb_putc(sb, '"');
}

static void json_time(struct wc_sb *sb, const struct timespec *ts)
{
	struct tm tm;
	time_t t = ts->tv_sec;
	char b[40];

	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	wc_sb_printf(sb, "\"%s.%06ldZ\"", b, ts->tv_nsec / 1000);
}

/* Where every frame went, so that a soak test can add the run up against the counters of the
 * reflector and of the interfaces: the parts of "drops", the AF_XDP socket's own counters and
 * the steering program's verdicts, by name. */
static void json_accounting(struct wc_sb *sb, const struct wc_scan_stats *st)
{
	wc_sb_printf(sb, ",\"accounting\":{\"rx_frames\":%" PRIu64 ",\"tx_inflight\":%" PRIu64
			 ",\"drops_device\":%" PRIu64, st->rx_frames, st->tx_inflight, st->drops_device);
	wc_sb_printf(sb, ",\"xsk\":{\"rx_dropped\":%" PRIu64 ",\"rx_ring_full\":%" PRIu64
			 ",\"rx_fill_ring_empty_descs\":%" PRIu64 ",\"rx_invalid_descs\":%" PRIu64
			 ",\"tx_invalid_descs\":%" PRIu64 ",\"tx_ring_empty_descs\":%" PRIu64 "}",
		     st->xsk_rx_dropped, st->xsk_rx_ring_full, st->xsk_fill_empty, st->xsk_rx_invalid,
		     st->xsk_tx_invalid, st->xsk_tx_ring_empty);
	wc_sb_puts(sb, ",\"steer\":{");
	for (int i = 0; i < WC_SC__MAX; i++)
		wc_sb_printf(sb, "%s\"%s\":%" PRIu64, i ? "," : "", wc_steer_counter_name(i),
			     st->steer[i]);
	wc_sb_puts(sb, "}}");
}

int wc_scan_meta_write(const char *path, const struct wc_scan_meta *m)
{
	const struct wc_scan_stats *st = m->st;
	size_t cap = 8192;
	char *b = malloc(cap), *tmp = NULL;
	struct wc_sb sb;
	int fd, err = 0;

	if (!b)
		return -ENOMEM;
	wc_sb_init(&sb, b, cap);
	wc_sb_puts(&sb, "{\"start\":");
	json_time(&sb, &m->start);
	wc_sb_puts(&sb, ",\"end\":");
	json_time(&sb, &m->end);
	wc_sb_printf(&sb, ",\"duration_s\":%.3f", st->elapsed_s);
	wc_sb_puts(&sb, ",\"interface\":");
	json_str(&sb, m->iface);
	wc_sb_puts(&sb, ",\"probe\":");
	json_str(&sb, m->probe);
	wc_sb_puts(&sb, ",\"ports\":");
	json_str(&sb, m->ports);
	wc_sb_printf(&sb, ",\"seed\":%" PRIu64 ",\"shards\":%u,\"shard\":%u,\"threads\":%u",
		     m->seed, m->shards, m->shard, m->threads);
	wc_sb_printf(&sb, ",\"retries\":%u,\"rate_pps\":", m->retries);
	if (m->rate_pps > 0)
		wc_sb_printf(&sb, "%.0f", m->rate_pps);
	else
		wc_sb_puts(&sb, "\"max\"");
	wc_sb_printf(&sb, ",\"targets\":%" PRIu64 ",\"targets_probed\":%" PRIu64 ",\"sent\":%" PRIu64,
		     st->count, st->targets_sent, st->sent);
	wc_sb_printf(&sb, ",\"replies\":%" PRIu64 ",\"results\":%" PRIu64 ",\"hits\":%" PRIu64
			  ",\"failures\":%" PRIu64 ",\"repeats\":%" PRIu64 ",\"invalid\":%" PRIu64,
		     st->replies, st->results, st->hits, st->failures, st->repeats, st->invalid);
	wc_sb_printf(&sb, ",\"hit_rate\":%.6f",
		     st->targets_sent ? (double)st->hits / (double)st->targets_sent : 0.0);
	wc_sb_printf(&sb, ",\"drops\":%" PRIu64 ",\"tx_ring_full\":%" PRIu64, st->drops,
		     st->tx_ring_full);
	json_accounting(&sb, st);
	if (st->banners) {
		const struct wc_conn_stats *c = &st->conns;

		wc_sb_printf(&sb, ",\"connections\":{\"opened\":%" PRIu64 ",\"open\":%" PRIu64
				  ",\"with_data\":%" PRIu64 ",\"ended\":{", c->opened, c->open,
			     c->with_data);
		for (unsigned e = 0; e < WC_BE__MAX; e++)
			wc_sb_printf(&sb, "%s\"%s\":%" PRIu64, e ? "," : "", wc_banner_end_name(e),
				     c->ended[e]);
		wc_sb_printf(&sb, "},\"refused\":%" PRIu64 ",\"no_room\":%" PRIu64
				  ",\"segments\":%" PRIu64 ",\"late\":%" PRIu64
				  ",\"out_of_order\":%" PRIu64 ",\"retransmits\":%" PRIu64
				  ",\"bad_ack\":%" PRIu64 ",\"tx_frames\":%" PRIu64
				  ",\"tx_lost\":%" PRIu64 ",\"rsts\":%" PRIu64 "}",
			     c->refused, c->no_room, c->segments, c->late, c->out_of_order,
			     c->retransmits, c->bad_ack, c->tx_frames, c->tx_lost, c->rsts);
	}
	wc_sb_printf(&sb, ",\"send_s\":%.3f,\"send_pps\":%.0f,\"cooldown_s\":%.3f", st->send_s,
		     st->send_s > 0 ? (double)st->sent / st->send_s : 0.0, st->cooldown_s);
	wc_sb_printf(&sb, ",\"passes\":%u,\"repair_passes\":%u", st->passes, st->repairs);
	wc_sb_printf(&sb, ",\"rtt_ms\":{\"samples\":%" PRIu64 ",\"p50\":%.3f,\"p99\":%.3f,"
			  "\"max\":%.3f}",
		     st->rtt_samples, st->rtt_p50_us / 1e3, st->rtt_p99_us / 1e3,
		     st->rtt_max_us / 1e3);
	wc_sb_puts(&sb, ",\"engine\":");
	json_str(&sb, st->engine);
	wc_sb_puts(&sb, ",\"validation\":");
	json_str(&sb, st->how);
	wc_sb_puts(&sb, ",\"output\":");
	json_str(&sb, m->output);
	wc_sb_printf(&sb, ",\"complete\":%s", m->complete ? "true" : "false");
	wc_sb_puts(&sb, ",\"resume\":");
	json_str(&sb, m->complete ? NULL : m->resume_file);
	wc_sb_puts(&sb, "}\n");
	if (sb.len >= cap) {
		err = -EOVERFLOW;
		goto out;
	}
	fd = wc_scan_file_open(path, &tmp);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	err = wc_scan_file_commit(fd, path, tmp, write_all(fd, b, sb.len));
out:
	free(b);
	return err;
}
