/* SPDX-License-Identifier: MIT */
/*
 * Privileges for the subcommands that touch the network: which capabilities a command needs
 * (checked up front, so that the error names them instead of a bare EPERM from deep inside
 * libbpf or libpcap), and the drop to an unprivileged user once the sockets are open and the
 * BPF programs loaded, before the first byte from the network is read or an output file made.
 *
 * Raw capget/capset rather than libcap: two system calls do not justify a dependency, and the
 * kernel's v3 interface is stable.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "cli.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

struct caps {
	uint64_t eff, prm;
};

static int caps_get(struct caps *c)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}};

	if (syscall(SYS_capget, &hdr, d) != 0)
		return errno ? -errno : -EPERM;
	c->eff = (uint64_t)d[0].effective | (uint64_t)d[1].effective << 32;
	c->prm = (uint64_t)d[0].permitted | (uint64_t)d[1].permitted << 32;
	return 0;
}

/* effective = permitted = `keep`, inheritable empty. */
static int caps_set(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}};

	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, d) != 0)
		return -errno;
	return 0;
}

#define BIT(cap) (1ULL << (cap))

/* The kernel's own substitutions: CAP_SYS_ADMIN still grants what CAP_BPF and CAP_PERFMON
 * were split out of (kernels before 5.8 know only it). */
static bool has(uint64_t eff, int cap)
{
	if (eff & BIT(cap))
		return true;
	return (cap == CAP_BPF || cap == CAP_PERFMON) && (eff & BIT(CAP_SYS_ADMIN));
}

static const struct {
	unsigned need;
	int cap;
	const char *name;
} cap_names[] = {
	{CLI_CAP_NET_RAW, CAP_NET_RAW, "CAP_NET_RAW"},
	{CLI_CAP_NET_ADMIN, CAP_NET_ADMIN, "CAP_NET_ADMIN"},
	{CLI_CAP_BPF, CAP_BPF, "CAP_BPF"},
	{CLI_CAP_PERFMON, CAP_PERFMON, "CAP_PERFMON"},
	{CLI_CAP_DAC_OVERRIDE, CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE"},
};
#define NCAPS (sizeof(cap_names) / sizeof(cap_names[0]))

/* The capability bits of a CLI_CAP_* set. */
static uint64_t bits_of(unsigned need)
{
	uint64_t b = 0;

	for (size_t i = 0; i < NCAPS; i++)
		if (need & cap_names[i].need)
			b |= BIT(cap_names[i].cap);
	return b;
}

/* "CAP_NET_RAW", "CAP_NET_RAW and CAP_BPF", "CAP_NET_RAW, CAP_NET_ADMIN and CAP_BPF". */
static void list_caps(unsigned set, char *out, size_t len)
{
	size_t n = 0, k = 0, total = 0;

	for (size_t i = 0; i < NCAPS; i++)
		total += (set & cap_names[i].need) != 0;
	out[0] = '\0';
	for (size_t i = 0; i < NCAPS && n < len; i++) {
		if (!(set & cap_names[i].need))
			continue;
		k++;
		n += (size_t)snprintf(out + n, len - n, "%s%s", k == 1 ? "" : k == total ? " and " : ", ",
				      cap_names[i].name);
	}
}

unsigned cli_caps_missing(unsigned need)
{
	struct caps c = {0};
	unsigned miss = 0;

	if (caps_get(&c))
		return 0; /* cannot tell: let the kernel decide */
	for (size_t i = 0; i < NCAPS; i++)
		if ((need & cap_names[i].need) && !has(c.eff, cap_names[i].cap))
			miss |= cap_names[i].need;
	return miss;
}

void cli_need_caps(const char *cmd, unsigned need, const char *what)
{
	unsigned miss = cli_caps_missing(need);
	char all[96], gone[96];

	if (!miss)
		return;
	list_caps(need, all, sizeof(all));
	list_caps(miss, gone, sizeof(gone));
	if (miss == need)
		cli_die(cmd, "%s needs %s (run as root, or see doc/privileges.md for setcap)",
			what ? what : "this", all);
	cli_die(cmd, "%s needs %s; %s %s missing (see doc/privileges.md)", what ? what : "this",
		all, gone, (miss & (miss - 1)) ? "are" : "is");
}

/* ---- the privilege drop ------------------------------------------------------------------ */

int cli_drop_prepare(struct cli_drop *d, const char *user, char *why, size_t whylen)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	struct passwd *pw = NULL;

	memset(d, 0, sizeof(*d));
	if (user) {
		char *end;
		unsigned long v;

		errno = 0;
		pw = getpwnam(user);
		if (!pw) {
			/* a number that names no account is still a uid to run as */
			v = strtoul(user, &end, 10);
			if (errno || end == user || *end || v == 0 || v > 0x7fffffff) {
				snprintf(why, whylen, "--user %s: no such user", user);
				return -ENOENT;
			}
			d->uid = (uid_t)v;
			d->gid = (gid_t)v;
		} else {
			d->uid = pw->pw_uid;
			d->gid = pw->pw_gid;
		}
		if (d->uid == 0) {
			snprintf(why, whylen, "--user %s: that is root; name an unprivileged user", user);
			return -EINVAL;
		}
		d->active = true;
	} else if (getuid() == 0 && su && sg) {
		/* Under sudo: back to the user who asked, not a root that was only lent. */
		char *e1, *e2;
		unsigned long u = strtoul(su, &e1, 10), g = strtoul(sg, &e2, 10);

		if (*su && !*e1 && *sg && !*e2 && u != 0 && u <= 0x7fffffff && g <= 0x7fffffff) {
			d->uid = (uid_t)u;
			d->gid = (gid_t)g;
			d->active = true;
			pw = getpwuid(d->uid);
		}
	}
	if (pw && pw->pw_name)
		snprintf(d->name, sizeof(d->name), "%s", pw->pw_name);
	if (d->active && d->uid != geteuid() && !cli_caps_can_setuid()) {
		snprintf(why, whylen, "--user: switching users needs root (CAP_SETUID, CAP_SETGID)");
		return -EPERM;
	}
	return 0;
}

