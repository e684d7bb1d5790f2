// oracle.cpp - see oracle.h. Written from docs/numerics.md, not from cu.c or
// the RTL, so that an error shared by those two still shows up here.
#include "oracle.h"

#include <cmath>
#include <cstring>

#include <mpfr.h>

namespace oracle
{

namespace
{

double f16_value(uint16_t h)
{
	int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double s = (h & 0x8000) ? -1.0 : 1.0;
	if (e == 0x1f)
		return m ? NAN : s * INFINITY;
	if (e == 0)
		return s * std::ldexp(m, -24);
	return s * std::ldexp(m + 1024, e - 25);
}

uint32_t bits(float f)
{
	uint32_t u;
	std::memcpy(&u, &f, 4);
	return u;
}
float value(uint32_t u)
{
	float f;
	std::memcpy(&f, &u, 4);
	return f;
}

// Adjacent-pair reduction: node i of the next level is v[2i] + v[2i+1], an
// odd last node passes through.
template <typename T, typename Add> T reduce_pairs(std::vector<T> v, Add add)
{
	while (v.size() > 1) {
		std::vector<T> next;
		for (size_t i = 0; i + 1 < v.size(); i += 2)
			next.push_back(add(v[i], v[i + 1]));
		if (v.size() % 2)
			next.push_back(v.back());
		v.swap(next);
	}
	return v[0];
}

unsigned gmax(unsigned n)
{
	return n % 8 == 0 ? 8 : n % 4 == 0 ? 4 : n % 2 == 0 ? 2 : 1;
}

} // namespace

void init()
{
	mpfr_set_emin(-148);
	mpfr_set_emax(128);
}

uint32_t f16_mul(uint16_t a, uint16_t b)
{
	double p = f16_value(a) * f16_value(b);
	if (std::isnan(p))
		return kCanonNan;
	return bits(static_cast<float>(p)); // exact: at most 22 significant bits
}

uint32_t f32_add(uint32_t a, uint32_t b)
{
	mpfr_t x, y, z;
	mpfr_inits2(24, x, y, z, static_cast<mpfr_ptr>(nullptr));
	mpfr_set_flt(x, value(a), MPFR_RNDN);
	mpfr_set_flt(y, value(b), MPFR_RNDN);
	int t = mpfr_add(z, x, y, MPFR_RNDN);
	t = mpfr_check_range(z, t, MPFR_RNDN);
	mpfr_subnormalize(z, t, MPFR_RNDN);
	uint32_t r = mpfr_nan_p(z) ? kCanonNan : bits(mpfr_get_flt(z, MPFR_RNDN));
	mpfr_clears(x, y, z, static_cast<mpfr_ptr>(nullptr));
	return r;
}

std::vector<uint32_t> block_sums(const std::vector<Tile> &tiles, unsigned n, unsigned k, bool fix, unsigned acc_bits)
{
	const int64_t hi = (int64_t{ 1 } << (acc_bits - 1)) - 1, lo = -hi - 1;
	auto sat = [&](int64_t v) { return v > hi ? hi : v < lo ? lo : v; };
	std::vector<uint32_t> acc;
	for (const Tile &t : tiles) {
		unsigned groups = 8u >> (t.cfg - 1), kr = groups * k, kc = n / groups;
		unsigned sub = n / gmax(n); // leaves per phase-1 group
		acc.resize(kr);
		for (unsigned r = 0; r < kr; r++) {
			bool fresh = t.first && !t.has_init;
			uint32_t base = t.first ? (t.has_init ? t.init[r] : 0) : acc[r];
			if (fix) {
				int64_t s = 0;
				for (unsigned j = 0; j < kc; j++)
					s += static_cast<int64_t>(static_cast<int16_t>(t.x[j])) *
					     static_cast<int8_t>(t.w[r * kc + j] & 0xff);
				int64_t b = fresh ? 0 : static_cast<int32_t>(base);
				acc[r] = static_cast<uint32_t>(static_cast<int32_t>(sat(b + s)));
				continue;
			}
			std::vector<uint32_t> nodes;
			for (unsigned q = 0; q < kc / sub; q++) {
				std::vector<uint32_t> leaves;
				for (unsigned j = q * sub; j < (q + 1) * sub; j++)
					leaves.push_back(f16_mul(t.x[j], t.w[r * kc + j]));
				nodes.push_back(reduce_pairs(leaves, f32_add));
			}
			uint32_t s = reduce_pairs(nodes, f32_add);
			acc[r] = fresh ? s : f32_add(base, s);
		}
	}
	return acc;
}

} // namespace oracle
