# The Python module `wirecraft` (issue 12): python/src/*.c, a CPython extension over
# libwirecraft written against the limited API (3.11, abi3: one .so for every later Python 3),
# plus the pure-Python half python/wirecraft/*.py and its type stubs. Included by the Makefile.
#   make python         build it into $(B)/python/wirecraft (PYTHONPATH=$(B)/python to use it)
#   make test-python    pytest on python/tests (a step of `make test`)
#   make install        also installs it for the distribution's python3 (see PY_SITEDIR)
# Only the distribution's interpreter is targeted: /usr/bin/python3 (python3-dev, and
# python3-scapy for the oracle tests); a python3 earlier on PATH (pyenv) is never used.
PYTHON      ?= /usr/bin/python3
PY_INC      := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
PY_VER      := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
PY_DIR      := $(B)/python/wirecraft
PY_EXT      := $(PY_DIR)/_wirecraft.abi3.so
PY_SRCS     := $(wildcard python/src/*.c)
PY_OBJS     := $(PY_SRCS:%.c=$(B)/obj/%.o)
PY_FILES    := $(wildcard python/wirecraft/*.py python/wirecraft/*.pyi python/wirecraft/py.typed)
PY_COPIES   := $(PY_FILES:python/wirecraft/%=$(PY_DIR)/%)
# Debian's python3 reads /usr/lib/python3/dist-packages (packages of the distribution, PREFIX
# /usr) and /usr/local/lib/python3.X/dist-packages (PREFIX /usr/local); any other PREFIX gets
# the same layout as /usr/local and needs PYTHONPATH.
PY_SITEDIR  ?= $(if $(filter /usr,$(PREFIX)),$(PREFIX)/lib/python3/dist-packages,$(PREFIX)/lib/python$(PY_VER)/dist-packages)

# The C API's method and getter tables take functions through casts to PyCFunction and
# getter (the CPython convention): -Wcast-function-type would flag every one of them.
$(PY_OBJS): CPPFLAGS += -I$(PY_INC)
$(PY_OBJS): ALLCFLAGS += -Wno-cast-function-type -fvisibility=hidden

# The library goes in statically (its objects are -fPIC): the module needs no libwirecraft.so
# on the loader's path, and only PyInit__wirecraft is exported.
$(PY_EXT): $(PY_OBJS) $(B)/libwirecraft.a
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $(PY_OBJS) $(B)/libwirecraft.a $(LDLIBS)

$(PY_DIR)/%: python/wirecraft/%
	@mkdir -p $(@D)
	cp $< $@

.PHONY: python test-python install-python
python: $(PY_EXT) $(PY_COPIES)

# pytest exits 5 when it collected no test: that fails the step too (any nonzero status does).
# The network tests (python/tests/net) run inside a private namespace pair of their own; they
# need root, and fail instead of skipping when CI=true.
PYTEST_ARGS ?=
test-python: python all
	cd python/tests && PYTHONPATH=$(abspath $(B)/python) WIRECRAFT=$(abspath $(B)/wirecraft) \
		WC_ORACLE_DIR=$(abspath $(B)/oracle) WC_BUILD_DIR=$(abspath $(B)) PYTHONDONTWRITEBYTECODE=1 \
		$(PYTHON) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) .

# The same tests once more against the module and the library built with ASan and UBSan (gcc,
# the objects of $(B)/san that the unit tests use), in an interpreter that preloads libasan
# (CPython itself is not sanitized) and allocates with malloc (PYTHONMALLOC=malloc), so that
# LeakSanitizer sees every object. Every report goes to a file under $(PY_SAN_LOGS); the step
# fails when one is there, whatever the test that caused it made of it. A canary (an overflow
# on purpose, through ctypes) must leave its report first, or the step stops: the checks
# cannot go blind unnoticed. Leaks: only those with a frame of ours (wc_, wcpy_ or
# _wirecraft) count; the interpreter does not free everything at exit, and that is not ours.
# Left out here: test_to_scapy (importing all of Scapy under ASan takes 40 s, for a call into
# it that the plain run checks) and test_make_install (files, no module code).
PY_SAN_DIR  := $(B)/python-asan/wirecraft
PY_SAN_EXT  := $(PY_SAN_DIR)/_wirecraft.abi3.so
PY_SAN_OBJS := $(PY_SRCS:%.c=$(B)/san/%.o)
PY_SAN_LOGS := $(abspath $(B)/python-asan/logs)
PY_SAN_COPIES := $(PY_FILES:python/wirecraft/%=$(PY_SAN_DIR)/%)
LIBASAN      = $(shell $(CC) -print-file-name=libasan.so)
PY_SAN_ENV   = LD_PRELOAD=$(LIBASAN) PYTHONMALLOC=malloc WC_SANITIZED=1 \
	ASAN_OPTIONS=log_path=$(PY_SAN_LOGS)/asan:detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0 \
	UBSAN_OPTIONS=log_path=$(PY_SAN_LOGS)/ubsan:print_stacktrace=1:halt_on_error=1

$(PY_SAN_OBJS): CPPFLAGS += -I$(PY_INC)
$(PY_SAN_OBJS): ALLCFLAGS += -Wno-cast-function-type -fvisibility=hidden

$(PY_SAN_EXT): $(PY_SAN_OBJS) $(SAN_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared $(SAN) -o $@ $(PY_SAN_OBJS) $(SAN_OBJS) $(LDLIBS)

$(PY_SAN_DIR)/%: python/wirecraft/%
	@mkdir -p $(@D)
	cp $< $@

.PHONY: test-python-asan
test-python-asan: $(PY_SAN_EXT) $(PY_SAN_COPIES) python all
	@rm -rf $(PY_SAN_LOGS) && mkdir -p $(PY_SAN_LOGS)
	@$(PY_SAN_ENV) $(PYTHON) -c 'import ctypes; c = ctypes.CDLL(None); c.malloc.restype = ctypes.c_void_p; ctypes.string_at(c.malloc(8), 16)' 2>/dev/null; \
	ls $(PY_SAN_LOGS)/asan.* >/dev/null 2>&1 || { echo "test-python-asan: the canary left no report: ASan is not armed"; exit 1; }; \
	rm -f $(PY_SAN_LOGS)/*
	cd python/tests && $(PY_SAN_ENV) PYTHONPATH=$(abspath $(B)/python-asan) \
		WIRECRAFT=$(abspath $(B)/wirecraft) WC_ORACLE_DIR=$(abspath $(B)/oracle) \
		WC_BUILD_DIR=$(abspath $(B)) PYTHONDONTWRITEBYTECODE=1 \
		$(PYTHON) -m pytest -q -p no:cacheprovider -k 'not test_to_scapy and not test_make_install' $(PYTEST_ARGS) .
	@PY_SAN_LOGS=$(PY_SAN_LOGS) $(PYTHON) python/tests/san_reports.py

TEST_STEPS += test-python-asan

install-python: python
	install -d $(DESTDIR)$(PY_SITEDIR)/wirecraft
	install -m 644 $(PY_EXT) $(DESTDIR)$(PY_SITEDIR)/wirecraft/
	install -m 644 $(PY_COPIES) $(DESTDIR)$(PY_SITEDIR)/wirecraft/

install: install-python

TEST_STEPS += test-python
