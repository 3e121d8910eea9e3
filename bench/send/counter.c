/* SPDX-License-Identifier: MIT */
/*
 * counter: the receiving end of the send benchmark, and the stopwatch of its sender.
 *
 *   counter -i IF [-n NETNS] [-s NETNS] [-C CPU] [-t SEC] [-e N] [-I MS] [-l LABEL] [-j FILE]
 *           -- CMD [ARG...]
 *   counter -i IF [-n NETNS] -t SEC           (no command: count for SEC seconds)
 *
 * Loads bpf/count.bpf.c (embedded skeleton) and attaches it to IF, found in the network
 * namespace NETNS (a path such as /run/netns/wc-b; default: ours), through a bpf_link: the
 * program leaves the interface when this process ends, however it ends. Then it runs CMD in the
 * namespace given by -s, pinned to CPU with -C, waits for it (wait4: its CPU time, user and
 * system, its reaped children included), waits until no probe has arrived for 100 ms (frames
 * still queued in the veth), and prints one JSON object on stdout (appends it to FILE with -j,
 * so that the sender's own output, which goes to our stdout and stderr, stays apart):
 *
 *   {"label":..., "packets":N, "bytes":..., "other":..., "window_s":..., "pps":...,
 *    "utime_s":..., "stime_s":..., "cpu_ns_per_pkt":..., "wall_s":..., "status":..., "killed":...}
 *
 * pps = (packets - 1) / (last - first arrival): delivered probes per second over the window in
 * which they arrived, without any sender's start-up or shut-down. cpu_ns_per_pkt = the sender's
 * (user + system) CPU time / packets delivered, start-up included.
 *
 * Stopping senders that do not stop by themselves: -t SEC sends SIGTERM after SEC seconds (then
 * SIGKILL a second later); -e N once N probes have arrived; -I MS once probes have arrived and
 * none for MS ms. A stopped sender is reported with "killed": true; its figures still count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "count.skel.h"

struct wc_count { /* as in bpf/count.bpf.c */
	uint64_t packets, bytes, first_ns, last_ns, other;
};

