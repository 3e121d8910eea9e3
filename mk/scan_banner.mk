# Banner scans (wirecraft scan --banners, user/banner*.c, user/tls_parse.c) and UDP probe
# modules; included by the Makefile after mk/fuzz.mk. The TLS certificate goes through
# OpenSSL's X.509 parser (libssl-dev), which the library, the tools and the fuzzers link.
LDLIBS      += -lssl -lcrypto
FUZZ_LDLIBS += -lssl -lcrypto

.PHONY: test-banners
test-banners: all
	WIRECRAFT=$(abspath $(B)/wirecraft) bash tests/net/test_banners.sh
TEST_STEPS += test-banners
