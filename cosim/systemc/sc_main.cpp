// sc_main - SystemC testbench of the compute unit: rtl/cu_top.sv as a
// SystemC module (verilator --sc, N=4 K=8, so G=4 groups at most), driven
// with a few hand-made tiles whose sums and timing are known in closed form.
//
//   1. fp16, config4 (K=8 rows x N=4 columns, tree depth log2 4 = 2):
//      x = (1, 2, 3, 4), every weight 1.0, two tiles in one block:
//      each row = 2 * (1+2+3+4) = 20, offered M + d + A = 1 + 2 + 1 = 4
//      cycles after the last tile is accepted.
//   2. fp16, config2 (4 groups: 32 rows x 1 column, depth 0) with init:
//      x = (3), weight of row r = r, init 0.5: row r = 3r + 0.5 (exact),
//      offered 1 + 0 + 1 = 2 cycles after acceptance.
//   3. fix16x8, config3 (2 groups: 16 rows x 2 columns, depth 1):
//      x = (100, -3), weight low byte 2 (high byte 0xab, ignored):
//      row = 2*100 + 2*(-3) = 194, offered 3 cycles after acceptance.
// Exits 0 when every sum and every latency matches, 1 otherwise.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <systemc.h>

#include "Vcu_top.h"

namespace
{

constexpr int kN = 4, kK = 8, kG = 4;

uint16_t f16_int(unsigned v)
{
	// Small non-negative integers (< 2048) are exact in fp16.
	if (v == 0)
		return 0;
	unsigned e = 0;
	while ((v >> (e + 1)) != 0)
		e++;
	return static_cast<uint16_t>(((e + 15) << 10) | ((v << (10 - e)) & 0x3ff));
}

uint32_t f32_bits(float f)
{
	uint32_t u;
	std::memcpy(&u, &f, 4);
	return u;
}

template <int W> void set_words(sc_signal<sc_bv<W>> &s, const std::vector<uint32_t> &words)
{
	sc_bv<W> v;
	for (int i = 0; i < W / 32; i++)
		v.set_word(i, i < static_cast<int>(words.size()) ? words[i] : 0);
	s.write(v);
}

std::vector<uint32_t> pack16(const std::vector<uint16_t> &h)
{
	std::vector<uint32_t> w((h.size() + 1) / 2, 0);
	for (size_t i = 0; i < h.size(); i++)
		w[i / 2] |= static_cast<uint32_t>(h[i]) << (16 * (i % 2));
	return w;
}

} // namespace

