/* SPDX-License-Identifier: MIT */
/* Helpers shared by the subcommands. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wirecraft/proto.h"

volatile int cli_stop;
volatile int cli_error_exit;

/* Every error exit of the CLI. The process ends where it stands, holding what it holds: only
 * the normal paths free everything, and the sanitizer build's leak check looks at those only
 * (tests/asan/default_options.c reads the flag). */
__attribute__((noreturn)) static void error_exit(int status)
{
	cli_error_exit = 1;
	exit(status);
}

static void vline(const char *what, const char *fmt, va_list ap)
{
	fflush(stdout); /* keep stdout's lines before ours when both go to one terminal */
	fprintf(stderr, "wirecraft: %s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_die(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(what, fmt, ap);
	va_end(ap);
	error_exit(CLI_EXIT_FAIL);
}

void cli_die_err(const char *what, int err)
{
	cli_die(what, "%s", strerror(err < 0 ? -err : err));
}

void cli_warn(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(what, fmt, ap);
	va_end(ap);
}

void cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "wirecraft: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'wirecraft %s --help')\n", cmd);
	error_exit(CLI_EXIT_USAGE);
}

uint64_t cli_opt_u64(const char *cmd, const char *opt, const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!arg || !*arg || *arg == '-' || *arg == '+' || *arg == ' ')
		cli_usage(cmd, "%s needs a number, not '%s'", opt, arg ? arg : "");
	v = strtoull(arg, &end, 0);
	if (errno || *end)
		cli_usage(cmd, "%s needs a number, not '%s'", opt, arg);
	return v;
}

const struct wc_proto *cli_layer(const char *cmd, const char *name)
{
	const struct wc_proto *pr = wc_proto_find(name);

	if (!pr)
		cli_usage(cmd, "unknown layer '%s'", name);
	return pr;
}

char *cli_join(int argc, char **argv)
{
	size_t n = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = malloc(n);
	if (!s)
		cli_die_err("memory", -ENOMEM);
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* The expression again, with a caret under byte column `col` (1-based). Tabs stay tabs in
 * the padding so the caret lines up; control characters are shown as spaces; a UTF-8
 * character takes one column. */
static void show_caret(const char *expr, int col)
{
	size_t n = strlen(expr);

	fputs("  ", stderr);
	for (size_t i = 0; i < n; i++)
		fputc((unsigned char)expr[i] < 0x20 && expr[i] != '\t' ? ' ' : expr[i], stderr);
	fputs("\n  ", stderr);
	for (size_t i = 0; i + 1 < (size_t)col && i < n; i++) {
		unsigned char c = (unsigned char)expr[i];

		if (c == '\t')
			fputc('\t', stderr);
		else if ((c & 0xc0) != 0x80)
			fputc(' ', stderr);
	}
	fputs("^\n", stderr);
}

struct wc_set *cli_parse_expr(const char *expr)
{
	struct wc_set *s = NULL;
	struct wc_err err = {0};
	int rc = wc_set_parse(expr, &s, &err);

	if (rc == 0)
		return s;
	if (rc != -EINVAL)
		cli_die_err("expression", rc);
	fflush(stdout);
	if (err.col > 0) {
		fprintf(stderr, "wirecraft: expression: col %d: %s\n", err.col, err.msg);
		show_caret(expr, err.col);
	} else {
		fprintf(stderr, "wirecraft: expression: %s\n", err.msg[0] ? err.msg : "invalid");
	}
	error_exit(CLI_EXIT_FAIL);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cli_unhex(const char *s, size_t n, uint8_t *out, size_t cap, size_t *len, char *why,
	      size_t whylen)
{
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0) {
			unsigned char c = (unsigned char)s[i];

			if (c > 0x20 && c < 0x7f)
				snprintf(why, whylen, "'%c' at column %zu is not a hex digit", c, i + 1);
			else
				snprintf(why, whylen, "byte 0x%02x at column %zu is not a hex digit", c,
					 i + 1);
			return -EINVAL;
		}
	if (n == 0) {
		snprintf(why, whylen, "no hex digits");
		return -EINVAL;
	}
	if (n % 2) {
		snprintf(why, whylen, "odd number of hex digits (%zu)", n);
		return -EINVAL;
	}
	if (n / 2 > cap) {
		snprintf(why, whylen, "%zu bytes, more than the %zu a packet can have", n / 2, cap);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i += 2)
		out[i / 2] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
	*len = n / 2;
	return 0;
}

size_t cli_format(struct cli_buf *b, cli_fmt_fn fn, const struct wc_pkt *p)
{
	for (int round = 0; round < 2; round++) {
		int n = fn(p, b->p, b->cap);

		if (n < 0)
			cli_die_err("format", n);
		if ((size_t)n < b->cap)
			return (size_t)n;
		/* snprintf contract: n is what the text needs; grow once and write again. */
		char *np = realloc(b->p, (size_t)n + 1);

		if (!np)
			cli_die_err("memory", -ENOMEM);
		b->p = np;
		b->cap = (size_t)n + 1;
	}
	cli_die("format", "output length changed between two calls");
}

void cli_out_format(struct cli_buf *b, cli_fmt_fn fn, const struct wc_pkt *p)
{
	size_t n = cli_format(b, fn, p);

	cli_out(b->p, n);
}

void cli_buf_free(struct cli_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->cap = 0;
}

void cli_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		cli_die_err("stdout", errno ? -errno : -EIO);
}

void cli_out(const char *s, size_t n)
{
	if (fwrite(s, 1, n, stdout) != n)
		cli_die_err("stdout", errno ? -errno : -EIO);
}

static void on_signal(int sig)
{
	(void)sig;
	cli_stop = 1;
}

void cli_catch_signals(void)
{
	struct sigaction sa;
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: a blocked write returns */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

double cli_opt_si(const char *cmd, const char *opt, const char *arg, bool zero_ok)
{
	char *end;
	double v = strtod(arg, &end), mul = 1;

	if (*end == 'k' || *end == 'K')
		mul = 1e3, end++;
	else if (*end == 'M')
		mul = 1e6, end++;
	else if (*end == 'G')
		mul = 1e9, end++;
	if (end == arg || *end || !(v > 0 || (zero_ok && v == 0)))
		cli_usage(cmd, "%s wants a %s number, not '%s'", opt,
			  zero_ok ? "non-negative" : "positive", arg);
	return v * mul;
}
