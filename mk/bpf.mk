# BPF programs. Included by the main Makefile (after its own rules, so $(B), $(CC) and friends
# are set). Each bpf/X.bpf.c becomes build/bpf/X.bpf.o (clang -target bpf, with BTF from -g),
# then build/bpf/X.skel.h (bpftool gen skeleton), which the library compiles in: the binary
# carries its programs, nothing is looked up on disk at run time.

BPF_CLANG  ?= clang
BPFTOOL    ?= bpftool
BPF_CFLAGS ?= -O2 -g
# The kernel UAPI headers include <asm/types.h>, which Debian keeps under the multiarch
# directory that `clang -target bpf` does not search. -idirafter: only for what is not found
# elsewhere, so it cannot shadow anything.
BPF_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BPF_INC    := -Ibpf -Iuser/include $(if $(BPF_MULTIARCH),-idirafter /usr/include/$(BPF_MULTIARCH))

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(BPF_SRCS:bpf/%.bpf.c=$(B)/bpf/%.bpf.o)
BPF_SKELS  := $(BPF_SRCS:bpf/%.bpf.c=$(B)/bpf/%.skel.h)

$(B)/bpf/%.bpf.o: bpf/%.bpf.c
	@mkdir -p $(@D)
	$(BPF_CLANG) $(BPF_CFLAGS) -target bpf -Wall -Werror $(BPF_INC) -MMD -MP -c $< -o $@

# The skeleton's struct is named after the object: reflect.bpf.o -> struct reflect_bpf.
$(B)/bpf/%.skel.h: $(B)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp
	mv $@.tmp $@

all: $(BPF_SKELS)

# The objects are wanted too (a veth peer's XDP_PASS program is loaded from reflect.bpf.o by
# `ip link`), not just intermediates of the skeletons.
.SECONDARY: $(BPF_OBJS)
all: $(BPF_OBJS)

# Library objects that embed a skeleton.
XDP_LIB_OBJS := $(B)/obj/user/xdp.o $(B)/san/user/xdp.o
$(XDP_LIB_OBJS): $(B)/bpf/reflect.skel.h
$(XDP_LIB_OBJS): CPPFLAGS += -I$(B)/bpf

# The reply-steering loader embeds steer.bpf.c; it also shares bpf/cookie.h with it.
STEER_LIB_OBJS := $(B)/obj/user/steer.o $(B)/san/user/steer.o
$(STEER_LIB_OBJS): $(B)/bpf/steer.skel.h
$(STEER_LIB_OBJS): CPPFLAGS += -I$(B)/bpf

# libbpf and what it needs when linked statically (only those the Makefile does not list yet).
# libxdp (in the Makefile's LDLIBS) joins the programs to an interface's libxdp dispatcher when
# one runs there: user/xdp_attach.c.
LDLIBS += $(filter-out $(LDLIBS),-lbpf -lelf -lz)
