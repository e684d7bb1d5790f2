/*
 * Closed-form tests of progressive (anytime) LSTM layers (approx:
 * svd_prune, sim/approx/apx_prog.h, docs/progressive.md §5). Defaults as in
 * test_timing.c: R = 1, M = A = 1, Lm = 15, Lc = 18, L = 8 lanes, so a
 * step whose last tile issues in slot s (0-based) has period
 *   P = s + R + M + d + A + Lm + Lc + 2 + (E - 1) = s + 40 + (E - 1) at d = 2
 * and a T-step layer takes T*P + 1 cycles.
 *
 * On N = 4, K = 32 in config4 (Kr = 32, Kc = 4, d = 2) the scalar s_n is an
 * operand L_s = M + d + A + 1 = 5 issue slots after D_n's last tile; the
 * first block issues D_1 | D_2 [waits] U_1 | ... | [waits] U_N with each U_n
 * placed at the first slot >= slot(D_n last) + 5.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "../sim/approx/apx_anytime.h"
#include "../sim/approx/apx_budget.h"
#include "../sim/approx/apx_eval.h"
#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/func/ref.h"
#include "../sim/func/weights.h"
#include "testutil.h"

static hw_cfg_t hw_tiny(void)
{
	return test_hw(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
}

static layer_cfg_t apx_layer(uint32_t in, uint32_t hid, uint32_t t, uint32_t b, uint32_t nz, uint32_t steps)
{
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, in, hid, t, b);
	l.approx = APPROX_SVD_PRUNE;
	l.approx_nz = nz;
	l.approx_steps = steps;
	l.approx_value_bits = 32;
	l.approx_index_bits = 16;
	return l;
}

/* Runs one layer, checks lane conservation, returns cycles. */
static uint64_t run1(const hw_cfg_t *h, const layer_cfg_t *l, run_result_t *keep, bool ff)
{
	return test_run1(h, l, keep, (run_opts_t){ .fast_forward = ff });
}

/* I = H = 4 (C = 8), NZ = 6, N = 2: D = ceil(6/4) = 2 dot tiles a step,
 * one block (rpg = 8 >= H). D_1 in slots 0, 1; D_2 in 2, 3; U_1 needs slot
 * >= 1 + 5 = 6: waits in 4, 5, U_1 in 6; U_2 needs >= 3 + 5 = 8: a wait in
 * 7, U_2 in 8. s = 8, E = 1: P = 48; T = 1 -> 49, T = 3 -> 145. The three
 * waits idle 3 * 128 lane-cycles a step as dependency. */
START_TEST(tiny_step_closed_form)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(4, 4, 1, 1, 6, 2);
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 1 * 48 + 1);
	/* useful lanes a step: dots 4 gates x 6, updates 16 rows x 2 */
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 4 * 6 * 2 + 16 * 2);
	ck_assert_uint_eq(test_counter(&r, "vs.busy"), 9);
	run_result_free(&r);
	l.timesteps = 3;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 3 * 48 + 1);
	/* A third refinement: D_3 follows U_1, in slots 7, 8; U_2 needs
	 * >= 3 + 5 = 8 and slot 9 is next: no wait; U_3 needs >= 8 + 5 = 13:
	 * waits in 10..12, U_3 in 13. s = 13: P = 53. */
	l.timesteps = 1;
	l.approx_steps = 3;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 1 * 53 + 1);
}
END_TEST

/* Bytes a step, I = H = 4, NZ = 6, N = 2 (Kc = 4): per refinement the dot
 * tiles of 4 and 2 columns hold 4 gates x cols x (value + index) and the
 * step's 4 sigmas, the update tile 16 rows of u. At 32/16 bits: 4*4*6 +
 * (4*2*6 + 4*4) + 16*4 = 96 + 64 + 64 = 224, N = 2: 448. At 16/8 bits: 48 +
 * (24 + 8) + 32 = 112, 224. Streamed every step (a 256-byte buffer, 255
 * of them staging) from a DRAM of 0.512 GB/s, 1.024 bytes a cycle at 500
 * MHz, the 448 bytes take 437.5 cycles, far above the resident 48: the
 * steady state alternates 437 and 438, and two steps take exactly 875. */
