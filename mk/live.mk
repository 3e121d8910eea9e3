# The live-frames engine (user/live.c, bpf/livegen.bpf.c). Included by the main Makefile after
# mk/bpf.mk's rules: the library object embeds the program's skeleton and shares its plan
# layout (bpf/livegen.h) with it.
LIVE_LIB_OBJS := $(B)/obj/user/live.o $(B)/san/user/live.o
$(LIVE_LIB_OBJS): $(B)/bpf/livegen.skel.h
$(LIVE_LIB_OBJS): CPPFLAGS += -I$(B)/bpf -Ibpf

# `make bench-live` (root): live frames against AF_XDP on a veth pair (bench/live.sh, its
# section in bench/README.md). The receiving-end counter is the send benchmark's
# (bench/send/counter, mk/bench_send.mk). `make bench` runs it last: never two benchmarks at
# once on a small machine.
.PHONY: bench-live bench-live-build
bench-live-build: $(B)/wirecraft $(BPF_OBJS) $(B)/bench/send/counter

bench-live: deps
	@$(MAKE) --no-print-directory bench-live-build
	B=$(B) bench/live.sh

bench: bench-live

ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-live: | bench-send
endif
