/*
 * test_delta.c - delta networks (DeltaRNN): closed-form cycles of the
 * compacted tiles, useful MACs and skipped columns, and theta = 0 as the
 * dense run bit for bit (docs/compression.md, "Delta networks").
 *
 * The closed forms reuse test_timing.c's derivation of a vanilla RNN on
 * N = 4, K = 4, config4 (4 x 4 tiles), Intergate, one segment a step (its
 * X columns, then its H columns, one row block): a step whose block issues
 * its last tile in slot s (tiles s + 1) takes
 *   P = s + R + M + d + A + Lm + Lc + 2 + (E - 1) = s + 40
 * cycles, and a run of T steps takes sum(P_t) + 1. Under delta a segment
 * issues ceil(used / Kc) tiles, at least one: I = 16 is 4 X tiles and
 * H = 4 one H tile when dense.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/energy/energy.h"
#include "../sim/func/npy.h"
#include "testutil.h"

#define DELTA_DIR "build/delta-test"
#define THETA_INF 1e30 /* above any change an fp16 value can make */

static hw_cfg_t tiny(void)
{
	return test_hw(4, 4, TILE_CONFIG4, SCHED_KIND_INTERGATE);
}

static layer_cfg_t vanilla(uint32_t t)
{
	return test_layer(CELL_VANILLA, GRU_LBR, 16, 4, t, 1);
}

/* A functional run that must succeed, with lane conservation checked. */
static run_result_t run_ok(const hw_cfg_t *h, layer_cfg_t *l, const char *dump)
{
	run_result_t r = test_run_layers_ok(h, l, 1, 1, dump, DELTA_DIR "/wl.yaml");
	test_check_lanes(&r, h);
	return r;
}

/* Theta = infinity: step 0 uses every column (the buffer holds nothing
 * yet), every later step none. Vanilla I = 16, H = 4, T = 3:
 *   step 0: 4 X + 1 H tiles, s = 4, P = 44;
 *   steps 1, 2: one empty X tile and one empty H tile (a segment issues at
 *     least one: its row block must pass to the MFU), s = 1, P = 41;
 *   44 + 41 + 41 + 1 = 127 cycles (dense: 3 * 44 + 1 = 133).
 * Useful MACs: step 0's 4 x (16 + 4) = 80, then none. Skipped columns:
 * 2 * 16 of x, 2 * 4 of h. Both empty tiles' 16 lanes are padding. */
START_TEST(theta_infinite_skips_all_after_step_1)
{
	hw_cfg_t h = tiny();
	layer_cfg_t l = vanilla(3);
	run_result_t d = run_ok(&h, &l, NULL);
	ck_assert_uint_eq(d.cycles, 133);
	run_result_free(&d);
	l.delta = true;
	l.delta_threshold_x = l.delta_threshold_h = THETA_INF;
	run_result_t r = run_ok(&h, &l, NULL);
	ck_assert_uint_eq(r.cycles, 127);
	ck_assert_uint_eq(r.useful_macs, 80);
	ck_assert_uint_eq(test_counter(&r, "delta.x_skipped"), 32);
	ck_assert_uint_eq(test_counter(&r, "delta.h_skipped"), 8);
	ck_assert_uint_eq(test_counter(&r, "delta.x_used"), 16);
	ck_assert_uint_eq(test_counter(&r, "delta.h_used"), 4);
	ck_assert_uint_eq(test_counter(&r, "ctrl.tiles"), 5 + 2 + 2);
	/* every compare reads the buffer; only used columns write it */
	ck_assert_uint_eq(test_counter(&r, "delta.buf_reads"), 3 * 20);
	ck_assert_uint_eq(test_counter(&r, "delta.buf_writes"), 20);
	const func_layer_err_t *e = &r.layers[0].err;
	ck_assert(e->delta);
	ck_assert_uint_eq(e->delta_used_step[0], 20);
	ck_assert_uint_eq(e->delta_used_step[1], 0);
	ck_assert_uint_eq(e->delta_used_step[2], 0);
	run_result_free(&r);
	/* An encoder of L = 10 cycles (delta.encoder_latency): the list of
	 * h_{t-1} is ready L cycles after its last element, the cycle the
	 * barrier passes and the X tile issues; the H tile, one slot later
	 * before, now waits L - 1 cycles more: P = 41 + 9 = 50 at steps 2 and
	 * 3, and 44 + 50 + 50 + 1 = 145. Step 1 reads h_0 and does not wait. */
	h.delta_encoder_latency = 10;
	r = run_ok(&h, &l, NULL);
	ck_assert_uint_eq(r.cycles, 145);
	ck_assert_uint_eq(r.useful_macs, 80);
	run_result_free(&r);
}
END_TEST

