// stimulus.h - random tile streams for the compute unit, shared by the
// Verilator lockstep harness (cu_cosim.cpp) and the Icarus vector generator
// (icarus/gen_vectors.cpp). Deterministic from the seed.
//
// Streams: up to `max_open` row blocks are open at once (never more than the
// accumulators, so a block that waits for a free accumulator only waits for
// finished blocks to be popped and the stimulus cannot deadlock the unit);
// each tile goes to a random open block or opens a new one. Blocks get a
// random allowed config (so consecutive tiles switch taps often), 1..4
// tiles, an optional init, and a tag whose (block, seq) is unique among open
// blocks.
//
// Values: fp16 tiles mix ordinary values, a tie-heavy set (powers of two and
// small odd integers whose products leave exact halfway cases in fp32 adds),
// all-zero tiles of mixed signs (the zero-sign rule), +-0, subnormals, inf,
// NaN, and fp32 inits near FLT_MAX (overflow), subnormal or +-0. fix16x8 tiles mix small and full-range int16 data, weights
// with a random (ignored) high byte, and inits near the saturation limits.
#ifndef SHARPSIM_COSIM_STIMULUS_H
#define SHARPSIM_COSIM_STIMULUS_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include "oracle.h"

namespace stim
{

struct Tag {
	uint32_t step, block;
	uint16_t gate, seq;
	uint32_t row0;
};

struct Tile {
	oracle::Tile t;
	Tag tag;
};

class Rng
{
      public:
	explicit Rng(uint64_t seed) : s_(seed)
	{
	}
	uint64_t next()
	{
		uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		return z ^ (z >> 31);
	}
	unsigned below(unsigned n)
	{
		return static_cast<unsigned>(next() % n);
	}
	bool chance(unsigned percent)
	{
		return below(100) < percent;
	}

      private:
	uint64_t s_;
};

struct Params {
	unsigned n, k, accs;
	bool fix;
	unsigned acc_bits;
	unsigned cfg_mask; // bit x set: config x may be used (1..4)
	unsigned special;  // percent of fp16 operands that are special values
};

class Gen
{
      public:
	Gen(const Params &p, uint64_t seed);
	// The next tile; call only when the previous one was accepted. With
	// allow_new false it only continues open blocks (to drain a run).
	Tile next(bool allow_new = true);
	// Blocks with tiles still to come.
	std::size_t open_blocks() const
	{
		return open_.size();
	}
	// Configs this N can form, restricted by cfg_mask.
	const std::vector<unsigned> &configs() const
	{
		return cfgs_;
	}

      private:
	struct Open {
		Tag tag;
		unsigned cfg, left;
		bool started;
	};
	uint16_t f16();
	uint32_t f32_init();
	Params p_;
	Rng rng_;
	std::vector<unsigned> cfgs_;
	std::vector<Open> open_;
	uint32_t next_block_ = 1;
	unsigned mode_ = 0; // value mix of the current tile: 0 ordinary, 1 ties, 2 any, 3 zeros
};

} // namespace stim

#endif
