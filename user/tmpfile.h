/* SPDX-License-Identifier: MIT */
/* Output files that appear whole or not at all, even when the process is killed with SIGKILL
 * halfway: the data goes to an unnamed file (O_TMPFILE) in the target's directory, which gets
 * a name only when it is complete ("PATH.tmp.XXXXXX", at once renamed to PATH). A kill before
 * that leaves nothing for the user to find and remove. Where the filesystem has no O_TMPFILE
 * the file is made under its temporary name at the start, as before. Internal to the library. */
#ifndef WIRECRAFT_TMPFILE_H
#define WIRECRAFT_TMPFILE_H

/* Open a new file to become `path`: returns an fd opened O_RDWR|O_CLOEXEC with the mode
 * 0666 less the umask, or -errno. *tmp gets the temporary name it goes by on the way
 * (malloc'd; the caller frees it). */
int wc_tmpfile_open(const char *path, char **tmp);
/* Give the complete file its name: `path` now holds it (the caller synced it first). fd stays
 * open. On failure nothing is left under `tmp`, and -errno is returned. */
int wc_tmpfile_commit(int fd, char *tmp, const char *path);
/* Give up on the file: remove its temporary name if it has one. fd stays open. */
void wc_tmpfile_discard(int fd, const char *tmp);

#endif
