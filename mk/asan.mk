# The whole test suite against a sanitized CLI (issue 6). Included by the Makefile, which runs
# test-asan as a step of `make test`.
#   make test-asan    build the CLI with ASan+UBSan (clang) as $(B)/clang/asan/wirecraft, run
#                     tests/cli, the Scapy oracles (tests/oracle/run.py and match_run.py)
#                     and (as root) tests/net against it with
#                     LeakSanitizer on, then a few normal-path commands of the plain build under
#                     valgrind (tests/asan/run.sh). Any sanitizer report fails the step: the
#                     reports go to files under $(B)/clang/asan/logs (tests often swallow
#                     stderr), and the step fails if one appears.
# Timing and findings: tests/README.md, "Sanitizers and leaks".
#
# Why clang: with gcc 12, UBSan (libubsan, beside libasan) ignores log_path and writes to
# stderr only, so a test that swallows stderr and expects a failure would hide it; clang's
# runtime writes every report, UBSan's included, to the log file. The library objects are
# the clang tree's sanitizer objects ($(B)/clang/san, mk/lint.mk), built once for both
# test-clang and this step; gcc's ASan/UBSan still runs the unit tests (test-unit).

# Rules for the sub-make that runs with B=$(B)/clang CC=clang: there $(B) is the clang tree.
ASAN_DIR       := $(B)/asan
ASAN_CLI       := $(ASAN_DIR)/wirecraft
ASAN_TOOL_OBJS := $(TOOL_SRCS:%.c=$(ASAN_DIR)/obj/%.o)
ASAN_BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(B)/bpf/%.bpf.o,$(wildcard bpf/*.bpf.c))
# Where every sanitizer report goes (one file per report; the step fails if one is there).
ASAN_LOGS      := $(abspath $(ASAN_DIR)/logs)
ASAN_OPT_OBJ   := $(ASAN_DIR)/obj/tests/asan/default_options.o

# The same flags as the library's sanitizer objects ($(B)/san).
$(ASAN_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -O1 $(SAN) -c $< -o $@

$(ASAN_DIR)/obj/tools/main.o: CPPFLAGS += -DWC_VERSION=\"$(VERSION)\"
# The sanitizers' options, compiled in (tests/asan/default_options.c says why).
$(ASAN_OPT_OBJ): CPPFLAGS += -DWC_SAN_LOG_DIR=\"$(ASAN_LOGS)\" \
	-DWC_LSAN_SUPP=\"$(abspath tests/asan/lsan.supp)\"
$(ASAN_OPT_OBJ): mk/asan.mk

# The net tests attach XDP objects with `ip link` from next to the binary
# ($(dirname WIRECRAFT)/bpf): the clang tree's own.
$(ASAN_CLI): $(ASAN_TOOL_OBJS) $(ASAN_OPT_OBJ) $(SAN_OBJS) $(ASAN_BPF_OBJS)
	$(CC) -O1 $(SAN) -o $@ $(ASAN_TOOL_OBJS) $(ASAN_OPT_OBJ) $(SAN_OBJS) $(LDLIBS)
	ln -sfn ../bpf $(ASAN_DIR)/bpf

# Leaks and overflows a shift on purpose: proves that reports reach $(ASAN_LOGS).
$(ASAN_DIR)/canary: $(ASAN_DIR)/obj/tests/asan/canary.o $(ASAN_OPT_OBJ)
	$(CC) -O1 $(SAN) -o $@ $^

.PHONY: asan-cli test-asan
asan-cli: $(ASAN_CLI) $(ASAN_DIR)/canary

# valgrind on the plain gcc build: what ASan cannot see (uninitialized reads) and a second
# opinion on leaks, for the normal paths of the offline commands.
VALGRIND = valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1

# In the top-level make, the clang tree is $(B)/clang.
ASAN_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# $(B)/oracle/match_harness: mk/match.mk's (plain library), for the match oracle's library half.
test-asan: $(B)/wirecraft $(B)/oracle/match_harness
	@$(MAKE) --no-print-directory -j$(ASAN_JOBS) B=$(B)/clang CC=clang asan-cli
	@B=$(B) ASAN_DIR=$(B)/clang/asan ASAN_LOGS=$(abspath $(B)/clang/asan/logs) \
		MATCH_HARNESS=$(B)/oracle/match_harness VALGRIND="$(VALGRIND)" tests/asan/run.sh

TEST_STEPS += test-asan