START_TEST(factor_bytes)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(4, 4, 40, 1, 6, 2);
	run_result_t r;
	run1(&h, &l, &r, true);
	ck_assert_uint_eq(r.layers[0].weight_bytes, 448);
	run_result_free(&r);
	l.approx_value_bits = 16;
	l.approx_index_bits = 8;
	run1(&h, &l, &r, true);
	ck_assert_uint_eq(r.layers[0].weight_bytes, 224);
	run_result_free(&r);
	l.approx_value_bits = 32;
	l.approx_index_bits = 16;
	h.memory.weights = WEIGHTS_STREAM;
	h.memory.dram.gbps = 0.512;
	h.memory.wbuf.bytes = 256;
	h.memory.wbuf.stage_bytes = 255;
	uint64_t c40 = run1(&h, &l, &r, true);
	ck_assert_uint_eq(r.layers[0].weights, WEIGHTS_STREAM);
	run_result_free(&r);
	l.timesteps = 42;
	ck_assert_uint_eq(run1(&h, &l, NULL, true) - c40, 875);
}
END_TEST

/* A batch of B = 2: each tile issues twice, so U_n needs 3 tiles from D_n's
 * last (3 * 2 >= 5). D_1 in tiles 0, 1, D_2 in 2, 3; U_1 needs tile >= 4:
 * tile 4; U_2 needs >= 6: a wait in 5, U_2 in 6. Seven tiles, 14 slots: s =
 * 13 for sequence 1's U_2; its 4 elements and sequence 0's (8, at 8 a
 * cycle, E = 1): P = 13 + 40 = 53, T = 2 -> 107. */
START_TEST(batch_spaces_the_scalar)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(4, 4, 2, 2, 6, 2);
	run_result_t r;
	ck_assert_uint_eq(run1(&h, &l, &r, false), 2 * 53 + 1);
	ck_assert_uint_eq(test_counter(&r, "vs.busy"), 2 * 7 * 2);
	run_result_free(&r);
}
END_TEST

/* I = 12, H = 8 (C = 20), NZ = 20, N = 2: D = 5. D_1 in 0..4, D_2 in 5..9,
 * U_1 needs >= 9 and slot 10 is next: no wait; U_2 needs >= 14: waits in
 * 11..13, U_2 in 14. s = 14: P = 54; T = 2 -> 109. */
START_TEST(long_dot_hides_the_scalar)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(12, 8, 2, 1, 20, 2);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 54 + 1);
}
END_TEST

/* Two blocks: H = 12 on rpg = 8 (rows 0..7 and 8..11 of each gate). The
 * first block as in tiny_step_closed_form with I = 4, NZ = 6 (C = 16): s =
 * 8 for its U_2; the second block's U_1, U_2 in slots 9, 10, so s = 10, and
 * its 4 elements per gate are read in one cycle (E - 1 = 0 for the last
 * block, the first block's 8 elements being read while it drains): P = 50,
 * T = 2 -> 101. */
START_TEST(two_blocks)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(4, 12, 2, 1, 6, 2);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 50 + 1);
}
END_TEST

/* Refinement-major order (approx_order: refinement) against block-major on
 * two blocks: H = 12 on rpg = 8, I = 4, NZ = 6 (D = 2), N = 3.
 *
 * Block-major: block 0 as in tiny_step_closed_form's third refinement (D_1
 * in 0, 1, D_2 in 2, 3, waits 4, 5, U_1 in 6, D_3 in 7, 8, U_2 in 9, waits
 * 10..12, U_3 in 13), then block 1's U_1..U_3 in 14..16: s = 16, P = 56;
 * refinement n reaches every row with block 1's U_n: 56t + 19, 20, 21.
 *
 * Refinement-major: D_1 in 0, 1, D_2 in 2, 3, waits 4, 5 (U_1 needs
 * >= 1 + 5), U_1 of blocks 0, 1 in 6, 7; D_3 in 8, 9; U_2 needs >= 3 + 5
 * and slot 10 is next: blocks 0, 1 in 10, 11; U_3 needs >= 9 + 5: waits
 * 12, 13, blocks 0, 1 in 14, 15. s = 15; block 0 leaves the accumulators
 * at 19, block 1 at 20, one block a cycle into the MFU (8 and 4 units, one
 * cycle each at L = 8): P = 15 + 40 = 55. Refinement n lands at slot + 5:
 * 55t + 12, 16, 20, the first one 7 cycles earlier than block-major's,
 * and the step one slot shorter (the two U_1 fill a wait). */
