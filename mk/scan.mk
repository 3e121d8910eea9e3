# The scan benchmark (bench/scan/run.sh, its table in bench/scan/README.md). Included by the
# Makefile. `make bench-scan` (root) installs what is missing, builds, and runs complete scans of
# wirecraft, ZMap, masscan and nmap on one private veth pair. `make bench` runs it too, last:
# never two benchmarks at once on a small machine.
.PHONY: bench-scan

bench-scan: deps
	@$(MAKE) --no-print-directory all
	B=$(B) bench/scan/run.sh

bench: bench-scan

ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-scan: | bench-live
endif
