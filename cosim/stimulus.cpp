// stimulus.cpp - see stimulus.h.
#include "stimulus.h"

#include <cstddef>

namespace stim
{

namespace
{
// fp16 values whose products are powers of two and small odd integers
// scaled by powers of two: sums of them regularly land exactly halfway
// between two fp32 values (e.g. 4096*4096 + 1*1 = 2^24 + 1).
const uint16_t kTieSet[] = { 0x6c00, 0x6800, 0x3c00, 0x4200, 0x3800, 0x4000, 0x3e00, 0x4500 };
} // namespace

Gen::Gen(const Params &p, uint64_t seed) : p_(p), rng_(seed)
{
	for (unsigned x = 1; x <= 4; x++)
		if ((p.cfg_mask >> x & 1) && p.n % (8u >> (x - 1)) == 0)
			cfgs_.push_back(x);
}

// One random word per operand, whatever the mode (the seeds' runs depend on
// this sequence). Inline in next()'s loops, and the percentage test on the
// low 16 bits in 32-bit arithmetic: at 32x32 this generator drew 1,056
// operands a cycle, a tenth of a co-simulated cycle's instructions.
inline uint16_t Gen::f16()
{
	uint64_t r = rng_.next();
	uint16_t s = (r >> 63) ? 0x8000 : 0;
	if (mode_ == 1)
		return s | kTieSet[(r >> 8) % 8];
	if (mode_ == 3)
		return s; // zero tile: rows of +-0 products exercise the zero-sign rule
	if (static_cast<uint32_t>(r & 0xffff) % 100u < p_.special) {
		switch ((r >> 16) % 6) {
		case 0:
			return s; // +-0
		case 1:
			return s | static_cast<uint16_t>((r >> 24) & 0x3ff); // subnormal
		case 2:
			return s | 0x7c00; // inf
		case 3:
			return 0x7c00 | static_cast<uint16_t>((r >> 24) & 0x3ff) | 1; // NaN
		case 4:
			return s | 0x7bff; // 65504
		default:
			return s | 0x0400; // smallest normal
		}
	}
	if (mode_ == 2)
		return static_cast<uint16_t>(r >> 16); // any pattern
	// Ordinary values in [2^-6, 2^6): exponents 9..20.
	return s | static_cast<uint16_t>((9 + (r >> 16) % 12) << 10) | static_cast<uint16_t>((r >> 32) & 0x3ff);
}

uint32_t Gen::f32_init()
{
	uint64_t r = rng_.next();
	uint32_t s = (r >> 63) ? 0x80000000u : 0;
	switch ((r >> 8) % 8) {
	case 0:
		return s | (0x7f7fffffu - static_cast<uint32_t>((r >> 16) & 0xfff)); // near FLT_MAX
	case 1:
		return s | static_cast<uint32_t>((r >> 16) & 0x7fffff); // subnormal
	case 2:
		return s; // +-0
	default:
		return s | (static_cast<uint32_t>(120 + (r >> 16) % 16) << 23) |
		       static_cast<uint32_t>((r >> 32) & 0x7fffff);
	}
}

Tile Gen::next(bool allow_new)
{
	unsigned limit = p_.accs < 3 ? p_.accs : 3;
	std::size_t pick;
	if (open_.empty() || (allow_new && open_.size() < limit && rng_.chance(30))) {
		Open o;
		o.cfg = cfgs_[rng_.below(static_cast<unsigned>(cfgs_.size()))];
		o.left = 1 + rng_.below(4);
		o.tag.step = static_cast<uint32_t>(rng_.next());
		o.tag.block = next_block_++;
		o.tag.gate = static_cast<uint16_t>(rng_.next());
		o.tag.seq = static_cast<uint16_t>(rng_.below(4));
		o.tag.row0 = static_cast<uint32_t>(rng_.next());
		o.started = false;
		open_.push_back(o);
		pick = open_.size() - 1;
	} else {
		pick = rng_.below(static_cast<unsigned>(open_.size()));
	}
	Open &o = open_[pick];
	Tile out;
	oracle::Tile &t = out.t;
	unsigned groups = 8u >> (o.cfg - 1), kr = groups * p_.k, kc = p_.n / groups;
	t.cfg = o.cfg;
	t.first = !o.started;
	o.started = true;
	t.last = (--o.left == 0);
	t.has_init = t.first && rng_.chance(40);
	out.tag = o.tag;
	// Value mix: 10% tie-heavy, 5% any bit pattern, 5% all zeros, else ordinary.
	unsigned m = rng_.below(20);
	mode_ = m < 2 ? 1 : m == 2 ? 2 : m == 3 ? 3 : 0;
	t.w.resize(static_cast<size_t>(kr) * kc);
	t.x.resize(kc);
	t.init.assign(kr, 0);
	if (p_.fix) {
		bool small = rng_.chance(50);
		for (auto &v : t.x)
			v = small ? static_cast<uint16_t>(static_cast<int16_t>(rng_.below(513)) - 256)
				  : static_cast<uint16_t>(rng_.next());
		for (auto &v : t.w)
			v = static_cast<uint16_t>(rng_.next());
		if (t.has_init) {
			int64_t lim = int64_t{ 1 } << (p_.acc_bits - 1);
			for (auto &v : t.init) {
				int64_t iv = rng_.chance(30) ? (rng_.chance(50) ? lim - 1 - rng_.below(1000)
										: -lim + rng_.below(1000))
							     : static_cast<int32_t>(rng_.next()) >> rng_.below(24);
				v = static_cast<uint32_t>(static_cast<int32_t>(iv));
			}
		}
	} else {
		for (auto &v : t.x)
			v = f16();
		for (auto &v : t.w)
			v = f16();
		if (t.has_init)
			for (auto &v : t.init)
				v = f32_init();
	}
	if (t.last)
		open_.erase(open_.begin() + static_cast<long>(pick));
	return out;
}

} // namespace stim
