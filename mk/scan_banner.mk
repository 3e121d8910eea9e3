# Banner scans (wirecraft scan --banners, user/banner*.c, user/tls_parse.c) and UDP probe
# modules (user/udp_probes.c); included by the Makefile after mk/fuzz.mk. The TLS certificate
# goes through OpenSSL's X.509 parser (libssl-dev), which the library, the tools and the
# fuzzers link.
LDLIBS      += -lssl -lcrypto
FUZZ_LDLIBS += -lssl -lcrypto

# The live tests on their own (root). `make test` runs them already, in test-net (every
# tests/net/test_*.sh), so they are not added to TEST_STEPS a second time.
.PHONY: test-banners test-udp-probes
test-banners: all
	WIRECRAFT=$(abspath $(B)/wirecraft) bash tests/net/test_banners.sh
test-udp-probes: all
	WIRECRAFT=$(abspath $(B)/wirecraft) bash tests/net/test_udp_probes.sh

# The banner benchmark (bench/banner/run.sh, its table in bench/banner/README.md): wirecraft
# --banners against masscan --banners on one private veth pair, nginx in the peer namespace.
.PHONY: bench-banner
bench-banner: deps
	@$(MAKE) --no-print-directory all
	B=$(B) bench/banner/run.sh

bench: bench-banner
ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-banner: | bench-scan
endif

# The UDP module benchmark (bench/udp/run.sh, bench/udp/README.md): udp:ntp against ZMap's ntp.
.PHONY: bench-udp
bench-udp: deps
	@$(MAKE) --no-print-directory all
	B=$(B) bench/udp/run.sh

bench: bench-udp
ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-udp: | bench-banner
endif