START_TEST(refinement_major_two_blocks)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(4, 12, 40, 1, 6, 3);
	static const uint64_t per[2] = { 56, 55 }, at[2][3] = { { 19, 20, 21 }, { 12, 16, 20 } };
	for (int o = 0; o < 2; o++) {
		l.approx_order = o ? APPROX_ORDER_REFINEMENT : APPROX_ORDER_BLOCK;
		for (int ff = 0; ff < 2; ff++) {
			run_result_t r;
			l.timesteps = 40;
			ck_assert_uint_eq(run1(&h, &l, &r, ff), 40 * per[o] + 1);
			ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 40ull * 3 * (4 * 6 + 12 * 4));
			for (uint64_t t = 0; t < 40; t++)
				for (int n = 0; n < 3; n++)
					ck_assert_uint_eq(r.layers[0].refine_at[3 * t + n], per[o] * t + at[o][n]);
			if (ff)
				ck_assert_uint_gt(test_counter(&r, "sim.jumped_cycles"), 0);
			run_result_free(&r);
		}
	}
	/* The drain: every block closes in the last round, so the cell
	 * updater takes them back to back. At L = 2 lanes block 0's 8 units
	 * take 4 cycles and block 1's 4 take 2. Block-major: block 0 (slot
	 * 13) leaves at 18, block 1 (slot 16) at 21, 3 cycles behind it, so
	 * its reading starts 1 cycle late: P = 16 + 40 + 1 + (2 - 1) = 58.
	 * Refinement-major: block 0 (slot 14) and block 1 (slot 15)
	 * leave at 19 and 20; block 1's units are read after block 0's 4
	 * cycles, 3 later than its own arrival would allow, then 2 cycles:
	 * P = 15 + 40 + 3 + 1 = 59. */
	h.cell.lanes = 2;
	l.timesteps = 2;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 59 + 1);
	l.approx_order = APPROX_ORDER_BLOCK;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 58 + 1);
	h.cell.lanes = 8;
	/* B = 2, N = 2: each tile issues twice, U_n needs (tiles from D_n's
	 * last) * 2 >= 5. Refinement-major: D_1 in tiles 0, 1, D_2 in 2, 3,
	 * U_1 of blocks 0, 1 in 4, 5 (4 - 1 >= 3), U_2 in 6, 7 (6 - 3 >= 3):
	 * no wait, 8 tiles, 16 slots, s = 15: P = 55. Block-major: U_1 in 4, a
	 * wait in 5, U_2 in 6, block 1's U_1, U_2 in 7, 8: 18 slots, s = 17,
	 * P = 57. T = 2: 111 and 115 cycles. */
	l = apx_layer(4, 12, 2, 2, 6, 2);
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 57 + 1);
	l.approx_order = APPROX_ORDER_REFINEMENT;
	ck_assert_uint_eq(run1(&h, &l, NULL, false), 2 * 55 + 1);
	/* Both blocks of both sequences stay open over the step: 4
	 * accumulator blocks; 3 would deadlock, so the build refuses. */
	h.compute.accumulators = 3;
	run_result_t r;
	sim_err_t e = { 0 };
	ck_assert_int_eq(test_run_layers(&h, &l, 1, false, 1, NULL, "p.yaml", &r, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "compute.accumulators is 3, expected at least 4"), "%s", e.msg);
}
END_TEST

/* The operation count of the paper, from counters: per gate and refinement
 * step NZ + R multiply-adds on VS lanes and one scale multiply, so
 *   2 * vs.useful_macs + approx.scale_mults = T*B*G*N*(2R + 2NZ + 1). */