/* Writes a vanilla layer's weights directory (W, U, b small and non-zero,
 * x given) under DELTA_DIR/wd. */
static void write_dir(const double *x, uint32_t t)
{
	sim_err_t e = { 0 };
	ck_assert_int_eq(system("mkdir -p " DELTA_DIR "/wd"), 0);
	double W[4 * 16], U[4 * 4], b[4];
	for (size_t i = 0; i < 64; i++)
		W[i] = 0.01 * (double)((i * 7) % 11 + 1);
	for (size_t i = 0; i < 16; i++)
		U[i] = 0.02 * (double)((i * 3) % 5 + 1);
	for (size_t i = 0; i < 4; i++)
		b[i] = 0.1;
	size_t sw[2] = { 4, 16 }, su[2] = { 4, 4 }, sb[1] = { 4 }, sx[3] = { t, 1, 16 };
	ck_assert_int_eq(npy_write(DELTA_DIR "/wd/W.npy", NPY_F8, 2, sw, W, &e), SIM_OK);
	ck_assert_int_eq(npy_write(DELTA_DIR "/wd/U.npy", NPY_F8, 2, su, U, &e), SIM_OK);
	ck_assert_int_eq(npy_write(DELTA_DIR "/wd/b.npy", NPY_F8, 1, sb, b, &e), SIM_OK);
	ck_assert_int_eq(npy_write(DELTA_DIR "/wd/x.npy", NPY_F8, 3, sx, x, &e), SIM_OK);
}

/* A hand-built input in which exactly k columns of x change per step, by
 * 0.5, against delta_threshold_x = 0.25 (h skipped after step 0: theta_h
 * infinite). Vanilla I = 16, H = 4, T = 4, k = -, 5, 9, 0:
 *   step 0: dense, 5 tiles, P = 44;
 *   step 1: ceil(5 / 4) = 2 X tiles (4 + 1 columns) + 1 empty H, s = 2, P = 42;
 *   step 2: ceil(9 / 4) = 3 X tiles + 1, s = 3, P = 43;
 *   step 3: 1 empty X tile + 1 empty H, s = 1, P = 41;
 *   44 + 42 + 43 + 41 + 1 = 171 cycles.
 * Useful MACs: 4 rows x (20 + 5 + 9 + 0) = 136. Padding: the partial last
 * X tiles (3 and 3 columns missing) and the empty tiles, 4 rows each:
 * 4 x (3 + 3) + 16 x (1 + 1 + 2) = 88 lanes beyond the dense run's. */
START_TEST(k_columns_change_per_step)
{
	static const uint32_t k[4] = { 0, 5, 9, 0 };
	double x[4 * 16];
	for (uint32_t i = 0; i < 16; i++)
		x[i] = 0.1 * (double)(i % 7) - 0.3;
	for (uint32_t t = 1; t < 4; t++) {
		for (uint32_t i = 0; i < 16; i++)
			x[t * 16 + i] = x[(t - 1) * 16 + i];
		/* columns 3i mod 16 for i < k: spread over the tiles */
		for (uint32_t i = 0; i < k[t]; i++)
			x[t * 16 + (3 * i) % 16] += 0.5;
	}
	write_dir(x, 4);
	hw_cfg_t h = tiny();
	layer_cfg_t l = vanilla(4);
	snprintf(l.weights, sizeof l.weights, "wd");
	l.delta = true;
	l.delta_threshold_x = 0.25;
	l.delta_threshold_h = THETA_INF;
	run_result_t r = run_ok(&h, &l, NULL);
	ck_assert_uint_eq(r.cycles, 171);
	ck_assert_uint_eq(r.useful_macs, 136);
	ck_assert_uint_eq(test_counter(&r, "delta.x_used"), 16 + 5 + 9 + 0);
	ck_assert_uint_eq(test_counter(&r, "ctrl.tiles"), 5 + 3 + 4 + 2);
	ck_assert_uint_eq(test_counter(&r, "idle.padding"), 88);
	const func_layer_err_t *e = &r.layers[0].err;
	ck_assert_uint_eq(e->delta_used_step[1], 5);
	ck_assert_uint_eq(e->delta_used_step[2], 9);
	ck_assert_uint_eq(e->delta_used_step[3], 0);
	run_result_free(&r);
	/* The same input with theta = 0 uses every column: the dense 4 * 44 + 1. */
	l.delta_threshold_x = l.delta_threshold_h = 0;
	r = run_ok(&h, &l, NULL);
	ck_assert_uint_eq(r.cycles, 177);
	ck_assert_uint_eq(r.useful_macs, 4 * 80);
	run_result_free(&r);
}
END_TEST

