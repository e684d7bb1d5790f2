// arith_check - tests the RTL arithmetic units (fp16_mul, fp32_add, fix_mul)
// one evaluation at a time against the host's IEEE-754 arithmetic, which is
// an oracle independent of both the RTL and the C model: x86-64 SSE float
// addition rounds to nearest even with gradual underflow (no FTZ/DAZ unless
// MXCSR is changed, which nothing here does); an fp16 value converts to a
// double exactly and the product of two of them (22 significant bits) is
// exact in double and in float.
//
// Usage: arith_check [iterations] [seed]. Exits 1 on the first mismatch,
// printing operands, expected and actual bit patterns.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "Varith_top.h"
#include "verilated.h"

namespace
{

constexpr uint32_t kCanonNan = 0x7fc00000u;

uint64_t rng_state = 0x9e3779b97f4a7c15ull;

uint64_t rnd64()
{
	// splitmix64: deterministic from the seed, good enough for stimulus.
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t f2u(float f)
{
	uint32_t u;
	std::memcpy(&u, &f, 4);
	return u;
}
float u2f(uint32_t u)
{
	float f;
	std::memcpy(&f, &u, 4);
	return f;
}

double f16_to_double(uint16_t h)
{
	int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double s = (h & 0x8000) ? -1.0 : 1.0;
	if (e == 0x1f)
		return m ? NAN : s * INFINITY;
	if (e == 0)
		return s * std::ldexp(m, -24);
	return s * std::ldexp(m + 1024, e - 25);
}

uint32_t ref_mul(uint16_t a, uint16_t b)
{
	double p = f16_to_double(a) * f16_to_double(b);
	if (std::isnan(p))
		return kCanonNan;
	return f2u(static_cast<float>(p));
}

uint32_t ref_add(uint32_t a, uint32_t b)
{
	float s = u2f(a) + u2f(b);
	return std::isnan(s) ? kCanonNan : f2u(s);
}

// Random fp32 operands biased toward the hard cases: equal or near
// exponents (cancellation), subnormals, zeros, infinities, NaNs, the
// largest finite values (overflow) and exact ties.
uint32_t rnd_f32(uint32_t other)
{
	uint64_t r = rnd64();
	uint32_t s = (r >> 63) ? 0x80000000u : 0;
	switch ((r >> 56) & 15) {
	case 0:
		return s | (static_cast<uint32_t>(r) & 0x007fffffu); // subnormal
	case 1:
		return s; // zero
	case 2:
		return s | 0x7f800000u; // inf
	case 3:
		return 0x7f800000u | (static_cast<uint32_t>(r) & 0x7fffffu) | 1u;
	case 4:
		return s | (0x7f7fffffu - (static_cast<uint32_t>(r) & 0xff));
	case 5:
	case 6:
	case 7: { // near the other operand's exponent
		uint32_t e = (other >> 23) & 0xff;
		int de = static_cast<int>((r >> 40) & 31) - 15;
		int ne = static_cast<int>(e) + de;
		if (ne < 0)
			ne = 0;
		if (ne > 254)
			ne = 254;
		return s | (static_cast<uint32_t>(ne) << 23) | (static_cast<uint32_t>(r) & 0x7fffffu);
	}
	case 8:
		return (other ^ 0x80000000u) + static_cast<uint32_t>((r >> 8) & 3); // cancellation
	case 9: { // low fraction bits zero: exact ties after alignment
		uint32_t e = (other >> 23) & 0xff;
		uint32_t ne = e > 24 ? e - 1 - static_cast<uint32_t>((r >> 8) % 24) : e;
		return s | (ne << 23) | (static_cast<uint32_t>(r) & 0x7ffff0u);
	}
	default:
		return static_cast<uint32_t>(r);
	}
}

uint16_t rnd_f16()
{
	uint64_t r = rnd64();
	uint16_t s = (r >> 63) ? 0x8000 : 0;
	switch ((r >> 56) & 7) {
	case 0:
		return s | (r & 0x3ff); // subnormal or zero
	case 1:
		return s | 0x7c00; // inf
	case 2:
		return 0x7c00 | (r & 0x3ff) | 1; // NaN
	case 3:
		return s; // zero
	default:
		return static_cast<uint16_t>(r);
	}
}

} // namespace

int main(int argc, char **argv)
{
	long iters = argc > 1 ? std::atol(argv[1]) : 2000000;
	if (argc > 2)
		rng_state = std::strtoull(argv[2], nullptr, 0);
	auto ctx = std::make_unique<VerilatedContext>();
	auto top = std::make_unique<Varith_top>(ctx.get());
	long fails = 0;
	for (long i = 0; i < iters && !fails; i++) {
		uint16_t ma = rnd_f16(), mb = rnd_f16();
		uint32_t aa = rnd_f32(0x3f800000u);
		uint32_t ab = rnd_f32(aa);
		if (rnd64() & 1)
			std::swap(aa, ab);
		uint16_t fx = static_cast<uint16_t>(rnd64()), fw = static_cast<uint16_t>(rnd64());
		top->mul_a = ma;
		top->mul_b = mb;
		top->add_a = aa;
		top->add_b = ab;
		top->fix_x = fx;
		top->fix_w = fw;
		top->eval();
		uint32_t em = ref_mul(ma, mb), ea = ref_add(aa, ab);
		int32_t ef = static_cast<int16_t>(fx) * static_cast<int8_t>(fw & 0xff);
		if (top->mul_y != em) {
			std::printf("fp16_mul %04x * %04x: expected %08x (%g) got %08x (%g)\n", ma, mb, em, u2f(em),
				    top->mul_y, u2f(top->mul_y));
			fails++;
		}
		if (top->add_y != ea) {
			std::printf("fp32_add %08x + %08x: expected %08x (%g) got %08x (%g)\n", aa, ab, ea, u2f(ea),
				    top->add_y, u2f(top->add_y));
			fails++;
		}
		if (top->fix_y != static_cast<uint32_t>(ef)) {
			std::printf("fix_mul %04x * %04x: expected %08x got %08x\n", fx, fw, static_cast<uint32_t>(ef),
				    top->fix_y);
			fails++;
		}
	}
	top->final();
	if (fails)
		return 1;
	std::printf("arith_check: %ld vectors each for fp16_mul, fp32_add, fix_mul: all match\n", iters);
	return 0;
}
