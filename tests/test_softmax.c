/*
 * test_softmax.c - suite `softmax`: the output softmax layer (cell:
 * softmax, sim/ctrl/smx_prog.h, docs/hardware.md §2.11): closed-form
 * cycles, its counters and lane conservation.
 *
 * Defaults as in test_timing.c: R = 1, M = A = 1, Lm = 15, U = 64 MFU
 * units, Lc = 18, L = 8 cell-updater lanes, so a step whose last tile
 * issues in slot s has period P = s + R + M + d + A + Lm + Lc + 2 + (E - 1)
 * = s + 40 + (E - 1) at d = 2. On N = 4, K = 32 in config4 (Kr = 32,
 * Kc = 4, d = 2): L_s = M + d + A + 1 = 5, so the reciprocal's wait is
 * L_r = L_s + Lm + 1 = 21 slots after the last dot tile.
 *
 * The cell updater reads a packet (one sequence's row block) at L elements
 * a cycle and the next packet after it, so the step's last h is written
 * Lc cycles after its last read, which is R + M + d + A + 1 + Lm + 1 = 22
 * cycles after the first sequence's first update tile plus ceil(rows/L)
 * cycles per packet behind it: with every packet waiting for the one
 * before it (ceil(K/L) >= 1 slot apart), the last read is slot(U_0 of
 * sequence 0) + 22 + sum over packets of ceil(rows/L) - 1.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "../sim/arith/fp.h"
#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/func/cellmath.h"
#include "../sim/func/npy.h"
#include "../sim/func/rng.h"
#include "testutil.h"

static hw_cfg_t hw_tiny(void)
{
	return test_hw(4, 32, TILE_CONFIG4, SCHED_KIND_INTERGATE);
}

static layer_cfg_t smx_layer(uint32_t k, uint32_t t, uint32_t b)
{
	return test_layer(CELL_SOFTMAX, GRU_LBR, k, k, t, b);
}

/* K = 10, B = 1: c = ceil(10/64) = 1 MFU cycle a pass, g = ceil(log2
 * min(64, 10)) = 4 comparator levels, W1 = 2*1*1 + 4 + 15 = 21: waits in
 * slots 0..20; D = ceil(10/4) = 3 dot tiles in 21..23; U_0 needs slot
 * >= 23 + 21 = 44: waits in 24..43, U_0 in 44. s = 44, E = ceil(10/8) = 2:
 * P = 44 + 40 + 1 = 85, T = 1: 86 cycles. Useful lanes: 10 (dot) + 10
 * (update); busy 45 slots, of which 41 waits: 41 * 128 lane-cycles of
 * dependency; the first cycle (the read line) and the 40 after slot 44 are
 * fill/drain, and the busy slots' other lanes padding: 45 * 128 - 41 * 128
 * - 20 = 492.
 *
 * T steps: a softmax has no recurrence, so step t + 1 issues right behind
 * step t (the two-step bound, ctrl.h): 45 slots a step, the last tile in
 * slot 45T - 1, T*45 + 41 cycles (T = 2: 131, T = 3: 176). */
START_TEST(one_vector_closed_form)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = smx_layer(10, 1, 1);
	run_result_t r;
	ck_assert_uint_eq(test_run1(&h, &l, &r, (run_opts_t){ 0 }), 85 + 1);
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 20);
	ck_assert_uint_eq(test_counter(&r, "vs.busy"), 45);
	ck_assert_uint_eq(test_counter(&r, "idle.dependency"), 41 * 128);
	ck_assert_uint_eq(test_counter(&r, "idle.fill_drain"), 41 * 128);
	ck_assert_uint_eq(test_counter(&r, "idle.padding"), 492);
	ck_assert_uint_eq(test_counter(&r, "softmax.exps"), 10);
	ck_assert_uint_eq(test_counter(&r, "softmax.max_compares"), 10);
	ck_assert_uint_eq(test_counter(&r, "softmax.recips"), 1);
	run_result_free(&r);
	l.timesteps = 2;
	ck_assert_uint_eq(test_run1(&h, &l, NULL, (run_opts_t){ 0 }), 131);
	l.timesteps = 3;
	ck_assert_uint_eq(test_run1(&h, &l, NULL, (run_opts_t){ 0 }), 176);
}
END_TEST

/* B = 2, K = 10: W1 = 2*2*1 + 4 + 15 = 23 cycles, w1 = ceil(23/2) = 12
 * wait tiles (0..11), dots in tiles 12..14, U_0 at the first tile u with
 * (u - 14) * 2 >= 21: 25 (waits 15..24). 26 tiles x 2 sequences: sequence
 * 0's U_0 in slot 50, sequence 1's in 51. Reads: sequence 0 in 72, 73,
 * sequence 1 in 74, 75; h at 75 + 18 = 93: 94 cycles. */
