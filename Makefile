# wirecraft: one entry point. `make` builds; `make test` runs every test; `make demo` runs the
# main job; `make bench` compares with peer tools. Each installs missing packages first.
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

B        := build
WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2 -g
CPPFLAGS += -Iuser/include -Iuser
ALLCFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -fPIC -MMD -MP
LDLIBS   := -lpcap -lxdp -lbpf -lelf -lz -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRCS  := $(wildcard user/*.c user/proto/*.c)
TOOL_SRCS := $(wildcard tools/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/obj/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/obj/%.o)
SAN_OBJS  := $(LIB_SRCS:%.c=$(B)/san/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps test test-unit test-cli test-oracle test-net test-fuzz demo bench install clean

all: $(B)/wirecraft $(B)/libwirecraft.a $(B)/libwirecraft.so $(B)/wirecraft.pc

deps:
	@scripts/install-deps.sh

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -O1 $(SAN) -c $< -o $@

$(B)/libwirecraft.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/libwirecraft.so: $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libwirecraft.so.0 -o $@ $^ $(LDLIBS)

$(B)/wirecraft: $(TOOL_OBJS) $(B)/libwirecraft.a
	$(CC) $(CFLAGS) -o $@ $(TOOL_OBJS) $(B)/libwirecraft.a $(LDLIBS)

$(B)/wirecraft.pc: wirecraft.pc.in
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# Unit tests: cmocka, against the library built with ASan and UBSan.
$(B)/tests/%: tests/unit/%.c $(SAN_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -O1 $(SAN) -o $@ $< $(SAN_OBJS) -lcmocka $(LDLIBS)

test-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

test-oracle: $(B)/wirecraft
	WIRECRAFT=$(abspath $(B)/wirecraft) ORACLE_DIR=$(B)/oracle /usr/bin/python3 tests/oracle/run.py

# Shell tests: CLI behaviour, and (as root) live tests in private network namespaces. Each test
# takes the binary from WIRECRAFT (make test-asan runs them against a sanitized one).
test-cli: all
	@set -e; for t in $(wildcard tests/cli/test_*.sh); do echo "== $$t"; WIRECRAFT=$(abspath $(B)/wirecraft) bash $$t; done

test-net: all
	@set -e; for t in $(wildcard tests/net/test_*.sh); do echo "== $$t"; WIRECRAFT=$(abspath $(B)/wirecraft) bash $$t; done

# Fragments in mk/ append their own steps (mk/fuzz.mk adds test-fuzz).
TEST_STEPS := test-unit test-cli test-oracle test-net

test: deps
	@$(MAKE) --no-print-directory all
	@rc=0; for s in $(TEST_STEPS); do $(MAKE) --no-print-directory $$s || { echo "FAILED: make $$s"; rc=1; }; done; \
	[ $$rc -eq 0 ] && echo "make test: all steps passed ($(TEST_STEPS))"; exit $$rc

demo: deps
	@$(MAKE) --no-print-directory all
	scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/wirecraft \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/wirecraft $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(B)/libwirecraft.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/libwirecraft.so $(DESTDIR)$(PREFIX)/lib/libwirecraft.so.0
	ln -sf libwirecraft.so.0 $(DESTDIR)$(PREFIX)/lib/libwirecraft.so
	install -m 644 user/include/wirecraft/*.h $(DESTDIR)$(PREFIX)/include/wirecraft/
	install -m 644 $(B)/wirecraft.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 644 man/wirecraft.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf $(B)

-include $(wildcard mk/*.mk)
-include $(shell find $(B) -name '*.d' 2>/dev/null)
