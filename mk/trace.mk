# The traceroute benchmark (bench/trace/run.sh, its table in bench/trace/README.md). Included by
# the Makefile. `make bench-trace` (root) installs what is missing, builds, and traces a /20
# behind a chain of namespace routers with wirecraft, the distribution's traceroute and
# scamper. `make bench` runs it too, after the scan benchmark: never two at once.
.PHONY: bench-trace

bench-trace: deps
	@$(MAKE) --no-print-directory all
	B=$(B) bench/trace/run.sh

bench: bench-trace

ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-trace: | bench-scan
endif
