# Request/reply matching against Scapy (tests/oracle/match_run.py); included by the
# Makefile, which runs test-match as a step of `make test`.
#   make test-match    regenerate the Scapy expectations when needed, then compare
#                      `wirecraft match` and the library (build/oracle/match_harness) with
#                      Scapy's answers(), hashret() and sr() pairs on every case

MATCH_HARNESS := $(B)/oracle/match_harness

$(MATCH_HARNESS): tests/oracle/match_harness.c $(B)/libwirecraft.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -o $@ $< $(B)/libwirecraft.a $(LDLIBS)

.PHONY: test-match
test-match: $(B)/wirecraft $(MATCH_HARNESS)
	WIRECRAFT=$(B)/wirecraft MATCH_HARNESS=$(MATCH_HARNESS) /usr/bin/python3 tests/oracle/match_run.py

TEST_STEPS += test-match
