/* SPDX-License-Identifier: MIT */
/* Unnamed output files given a name once complete (tmpfile.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpfile.h"

/* "PATH.tmp." and 6 random letters or digits into tmp (sized by the caller). */
static void tmp_name(char *tmp, size_t n, const char *path)
{
	static const char az[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint8_t rnd[6];
	char sfx[7];

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
		uint64_t x = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ (uintptr_t)tmp;
		memcpy(rnd, &x, sizeof(rnd));
	}
	for (int i = 0; i < 6; i++)
		sfx[i] = az[rnd[i] % (sizeof(az) - 1)];
	sfx[6] = '\0';
	snprintf(tmp, n, "%s.tmp.%s", path, sfx);
}

/* The directory `path` is in, for O_TMPFILE ("." for a bare name). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* A new file under a fresh temporary name: O_EXCL, never someone else's file. */
static int open_named(char *tmp, size_t n, const char *path)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd;

		tmp_name(tmp, n, path);
		fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int wc_tmpfile_open(const char *path, char **tmp)
{
	size_t n = strlen(path) + sizeof(".tmp.XXXXXX");
	char *dir = dir_of(path);
	int fd = -1;

	*tmp = malloc(n);
	if (!*tmp || !dir) {
		free(dir);
		free(*tmp);
		*tmp = NULL;
		return -ENOMEM;
	}
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
	free(dir);
	if (fd >= 0) {
		tmp_name(*tmp, n, path);
		return fd;
	}
	/* no O_TMPFILE here (old kernel, filesystem without it): named from the start */
	if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
		fd = open_named(*tmp, n, path);
	else
		fd = -errno;
	if (fd < 0) {
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

/* Copy the unnamed file into a new named one: for a process that can name it neither
 * through /proc/self/fd (not readable once privileges are dropped) nor by AT_EMPTY_PATH
 * (CAP_DAC_READ_SEARCH). */
static int copy_to_named(int fd, char *tmp, size_t n, const char *path)
{
	char buf[65536];
	off_t off = 0;
	int out = open_named(tmp, n, path), err = 0;

	if (out < 0)
		return out;
	for (;;) {
		ssize_t r = pread(fd, buf, sizeof(buf), off), w = 0;

		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		while (w < r) {
			ssize_t k = write(out, buf + w, (size_t)(r - w));
			if (k < 0) {
				err = -errno;
				break;
			}
			w += k;
		}
		if (err)
			break;
		off += r;
	}
	if (!err && fsync(out))
		err = -errno;
	if (close(out) && !err)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* The unnamed file under a fresh temporary name (a name taken meanwhile: another). */
static int name_it(int fd, char *tmp, const char *path)
{
	size_t n = strlen(path) + sizeof(".tmp.XXXXXX");
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	for (int tries = 0; tries < 100; tries++) {
		if (tries)
			tmp_name(tmp, n, path);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0 ||
		    linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH) == 0)
			return 0;
		if (errno != EEXIST)
			return copy_to_named(fd, tmp, n, path);
	}
	return -EEXIST;
}

int wc_tmpfile_commit(int fd, char *tmp, const char *path)
{
	struct stat st;
	int err;

	if (fstat(fd, &st))
		return -errno;
	if (st.st_nlink == 0 && (err = name_it(fd, tmp, path)))
		return err;
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

void wc_tmpfile_discard(int fd, const char *tmp)
{
	struct stat st;

	/* an unnamed file has nothing to remove: it goes with its last descriptor */
	if (tmp && fstat(fd, &st) == 0 && st.st_nlink > 0)
		unlink(tmp);
}
