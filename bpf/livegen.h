/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The plan that bpf/livegen.bpf.c runs, shared with userspace (user/live.c), which makes it
 * from a template's patch plan (user/tmpl_plan.h, meanings in user/tmpl.c).
 *
 * The plan sits in .rodata: the verifier reads a frozen read-only map's values as constants,
 * so every count, offset and width below is a known number to it. With the loops of the
 * program fully unrolled, each plan is verified (and its dead branches cut away) as if the
 * program had been written for that one packet set: a window's store is checked against a
 * frame length it knows, and the code left to run is straight-line.
 *
 * The limits are those of common sets (a few varying fields, two or three checksums); a set
 * beyond them is refused by userspace, which falls back to another engine.
 */
#ifndef WC_BPF_LIVEGEN_H
#define WC_BPF_LIVEGEN_H

#include <linux/types.h>

#define LG_MAX_DIGITS 8  /* fields with a set of values (odometer digits) */
#define LG_MAX_VARS 8    /* varying fields written into the frame */
#define LG_MAX_WINS 8    /* byte windows rewritten per packet */
#define LG_MAX_MEMS 4    /* fields sharing one window (bit fields) */
#define LG_MAX_CS 4      /* checksums recomputed per packet */
#define LG_MAX_COV 4     /* checksums covering one window or one inner checksum */
#define LG_MAX_SEGS 4096 /* runs of consecutive values over all digits (a list: one each) */
#define LG_MAX_SLOTS 64  /* runners (threads), one slot of state each */
#define LG_MAX_FRAME 3072 /* live frames take at most a page minus the kernel's headroom */

/* Each frame carries this much XDP metadata in front of it: the runner's slot number, so
 * that runners share the program without sharing a position, however they are scheduled. */
#define LG_META 4

enum { LG_SRC_DIGIT = 0, LG_SRC_RAND, LG_SRC_FUZZ };

/* A value the windows read: val[2i] (low 64 bits), val[2i + 1] (high 64 bits, IPv6). */
struct lg_var {
	__u8 src;   /* LG_SRC_* */
	__u8 wide;  /* FUZZ: 128 bits, two draws */
	__u8 digit; /* DIGIT: which one */
	__u8 pad;
	__u32 draw; /* RAND/FUZZ: index of its (first) draw within the packet's draws */
	__u64 base, mask, hi;
};

struct lg_member {
	__u8 ref;   /* index into val[] */
	__u8 shift;
	__u8 pad[6];
	__u64 mask;
};

struct lg_cover {
	__u8 cs;  /* which checksum sums this */
	__u8 odd; /* at odd parity: the bytes swapped within each word */
};

struct lg_window {
	__u16 off;
	__u8 nb;   /* 1..8 bytes */
	__u8 nmem;
	__u8 ncov;
	__u8 need; /* 1: the even sum is used, 2: the odd one */
	__u8 pad[2];
	__u64 tbits; /* the template's bits that do not vary, big-endian in the low nb bytes */
	struct lg_member m[LG_MAX_MEMS];
	struct lg_cover cov[LG_MAX_COV];
};

struct lg_csum {
	__u16 off;
	__u8 zero_ffff; /* UDP: a computed 0 goes out as 0xffff */
	__u8 ncov;      /* outer checksums covering this field */
	struct lg_cover cov[LG_MAX_COV];
	__u64 base; /* the template's sum without what the windows and inner checksums add back */
};

struct lg_digit {
	__u32 seg0, nsegs; /* its segments in segs[] */
};

struct lg_plan {
	__u32 len; /* frame length (without the metadata) */
	__u8 ndigits, nvars, nwins, ncs;
	__u64 ndraws; /* random numbers drawn per packet (fields absent from the frame too) */
	struct lg_digit d[LG_MAX_DIGITS];
	struct lg_var v[LG_MAX_VARS];
	struct lg_window w[LG_MAX_WINS];
	struct lg_csum cs[LG_MAX_CS];
};

/* A run of values: lo, lo + 1, ... (n of them); hi is the constant high half (IPv6). */
struct lg_seg {
	__u64 lo, hi, n;
};

/* A position in the set: the odometer and the random state, as they are before a packet. */
struct lg_pos {
	__u64 rng; /* splitmix64 state before the packet's first draw */
	__u64 lo[LG_MAX_DIGITS];  /* each digit's current value */
	__u64 hi[LG_MAX_DIGITS];
	__u64 pos[LG_MAX_DIGITS]; /* position within its current segment */
	__u64 n[LG_MAX_DIGITS];   /* that segment's length */
	__u32 seg[LG_MAX_DIGITS]; /* the current segment, an index into segs[] */
};

/* One runner's share of the set, [first, end), and where it stands. Userspace sets it up (a
 * seek) before the runner's first call; the program advances it once per frame and, at the
 * end of the share, starts it over from `start` (a --loop over a share costs no call of its
 * own). One cache line group each, so two runners never share a line. */
struct lg_slot {
	__u64 made;        /* frames made, ever: userspace reads how far a call got from it */
	__u64 next;        /* index of the next packet */
	__u64 first, end;  /* the share */
	struct lg_pos cur;   /* the position of `next` */
	struct lg_pos start; /* the position of `first` */
} __attribute__((aligned(64)));

#define LG_RNG_STEP 0x9e3779b97f4a7c15ULL /* splitmix64's increment (set_impl.h) */

#endif
