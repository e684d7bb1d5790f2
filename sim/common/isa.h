/*
 * isa.h - which x86 vector instruction sets this CPU runs, for the few
 * loops that are compiled once per set and chosen at run time.
 *
 * Why: the build targets the baseline x86-64 (SSE2), where a loop that
 * -O2 vectorises runs two 64-bit or four 32-bit lanes, and SSE2 has no
 * 64-bit rotate or multiply. Functional mode's weight generation and
 * rounding (rng.c, fp.c) and its datapath's float path (cu.c) are written
 * once in plain C and compiled three times, for the baseline, AVX2 and
 * AVX-512F (a `target` attribute on a wrapper of one always-inline body),
 * and the widest set the CPU has runs (docs/performance.md, "Fifth
 * round"). Every variant performs the same integer operations and the
 * same IEEE binary32 / binary64 additions and multiplications (the
 * project builds without fused multiply-adds), so their results are bit
 * for bit the same; the unit tests check the variants the CPU has against
 * the one-at-a-time arithmetic.
 *
 * Contract: isa_has(ISA_PLAIN) is always true; the others are true only
 * on x86-64 built by GCC or Clang, when the CPU reports the set. isa_best
 * is the widest set isa_has allows.
 */
#ifndef SHARPSIM_ISA_H
#define SHARPSIM_ISA_H

#include <stdbool.h>

typedef enum isa { ISA_PLAIN, ISA_AVX2, ISA_AVX512, ISA_N } isa_t;

/* Compiles a function for AVX2 / AVX-512F on x86-64 with GCC or Clang
 * (ISA_X86 defined), else not at all: a caller keeps such variants under
 * #ifdef ISA_X86. */
#if defined(__x86_64__) && defined(__GNUC__)
#define ISA_X86 1
#define ISA_TARGET_AVX2 __attribute__((target("avx2")))
#define ISA_TARGET_AVX512 __attribute__((target("avx512f")))
#endif

/* Which of a function's compilations runs for isa: plain, avx2 and
 * avx512 name the copies of one body (the last two ISA_TARGET_*), and the
 * value is the one to call, e.g. ISA_PICK(isa, f_plain, f_avx2,
 * f_avx512)(args). Where ISA_X86 is not defined only plain exists; the
 * other two names are dropped unread. The one place that maps isa_t to a
 * variant, so no caller switches on it. */
#ifdef ISA_X86
#define ISA_PICK(isa, plain, avx2, avx512) ((isa) == ISA_AVX512 ? (avx512) : (isa) == ISA_AVX2 ? (avx2) : (plain))
#else
#define ISA_PICK(isa, plain, avx2, avx512) ((void)(isa), (plain))
#endif

bool isa_has(isa_t isa);
isa_t isa_best(void);
/* "plain", "avx2", "avx512" (test messages). */
const char *isa_name(isa_t isa);

#endif
