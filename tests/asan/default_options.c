/* Linked into make test-asan's sanitized binaries only (mk/asan.mk): the sanitizers' options,
 * compiled in. The environment can override them, but is not always read: a binary with file
 * capabilities (tests/net/test_privs.sh) runs non-dumpable and does not take them: its
 * reports went to stderr with exit status 1, which tests that expect a failure or swallow
 * stderr cannot tell from their own. Here every report goes to a file of its own in
 * WC_SAN_LOG_DIR (the step fails if one appears) and a report turns the exit status into 23. */
#ifndef WC_SAN_LOG_DIR
#error "WC_SAN_LOG_DIR: the directory for the reports (mk/asan.mk sets it)"
#endif

const char *__asan_default_options(void);
const char *__lsan_default_options(void);
const char *__ubsan_default_options(void);
int __lsan_is_turned_off(void);

/* tools/cli.c; weak: the canary has no CLI */
extern volatile int cli_error_exit __attribute__((weak));

/* fast_unwind_on_malloc=0: libbpf and libxdp have no frame pointers, and the fast unwinder
 * stops in them; the suppressions (tests/asan/lsan.supp) name a libxdp function that only a
 * full stack shows, and only a full stack tells a libxdp leak from one of ours (slower: the
 * oracle took 7 s instead of 6). */
const char *__asan_default_options(void)
{
	return "detect_leaks=1:exitcode=23:abort_on_error=0:fast_unwind_on_malloc=0:"
	       "log_path=" WC_SAN_LOG_DIR "/asan";
}

const char *__lsan_default_options(void)
{
	return "suppressions=" WC_LSAN_SUPP ":print_suppressions=0";
}

/* -fno-sanitize-recover=all makes every check fatal; halt_on_error says so to the runtime. */
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1:exitcode=23:log_path=" WC_SAN_LOG_DIR "/ubsan";
}

/* Leak checks are for the normal paths (a run to its end, a clean stop on SIGINT/SIGTERM): an
 * error exit (cli_die) ends the process where it stands and frees nothing on purpose, and
 * the compiler may already have dropped the last pointer to what it held. */
int __lsan_is_turned_off(void)
{
	return &cli_error_exit && cli_error_exit;
}
