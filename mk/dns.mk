# DNS (issue 10). Included by the Makefile.
#   make test-dns    tests/net/test_dns.sh alone (root): dnsmasq in a private namespace pair,
#                    a captured exchange dissected and paired as Scapy does, sr/sr1 by DNS id.
#                    `make test-net` runs it too (every tests/net/test_*.sh), so it is not
#                    added to TEST_STEPS a second time.
.PHONY: test-dns

test-dns: all
	WIRECRAFT=$(abspath $(B)/wirecraft) bash tests/net/test_dns.sh
