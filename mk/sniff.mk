# wirecraft sniff --steal: user/port_steal.c embeds the skeleton of bpf/steal.bpf.c (built by
# mk/bpf.mk like every bpf/*.bpf.c). Included by the Makefile after mk/bpf.mk.
STEAL_LIB_OBJS := $(B)/obj/user/port_steal.o $(B)/san/user/port_steal.o
$(STEAL_LIB_OBJS): $(B)/bpf/steal.skel.h
$(STEAL_LIB_OBJS): CPPFLAGS += -I$(B)/bpf