START_TEST(op_count_from_counters)
{
	static const uint32_t shapes[][6] = {
		/* I, H, T, B, NZ, N */
		{ 8, 12, 4, 2, 5, 3 },
		{ 4, 4, 3, 1, 8, 1 },
		{ 16, 20, 5, 1, 36, 7 },
	};
	hw_cfg_t h = hw_tiny();
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		const uint32_t *s = shapes[i];
		layer_cfg_t l = apx_layer(s[0], s[1], s[2], s[3], s[4], s[5]);
		run_result_t r;
		run1(&h, &l, &r, true);
		uint64_t macs = test_counter(&r, "vs.useful_macs"), sc = test_counter(&r, "approx.scale_mults");
		uint64_t tbgn = (uint64_t)s[2] * s[3] * 4 * s[5];
		ck_assert_uint_eq(sc, tbgn);
		ck_assert_uint_eq(2 * macs + sc, tbgn * (2ull * s[1] + 2ull * s[4] + 1));
		run_result_free(&r);
	}
}
END_TEST

/* The time of each refinement: step t's slot 0 issues in cycle 48t (P =
 * 48, tiny_step_closed_form), a tile issued in slot s is accepted at +R =
 * 1 and its sum is in the accumulator latency(config4) = M + d + A = 4
 * later: U_1 (slot 6) at 48t + 11, U_2 (slot 8) at 48t + 13. Over 40
 * steps with fast-forward the jumped steps are filled in exactly. */
START_TEST(refinement_times)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(4, 4, 40, 1, 6, 2);
	for (int ff = 0; ff < 2; ff++) {
		run_result_t r;
		run1(&h, &l, &r, ff);
		ck_assert_uint_eq(r.layers[0].refine_steps, 2);
		for (uint64_t t = 0; t < 40; t++) {
			ck_assert_uint_eq(r.layers[0].refine_at[2 * t], 48 * t + 11);
			ck_assert_uint_eq(r.layers[0].refine_at[2 * t + 1], 48 * t + 13);
		}
		if (ff)
			ck_assert_uint_gt(test_counter(&r, "sim.jumped_cycles"), 0);
		run_result_free(&r);
	}
}
END_TEST

/* Fast-forward's steady-state jump gives the stepped run's cycles and
 * counters, on a resident and a streamed layer of two row blocks, in
 * either order. */
START_TEST(fast_forward_exact)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(24, 16, 40, 1, 10, 5);
	for (int k = 0; k < 4; k++) {
		int stream = k & 1;
		l.approx_order = k & 2 ? APPROX_ORDER_REFINEMENT : APPROX_ORDER_BLOCK;
		h.memory.weights = stream ? WEIGHTS_STREAM : WEIGHTS_RESIDENT;
		run_result_t a, b;
		run1(&h, &l, &a, false);
		run1(&h, &l, &b, true);
		ck_assert_uint_eq(a.cycles, b.cycles);
		ck_assert_uint_eq(test_counter(&a, "idle.dependency"), test_counter(&b, "idle.dependency"));
		ck_assert_uint_eq(test_counter(&a, "approx.scale_mults"), test_counter(&b, "approx.scale_mults"));
		ck_assert_uint_eq(test_counter(&a, "idle.weight_fetch"), test_counter(&b, "idle.weight_fetch"));
		run_result_free(&a);
		run_result_free(&b);
	}
}
END_TEST

/* A budget per time step allows the most refinements whose period fits:
 * P(1) = 46 (D_1 in 0, 1; U_1 at 1 + 5 = 6: s = 6), P(2) = 48, P(3) = 53
 * (tiny_step_closed_form), at 500 MHz 0.092, 0.096 and 0.106 us. */