int sc_main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	sc_clock clk("clk", 10, SC_NS, 0.5, 5, SC_NS, true);
	sc_signal<bool> rst, fix, in_valid, in_ready, in_first, in_last, in_has_init, out_valid, out_ready;
	sc_signal<uint32_t> acc_bits, in_cfg, out_kr;
	sc_signal<uint64_t> in_x;
	sc_signal<sc_bv<128>> in_tag, out_tag;
	sc_signal<sc_bv<kN * kK * 16>> in_w;
	sc_signal<sc_bv<kG * kK * 32>> in_init, out_sums;

	Vcu_top dut("dut");
	dut.clk(clk);
	dut.rst(rst);
	dut.fix(fix);
	dut.acc_bits(acc_bits);
	dut.in_valid(in_valid);
	dut.in_ready(in_ready);
	dut.in_cfg(in_cfg);
	dut.in_first(in_first);
	dut.in_last(in_last);
	dut.in_has_init(in_has_init);
	dut.in_tag(in_tag);
	dut.in_w(in_w);
	dut.in_x(in_x);
	dut.in_init(in_init);
	dut.out_valid(out_valid);
	dut.out_ready(out_ready);
	dut.out_tag(out_tag);
	dut.out_kr(out_kr);
	dut.out_sums(out_sums);

	int errors = 0;
	// Rising edges at 10n + 5. Cycle n: inputs are written at 10n + 1, the
	// combinational outputs read at 10n + 2 (settle), then edge() runs
	// through the rising edge to 10(n+1) + 1.
	auto settle = [] { sc_start(1, SC_NS); };
	auto edge = [] { sc_start(9, SC_NS); };

	rst = true;
	fix = false;
	acc_bits = 32;
	in_valid = false;
	out_ready = true;
	sc_start(1, SC_NS);
	for (int i = 0; i < 2; i++) {
		settle();
		edge();
	}
	rst = false;

	// Offers one tile for one cycle (it must be accepted), then waits for the
	// block with `lat` cycles of latency and checks its sums.
	auto run_block = [&](const char *name, unsigned cfg, const std::vector<std::vector<uint16_t>> &ws,
			     const std::vector<uint16_t> &x, const std::vector<uint32_t> &init,
			     const std::vector<uint32_t> &want, unsigned lat) {
		for (size_t t = 0; t < ws.size(); t++) {
			in_valid = true;
			in_cfg = cfg;
			in_first = (t == 0);
			in_last = (t + 1 == ws.size());
			in_has_init = (t == 0 && !init.empty());
			set_words(in_tag, { 7, 0, static_cast<uint32_t>(cfg), 0 });
			set_words(in_w, pack16(ws[t]));
			in_x = [&] {
				uint64_t v = 0;
				for (size_t j = 0; j < x.size(); j++)
					v |= uint64_t{ x[j] } << (16 * j);
				return v;
			}();
			set_words(in_init, init);
			settle();
			if (!in_ready.read()) {
				std::printf("%s: tile %zu refused\n", name, t);
				errors++;
			}
			edge();
		}
		in_valid = false;
		unsigned waited = 1;
		for (; waited < 20; waited++) {
			settle();
			if (out_valid.read())
				break;
			edge();
		}
		if (waited != lat) {
			std::printf("%s: offered %u cycles after the last tile, expected %u\n", name, waited, lat);
			errors++;
		}
		sc_bv<kG *kK * 32> s = out_sums.read();
		if (out_kr.read() != want.size()) {
			std::printf("%s: kr %u expected %zu\n", name, out_kr.read(), want.size());
			errors++;
		}
		for (size_t r = 0; r < want.size(); r++) {
			uint32_t got = s.get_word(static_cast<int>(r));
			if (got != want[r]) {
				std::printf("%s: row %zu expected 0x%08x got 0x%08x\n", name, r, want[r], got);
				errors++;
			}
		}
		edge(); // the block is popped at this edge (out_ready high)
		std::printf("%s: %zu rows checked, latency %u\n", name, want.size(), waited);
	};

	// 1. config4: 8 rows x 4 columns, two tiles.
	{
		std::vector<uint16_t> w(kK * kN, f16_int(1));
		std::vector<uint16_t> x = { f16_int(1), f16_int(2), f16_int(3), f16_int(4) };
		std::vector<uint32_t> want(kK, f32_bits(20.0f));
		run_block("fp16 config4", 4, { w, w }, x, {}, want, 4);
	}
	// 2. config2: 32 rows x 1 column, init 0.5.
	{
		std::vector<uint16_t> w(4 * kK);
		std::vector<uint32_t> init(4 * kK, f32_bits(0.5f)), want(4 * kK);
		for (unsigned r = 0; r < 4 * kK; r++) {
			w[r] = f16_int(r);
			want[r] = f32_bits(3.0f * static_cast<float>(r) + 0.5f);
		}
		run_block("fp16 config2 + init", 2, { w }, { f16_int(3) }, init, want, 2);
	}
	// 3. fix16x8 config3: 16 rows x 2 columns.
	{
		fix = true;
		std::vector<uint16_t> w(2 * kK * 2, 0xab02);
		std::vector<uint32_t> want(2 * kK, 194);
		run_block("fix16x8 config3", 3, { w }, { 100, static_cast<uint16_t>(-3) }, {}, want, 3);
	}
	dut.final();
	if (errors) {
		std::printf("sc_main: FAIL (%d errors)\n", errors);
		return 1;
	}
	std::printf("sc_main: PASS\n");
	return 0;
}
