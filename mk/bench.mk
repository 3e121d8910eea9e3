# Benchmarks (bench/README.md). Included by the main Makefile: `make bench-build` builds the
# bench programs against the library with the normal flags (no -march=native); `make bench`
# installs missing packages (deps, as every entry point does), builds, and runs bench/run.sh.
# bench-run carries the recipe so that `bench` itself keeps none here.

BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(B)/bench/%)

.PHONY: bench-build bench-run

bench-build: $(BENCH_BINS)

$(B)/bench/%: bench/%.c $(B)/libwirecraft.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -o $@ $< $(B)/libwirecraft.a $(LDLIBS)

bench-run: deps
	@$(MAKE) --no-print-directory bench-build
	B=$(B) bench/run.sh

bench: bench-run
