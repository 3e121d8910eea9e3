# The send benchmark (bench/send/, its section in bench/README.md). Included by the main
# Makefile. `make bench-send` (root) installs the build dependencies, builds wirecraft and the
# receiving-end counter (bench/send/counter.c with bpf/count.bpf.c embedded as a skeleton), and
# runs bench/send/run.sh, which installs the peer tools it compares with and sets up its own
# veth pair. `make bench` runs it too, after the build/dissect benchmarks (never alongside them:
# two benchmarks at once on a 2-vCPU machine would measure each other).

BENCH_SEND_COUNTER := $(B)/bench/send/counter

.PHONY: bench-send bench-send-build

bench-send-build: $(B)/wirecraft $(BPF_OBJS) $(BENCH_SEND_COUNTER)

# An explicit rule: mk/bench.mk's pattern $(B)/bench/% would otherwise claim it.
$(BENCH_SEND_COUNTER): bench/send/counter.c $(B)/bpf/count.skel.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I$(B)/bpf $(ALLCFLAGS) -o $@ $< -lbpf -lelf -lz

bench-send: deps
	@$(MAKE) --no-print-directory bench-send-build
	B=$(B) bench/send/run.sh

bench: bench-send

ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-send: | bench-run
endif