struct total {
	uint64_t packets, bytes, first_ns, last_ns, other;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void usage(void)
{
	fputs("usage: counter -i IF [-n NETNS] [-s NETNS] [-C CPU] [-t SEC] [-e N] [-I MS]\n"
	      "               [-l LABEL] [-j FILE] [-- CMD [ARG...]]\n",
	      stderr);
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int enter_netns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Sum over CPUs; first = the earliest non-zero first, last = the latest last. */
static int read_total(int map_fd, struct wc_count *per, int ncpu, struct total *t)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(map_fd, &zero, per) < 0)
		return -errno;
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < ncpu; i++) {
		t->packets += per[i].packets;
		t->bytes += per[i].bytes;
		t->other += per[i].other;
		if (per[i].first_ns && (!t->first_ns || per[i].first_ns < t->first_ns))
			t->first_ns = per[i].first_ns;
		if (per[i].last_ns > t->last_ns)
			t->last_ns = per[i].last_ns;
	}
	return 0;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *rx_ns = NULL, *tx_ns = NULL, *label = "", *jpath = NULL;
	double timeout_s = 0;
	uint64_t expect = 0;
	unsigned idle_ms = 0;
	int cpu = -1, c, ncpu, map_fd, err, status = 0, orig_ns;
	struct count_bpf *skel;
	struct bpf_link *link;
	struct wc_count *per;
	struct total t = {0};
	struct rusage ru = {0};
	uint64_t t0, t_kill = 0, last_change, last_packets = 0;
	bool killed = false, hard = false;
	pid_t pid = -1;
	unsigned ifindex;

	while ((c = getopt(argc, argv, "+i:n:s:C:t:e:I:l:j:h")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'n': rx_ns = optarg; break;
		case 's': tx_ns = optarg; break;
		case 'C': cpu = atoi(optarg); break;
		case 't': timeout_s = atof(optarg); break;
		case 'e': expect = strtoull(optarg, NULL, 10); break;
		case 'I': idle_ms = (unsigned)atoi(optarg); break;
		case 'l': label = optarg; break;
		case 'j': jpath = optarg; break;
		default: usage();
		}
	}
	if (!ifname || (optind >= argc && timeout_s <= 0))
		usage();

	orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig_ns < 0) {
		perror("counter: /proc/self/ns/net");
		return 1;
	}
	if (rx_ns && (err = enter_netns(rx_ns))) {
		fprintf(stderr, "counter: netns %s: %s\n", rx_ns, strerror(-err));
		return 1;
	}
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "counter: interface %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	skel = count_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "counter: loading count.bpf.o: %s\n", strerror(errno));
		return 1;
	}
	/* The link's interface is looked up in the namespace we are in now: the receiver's. */
	link = bpf_program__attach_xdp(skel->progs.wc_count, (int)ifindex);
	if (!link) {
		fprintf(stderr, "counter: attaching XDP to %s: %s\n", ifname, strerror(errno));
		count_bpf__destroy(skel);
		return 1;
	}
	if (setns(orig_ns, CLONE_NEWNET) < 0) {
		perror("counter: back to our netns");
		goto out;
	}
	close(orig_ns);

	ncpu = libbpf_num_possible_cpus();
	per = calloc((size_t)ncpu, sizeof(*per));
	if (ncpu <= 0 || !per) {
		fprintf(stderr, "counter: no memory\n");
		goto out;
	}
	map_fd = bpf_map__fd(skel->maps.counts);
	/* Reset: nothing before the sender starts counts (a fresh map is zero; this is for noise
	 * that arrived while attaching). */
	{
		uint32_t zero = 0;

		memset(per, 0, (size_t)ncpu * sizeof(*per));
		if (bpf_map_update_elem(map_fd, &zero, per, BPF_ANY) < 0) {
			perror("counter: resetting the map");
			goto out;
		}
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	t0 = now_ns();
	if (optind < argc) {
		pid = fork();
		if (pid < 0) {
			perror("counter: fork");
			goto out;
		}
		if (pid == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			if (tx_ns && (err = enter_netns(tx_ns))) {
				fprintf(stderr, "counter: netns %s: %s\n", tx_ns, strerror(-err));
				_exit(127);
			}
			if (cpu >= 0) {
				cpu_set_t set;

				CPU_ZERO(&set);
				CPU_SET(cpu, &set);
				if (sched_setaffinity(0, sizeof(set), &set) < 0) {
					perror("counter: CPU affinity");
					_exit(127);
				}
			}
			execvp(argv[optind], argv + optind);
			fprintf(stderr, "counter: %s: %s\n", argv[optind], strerror(errno));
			_exit(127);
		}
	}

	/* Wait for the sender, stopping it if asked to; 2 ms steps cost nothing measurable. */
	last_change = t0;
	for (;;) {
		uint64_t now;

		if (pid > 0) {
			pid_t r = wait4(pid, &status, WNOHANG, &ru);

			if (r == pid)
				break;
			if (r < 0 && errno != EINTR) {
				perror("counter: wait4");
				break;
			}
		}
		sleep_ms(2);
		now = now_ns();
		if (expect || idle_ms) {
			if (read_total(map_fd, per, ncpu, &t) == 0 && t.packets != last_packets) {
				last_packets = t.packets;
				last_change = now;
			}
		}
		bool stop = interrupted || (timeout_s > 0 && now - t0 >= (uint64_t)(timeout_s * 1e9)) ||
			    (expect && t.packets >= expect) ||
			    (idle_ms && t.packets && now - last_change >= idle_ms * 1000000ull);
		if (pid <= 0) {
			if (stop)
				break;
			continue;
		}
		if (stop && !killed) {
			kill(pid, SIGTERM);
			killed = true;
			t_kill = now;
		} else if (killed && !hard && now - t_kill > 1000000000ull) {
			kill(pid, SIGKILL);
			hard = true;
		}
	}
	/* Frames still on their way: wait until the count has been still for 100 ms (at most 3 s). */
	{
		uint64_t since = now_ns(), prev = UINT64_MAX;

		for (;;) {
			if (read_total(map_fd, per, ncpu, &t) < 0) {
				perror("counter: reading the map");
				goto out;
			}
			if (t.packets == prev || now_ns() - since > 3000000000ull)
				break;
			prev = t.packets;
			sleep_ms(100);
		}
	}

	{
		double wall = (double)(now_ns() - t0) / 1e9;
		double window = t.last_ns > t.first_ns ? (double)(t.last_ns - t.first_ns) / 1e9 : 0;
		double pps = window > 0 ? (double)(t.packets - 1) / window : 0;
		double ut = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
		double stt = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
		double cpp = t.packets ? (ut + stt) * 1e9 / (double)t.packets : 0;

		FILE *f = jpath ? fopen(jpath, "a") : stdout;

		if (!f) {
			fprintf(stderr, "counter: %s: %s\n", jpath, strerror(errno));
			goto out;
		}
		fprintf(f, "{\"label\":");
		json_str(f, label);
		fprintf(f, ",\"packets\":%llu,\"bytes\":%llu,\"other\":%llu,\"window_s\":%.6f,"
		       "\"pps\":%.0f,\"utime_s\":%.3f,\"stime_s\":%.3f,\"cpu_ns_per_pkt\":%.0f,"
		       "\"wall_s\":%.3f,\"status\":%d,\"killed\":%s}\n",
		       (unsigned long long)t.packets, (unsigned long long)t.bytes,
		       (unsigned long long)t.other, window, pps, ut, stt, cpp, wall,
		       pid > 0 ? (WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) : 0,
		       killed ? "true" : "false");
		if (f != stdout)
			fclose(f);
		else
			fflush(f);
	}
	bpf_link__destroy(link);
	count_bpf__destroy(skel);
	free(per);
	return 0;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	bpf_link__destroy(link);
	count_bpf__destroy(skel);
	return 1;
}
