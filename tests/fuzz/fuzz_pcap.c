/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the capture-file reader (user/pcapio.c over libpcap) on hostile files.
 *
 * Input: the whole file, pcap or pcapng. It is written to a memfd and opened through
 * /proc/self/fd/N with wc_pcap_open_read, the same call `dissect -r` and `match` make, so
 * libpcap reads it from a real FILE with its own buffering, as it would a file on disk.
 *
 * What must hold: a refused file is -EINVAL (or an errno) with a message; an accepted one
 * yields frames (at most MAX_FRAMES are read) whose length fits what libpcap allows, whose
 * time is a valid timespec, and whose bytes, after wc_pcap_first_proto's link header, dissect
 * cleanly (wcf_check_pkt); the end is -ENOENT or -EIO with a message; nothing leaks. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "wirecraft/pcapio.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#define MAX_FRAMES 64
/* libpcap refuses records above its own maximum snapshot length (262144 in 1.10). */
#define MAX_CAPLEN (256u << 10)

static struct wc_pkt pkt;
static int memfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wcf_init();
	memfd = memfd_create("fuzz_pcap", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	return 0;
}

static void load(const uint8_t *data, size_t size)
{
	if (ftruncate(memfd, 0) != 0 || (size && pwrite(memfd, data, size, 0) != (ssize_t)size)) {
		perror("memfd write");
		abort();
	}
}

static bool is_cstring(const char *s, size_t cap)
{
	return s && memchr(s, '\0', cap) != NULL;
}

static void check_frame(enum wc_link link, const uint8_t *data, size_t len,
			const struct timespec *ts)
{
	const struct wc_proto *first;
	size_t skip = 99999;
	uint8_t *copy;

	if (len > MAX_CAPLEN)
		wcf_trap("frame longer than libpcap's maximum snapshot", NULL, -1, -1);
	if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
		wcf_trap("frame time: tv_nsec outside 0..999999999", NULL, -1, -1);
	/* An exact-size heap copy, so that ASan sees a read one byte past the frame. */
	copy = malloc(len ? len : 1);
	if (!copy)
		return;
	if (len)
		memcpy(copy, data, len);
	first = wc_pcap_first_proto(link, copy, len, &skip);
	if (!first) {
		if (skip != 0)
			wcf_trap("no first protocol but a link header skipped", NULL, -1, -1);
		goto out;
	}
	if (skip > len)
		wcf_trap("link header skipped past the frame", NULL, -1, -1);
	if (len - skip <= WC_MAX_PKT) {
		if (wc_dissect(&pkt, copy + skip, len - skip, first) != 0)
			wcf_trap("wc_dissect refused a frame from a capture", &pkt, -1, -1);
		wcf_check_pkt(&pkt, true);
	}
out:
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[WC_PCAP_ERRBUF];
	struct wc_pcap_reader *r = NULL;
	enum wc_link link;
	int err;

	load(data, size);
	memset(errbuf, 0x5a, sizeof(errbuf));
	err = wc_pcap_open_read(path, &r, errbuf);
	if (err) {
		if (err > 0 || r != NULL)
			wcf_trap("refused file: positive error or a reader handed out", NULL, -1, -1);
		if (!is_cstring(errbuf, sizeof(errbuf)) || !errbuf[0])
			wcf_trap("refused file without a message", NULL, -1, -1);
		return 0;
	}
	link = wc_pcap_link(r);
	if (link == WC_LINK_OTHER && wc_pcap_dlt(r) < 0)
		wcf_trap("negative link type", NULL, -1, -1);

	for (int n = 0; n < MAX_FRAMES; n++) {
		const uint8_t *d = NULL;
		struct timespec ts = {-1, -1};
		size_t len = 0;

		err = wc_pcap_next(r, &d, &len, &ts);
		if (err == -ENOENT)
			break;
		if (err == -EIO) {
			if (!is_cstring(wc_pcap_read_error(r), WC_PCAP_ERRBUF))
				wcf_trap("damaged file without a message", NULL, -1, -1);
			break;
		}
		if (err != 0)
			wcf_trap("wc_pcap_next: neither a frame, the end nor -EIO", NULL, -1, -1);
		if (!d && len)
			wcf_trap("frame with a length but no bytes", NULL, -1, -1);
		check_frame(link, d, len, &ts);
	}
	wc_pcap_close_read(r);
	return 0;
}
