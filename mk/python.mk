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

install-python: python
	install -d $(DESTDIR)$(PY_SITEDIR)/wirecraft
	install -m 644 $(PY_EXT) $(DESTDIR)$(PY_SITEDIR)/wirecraft/
	install -m 644 $(PY_COPIES) $(DESTDIR)$(PY_SITEDIR)/wirecraft/

install: install-python

TEST_STEPS += test-python