START_TEST(batch_closed_form)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = smx_layer(10, 1, 2);
	run_result_t r;
	ck_assert_uint_eq(test_run1(&h, &l, &r, (run_opts_t){ 0 }), 94);
	ck_assert_uint_eq(test_counter(&r, "vs.busy"), 52);
	ck_assert_uint_eq(test_counter(&r, "idle.dependency"), 22 * 2 * 128);
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 2 * 20);
	ck_assert_uint_eq(test_counter(&r, "softmax.recips"), 2);
	run_result_free(&r);
}
END_TEST

/* K = 40 > Kr = 32: two row blocks. g = ceil(log2 40) = 6, W1 = 2 + 6 +
 * 15 = 23: waits 0..22, D = 10 dots in 23..32, U_0 (32 rows) at 32 + 21 =
 * 53 after waits 33..52, U_1 (8 rows) in 54: 55 busy slots. Block 0 is read
 * in 75..78 (32 / 8), block 1 in 79; h at 97: 98 cycles.
 * K = 100 > U = 64: c = 2 MFU cycles a pass, g = ceil(log2 64) = 6, W1 =
 * 2*2 + 6 + 15 = 25: waits 0..24, D = 25 dots in 25..49, U_0 at 70 after
 * 20 waits, U_1..U_3 in 71..73 (32, 32, 32, 4 rows): 74 busy slots; reads
 * 4 + 4 + 4 + 1 cycles from 92, the last in 104, h at 122: 123 cycles. */
START_TEST(blocks_and_mfu_passes)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t l = smx_layer(40, 1, 1);
	run_result_t r;
	ck_assert_uint_eq(test_run1(&h, &l, &r, (run_opts_t){ 0 }), 98);
	ck_assert_uint_eq(test_counter(&r, "vs.busy"), 55);
	ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), 80);
	run_result_free(&r);
	l = smx_layer(100, 1, 1);
	ck_assert_uint_eq(test_run1(&h, &l, &r, (run_opts_t){ 0 }), 123);
	ck_assert_uint_eq(test_counter(&r, "vs.busy"), 74);
	ck_assert_uint_eq(test_counter(&r, "idle.dependency"), 45 * 128);
	ck_assert_uint_eq(test_counter(&r, "softmax.exps"), 100);
	run_result_free(&r);
}
END_TEST

/* Fast-forward's steady-state jumps give the stepped run's cycles and
 * counters: K = 10, T = 50: 50 * 45 + 41 = 2291; K = 40, B = 3. */
START_TEST(fast_forward_exact)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t ls[] = { smx_layer(10, 50, 1), smx_layer(40, 50, 3) };
	for (size_t i = 0; i < 2; i++) {
		run_result_t a, b;
		uint64_t ca = test_run1(&h, &ls[i], &a, (run_opts_t){ 0 });
		uint64_t cb = test_run1(&h, &ls[i], &b, (run_opts_t){ .fast_forward = true });
		ck_assert_uint_eq(ca, cb);
		if (i == 0)
			ck_assert_uint_eq(ca, 2291);
		static const char *const names[] = { "vs.useful_macs",	    "idle.dependency", "idle.padding",
						     "idle.fill_drain",	    "softmax.exps",    "softmax.recips",
						     "softmax.max_compares" };
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			ck_assert_uint_eq(test_counter(&a, names[k]), test_counter(&b, names[k]));
		ck_assert_uint_gt(test_counter(&b, "sim.jumped_cycles"), 0);
		run_result_free(&a);
		run_result_free(&b);
	}
}
END_TEST

/* fc (I = 4, H = 10: one tile, slot 0, P = 0 + 40 + 1 = 41; 42 cycles
 * alone) then the softmax of its 10 outputs: the softmax starts when the
 * fc's last h is written (cycle 41) and takes the 86 cycles it takes
 * alone: the controller issues in cycle 42, the VS array accepts slot 0 a
 * read latency later, and P = 85 after that: 42 + 86 = 128. */
START_TEST(after_fc)
{
	hw_cfg_t h = hw_tiny();
	layer_cfg_t ls[] = { test_layer(CELL_FC, GRU_LBR, 4, 10, 1, 1), smx_layer(10, 1, 1) };
	run_result_t r;
	sim_err_t e = { 0 };
	ck_assert_int_eq(test_run_layers(&h, ls, 2, false, 1, NULL, "t.yaml", &r, &e), SIM_OK);
	test_check_lanes(&r, &h);
	ck_assert_uint_eq(r.layers[0].cycles, 42);
	ck_assert_uint_eq(r.layers[1].cycles, 86);
	ck_assert_uint_eq(r.cycles, 42 + 86);
	run_result_free(&r);
}
END_TEST