/* Theta = 0 is the dense run: the same cycles, idle lanes and h (c) of
 * every step bit for bit, on cells, schedules, batches and precisions
 * whose blocks are formed differently (merged X + H, Unfolded's
 * intermediate buffer, GRU's W_n.x kept apart, fixed point). */
START_TEST(theta_zero_is_dense_bit_for_bit)
{
	static const struct {
		cell_kind_t cell;
		sched_kind_t sched;
		uint32_t b;
		prec_mul_t prec;
	} c[] = {
		{ CELL_LSTM, SCHED_KIND_INTERGATE, 1, PREC_FP16 },   { CELL_LSTM, SCHED_KIND_UNFOLDED, 2, PREC_FP16 },
		{ CELL_GRU, SCHED_KIND_UNFOLDED, 1, PREC_FP16 },     { CELL_GRU, SCHED_KIND_SEQUENTIAL, 2, PREC_BF16 },
		{ CELL_VANILLA, SCHED_KIND_BATCH, 3, PREC_FIX16X8 }, { CELL_LSTM, SCHED_KIND_INTERGATE, 1, PREC_FP32 },
	};
	ck_assert_int_eq(system("mkdir -p " DELTA_DIR "/dense " DELTA_DIR "/delta"), 0);
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		hw_cfg_t h;
		config_hw_defaults(&h);
		h.compute.vs_units = 8;
		h.compute.vs_width = 8;
		h.scheduler = c[i].sched;
		h.precision.mul = c[i].prec;
		h.memory.weights = WEIGHTS_RESIDENT;
		layer_cfg_t l = test_layer(c[i].cell, GRU_LBR, 20, 30, 5, c[i].b);
		run_result_t d = run_ok(&h, &l, DELTA_DIR "/dense");
		l.delta = true;
		run_result_t r = run_ok(&h, &l, DELTA_DIR "/delta");
		ck_assert_uint_eq(r.cycles, d.cycles);
		ck_assert_uint_eq(r.useful_macs, d.useful_macs);
		ck_assert_uint_eq(test_counter(&r, "idle.padding"), test_counter(&d, "idle.padding"));
		ck_assert_uint_eq(test_counter(&r, "delta.x_skipped") + test_counter(&r, "delta.h_skipped"), 0);
		ck_assert(r.layers[0].err.h.rms == d.layers[0].err.h.rms);
		ck_assert_msg(test_same_file(DELTA_DIR "/dense/layer0_h.npy", DELTA_DIR "/delta/layer0_h.npy"),
			      "case %zu: h differs from the dense run", i);
		if (c[i].cell == CELL_LSTM)
			ck_assert(test_same_file(DELTA_DIR "/dense/layer0_c.npy", DELTA_DIR "/delta/layer0_c.npy"));
		run_result_free(&d);
		run_result_free(&r);
	}
}
END_TEST

/* Random delta layers on random small machines: every run keeps its own
 * invariants (lane conservation, useful MACs equal to the encoder's counts,
 * the datapath's causality checks), every column of every step is either
 * used or skipped, and the first step skips nothing. */
