# The XDP programs against hostile frames (tests/bpf/, its section in tests/README.md).
# Included by the Makefile after mk/bpf.mk: the harness links the programs' skeletons.
#   make test-bpf   build $(B)/bpftest/bpf_run and run every program in its table over the
#                   generated frames and the dissector fuzz corpora (the committed seeds, and
#                   the corpus `make fuzz` grew, if there is one) with BPF_PROG_RUN.
#                   Root only; under CI=true a skip is a failure. Ends "bpf: N passed, M failed".

BPFTEST_BIN  := $(B)/bpftest/bpf_run
BPFTEST_SRCS := $(wildcard tests/bpf/*.c) user/bpf_features.c
BPFTEST_CORPORA := $(wildcard tests/fuzz/corpus/dissect $(B)/fuzz/corpus-dissect)

$(BPFTEST_BIN): $(BPFTEST_SRCS) tests/bpf/harness.h bpf/cookie.h $(B)/bpf/reflect.skel.h $(B)/bpf/steer.skel.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I$(B)/bpf -Ibpf $(ALLCFLAGS) -o $@ $(BPFTEST_SRCS) -lbpf -lelf -lz

.PHONY: test-bpf
test-bpf: $(BPFTEST_BIN)
	$(BPFTEST_BIN) $(addprefix -c ,$(BPFTEST_CORPORA))

TEST_STEPS += test-bpf