static int load(const char *text, sim_err_t *e)
{
	return test_load_workload("s.yaml", text, e);
}

/* Bad input is file:line:col and SIM_EINPUT (exit 2 at the CLI). */
START_TEST(refusals)
{
	sim_err_t e;
	const char *fc = "  - {cell: fc, input_size: 4, hidden_size: 10, timesteps: 2}\n";
	const char *sm = "  - {cell: softmax, input_size: 10, hidden_size: 10, timesteps: 2}\n";
	char text[512];
	snprintf(text, sizeof text, "name: s\nlayers:\n%s%s", fc, sm);
	ck_assert_int_eq(load(text, &e), SIM_OK);
	/* first */
	ck_assert_int_eq(
		load("name: s\nlayers:\n  - {cell: softmax, input_size: 10, hidden_size: 10, timesteps: 2}\n", &e),
		SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "s.yaml:3:5") && strstr(e.msg, "last layer"), "%s", e.msg);
	/* not last */
	snprintf(text, sizeof text,
		 "name: s\nlayers:\n%s%s  - {cell: fc, input_size: 10, hidden_size: 3, timesteps: 2}\n", fc, sm);
	ck_assert_int_eq(load(text, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "s.yaml:4:5") && strstr(e.msg, "last layer"), "%s", e.msg);
	/* sizes */
	ck_assert_int_eq(load("name: s\nlayers:\n  - {cell: fc, input_size: 4, hidden_size: 10, timesteps: 2}\n"
			      "  - cell: softmax\n    input_size: 10\n    hidden_size: 9\n    timesteps: 2\n",
			      &e),
			 SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "s.yaml:6:18") && strstr(e.msg, "equal to input_size"), "%s", e.msg);
}
END_TEST

/* The datapath's softmax (cm_softmax) against a double softmax of the same
 * data words, exact activations, unit roundoff u of the data format (2^-11
 * fp16, 2^-8 bf16, 2^-24 fp32):
 *   z_j - m in fp32 is exact for fp16 and bf16 words; for fp32 it is off by
 *     d_j = |z_j - m| 2^-24 relative to itself, which exp turns into a
 *     relative error of e_j of at most d_j (to first order);
 *   e_j is rounded once: relative u + d_j in all;
 *   S, an fp32 sum of k such terms: (1 + u + d_max)(1 + k 2^-24);
 *   r = 1/S rounded once, p_j = e_j r exact in fp32, narrowed once:
 *   |p_j / p_ref - 1| <= (1 + u + d_j)(1 + u)^2 (1 + k 2^-24)
 *                        / (1 - u - d_max) - 1.
 * A subnormal e_j or p_j (fp16 below 2^-14: e^(z - m) at z - m < -9.7) is
 * off by at most half the smallest subnormal, s/2 (2^-25 fp16, 2^-134
 * bf16, 2^-150 fp32), and r <= 1: so |p_j - p_ref| <= bound_j * p_ref +
 * 2 * s/2 * (1 + u)^2. */
