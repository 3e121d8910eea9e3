# Static analysis and the clang build (issue 6, requirement 7). Included by the Makefile after
# mk/bpf.mk (the library's skeleton headers must exist to analyse user/xdp.c and friends).
#   make lint        clang-tidy (.clang-tidy) on every source of user/, tools/ and python/src, one stamp per
#                    file in $(B)/lint so that a second run redoes only what changed; then
#                    cppcheck (tests/lint/wirecraft.cfg, tests/lint/cppcheck.supp). bpf/ is the
#                    verifier's and tests/bpf's, not this.
#   make test-clang  the library, the CLI, the unit tests and the BPF harness built with clang
#                    -Wall -Wextra -Werror in $(B)/clang (the main build is gcc's), then the unit
#                    tests run (clang's ASan/UBSan see other things than gcc's).
# Both are steps of `make test`. Needs clang-tidy and cppcheck (scripts/install-deps.sh).

CLANG_TIDY ?= clang-tidy
CPPCHECK   ?= cppcheck
LINT_DIR   := $(B)/lint
LINT_JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
# The Python module's C (python/src) too: it is the library's code as much as the CLI is. (Its
# own makefile, mk/python.mk, is read after this one: hence the wildcard, not PY_SRCS.)
LINT_PY_SRCS := $(wildcard python/src/*.c)
LINT_SRCS  := $(LIB_SRCS) $(TOOL_SRCS) $(LINT_PY_SRCS)
LINT_STAMPS := $(LINT_SRCS:%.c=$(LINT_DIR)/tidy/%.ok)
# Any header may change what a file means: a stamp is redone when one does.
LINT_HDRS  := $(wildcard user/*.h user/include/wirecraft/*.h user/proto/*.h tools/*.h bpf/*.h python/src/*.h)
# The skeletons are generated code: system headers, so their findings are not ours. bpf/ for
# the headers it shares with userspace (bpf/cookie.h), outside the analysed set too.
LINT_CFLAGS := -std=gnu11 $(CPPFLAGS) -Ibpf -isystem $(B)/bpf -DWC_VERSION=\"lint\"

.PHONY: lint lint-tidy lint-cppcheck test-clang

lint:
	@$(MAKE) --no-print-directory -k -j$(LINT_JOBS) lint-tidy
	@$(MAKE) --no-print-directory lint-cppcheck
	@echo "lint: clang-tidy and cppcheck clean ($(words $(LINT_SRCS)) files)"

lint-tidy: $(LINT_STAMPS)

$(LINT_DIR)/tidy/%.ok: %.c .clang-tidy tests/lint/tidy.sh $(LINT_HDRS) | $(BPF_SKELS)
	@mkdir -p $(@D)
	@echo "clang-tidy $<"
	@CLANG_TIDY=$(CLANG_TIDY) tests/lint/tidy.sh $< $(LINT_CFLAGS) $(LINT_EXTRA)
	@touch $@

# Python's headers, as system headers (their findings are CPython's). A recursive variable:
# PY_INC is set by mk/python.mk, read after this file.
$(LINT_PY_SRCS:%.c=$(LINT_DIR)/tidy/%.ok): LINT_EXTRA = -isystem $(PY_INC)

# -D_Noreturn: cppcheck 2.10 does not know C11's _Noreturn, and without it every cli_die()
# looks like it returns. Giving a -D also limits cppcheck to the one configuration we build.
# --library=python: cppcheck's own description of CPython's macros (Py_RETURN_NONE returns).
lint-cppcheck: | $(BPF_SKELS)
	@mkdir -p $(LINT_DIR)/cppcheck
	$(CPPCHECK) --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
		--inline-suppr --library=tests/lint/wirecraft.cfg --library=python \
		--suppressions-list=tests/lint/cppcheck.supp --cppcheck-build-dir=$(LINT_DIR)/cppcheck \
		-D_Noreturn='__attribute__((noreturn))' -j$(LINT_JOBS) --template=gcc \
		$(CPPFLAGS) -Ibpf user tools python/src

# The sanitizer objects are only ever prerequisites of the unit tests' pattern rule, which makes
# them intermediate files that make deletes after each run: kept, so that a second run of
# test-unit or test-clang does not rebuild the whole library.
.SECONDARY: $(SAN_OBJS)

# The clang build lives in its own tree: a sub-make with B and CC changed builds exactly what
# the main build does, with the same flags (WARN has -Werror).
CLANG_B := $(B)/clang
test-clang:
	@$(MAKE) --no-print-directory -j$(LINT_JOBS) B=$(CLANG_B) CC=clang all \
		$(UNIT_SRCS:tests/unit/%.c=$(CLANG_B)/tests/%) $(CLANG_B)/bpftest/bpf_run
	@set -e; for t in $(UNIT_SRCS:tests/unit/%.c=$(CLANG_B)/tests/%); do \
		$$t > $$t.log 2>&1 || { cat $$t.log; echo "test-clang: $$t failed"; exit 1; }; done
	@echo "test-clang: library, CLI, $(words $(UNIT_SRCS)) unit tests and the BPF harness built with clang -Werror; unit tests pass"

TEST_STEPS += lint test-clang
