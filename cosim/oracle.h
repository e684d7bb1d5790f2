// oracle.h - an independent oracle for the compute unit's values: the
// contract of docs/numerics.md coded a third time (after sim/compute/cu.c and
// the RTL), with GNU MPFR doing every fp32 add.
//
// fp32 emulation: 24-bit precision, exponent range set so that MPFR's
// [emin, emax] matches binary32 (emin = -148 makes 2^-149, the smallest
// subnormal, the smallest representable value; emax = 128 puts FLT_MAX at
// the top), then mpfr_check_range and mpfr_subnormalize after each RNE add,
// which gives IEEE overflow to inf and gradual underflow. fp16 products are
// exact (22-bit significands), so they are formed in double and need no MPFR.
#ifndef SHARPSIM_COSIM_ORACLE_H
#define SHARPSIM_COSIM_ORACLE_H

#include <cstdint>
#include <vector>

namespace oracle
{

constexpr uint32_t kCanonNan = 0x7fc00000u;

// Sets MPFR's exponent range for binary32; call once before any oracle use.
void init();

uint32_t f16_mul(uint16_t a, uint16_t b);
uint32_t f32_add(uint32_t a, uint32_t b);

// One tile as the compute unit sees it (cu.h layout).
struct Tile {
	unsigned cfg; // 1..4
	bool first, last, has_init;
	std::vector<uint16_t> w;    // Kr*Kc, row-major
	std::vector<uint16_t> x;    // Kc
	std::vector<uint32_t> init; // Kr
};

// The Kr finished sums of one row block given its tiles in acceptance order:
// the hierarchical adjacent-pair tree per row, then the accumulator rule.
// fix: fix16x8 with exact integer tree sums and acc_bits saturation on every
// accumulator add (the first sum alone included).
std::vector<uint32_t> block_sums(const std::vector<Tile> &tiles, unsigned n, unsigned k, bool fix, unsigned acc_bits);

} // namespace oracle

#endif