START_TEST(budget_allows_exactly_k)
{
	hw_cfg_t h = hw_tiny();
	ck_assert(h.clock_mhz == 500);
	static const struct {
		double cycles;
		uint32_t k;
	} cases[] = { { 46, 1 }, { 47.9, 1 }, { 48, 2 }, { 52.9, 2 }, { 53, 3 }, { 1000, 3 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		layer_cfg_t l = apx_layer(4, 4, 3, 1, 6, 3);
		workload_t w = { .name = "t", .path = "p.yaml", .layers = &l, .n_layers = 1 };
		run_opts_t o = { .fast_forward = true };
		sim_err_t e = { 0 };
		ck_assert_int_eq(apx_budget_fit(&h, &w, &o, cases[i].cycles / 500, &e), SIM_OK);
		ck_assert_uint_eq(l.approx_steps, cases[i].k);
		/* k at every one of the 3 steps, each lasting P(k), the first
		 * included (first_step_lasts_a_period): 3 P(k) + 1 cycles. */
		static const uint64_t per[4] = { 0, 46, 48, 53 };
		run_result_t r;
		ck_assert_uint_eq(run1(&h, &l, &r, true), 3 * per[cases[i].k] + 1);
		ck_assert_uint_eq(r.layers[0].refine_steps, cases[i].k);
		for (uint64_t t = 0; t < 3; t++)
			for (uint32_t n = 0; n < cases[i].k; n++)
				ck_assert_uint_gt(r.layers[0].refine_at[t * cases[i].k + n], 0);
		run_result_free(&r);
	}
	/* Shorter than one step: refused at the layer. */
	layer_cfg_t l = apx_layer(4, 4, 3, 1, 6, 3);
	l.line = 3, l.col = 5;
	workload_t w = { .name = "t", .path = "p.yaml", .layers = &l, .n_layers = 1 };
	run_opts_t o = { .fast_forward = true };
	sim_err_t e = { 0 };
	ck_assert_int_eq(apx_budget_fit(&h, &w, &o, 45.9 / 500, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "p.yaml:3:5") && strstr(e.msg, "46 cycles"), "%s", e.msg);
}
END_TEST

/* Why a per-step choice made at run time would equal the budget's: under
 * the h barrier every time step starts from the same machine state (the
 * array, accumulators, MFU and cell updater drained, the factors
 * resident), so a program with k refinements lasts the same at every
 * step, the first included: T = 1 takes P(k) + 1 cycles, P(1) = 46, P(2) =
 * 48, P(3) = 53 (budget_allows_exactly_k), and T steps take T * P(k) + 1. */
START_TEST(first_step_lasts_a_period)
{
	hw_cfg_t h = hw_tiny();
	static const uint64_t per[3] = { 46, 48, 53 };
	for (uint32_t k = 1; k <= 3; k++) {
		layer_cfg_t l = apx_layer(4, 4, 1, 1, 6, k);
		ck_assert_uint_eq(run1(&h, &l, NULL, false), per[k - 1] + 1);
		l.timesteps = 5;
		ck_assert_uint_eq(run1(&h, &l, NULL, false), 5 * per[k - 1] + 1);
	}
}
END_TEST

/* With NZ = C and N = rank (R = 4 rows, C = 8), the refinements rebuild
 * every gate: the last hidden state is the exact layer's to rounding. */
START_TEST(full_rank_values_are_exact)
{
	layer_cfg_t l = apx_layer(4, 4, 5, 2, 8, 4);
	workload_t w = { .name = "t", .path = "p.yaml", .layers = &l, .n_layers = 1 };
	double rel[4], cos[4];
	sim_err_t e = { 0 };
	ck_assert_msg(apx_eval_layer(&w, 0, 7, rel, cos, NULL, NULL, NULL, &e) == SIM_OK, "%s", e.msg);
	ck_assert_msg(rel[3] < 1e-12 && cos[3] > 1 - 1e-12, "rel %g cos %.17g", rel[3], cos[3]);
	ck_assert(rel[0] > 1e-3);
}
END_TEST

static int load(const char *text, sim_err_t *e)
{
	return test_load_workload("p.yaml", text, e);
}

/* Bad input is file:line:col and SIM_EINPUT (exit 2 at the CLI). */
START_TEST(refusals)
{
	sim_err_t e;
	ck_assert_int_eq(load("name: p\nlayers:\n  - {cell: lstm, input_size: 4, hidden_size: 4, timesteps: 2, "
			      "approx: svd_prune, approx_nz: 6, approx_steps: 2}\n",
			      &e),
			 SIM_OK);
	ck_assert_int_eq(load("name: p\nlayers:\n  - cell: lstm\n    input_size: 4\n    hidden_size: 4\n"
			      "    timesteps: 2\n    approx: svd_prune\n    approx_nz: 9\n",
			      &e),
			 SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "p.yaml:8:16") && strstr(e.msg, "expected 1..8"), "%s", e.msg);
	ck_assert_int_eq(load("name: p\nlayers:\n  - cell: lstm\n    input_size: 4\n    hidden_size: 4\n"
			      "    timesteps: 2\n    approx: svd_prune\n    approx_nz: 4\n    approx_steps: 0\n",
			      &e),
			 SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "p.yaml:9:19"), "%s", e.msg);
	ck_assert_int_eq(load("name: p\nlayers:\n  - cell: gru\n    input_size: 4\n    hidden_size: 4\n"
			      "    timesteps: 2\n    approx: svd_prune\n    approx_nz: 4\n",
			      &e),
			 SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "p.yaml:7:13") && strstr(e.msg, "cell: lstm"), "%s", e.msg);
	ck_assert_int_eq(load("name: p\nlayers:\n  - cell: lstm\n    input_size: 4\n    hidden_size: 4\n"
			      "    timesteps: 2\n    approx_nz: 4\n",
			      &e),
			 SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "p.yaml:7:16"), "%s", e.msg);
	ck_assert_int_eq(load("name: p\nlayers:\n  - cell: lstm\n    input_size: 4\n    hidden_size: 4\n"
			      "    timesteps: 2\n    approx_order: refinement\n",
			      &e),
			 SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "p.yaml:7:19") && strstr(e.msg, "approx_order"), "%s", e.msg);
	ck_assert_int_eq(load("name: p\nlayers:\n  - {cell: lstm, input_size: 4, hidden_size: 4, timesteps: 2, "
			      "approx: svd_prune, approx_nz: 6, approx_order: refinement}\n",
			      &e),
			 SIM_OK);
	/* timed only: a functional run is refused at the layer */
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = apx_layer(4, 4, 1, 1, 6, 2);
	run_result_t r;
	ck_assert_int_eq(test_run_layers(&h, &l, 1, true, 1, NULL, "p.yaml", &r, &e), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "without functional"));
}
END_TEST

