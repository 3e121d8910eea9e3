# The Python module's benchmark (bench/python/run.sh, its section in bench/README.md): building,
# dissecting and sr() from Python against Scapy, in the same run. Included by the Makefile.
# `make bench-python` installs what is missing, builds the module, and runs it (sr needs root:
# a private veth pair with the reflector). `make bench` runs it too, after the others (never
# two benchmarks at once on a small machine).
.PHONY: bench-python

bench-python: deps
	@$(MAKE) --no-print-directory all python
	B=$(B) bench/python/run.sh

bench: bench-python

ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-python: | bench-run bench-send bench-sr bench-live bench-scan
endif