START_TEST(datapath_within_bound)
{
	static const prec_mul_t precs[] = { PREC_FP16, PREC_BF16, PREC_FP32 };
	static const double u[] = { 0x1p-11, 0x1p-8, 0x1p-24 }, half_sub[] = { 0x1p-25, 0x1p-134, 0x1p-150 };
	const size_t ks[] = { 1, 4, 10, 100 }, kc = 4;
	for (size_t pi = 0; pi < 3; pi++) {
		hw_cfg_t h = hw_tiny();
		h.precision.mul = precs[pi];
		h.activation.mode = ACT_EXACT;
		sim_err_t e = { 0 };
		cm_t *cm = cm_create(&h.precision, &h.activation, &e);
		ck_assert_ptr_nonnull(cm);
		rng_t *r = rng_create(7);
		for (size_t ki = 0; ki < 4; ki++) {
			size_t k = ks[ki];
			uint32_t z[100], p[100], sc[4];
			double zd[100], ref[100], m = -INFINITY, sum = 0;
			for (size_t j = 0; j < k; j++) {
				z[j] = cm_data(cm, rng_uniform(r, -8, 8));
				zd[j] = cm_data_value(cm, z[j]);
				m = zd[j] > m ? zd[j] : m;
			}
			for (size_t j = 0; j < k; j++)
				sum += ref[j] = exp(zd[j] - m);
			cm_softmax(cm, z, k, kc, sc, p);
			double floor = 2 * half_sub[pi] * (1 + u[pi]) * (1 + u[pi]), dmax = 0;
			for (size_t j = 0; j < k; j++)
				dmax = fmax(dmax, (m - zd[j]) * 0x1p-24);
			for (size_t j = 0; j < k; j++) {
				double got = cm_data_value(cm, cm_narrow(cm, p[j])), want = ref[j] / sum;
				double dj = precs[pi] == PREC_FP32 ? (m - zd[j]) * 0x1p-24 : 0;
				double d = precs[pi] == PREC_FP32 ? dmax : 0;
				double bound = (1 + u[pi] + dj) * (1 + u[pi]) * (1 + u[pi]) *
						       (1 + (double)k * 0x1p-24) / (1 - u[pi] - d) -
					       1;
				ck_assert_msg(fabs(got - want) <= bound * want + floor,
					      "prec %zu, k %zu, j %zu: %.9g against %.9g, beyond %g relative", pi, k, j,
					      got, want, bound);
			}
			if (k == 1) /* exp(0) / exp(0) */
				ck_assert_double_eq(cm_data_value(cm, cm_narrow(cm, p[0])), 1.0);
		}
		/* the max is subtracted: logits of 1000 do not overflow */
		uint32_t z[2] = { cm_data(cm, precs[pi] == PREC_FP16 ? 60000 : 1000), cm_data(cm, 0) }, p[2], sc[4];
		cm_softmax(cm, z, 2, kc, sc, p);
		ck_assert_double_eq(cm_data_value(cm, cm_narrow(cm, p[0])), 1.0);
		ck_assert_double_eq(cm_data_value(cm, cm_narrow(cm, p[1])), 0.0);
		rng_destroy(r);
		cm_destroy(cm);
	}
}
END_TEST

/* fc -> softmax under --functional: the softmax layer's outputs are, bit
 * for bit, cm_softmax of the fc layer's datapath outputs (both dumped),
 * on fp16 and fp32, B = 2, T = 3; the double reference's error is small. */
START_TEST(functional_after_fc)
{
	static const prec_mul_t precs[] = { PREC_FP16, PREC_FP32 };
	for (size_t pi = 0; pi < 2; pi++) {
		hw_cfg_t h = hw_tiny();
		h.precision.mul = precs[pi];
		layer_cfg_t ls[] = { test_layer(CELL_FC, GRU_LBR, 6, 10, 3, 2), smx_layer(10, 3, 2) };
		char dir[200];
		test_tmpdir(dir, sizeof dir, "softmax");
		run_result_t r;
		sim_err_t e = { 0 };
		ck_assert_int_eq(test_run_layers(&h, ls, 2, true, 5, dir, "t.yaml", &r, &e), SIM_OK);
		test_check_lanes(&r, &h);
		ck_assert_double_lt(r.layers[1].err.h.max_abs, pi == 0 ? 1e-2 : 1e-6);
		char p0[256], p1[256];
		snprintf(p0, sizeof p0, "%s/layer0_h.npy", dir);
		snprintf(p1, sizeof p1, "%s/layer1_h.npy", dir);
		npy_array_t a, b;
		ck_assert_int_eq(npy_read(p0, &a, &e), SIM_OK);
		ck_assert_int_eq(npy_read(p1, &b, &e), SIM_OK);
		ck_assert_uint_eq(a.count, 3 * 2 * 10);
		ck_assert_uint_eq(b.count, 3 * 2 * 10);
		cm_t *cm = cm_create(&h.precision, &h.activation, &e);
		for (size_t v = 0; v < 6; v++) {
			uint32_t z[10], p[10], sc[4];
			for (size_t j = 0; j < 10; j++)
				z[j] = cm_data(cm, a.data[v * 10 + j]);
			cm_softmax(cm, z, 10, 4, sc, p);
			for (size_t j = 0; j < 10; j++)
				ck_assert_double_eq(b.data[v * 10 + j], cm_data_value(cm, cm_narrow(cm, p[j])));
		}
		cm_destroy(cm);
		npy_free(&a);
		npy_free(&b);
		run_result_free(&r);
		unlink(p0);
		unlink(p1);
		rmdir(dir);
	}
}
END_TEST

Suite *softmax_suite(void)
{
	Suite *s = suite_create("softmax");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, one_vector_closed_form);
	tcase_add_test(tc, batch_closed_form);
	tcase_add_test(tc, blocks_and_mfu_passes);
	tcase_add_test(tc, fast_forward_exact);
	tcase_add_test(tc, after_fc);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, datapath_within_bound);
	tcase_add_test(tc, functional_after_fc);
	suite_add_tcase(s, tc);
	return s;
}
