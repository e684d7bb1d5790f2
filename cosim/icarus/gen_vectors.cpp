// gen_vectors - writes a cycle-by-cycle vector file for the Icarus replay
// testbench (tb_cu.sv): the same random stimulus as the Verilator harness,
// with the expected in.ready, out.valid, tag, Kr and sums of every cycle
// taken from the C model (sim/compute/cu.c through cu.h).
//
// Usage: gen_vectors N K ACCS M A TILES SEED fp16|fix16x8 ACC_BITS OUT
//
// File format (text; every field hex, vectors MSB first, element 0 last):
//   line 1:   fix acc_bits
//   per cycle: in_valid cfg first last has_init out_ready tag w x init
//              exp_in_ready exp_out_valid exp_tag exp_kr exp_sums
// exp_in_ready matters only when in_valid; exp_tag/kr/sums only when
// exp_out_valid (and sums only for the first exp_kr rows). Widths: tag 128,
// w N*K*16, x N*16, init and sums G*K*32 (G = largest of 8,4,2,1 dividing N).
extern "C" {
#include "common/stats.h"
#include "compute/cu.h"
#include "config/hw_cfg.h"
}

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "oracle.h"
#include "stimulus.h"

namespace
{

// Writes `count` elements of `digits` hex digits, highest index first.
template <typename T> void put_hex(std::FILE *f, const T *v, size_t have, size_t count, int digits)
{
	for (size_t i = count; i-- > 0;)
		std::fprintf(f, "%0*llx", digits, static_cast<unsigned long long>(i < have ? v[i] : 0));
	std::fputc(' ', f);
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 11) {
		std::fprintf(stderr, "usage: %s N K ACCS M A TILES SEED fp16|fix16x8 ACC_BITS OUT\n", argv[0]);
		return 2;
	}
	unsigned n = std::atoi(argv[1]), k = std::atoi(argv[2]), accs = std::atoi(argv[3]);
	unsigned m = std::atoi(argv[4]), a = std::atoi(argv[5]);
	uint64_t tiles = std::strtoull(argv[6], nullptr, 0), seed = std::strtoull(argv[7], nullptr, 0);
	bool fix = std::string(argv[8]) == "fix16x8";
	unsigned acc_bits = std::atoi(argv[9]);
	unsigned g = n % 8 == 0 ? 8 : n % 4 == 0 ? 4 : n % 2 == 0 ? 2 : 1;
	std::FILE *f = std::fopen(argv[10], "w");
	if (!f) {
		std::perror(argv[10]);
		return 1;
	}
	stats_t *st = stats_create();
	cu_cfg_t cc{};
	cc.vs_units = n;
	cc.vs_width = k;
	cc.mult_latency = m;
	cc.acc_latency = a;
	cc.accumulators = accs;
	cc.functional = true;
	cc.prec = fix ? PREC_FIX16X8 : PREC_FP16;
	cc.acc_bits = acc_bits;
	cu_t *cu = cu_create(&cc, st);
	if (!cu) {
		std::fprintf(stderr, "gen_vectors: cu_create failed\n");
		return 1;
	}
	stim::Gen gen(stim::Params{ n, k, accs, fix, acc_bits, 0x1e, 8 }, seed);
	stim::Rng hs(seed ^ 0x5bd1e995u);
	std::fprintf(f, "%x %x\n", fix ? 1 : 0, acc_bits);
	bool offered = false;
	stim::Tile cur;
	cu_tile_t ct{};
	uint64_t issued = 0;
	const std::vector<uint32_t> none;
	for (uint64_t cycle = 0; cycle < 100 * tiles + 1000; cycle++) {
		bool more = issued < tiles || gen.open_blocks() > 0;
		if (!offered && more && hs.chance(85)) {
			cur = gen.next(issued < tiles);
			issued++;
			offered = true;
			ct.cfg = static_cast<uint8_t>(cur.t.cfg);
			ct.first = cur.t.first;
			ct.last = cur.t.last;
			ct.has_init = cur.t.has_init;
			ct.tag = cu_tag_t{ cur.tag.step, cur.tag.block, cur.tag.gate, cur.tag.seq, cur.tag.row0 };
			ct.useful_lanes = n * k;
			ct.w = cur.t.w.data();
			ct.x = cur.t.x.data();
			ct.init = cur.t.init.data();
		}
		bool out_ready = hs.chance(70);
		const cu_out_t *co = cu_out_peek(cu);
		// The expected outputs are recorded before the pop changes anything;
		// in.ready is asked after it (sim/core/accel.c's order).
		std::vector<uint32_t> sums(co ? co->sums : none.data(), co ? co->sums + co->kr : none.data());
		cu_tag_t ot = co ? co->tag : cu_tag_t{};
		uint32_t okr = co ? co->kr : 0;
		if (co && out_ready)
			cu_out_pop(cu);
		bool ready = offered && cu_in_ready(cu, &ct) == CU_REFUSE_NONE;
		std::fprintf(f, "%x %x %x %x %x %x ", offered ? 1 : 0, offered ? ct.cfg : 4, offered && ct.first,
			     offered && ct.last, offered && ct.has_init, out_ready ? 1 : 0);
		cu_tag_t tag = offered ? ct.tag : cu_tag_t{};
		std::fprintf(f, "%08x%08x%04x%04x%08x ", tag.step, tag.block, tag.gate, tag.seq, tag.row0);
		put_hex(f, cur.t.w.data(), offered ? cur.t.w.size() : 0, static_cast<size_t>(n) * k, 4);
		put_hex(f, cur.t.x.data(), offered ? cur.t.x.size() : 0, n, 4);
		put_hex(f, cur.t.init.data(), offered ? cur.t.init.size() : 0, static_cast<size_t>(g) * k, 8);
		std::fprintf(f, "%x %x ", ready ? 1 : 0, co ? 1 : 0);
		std::fprintf(f, "%08x%08x%04x%04x%08x %x ", ot.step, ot.block, ot.gate, ot.seq, ot.row0, okr);
		put_hex(f, sums.data(), sums.size(), static_cast<size_t>(g) * k, 8);
		std::fputc('\n', f);
		if (ready) {
			cu_in_push(cu, &ct);
			offered = false;
		}
		cu_tick(cu);
		if (!more && !offered && cu_in_flight(cu) == 0 && !cu_out_peek(cu))
			break;
	}
	std::fclose(f);
	cu_destroy(cu);
	stats_destroy(st);
	return 0;
}