/* The dense baseline's anytime record (run_opts.anytime, apx_anytime.h).
 * Intergate, I = 4, H = 16 on N = 4, K = 32 in config4 (Kr = 32, Kc = 4,
 * d = 2), no pad_reconfig: two blocks of 8 rows per gate (hidden 0..7,
 * 8..15), each an X segment of one tile (4 columns) and an H segment of
 * four (16 columns): X_0 in slot 0, H_0 in 1..4, X_1 in 5, H_1 in 6..9.
 * A block whose last tile issues in slot s leaves the accumulators at
 * s + R + M + d + A = s + 5: H_0 at 9, H_1 at 14. The step's last tile is
 * in slot 9 and the last block's 8 elements take E = 1 cycle at L = 8, so
 * P = 9 + 40 = 49: step t's blocks leave at 49t + 9 and 49t + 14, and T = 3
 * takes 3 * 49 + 1 = 148 cycles. The curve, in double: after H_1 every unit
 * is final (relative error 0, cosine 1, exactly); after H_0, units 8..15
 * still read h_{t-1}, so the relative error is ||h_t - h_{t-1}|| over
 * those units / ||h_t||, recomputed here from ref_run. */
START_TEST(dense_anytime_blocks)
{
	hw_cfg_t h = hw_tiny();
	h.compute.pad_reconfig = false;
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 4, 16, 3, 1);
	workload_t w = { .name = "t", .path = "t", .layers = &l, .n_layers = 1 };
	run_opts_t o = { .fast_forward = true, .anytime = true };
	run_result_t r;
	sim_err_t e = { 0 };
	ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
	test_check_lanes(&r, &h);
	ck_assert_uint_eq(r.cycles, 3 * 49 + 1);
	run_anytime_t *at = r.layers[0].anytime;
	ck_assert_ptr_nonnull(at);
	ck_assert_uint_eq(at->nblock, 2);
	ck_assert_uint_eq(at->j0[0], 0);
	ck_assert_uint_eq(at->rows[0], 8);
	ck_assert_uint_eq(at->j0[1], 8);
	ck_assert_uint_eq(at->rows[1], 8);
	for (uint64_t t = 0; t < 3; t++) {
		ck_assert_uint_eq(at->left_at[t * 2], 49 * t + 9);
		ck_assert_uint_eq(at->left_at[t * 2 + 1], 49 * t + 14);
	}
	ck_assert_int_eq(apx_anytime_eval(&w, 0, 7, at, &e), SIM_OK);
	weights_t *wt = weights_random(&l, 7, &e);
	ck_assert_ptr_nonnull(wt);
	double href[3 * 16];
	ck_assert_int_eq(ref_run(wt, href, NULL, &e), SIM_OK);
	for (size_t t = 0; t < 3; t++) {
		const double *ht = href + t * 16;
		double d2 = 0, n2 = 0;
		for (size_t j = 0; j < 16; j++) {
			double prev = t ? href[(t - 1) * 16 + j] : wt->h0 ? wt->h0[j] : 0;
			if (j >= 8)
				d2 += (ht[j] - prev) * (ht[j] - prev);
			n2 += ht[j] * ht[j];
		}
		ck_assert_double_eq_tol(at->rel_error[t * 2], sqrt(d2 / n2), 1e-15);
		ck_assert(at->rel_error[t * 2] > 0);
		ck_assert_double_eq(at->rel_error[t * 2 + 1], 0);
		ck_assert_double_eq(at->cosine[t * 2 + 1], 1);
	}
	run_result_free(&r);
	/* Sequential: one segment per gate (16 real rows of 32), X then H,
	 * gates in issue order i, f, g, o: 4 x (1 + 4) = 20 tiles in slots
	 * 0..19, the H segments' last tiles in 4, 9, 14, 19, leaving at 9, 14,
	 * 19, 24. s = 19 and the o block's 16 elements take E = 2 cycles at
	 * L = 8: P = 19 + 40 + 1 = 60. No unit is final before the o gate's
	 * block, so the first three readings are h_{t-1} throughout
	 * (||h_t - h_{t-1}|| / ||h_t|| over all 16 units) and the fourth is
	 * exact. */
	h.scheduler = SCHED_KIND_SEQUENTIAL;
	ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(r.cycles, 3 * 60 + 1);
	at = r.layers[0].anytime;
	ck_assert_uint_eq(at->nblock, 4);
	for (uint64_t t = 0; t < 3; t++)
		for (uint64_t b = 0; b < 4; b++)
			ck_assert_uint_eq(at->left_at[t * 4 + b], 60 * t + 9 + 5 * b);
	ck_assert_int_eq(apx_anytime_eval(&w, 0, 7, at, &e), SIM_OK);
	for (size_t t = 0; t < 3; t++) {
		double d2 = 0, n2 = 0;
		for (size_t j = 0; j < 16; j++) {
			double prev = t ? href[(t - 1) * 16 + j] : wt->h0 ? wt->h0[j] : 0;
			d2 += (href[t * 16 + j] - prev) * (href[t * 16 + j] - prev);
			n2 += href[t * 16 + j] * href[t * 16 + j];
		}
		for (size_t b = 0; b < 3; b++)
			ck_assert_double_eq_tol(at->rel_error[t * 4 + b], sqrt(d2 / n2), 1e-15);
		ck_assert_double_eq(at->rel_error[t * 4 + 3], 0);
	}
	weights_destroy(wt);
	run_result_free(&r);
}
END_TEST

Suite *progressive_suite(void)
{
	Suite *s = suite_create("progressive");
	TCase *t = tcase_create("progressive");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, tiny_step_closed_form);
	tcase_add_test(t, long_dot_hides_the_scalar);
	tcase_add_test(t, batch_spaces_the_scalar);
	tcase_add_test(t, factor_bytes);
	tcase_add_test(t, two_blocks);
	tcase_add_test(t, refinement_major_two_blocks);
	tcase_add_test(t, op_count_from_counters);
	tcase_add_test(t, refinement_times);
	tcase_add_test(t, budget_allows_exactly_k);
	tcase_add_test(t, first_step_lasts_a_period);
	tcase_add_test(t, fast_forward_exact);
	tcase_add_test(t, full_rank_values_are_exact);
	tcase_add_test(t, refusals);
	tcase_add_test(t, dense_anytime_blocks);
	suite_add_tcase(s, t);
	return s;
}
