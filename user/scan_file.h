/* SPDX-License-Identifier: MIT */
/* Output files of a scan (results, metadata, state), written complete or not at all: a regular
 * file (or a new one) goes to "PATH.tmp.XXXXXX" next to it and is renamed into place; anything
 * else (/dev/null, /dev/stdout, a FIFO, a symlink) is written in place, as it is: renaming over
 * it would replace a device node or a link with a plain file. Internal to the library. */
#ifndef WIRECRAFT_SCAN_FILE_H
#define WIRECRAFT_SCAN_FILE_H

/* Open for writing. Returns the fd, or -errno; *tmp gets the temporary name to commit (NULL:
 * written in place). The file's mode is 0666 less the umask, as creat() gives. */
int wc_scan_file_open(const char *path, char **tmp);
/* Finish: on success sync and rename into place; on failure (err != 0) remove the temporary.
 * Closes fd, frees tmp. Returns err, or the first error of finishing. */
int wc_scan_file_commit(int fd, const char *path, char *tmp, int err);

#endif
