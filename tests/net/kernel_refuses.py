#!/usr/bin/python3
"""What this kernel refuses to root that other kernels of the same version allow, asked with
raw bpf(2) calls, independently of wirecraft's own probes (user/bpf_features.c, user/live.c):
the tests use it to know which behaviour to expect, never wirecraft's word for it.

    kernel_refuses.py live-frames   exit 0 if BPF_PROG_RUN in XDP live-frames mode is refused
                                    (EPERM) to a process holding every capability, 1 if not
    kernel_refuses.py xdp-meta      exit 0 if the verifier refuses bpf_xdp_adjust_meta to XDP
                                    programs, 1 if not
Exit 2: the question could not be asked (not root, no bpf(2)); the reason on stderr.
"""
import ctypes
import os
import struct
import sys

NR_BPF = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
BPF_PROG_LOAD, BPF_PROG_TEST_RUN = 5, 10
PROG_TYPE_XDP = 6
FUNC_XDP_ADJUST_META = 54
F_TEST_XDP_LIVE_FRAMES = 1 << 1
XDP_PASS = 2

libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    r = libc.syscall(NR_BPF, cmd, buf, 128)
    return r, ctypes.get_errno()


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, dst | (src << 4), off, imm)


def load(prog):
    code = ctypes.create_string_buffer(prog, len(prog))
    lic = ctypes.create_string_buffer(b"GPL")
    # prog_type, insn_cnt, insns, license (the rest zero)
    attr = struct.pack("<IIQQ", PROG_TYPE_XDP, len(prog) // 8, ctypes.addressof(code),
                       ctypes.addressof(lic))
    return bpf(BPF_PROG_LOAD, attr)


MOV64_IMM, CALL, EXIT = 0xb7, 0x85, 0x95


def refuses_meta():
    fd, err = load(insn(MOV64_IMM, dst=2, imm=-8) + insn(CALL, imm=FUNC_XDP_ADJUST_META) +
                   insn(MOV64_IMM, dst=0, imm=XDP_PASS) + insn(EXIT))
    if fd >= 0:
        os.close(fd)
        return False
    if err == 22:  # EINVAL: the verifier said no
        return True
    raise OSError(err, "BPF_PROG_LOAD: " + os.strerror(err))


def refuses_live():
    fd, err = load(insn(MOV64_IMM, dst=0, imm=XDP_PASS) + insn(EXIT))
    if fd < 0:
        raise OSError(err, "BPF_PROG_LOAD: " + os.strerror(err))
    try:
        data = ctypes.create_string_buffer(b"\xff" * 64, 64)
        # xdp_md: data, data_end, data_meta, ingress_ifindex (lo), rx_queue_index, egress
        ctx = ctypes.create_string_buffer(struct.pack("<IIIIII", 0, 64, 0, 1, 0, 0), 24)
        # prog_fd, retval, data_size_in, data_size_out, data_in, data_out, repeat, duration,
        # ctx_size_in, ctx_size_out, ctx_in, ctx_out, flags, cpu, batch_size. A batch of 257
        # is over the kernel's limit: a kernel that has the mode answers E2BIG, nothing sent.
        attr = struct.pack("<IIIIQQIIIIQQIII", fd, 0, 64, 0, ctypes.addressof(data), 0, 1, 0,
                           24, 0, ctypes.addressof(ctx), 0, F_TEST_XDP_LIVE_FRAMES, 0, 257)
        r, err = bpf(BPF_PROG_TEST_RUN, attr)
        if r == 0 or err == 7:  # E2BIG
            return False
        if err in (1, 13):  # EPERM, EACCES: as root, the kernel's policy
            return True
        raise OSError(err, "BPF_PROG_TEST_RUN: " + os.strerror(err))
    finally:
        os.close(fd)


def main():
    what = sys.argv[1] if len(sys.argv) == 2 else ""
    ask = {"live-frames": refuses_live, "xdp-meta": refuses_meta}.get(what)
    if not ask:
        print("usage: kernel_refuses.py live-frames|xdp-meta", file=sys.stderr)
        return 2
    if os.geteuid() != 0 or NR_BPF is None:
        print("kernel_refuses.py: needs root on x86_64 or aarch64", file=sys.stderr)
        return 2
    try:
        return 0 if ask() else 1
    except OSError as e:
        print("kernel_refuses.py: %s: %s" % (what, e.strerror), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