bool cli_caps_can_setuid(void)
{
	struct caps c = {0};

	if (caps_get(&c))
		return geteuid() == 0;
	return (c.eff & BIT(CAP_SETUID)) && (c.eff & BIT(CAP_SETGID));
}

/* Threads in this process. Capabilities and no_new_privs belong to a thread, not to the
 * process: a drop made while another thread runs would leave that thread privileged. */
static int nthreads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

int cli_drop_apply(const struct cli_drop *d, unsigned keep, char *why, size_t whylen)
{
	uint64_t kb = bits_of(keep);
	struct caps c = {0};
	int err;

	if (nthreads() > 1) {
		snprintf(why, whylen, "other threads are running (a bug: drop before starting any)");
		return -EBUSY;
	}
	if (caps_get(&c)) {
		snprintf(why, whylen, "capget: %s", strerror(errno));
		return -errno;
	}
	/* Keep only what we have: asking for more than the permitted set fails. */
	kb &= c.prm;
	if (d->active && d->uid != getuid()) {
		/* The capabilities we keep must survive setuid(): KEEPCAPS holds the permitted set
		 * over the uid change (the effective set is cleared; it is raised again below). */
		if (kb && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
			snprintf(why, whylen, "prctl(PR_SET_KEEPCAPS): %s", strerror(errno));
			return -errno;
		}
		/* Groups first, while we still may: the user's own, else just the primary one. */
		gid_t g = (gid_t)d->gid;

		if ((d->name[0] ? initgroups(d->name, g) : setgroups(1, &g)) != 0 ||
		    setresgid(d->gid, d->gid, d->gid) != 0) {
			snprintf(why, whylen, "cannot switch to group %u: %s", (unsigned)d->gid,
				 strerror(errno));
			return -errno;
		}
		if (setresuid(d->uid, d->uid, d->uid) != 0) {
			snprintf(why, whylen, "cannot switch to user %u: %s", (unsigned)d->uid,
				 strerror(errno));
			return -errno;
		}
		if (kb)
			prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	}
	/* Root, or a binary given file capabilities: everything but `keep` goes, for good. */
	err = caps_set(kb);
	if (err) {
		snprintf(why, whylen, "capset: %s", strerror(-err));
		return err;
	}
	/* Ambient capabilities would reach whatever we exec; and no exec may gain privileges. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(why, whylen, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -errno;
	}
	/* A drop that can be undone is no drop: make sure. */
	if (d->active && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(why, whylen, "could regain root after dropping to user %u", (unsigned)d->uid);
		return -EPERM;
	}
	return 0;
}

/* ---- the user's files, read with the user's rights before set-up ---------------------------- */

static bool borrowed;
static gid_t *root_groups;
static int root_ngroups;
static gid_t root_egid;

int cli_drop_borrow(const struct cli_drop *d, char *why, size_t whylen)
{
	gid_t g = (gid_t)d->gid;
	int n;

	/* Only root lends itself: euid 0 with the real and saved ids still 0 to come back to. */
	if (!d->active || borrowed || geteuid() != 0 || getuid() != 0)
		return 0;
	n = getgroups(0, NULL);
	root_groups = n > 0 ? calloc((size_t)n, sizeof(*root_groups)) : NULL;
	root_ngroups = n > 0 && root_groups ? getgroups(n, root_groups) : 0;
	root_egid = getegid();
	if ((d->name[0] ? initgroups(d->name, g) : setgroups(1, &g)) != 0 || setegid(g) != 0 ||
	    seteuid((uid_t)d->uid) != 0) {
		int e = errno;

		snprintf(why, whylen, "cannot read files as user %u: %s", (unsigned)d->uid,
			 strerror(e));
		borrowed = true;
		cli_drop_return(why, whylen);
		return -e;
	}
	borrowed = true;
	return 0;
}

int cli_drop_return(char *why, size_t whylen)
{
	int err = 0;

	if (!borrowed)
		return 0;
	/* euid first: back at 0 the permitted capabilities are effective again, which the group
	 * calls need. */
	if (seteuid(0) != 0 || setegid(root_egid) != 0 ||
	    setgroups((size_t)root_ngroups, root_groups) != 0) {
		err = -errno;
		snprintf(why, whylen, "cannot become root again after reading the user's files: %s",
			 strerror(errno));
	}
	free(root_groups);
	root_groups = NULL;
	borrowed = false;
	return err;
}

void cli_drop_or_die(const char *cmd, const struct cli_drop *d, unsigned keep)
{
	char why[160];

	if (cli_drop_apply(d, keep, why, sizeof(why)))
		cli_die(cmd, "dropping privileges: %s", why);
}
