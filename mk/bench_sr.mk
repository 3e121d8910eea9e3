# The sr benchmark (bench/sr/, its section in bench/README.md). Included by the main Makefile.
# `make bench-sr` (root) installs the dependencies, builds wirecraft and the BPF objects, and
# runs bench/sr/run.sh, which sets up its own veth pair with the reflector on one end. `make
# bench` runs it too, after the other benchmarks (never alongside them: two benchmarks at once
# on a 2-vCPU machine would measure each other).

.PHONY: bench-sr

bench-sr: deps
	@$(MAKE) --no-print-directory all
	B=$(B) bench/sr/run.sh

bench: bench-sr

ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-sr: | bench-run bench-send
endif
