# The DNS benchmark (bench/dns/run.sh; issue 10). Included by the main Makefile. `make bench-dns`
# builds the bench programs and runs it: DNS dissection (compressed responses) and building a
# query set with varying names, against Scapy in the same run, medians and ratios. `make bench`
# runs it too, after the main benchmark (never two benchmarks at once).
.PHONY: bench-dns

$(B)/bench/dns_dissect: bench/dns/dns_dissect.c $(B)/libwirecraft.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -o $@ $< $(B)/libwirecraft.a $(LDLIBS)

bench-build: $(B)/bench/dns_dissect

bench-dns: deps
	@$(MAKE) --no-print-directory all bench-build
	B=$(B) bench/dns/run.sh

bench: bench-dns

ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-dns: | bench-run
endif