START_TEST(random_delta_runs_keep_invariants)
{
	static const cell_kind_t cells[] = { CELL_LSTM, CELL_GRU, CELL_VANILLA, CELL_FC };
	static const sched_kind_t scheds[] = { SCHED_KIND_SEQUENTIAL, SCHED_KIND_BATCH, SCHED_KIND_INTERGATE,
					       SCHED_KIND_UNFOLDED };
	static const double thetas[] = { 0.01, 0.05, 0.2, 0.6, THETA_INF };
	uint64_t z = 12345;
	for (int i = 0; i < 24; i++) {
		z = z * 6364136223846793005u + 1442695040888963407u;
		uint64_t v = z >> 20;
		hw_cfg_t h;
		config_hw_defaults(&h);
		h.compute.vs_units = 4u << (v % 3);
		h.compute.vs_width = 4u << ((v >> 2) % 2);
		h.scheduler = scheds[(v >> 4) % 4];
		h.deps = (v >> 6) % 2 ? DEPS_ELEMENT : DEPS_STEP;
		h.memory.weights = WEIGHTS_RESIDENT;
		h.delta_encoder_latency = (uint32_t)((v >> 32) % 4) * 3;
		cell_kind_t cell = cells[(v >> 7) % 4];
		uint32_t in = 3 + (uint32_t)((v >> 9) % 37), hid = 2 + (uint32_t)((v >> 15) % 29);
		uint32_t t = 2 + (uint32_t)((v >> 21) % 6), b = 1 + (uint32_t)((v >> 24) % 3);
		layer_cfg_t l = test_layer(cell, GRU_LBR, in, hid, t, b);
		l.delta = true;
		l.delta_threshold_x = thetas[(v >> 26) % 5];
		l.delta_threshold_h = thetas[(v >> 29) % 5];
		run_result_t r = run_ok(&h, &l, NULL);
		const func_layer_err_t *e = &r.layers[0].err;
		ck_assert(e->delta);
		ck_assert_uint_eq(e->delta_x_used + e->delta_x_skipped, (uint64_t)e->delta_nx * t);
		ck_assert_uint_eq(e->delta_h_used + e->delta_h_skipped, (uint64_t)e->delta_nh * t);
		ck_assert_uint_eq(e->delta_nx, in);
		ck_assert_uint_eq(e->delta_nh, cell == CELL_FC ? 0 : hid);
		ck_assert_uint_eq(e->delta_used_step[0], e->delta_nx + e->delta_nh);
		ck_assert_uint_eq(r.useful_macs, e->delta_macs);
		run_result_free(&r);
	}
}
END_TEST

/* A delta layer's x^ of a step lives in the x ring of the I/H buffer until
 * the step's blocks are formed (fpipe.c): at T = 40, far beyond the ring on
 * every schedule, a run with delta_threshold_x = 0.25 (theta_h = 0) gives h
 * bit for bit as a run whose x is the x^ the encoder's rule yields, worked
 * out here (every value a multiple of 1/8, exact in fp16). A ring too short
 * for the schedule fails the run (its checks) or moves h. */
START_TEST(x_hat_ring_beyond_t)
{
	enum { T = 40, I = 16 };
	/* the last: Unfolded with an intermediate buffer of a few steps' W.x
	 * sums (xdepth 4), eight accumulators and a longer multiplier */
	static const sched_kind_t sc[] = { SCHED_KIND_SEQUENTIAL, SCHED_KIND_BATCH, SCHED_KIND_INTERGATE,
					   SCHED_KIND_UNFOLDED, SCHED_KIND_UNFOLDED };
	double x[T * I], xh[T * I];
	for (uint32_t t = 0; t < T; t++)
		for (uint32_t i = 0; i < I; i++) {
			x[t * I + i] = (double)((t * 5 + i * 3 + (t * i) % 7) % 16) / 8.0 - 1.0;
			bool use = t == 0 || !(fabs(x[t * I + i] - xh[(t - 1) * I + i]) < 0.25);
			xh[t * I + i] = use ? x[t * I + i] : xh[(t - 1) * I + i];
		}
	ck_assert_int_eq(system("mkdir -p " DELTA_DIR "/ra " DELTA_DIR "/rb"), 0);
	for (size_t k = 0; k < sizeof sc / sizeof sc[0]; k++)
		for (int fc = 0; fc < 2; fc++) {
			hw_cfg_t h = test_hw(4, 4, TILE_CONFIG4, sc[k]);
			if (k == 4) {
				h.memory.inter_bytes = 64;
				h.compute.accumulators = 8;
				h.compute.mult_latency = 6;
			}
			layer_cfg_t l = fc ? test_layer(CELL_FC, GRU_LBR, I, 4, T, 1) : vanilla(T);
			snprintf(l.weights, sizeof l.weights, "wd");
			l.delta = true;
			l.delta_threshold_h = 0;
			write_dir(x, T);
			l.delta_threshold_x = 0.25;
			run_result_t a = run_ok(&h, &l, DELTA_DIR "/ra");
			ck_assert_uint_gt(test_counter(&a, "delta.x_skipped"), 0);
			write_dir(xh, T);
			l.delta_threshold_x = 0;
			run_result_t b = run_ok(&h, &l, DELTA_DIR "/rb");
			ck_assert_msg(test_same_file(DELTA_DIR "/ra/layer0_h.npy", DELTA_DIR "/rb/layer0_h.npy"),
				      "schedule %zu, fc %d: h differs from the run on x^", k, fc);
			run_result_free(&a);
			run_result_free(&b);
		}
}
END_TEST

