/* SPDX-License-Identifier: MIT */
/* Helpers shared by the wirecraft subcommands: one-line errors, number and hex parsing,
 * expressions with a caret under the error, output that grows to fit. */
#ifndef WIRECRAFT_CLI_H
#define WIRECRAFT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecraft/pkt.h"
#include "wirecraft/set.h"

#define CLI_EXIT_FAIL 1  /* the work failed: bad input, missing file, I/O error */
#define CLI_EXIT_USAGE 2 /* the command line is wrong */

#ifndef WC_VERSION
#define WC_VERSION "unknown" /* mk/cli.mk passes the Makefile's VERSION */
#endif

/* "wirecraft: <what>: <why>" on stderr, then exit 1. */
_Noreturn void cli_die(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for a negative errno. */
_Noreturn void cli_die_err(const char *what, int err);
/* The same line without exiting. */
void cli_warn(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "wirecraft: <cmd>: <why> (see 'wirecraft <cmd> --help')", then exit 2. */
_Noreturn void cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A decimal (or 0x hex) unsigned option value, or a usage error naming the option. */
uint64_t cli_opt_u64(const char *cmd, const char *opt, const char *arg);

/* A number with an optional k, M or G suffix (rates, bandwidths, seconds): positive, or also
 * zero when zero_ok; else a usage error naming the option. */
double cli_opt_si(const char *cmd, const char *opt, const char *arg, bool zero_ok);

/* A protocol by its Scapy class name, or a usage error. */
const struct wc_proto *cli_layer(const char *cmd, const char *name);

/* The positional arguments joined by spaces: an expression may come in several words. */
char *cli_join(int argc, char **argv);

/* Parse an expression. On error print
 *   wirecraft: expression: col N: MSG
 *     EXPR
 *        ^
 * and exit 1. */
struct wc_set *cli_parse_expr(const char *expr);

/* Host defaults from an interface (-i): fill what the expression left unset (Ether
 * addresses, IP/IPv6/ARP sources) from `ifname`. Returns 0 or -errno. */
int cli_apply_iface(const char *ifname, struct wc_set *set);

/* Hex digits to bytes. Returns 0, or -EINVAL with `why` saying what is wrong. */
int cli_unhex(const char *s, size_t n, uint8_t *out, size_t cap, size_t *len, char *why,
	      size_t whylen);

/* A formatter's output in a buffer that grows to fit (freed by cli_buf_free), and its
 * length (a summary hook may write any byte, NUL included). Exits on errors. */
struct cli_buf {
	char *p;
	size_t cap;
};
typedef int (*cli_fmt_fn)(const struct wc_pkt *p, char *out, size_t cap);
size_t cli_format(struct cli_buf *b, cli_fmt_fn fn, const struct wc_pkt *p);
void cli_buf_free(struct cli_buf *b);
/* cli_format, then cli_out of the text. One call, because `cli_out(b->p, cli_format(b, ...))`
 * may read b->p before cli_format reallocates it (argument order is unspecified: clang's
 * order wrote from a NULL or freed buffer). */
void cli_out_format(struct cli_buf *b, cli_fmt_fn fn, const struct wc_pkt *p);

/* Write s to stdout; flush stdout and exit 1 on a write error ("wirecraft: stdout: ..."). */
void cli_out(const char *s, size_t n);
void cli_flush(void);

/* Signals that should stop a long run cleanly (SIGINT, SIGTERM, SIGPIPE, SIGHUP): after
 * cli_catch_signals(), cli_stop is set instead of the process dying. */
extern volatile int cli_stop;
/* Set by the error exits (cli_die, cli_usage, a bad expression) just before exit(). */
extern volatile int cli_error_exit;
void cli_catch_signals(void);

/* ---- privileges (cli_caps.c, doc/privileges.md) ---- */

/* Capabilities a command may need: checked up front by cli_need_caps, kept by cli_drop_*. */
#define CLI_CAP_NET_RAW   1u /* packet sockets, AF_XDP sockets */
#define CLI_CAP_NET_ADMIN 2u /* attaching XDP programs, promiscuous mode */
#define CLI_CAP_BPF       4u /* loading BPF programs and maps (CAP_SYS_ADMIN also does) */
#define CLI_CAP_PERFMON   8u /* the verifier's full pointer rules (CAP_SYS_ADMIN also does) */
#define CLI_CAP_DAC_OVERRIDE 16u /* only ever kept: plain root finishing an output file where
				    root may write but uid 0 alone could not */

/* The CLI_CAP_* of `need` that the process lacks in its effective set (0: none, or no way to
 * tell, in which case the kernel will). */
unsigned cli_caps_missing(unsigned need);
/* If any is missing: "wirecraft: <cmd>: <what> needs CAP_X and CAP_Y (run as root, or see
 * doc/privileges.md for setcap)", exit 1. what: e.g. "capturing", "--steal". */
void cli_need_caps(const char *cmd, unsigned need, const char *what);
/* Whether the process may switch users (CAP_SETUID and CAP_SETGID). */
bool cli_caps_can_setuid(void);

/* Whom to become after setup: --user USER, or under sudo the user who ran sudo (SUDO_UID,
 * SUDO_GID). active is false when there is nobody to become (plain root, or not root). */
struct cli_drop {
	bool active;
	unsigned uid, gid;
	char name[64]; /* for the user's supplementary groups; empty: the primary group only */
};
/* Resolve the target before setup, so that a bad --user fails before anything is opened.
 * Returns 0 or -errno with `why` set. */
int cli_drop_prepare(struct cli_drop *d, const char *user, char *why, size_t whylen);
/* After setup (sockets open, programs loaded), before reading the network or creating output
 * files: become d's user if active, keep only the capabilities in `keep` (CLI_CAP_*, 0 for
 * none) whoever we are, and forbid regaining any (no_new_privs). Call it while the process has
 * one thread: capabilities are per thread (it refuses otherwise). Returns 0 or -errno. */
int cli_drop_apply(const struct cli_drop *d, unsigned keep, char *why, size_t whylen);
/* The same, or "wirecraft: <cmd>: dropping privileges: <why>" and exit 1. */
void cli_drop_or_die(const char *cmd, const struct cli_drop *d, unsigned keep);
/* Before set-up, root reads the files the user named (targets, state) with the user's rights:
 * borrow switches the effective ids and groups to d's user (nothing when d is not active or we
 * are not root), return switches back. Returns 0 or -errno with `why` set. */
int cli_drop_borrow(const struct cli_drop *d, char *why, size_t whylen);
int cli_drop_return(char *why, size_t whylen);

int cmd_build(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_dissect(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_reflect(int argc, char **argv);
int cmd_sniff(int argc, char **argv);
int cmd_sr(int argc, char **argv);
int cmd_sr1(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_xdp_clean(int argc, char **argv);
int cmd_traceroute(int argc, char **argv); /* traceroute */

#endif