/* The action named `name` of a report (failing the test without it). */
static const energy_action_t *action(const energy_report_t *e, const char *comp, const char *name)
{
	for (size_t i = 0; i < e->n_actions; i++)
		if (!strcmp(e->action[i].component, comp) && !strcmp(e->action[i].action, name))
			return &e->action[i];
	return NULL;
}

/* The encoder's buffer and the delta memory are priced on a delta run, at
 * their counters' counts, and leave a dense run's actions alone. With
 * theta = infinity on the vanilla layer above (T = 3): 60 buffer reads and
 * compares, 20 writes; the delta memory, one 4-row block a step: 12 reads
 * and 12 writes. */
START_TEST(delta_energy_actions)
{
	energy_tech_t *t = NULL;
	sim_err_t err = { 0 };
	ck_assert_msg(energy_tech_load("configs/tech/sharp-32nm.yaml", &t, &err) == SIM_OK, "%s", err.msg);
	hw_cfg_t h = tiny();
	layer_cfg_t l = vanilla(3);
	run_result_t d = run_ok(&h, &l, NULL);
	l.delta = true;
	l.delta_threshold_x = l.delta_threshold_h = THETA_INF;
	run_result_t r = run_ok(&h, &l, NULL);
	energy_report_t ed, er;
	ck_assert_int_eq(energy_eval(t, &d.hw, d.stats, d.cycles, &ed, &err), SIM_OK);
	ck_assert_int_eq(energy_eval(t, &r.hw, r.stats, r.cycles, &er, &err), SIM_OK);
	ck_assert_ptr_null(action(&ed, "ihbuf", "delta_read"));
	ck_assert_uint_eq(er.n_actions, ed.n_actions + 5);
	ck_assert_uint_eq(action(&er, "ihbuf", "delta_read")->count, 60);
	ck_assert_uint_eq(action(&er, "ihbuf", "delta_write")->count, 20);
	ck_assert_uint_eq(action(&er, "cell", "delta_compare")->count, 60);
	ck_assert_uint_eq(action(&er, "interbuf", "delta_mem_read")->count, 12);
	ck_assert_uint_eq(action(&er, "interbuf", "delta_mem_write")->count, 12);
	ck_assert(action(&er, "ihbuf", "delta_read")->pj_each > 0);
	run_result_free(&d);
	run_result_free(&r);
	energy_tech_destroy(t);
}
END_TEST

/* What a delta layer cannot be run as: timing only (the values decide the
 * columns), GRU reset_before_matmul (U.h multiplies r*h), pruned or narrow
 * weights; each an input error. */
START_TEST(delta_refusals)
{
	hw_cfg_t h = tiny();
	layer_cfg_t l = vanilla(2);
	l.delta = true;
	run_result_t r;
	sim_err_t e;
	ck_assert_int_eq(test_run_layers(&h, &l, 1, false, 1, NULL, DELTA_DIR "/wl.yaml", &r, &e), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "--functional"));
	layer_cfg_t g = test_layer(CELL_GRU, GRU_RBM, 8, 8, 2, 1);
	g.delta = true;
	ck_assert_int_eq(test_run_layers(&h, &g, 1, true, 1, NULL, DELTA_DIR "/wl.yaml", &r, &e), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "linear_before_reset"));
	l.weight_bits = WBITS_4;
	ck_assert_int_eq(test_run_layers(&h, &l, 1, true, 1, NULL, DELTA_DIR "/wl.yaml", &r, &e), SIM_EINPUT);
}
END_TEST

Suite *delta_suite(void)
{
	Suite *s = suite_create("delta");
	TCase *t = tcase_create("delta");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, theta_infinite_skips_all_after_step_1);
	tcase_add_test(t, k_columns_change_per_step);
	tcase_add_test(t, theta_zero_is_dense_bit_for_bit);
	tcase_add_test(t, random_delta_runs_keep_invariants);
	tcase_add_test(t, x_hat_ring_beyond_t);
	tcase_add_test(t, delta_energy_actions);
	tcase_add_test(t, delta_refusals);
	suite_add_tcase(s, t);
	return s;
}
