/*
 * test_bidir.c - suite `bidir`: bidirectional layers in functional mode
 * (sim/func/fpipe.c runs the plan's forward pass, then its backward pass
 * over the input reversed in time, with its own parameters).
 *
 * Oracles: the double reference (ref_run for the forward direction,
 * ref_run_backward for the backward one, func/ref.c, which shares no code
 * with the datapath), and one case small enough to derive by hand. Bounds
 * are test_functional.c's: fp16 data and weights, fp32 sums, FP16_BOUND =
 * 2e-3 over a few steps of I, H <= 20.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "../sim/cell/cell.h"
#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/func/npy.h"
#include "../sim/func/ref.h"
#include "../sim/func/weights.h"

#define FP16_BOUND 2e-3
#define TEST_DIR "build/bidir-test"
/* fpipe.c's seed streams, restated: layer l's forward direction uses
 * seed + l * STRIDE, its backward one that plus BACKWARD. */
#define SEED_STRIDE UINT64_C(0x9E3779B97F4A7C15)
#define SEED_BACKWARD UINT64_C(0x5851F42D4C957F2D)

static hw_cfg_t hw_small(void)
{
	return test_hw(16, 8, TILE_AUTO, SCHED_KIND_UNFOLDED);
}

static int run(const hw_cfg_t *h, layer_cfg_t *layers, size_t n, bool functional, uint64_t seed, const char *dump,
	       run_result_t *r, sim_err_t *e)
{
	return test_run_layers(h, layers, n, functional, seed, dump, TEST_DIR "/wl.yaml", r, e);
}

static run_result_t run_ok(const hw_cfg_t *h, layer_cfg_t *layers, size_t n, uint64_t seed, const char *dump)
{
	return test_run_layers_ok(h, layers, n, seed, dump, TEST_DIR "/wl.yaml");
}

static void mkdirs(void)
{
	mkdir("build", 0777);
	mkdir(TEST_DIR, 0777);
}

/* A dump of the given shape (ndim 3 or 4), its values. */
static double *read_dump(const char *path, unsigned ndim, const size_t *shape)
{
	npy_array_t a;
	sim_err_t e = { 0 };
	ck_assert_msg(npy_read(path, &a, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(a.ndim, ndim);
	for (unsigned d = 0; d < ndim; d++)
		ck_assert_uint_eq(a.shape[d], shape[d]);
	return a.data;
}

static layer_cfg_t bi_layer(cell_kind_t c, gru_form_t form, uint32_t in, uint32_t hid, uint32_t t, uint32_t b)
{
	layer_cfg_t l = test_layer(c, form, in, hid, t, b);
	l.direction = DIR_BI;
	return l;
}

/* Every functional cell, bidirectional: two passes, the second marked
 * backward, each within FP16_BOUND of its own reference direction; the
 * cycles are those of the timing-only run (values never move timing). */
START_TEST(cells_bidirectional)
{
	static const cell_kind_t cells[] = { CELL_LSTM,		 CELL_GRU,	    CELL_GRU, CELL_VANILLA,
					     CELL_LSTM_PEEPHOLE, CELL_LSTM_COUPLED, CELL_FC };
	static const gru_form_t forms[] = { GRU_LBR, GRU_LBR, GRU_RBM, GRU_LBR, GRU_LBR, GRU_LBR, GRU_LBR };
	hw_cfg_t h = hw_small();
	for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
		layer_cfg_t l = bi_layer(cells[c], forms[c], 12, 20, 5, 2);
		run_result_t r = run_ok(&h, &l, 1, 3, NULL), t;
		sim_err_t e;
		ck_assert_int_eq(run(&h, &l, 1, false, 3, NULL, &t, &e), SIM_OK);
		ck_assert_uint_eq(r.n_layers, 2);
		ck_assert(!r.layers[0].backward && r.layers[1].backward);
		for (int p = 0; p < 2; p++)
			ck_assert_msg(r.layers[p].err.h.max_abs > 0 && r.layers[p].err.h.max_abs < FP16_BOUND,
				      "cell %zu pass %d: h error %g", c, p, r.layers[p].err.h.max_abs);
		ck_assert_uint_eq(r.cycles, t.cycles);
		run_result_free(&r);
		run_result_free(&t);
	}
}
END_TEST

/*
 * Vanilla RNN, I = H = B = 1, T = 2, x = (1, -1), parameters exact in fp16:
 *   forward   W = 0.5, U = 0.5, b = 0, h0 = 0
 *     h_f(0) = tanh(0.5 * 1)                     = tanh(0.5)         =  0.46211716
 *     h_f(1) = tanh(0.5 * -1 + 0.5 * h_f(0))     = tanh(-0.26894142) = -0.26263955
 *   backward  W = 1, U = -1, b = 0.25, h0 = 0, from t = 1 down
 *     h_b(1) = tanh(1 * -1 + 0.25)               = tanh(-0.75)       = -0.63514895
 *     h_b(0) = tanh(1 * 1 - 1 * h_b(1) + 0.25)   = tanh(1.88514895)  =  0.95494784
 * The dump is (T, 2, B, H) = [[h_f(0), h_b(0)], [h_f(1), h_b(1)]]. Each h is
 * rounded to fp16 once (half an ulp: 2^-13 = 1.2e-4 in [0.25, 0.5), 2^-12
 * = 2.4e-4 in [0.5, 1)); the sums (fp32) and the activation (double, one
 * rounding) add nothing of that size. The first step of each direction errs
 * by its rounding alone; the second adds the first's, through |U| and
 * tanh': h_f(1) <= 1.2e-4 * 0.5 * 1 + 1.2e-4 = 1.8e-4, h_b(0) <= 2.4e-4 *
 * 1 * (1 - 0.955^2) + 2.4e-4 = 2.6e-4. So 3e-4 (measured 4e-5 .. 1.3e-4);
 * swapping the directions or not reversing time moves a value by > 0.3.
 */
START_TEST(hand_computed_vanilla)
{
	mkdirs();
	mkdir(TEST_DIR "/hand", 0777);
	mkdir(TEST_DIR "/hand/" WEIGHTS_BACKWARD_DIR, 0777);
	layer_cfg_t l = bi_layer(CELL_VANILLA, GRU_LBR, 1, 1, 2, 1);
	sim_err_t e = { 0 };
	weights_t *f = weights_random_dir(&l, 1, false, &e), *b = weights_random_dir(&l, 1, true, &e);
	ck_assert(f && b && !b->x);
	f->W[0] = 0.5, f->U[0] = 0.5, f->b[0] = 0, f->x[0] = 1, f->x[1] = -1;
	b->W[0] = 1, b->U[0] = -1, b->b[0] = 0.25;
	ck_assert_int_eq(weights_save(f, TEST_DIR "/hand", NPY_F8, &e), SIM_OK);
	ck_assert_int_eq(weights_save(b, TEST_DIR "/hand/" WEIGHTS_BACKWARD_DIR, NPY_F8, &e), SIM_OK);
	snprintf(l.weights, sizeof l.weights, "hand");
	hw_cfg_t h = hw_small();
	run_result_t r = run_ok(&h, &l, 1, 99, TEST_DIR);
	size_t shape[4] = { 2, 2, 1, 1 };
	double *y = read_dump(TEST_DIR "/layer0_h.npy", 4, shape);
	const double want[4] = { 0.46211716, 0.95494784, -0.26263955, -0.63514895 };
	for (int i = 0; i < 4; i++)
		ck_assert_msg(fabs(y[i] - want[i]) < 3e-4, "element %d: %.8f, expected %.8f", i, y[i], want[i]);
	/* the reference agrees with the hand values to its double precision */
	double hf[2], hb[2];
	ck_assert_int_eq(ref_run(f, hf, NULL, &e), SIM_OK);
	ck_assert_int_eq(ref_run_backward(b, f->x, hb, NULL, &e), SIM_OK);
	ck_assert(fabs(hf[0] - want[0]) < 1e-8 && fabs(hf[1] - want[2]) < 1e-8);
	ck_assert(fabs(hb[0] - want[1]) < 1e-8 && fabs(hb[1] - want[3]) < 1e-8);
	free(y);
	weights_destroy(f);
	weights_destroy(b);
	run_result_free(&r);
}
END_TEST

/* A bidirectional GRU (I = 6, H = 8) under an LSTM that reads its 2H = 16
 * wide output, random parameters: the dumps match a reference stack built
 * here from the documented seed streams (fpipe.c) within the bound, which
 * checks the time reversal, the [h_fwd; h_bwd] concatenation and the seeds;
 * the forward direction's dump equals bit for bit the same layer run
 * unidirectionally (its parameters are that layer's). */
START_TEST(stack_takes_2h)
{
	mkdirs();
	const uint32_t T = 5, B = 2, H = 8, I = 6, H2 = 8;
	const uint64_t seed = 7;
	layer_cfg_t ls[2] = { bi_layer(CELL_GRU, GRU_LBR, I, H, T, B),
			      test_layer(CELL_LSTM, GRU_LBR, 2 * H, H2, T, B) };
	hw_cfg_t h = hw_small();
	run_result_t r = run_ok(&h, ls, 2, seed, TEST_DIR);
	ck_assert_uint_eq(r.n_layers, 3);
	ck_assert(r.layers[1].backward && r.layers[2].layer == 1);
	for (int p = 0; p < 3; p++)
		ck_assert_msg(r.layers[p].err.h.max_abs < FP16_BOUND, "pass %d: %g", p, r.layers[p].err.h.max_abs);
	size_t s4[4] = { T, 2, B, H }, s3[3] = { T, B, H2 };
	double *y0 = read_dump(TEST_DIR "/layer0_h.npy", 4, s4), *y1 = read_dump(TEST_DIR "/layer1_h.npy", 3, s3);

	sim_err_t e = { 0 };
	weights_t *wf = weights_random_dir(&ls[0], seed, false, &e);
	weights_t *wb = weights_random_dir(&ls[0], seed + SEED_BACKWARD, true, &e);
	weights_t *w1 = weights_random(&ls[1], seed + SEED_STRIDE, &e);
	size_t bh = (size_t)B * H;
	double *hf = malloc(T * bh * sizeof *hf), *hb = malloc(T * bh * sizeof *hb);
	double *h1 = malloc((size_t)T * B * H2 * sizeof *h1);
	ck_assert_int_eq(ref_run(wf, hf, NULL, &e), SIM_OK);
	ck_assert_int_eq(ref_run_backward(wb, wf->x, hb, NULL, &e), SIM_OK);
	double worst = 0;
	for (size_t t = 0; t < T; t++)
		for (size_t b = 0; b < B; b++)
			for (size_t j = 0; j < H; j++) {
				size_t at = (t * B + b) * H + j;
				worst = fmax(worst, fabs(y0[((t * 2 + 0) * B + b) * H + j] - hf[at]));
				worst = fmax(worst, fabs(y0[((t * 2 + 1) * B + b) * H + j] - hb[at]));
				/* layer 2's x is [h_fwd(t); h_bwd(t)] per sequence */
				w1->x[(t * B + b) * 2 * H + j] = hf[at];
				w1->x[(t * B + b) * 2 * H + H + j] = hb[at];
			}
	ck_assert_msg(worst > 0 && worst < FP16_BOUND, "layer 1 dump vs reference: %g", worst);
	ck_assert_int_eq(ref_run(w1, h1, NULL, &e), SIM_OK);
	worst = 0;
	for (size_t i = 0; i < (size_t)T * B * H2; i++)
		worst = fmax(worst, fabs(y1[i] - h1[i]));
	ck_assert_msg(worst > 0 && worst < FP16_BOUND, "layer 2 dump vs reference: %g", worst);
	/* a wrong concatenation (halves swapped) is far outside the bound */
	ck_assert(fabs(y0[0] - hb[0]) > FP16_BOUND || fabs(y0[1] - hb[1]) > FP16_BOUND);

	layer_cfg_t uni = ls[0];
	uni.direction = DIR_UNI;
	run_result_t u = run_ok(&h, &uni, 1, seed, TEST_DIR);
	size_t su[3] = { T, B, H };
	double *yu = read_dump(TEST_DIR "/layer0_h.npy", 3, su);
	for (size_t t = 0; t < T; t++)
		ck_assert(memcmp(yu + t * bh, y0 + t * 2 * bh, bh * sizeof *yu) == 0);
	free(y0);
	free(y1);
	free(yu);
	free(hf);
	free(hb);
	free(h1);
	weights_destroy(wf);
	weights_destroy(wb);
	weights_destroy(w1);
	run_result_free(&r);
	run_result_free(&u);
}
END_TEST

/* A reverse layer (ONNX's direction reverse) is a backward pass alone with
 * the layer's own weights and x: under a forward LSTM, both dumps match a
 * reference stack (ref_run_backward, then ref_run on its h) within the
 * bound, the reverse layer's dump indexed by time; its cycles are those of
 * the same layer forward (one pass, the same program). */
START_TEST(reverse_then_forward)
{
	mkdirs();
	const uint32_t T = 6, B = 2, H = 8, I = 5;
	const uint64_t seed = 11;
	layer_cfg_t ls[2] = { test_layer(CELL_GRU, GRU_RBM, I, H, T, B), test_layer(CELL_LSTM, GRU_LBR, H, H, T, B) };
	ls[0].direction = DIR_REV;
	hw_cfg_t h = hw_small();
	run_result_t r = run_ok(&h, ls, 2, seed, TEST_DIR);
	ck_assert_uint_eq(r.n_layers, 2);
	ck_assert(r.layers[0].backward && !r.layers[1].backward);
	size_t s3[3] = { T, B, H };
	double *y0 = read_dump(TEST_DIR "/layer0_h.npy", 3, s3), *y1 = read_dump(TEST_DIR "/layer1_h.npy", 3, s3);
	sim_err_t e = { 0 };
	weights_t *w0 = weights_random(&ls[0], seed, &e), *w1 = weights_random(&ls[1], seed + SEED_STRIDE, &e);
	size_t n = (size_t)T * B * H;
	double *h0 = malloc(n * sizeof *h0), *h1 = malloc(n * sizeof *h1);
	ck_assert_int_eq(ref_run_backward(w0, w0->x, h0, NULL, &e), SIM_OK);
	memcpy(w1->x, h0, n * sizeof *h0);
	ck_assert_int_eq(ref_run(w1, h1, NULL, &e), SIM_OK);
	double e0 = 0, e1 = 0;
	for (size_t i = 0; i < n; i++) {
		e0 = fmax(e0, fabs(y0[i] - h0[i]));
		e1 = fmax(e1, fabs(y1[i] - h1[i]));
	}
	ck_assert_msg(e0 > 0 && e0 < FP16_BOUND && e1 > 0 && e1 < FP16_BOUND, "errors %g, %g", e0, e1);
	/* run forward instead, the first step's h would be far off */
	ck_assert(fabs(y0[0] - h0[(size_t)(T - 1) * B * H]) > FP16_BOUND);
	layer_cfg_t fwd = ls[0];
	fwd.direction = DIR_UNI;
	run_result_t f;
	ck_assert_int_eq(run(&h, &fwd, 1, false, seed, NULL, &f, &e), SIM_OK);
	ck_assert_uint_eq(r.layers[0].cycles, f.layers[0].cycles);
	free(y0);
	free(y1);
	free(h0);
	free(h1);
	weights_destroy(w0);
	weights_destroy(w1);
	run_result_free(&r);
	run_result_free(&f);
}
END_TEST

/*
 * Many-to-one after a layer that runs backward: an fc of T = 1 reads each
 * direction's final state, [h_fwd(T - 1); h_bwd(0)] after a bidirectional
 * GRU (ONNX's Y_h order, the concatenation stack_takes_2h checks), h(0)
 * after a reverse one; with sequence_lens {6, 2} the forward half is
 * sequence b's h at len[b] - 1 and the backward half still h(0), the
 * backward pass's last step of the sequence. Per case:
 *   datapath   bit for bit: the fc's dumped output is the fc run alone on
 *              those halves of the dumped h (a weights directory with the
 *              fc's parameters of the seed stream and that x, exact in
 *              fp16)
 *   reference  the fc's reported error is exactly its output against
 *              ref_run of the fc on the reference directions' final
 *              states, within the bound (so the stack's reference reads
 *              them too)
 * and swapping the halves of the reference's x moves the fc's output far
 * outside the bound (the check tells the order).
 */
START_TEST(many_to_one_after_backward)
{
	mkdirs();
	const uint32_t T = 6, B = 2, H = 8, I = 5, K = 4;
	const uint64_t seed = 23;
	static const uint32_t lens[2] = { 6, 2 };
	hw_cfg_t h = hw_small();
	for (int c = 0; c < 3; c++) {
		bool bi = c != 1;
		uint32_t ow = bi ? 2 * H : H;
		layer_cfg_t ls[2] = { bi_layer(CELL_GRU, GRU_LBR, I, H, T, B),
				      test_layer(CELL_FC, GRU_LBR, ow, K, 1, B) };
		if (!bi)
			ls[0].direction = DIR_REV;
		if (c == 2)
			ls[0].sequence_lens.n = B, memcpy(ls[0].sequence_lens.len, lens, sizeof lens);
		ck_assert_int_eq(system("rm -rf " TEST_DIR "/m2o " TEST_DIR "/m2o_w " TEST_DIR
					"/m2o_y && mkdir -p " TEST_DIR "/m2o " TEST_DIR "/m2o_w " TEST_DIR "/m2o_y"),
				 0);
		run_result_t r = run_ok(&h, ls, 2, seed, TEST_DIR "/m2o");
		ck_assert_uint_eq(r.n_layers, bi ? 3 : 2);
		size_t s4[4] = { T, 2, B, H }, s3[3] = { T, B, H }, sy[3] = { 1, B, K };
		double *y0 = read_dump(TEST_DIR "/m2o/layer0_h.npy", bi ? 4 : 3, bi ? s4 : s3);
		double *y1 = read_dump(TEST_DIR "/m2o/layer1_h.npy", 3, sy);

		/* the reference directions, and the fc's parameters of the stack */
		sim_err_t e = { 0 };
		weights_t *wf = weights_random_dir(&ls[0], seed, false, &e);
		weights_t *wb = bi ? weights_random_dir(&ls[0], seed + SEED_BACKWARD, true, &e) : NULL;
		weights_t *w1 = weights_random(&ls[1], seed + SEED_STRIDE, &e);
		size_t n = (size_t)T * B * H;
		double *hf = malloc(n * sizeof *hf), *hb = malloc(n * sizeof *hb),
		       *yr = malloc((size_t)B * K * sizeof *yr);
		if (bi) {
			ck_assert_int_eq(ref_run(wf, hf, NULL, &e), SIM_OK);
			ck_assert_int_eq(ref_run_backward(wb, wf->x, hb, NULL, &e), SIM_OK);
		} else {
			ck_assert_int_eq(ref_run_backward(wf, wf->x, hb, NULL, &e), SIM_OK);
		}
		double *xd = malloc((size_t)B * ow * sizeof *xd);
		for (uint32_t b = 0; b < B; b++) {
			size_t tl = c == 2 ? lens[b] - 1 : T - 1; /* the forward direction's last valid step */
			for (uint32_t j = 0; j < H; j++) {
				if (bi) {
					xd[(size_t)b * ow + j] = y0[((tl * 2 + 0) * B + b) * H + j];
					xd[(size_t)b * ow + H + j] = y0[((size_t)(0 * 2 + 1) * B + b) * H + j];
					w1->x[(size_t)b * ow + j] = hf[(tl * B + b) * H + j];
					w1->x[(size_t)b * ow + H + j] = hb[(size_t)b * H + j];
				} else {
					xd[(size_t)b * ow + j] = y0[(size_t)b * H + j];
					w1->x[(size_t)b * ow + j] = hb[(size_t)b * H + j];
				}
			}
		}
		ck_assert_int_eq(ref_run(w1, yr, NULL, &e), SIM_OK);
		const func_layer_err_t *ef = &r.layers[r.n_layers - 1].err;
		double d = 0;
		for (size_t i = 0; i < (size_t)B * K; i++)
			d = fmax(d, fabs(y1[i] - yr[i]));
		ck_assert_msg(d == ef->h.max_abs && d > 0 && d < FP16_BOUND,
			      "case %d: reported %g, against the final states' reference %g", c, ef->h.max_abs, d);
		if (bi) { /* the halves swapped: another output */
			for (uint32_t b = 0; b < B; b++)
				for (uint32_t j = 0; j < H; j++) {
					double *v = w1->x + (size_t)b * ow;
					double t = v[j];
					v[j] = v[H + j], v[H + j] = t;
				}
			ck_assert_int_eq(ref_run(w1, yr, NULL, &e), SIM_OK);
			d = 0;
			for (size_t i = 0; i < (size_t)B * K; i++)
				d = fmax(d, fabs(y1[i] - yr[i]));
			ck_assert_msg(d > 5 * FP16_BOUND, "case %d: swapped halves move the fc by only %g", c, d);
		}

		/* the fc alone on the dumped final states */
		memcpy(w1->x, xd, (size_t)B * ow * sizeof *xd);
		ck_assert_int_eq(weights_save(w1, TEST_DIR "/m2o_w", NPY_F8, &e), SIM_OK);
		layer_cfg_t fc = ls[1];
		snprintf(fc.weights, sizeof fc.weights, "m2o_w");
		run_result_t a = run_ok(&h, &fc, 1, 1, TEST_DIR "/m2o_y");
		double *ya = read_dump(TEST_DIR "/m2o_y/layer0_h.npy", 3, sy);
		ck_assert_msg(memcmp(y1, ya, (size_t)B * K * sizeof *ya) == 0,
			      "case %d: the fc's output is not the fc's on the dumped final states", c);
		free(y0), free(y1), free(ya), free(hf), free(hb), free(yr), free(xd);
		weights_destroy(wf);
		weights_destroy(wb);
		weights_destroy(w1);
		run_result_free(&r);
		run_result_free(&a);
	}
}
END_TEST

/* Random stacks of 1 to 3 layers (every functional recurrent cell,
 * forward, bidirectional or reverse, each reading the previous layer's
 * output width; an fc head on some), every SHARP schedule, deps step and
 * element, streamed weights on some: every pass runs without a broken
 * causality check (fpipe's reads of x, h, r*h and the W.x sums) and within
 * 3 x FP16_BOUND of its reference direction (the errors of the layers
 * below add up in a stack). A fixed seed: the same cases every run. */
START_TEST(random_stacks)
{
	static const cell_kind_t cells[] = { CELL_LSTM, CELL_GRU, CELL_VANILLA, CELL_LSTM_PEEPHOLE, CELL_LSTM_COUPLED };
	uint64_t st = 0x5eed;
	for (int it = 0; it < 24; it++) {
		hw_cfg_t h = hw_small();
		h.scheduler = (sched_kind_t)(it % SCHED_KIND_COUNT);
		h.deps = (it / 4) % 2 ? DEPS_ELEMENT : DEPS_STEP;
		h.memory.weights = (it / 8) % 3 == 2 ? WEIGHTS_STREAM : WEIGHTS_RESIDENT;
		layer_cfg_t ls[4];
		size_t n = 0;
		uint32_t in = 3 + (uint32_t)(it % 7), T = 2 + (uint32_t)(it % 4), B = 1 + (uint32_t)(it % 2);
		size_t depth = 1 + (size_t)(it % 3);
		for (size_t k = 0; k < depth; k++) {
			st = st * 6364136223846793005u + 1442695040888963407u;
			cell_kind_t c = cells[(st >> 33) % 5];
			uint32_t hid = 4 + (uint32_t)((st >> 40) % 13);
			ls[n] = test_layer(c, (st >> 50) & 1 ? GRU_RBM : GRU_LBR, in, hid, T, B);
			ls[n].direction = (direction_t)((st >> 45) % 3);
			in = workload_layer_output(&ls[n]);
			n++;
		}
		if (it % 5 == 0)
			ls[n++] = test_layer(CELL_FC, GRU_LBR, in, 3, T, B);
		run_result_t r;
		sim_err_t e;
		int rc = run(&h, ls, n, true, (uint64_t)it, NULL, &r, &e);
		ck_assert_msg(rc == SIM_OK, "case %d: %s", it, e.msg);
		for (size_t p = 0; p < r.n_layers; p++)
			ck_assert_msg(r.layers[p].err.h.max_abs < 3 * FP16_BOUND, "case %d pass %zu: h error %g", it, p,
				      r.layers[p].err.h.max_abs);
		run_result_free(&r);
	}
}
END_TEST

/* A weights directory without backward/ is refused with the missing file
 * named; a layer after a bidirectional one whose input_size is H, not 2H,
 * is refused with the expected width. */
START_TEST(refusals)
{
	mkdirs();
	mkdir(TEST_DIR "/nobwd", 0777);
	layer_cfg_t l = bi_layer(CELL_VANILLA, GRU_LBR, 3, 4, 2, 1);
	sim_err_t e = { 0 };
	weights_t *w = weights_random(&l, 5, &e);
	ck_assert_int_eq(weights_save(w, TEST_DIR "/nobwd", NPY_F8, &e), SIM_OK);
	weights_destroy(w);
	snprintf(l.weights, sizeof l.weights, "nobwd");
	hw_cfg_t h = hw_small();
	run_result_t r;
	ck_assert_int_ne(run(&h, &l, 1, true, 1, NULL, &r, &e), SIM_OK);
	ck_assert_msg(strstr(e.msg, "nobwd/backward/W.npy") != NULL, "%s", e.msg);
	layer_cfg_t ls[2] = { bi_layer(CELL_VANILLA, GRU_LBR, 3, 4, 2, 1),
			      test_layer(CELL_VANILLA, GRU_LBR, 4, 4, 2, 1) };
	ck_assert_int_eq(run(&h, ls, 2, true, 1, NULL, &r, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "expected input_size 8") != NULL, "%s", e.msg);
	ck_assert(strchr(e.msg, '\n') == NULL);
}
END_TEST

/* Random x is drawn a block of steps at a time (fpipe.c, xseq.h): with
 * I = 600 and B = 2 a block is 6 steps, so T = 20 is four blocks, the last
 * partial, and a backward pass reads them last first. Each run, with and
 * without the reference (whose reader is its own), dumps h and c bit for
 * bit as the same parameters saved to a directory and loaded (x held whole)
 * do, and reports the same errors; likewise a reverse layer and a
 * bidirectional one with sequence_lens (whose backward readers hold the
 * sequence whole). */
START_TEST(x_drawn_in_blocks_as_held)
{
	mkdirs();
	const uint32_t T = 20, B = 2, I = 600, H = 8;
	const uint64_t seed = 13;
	static const uint32_t lens[2] = { 20, 9 };
	hw_cfg_t h = hw_small();
	for (int c = 0; c < 3; c++)
		for (int noref = 0; noref < 2; noref++) {
			layer_cfg_t l = c == 1 ? test_layer(CELL_GRU, GRU_LBR, I, H, T, B)
					       : bi_layer(CELL_LSTM, GRU_LBR, I, H, T, B);
			if (c == 1)
				l.direction = DIR_REV;
			if (c == 2)
				l.sequence_lens.n = B, memcpy(l.sequence_lens.len, lens, sizeof lens);
			ck_assert_int_eq(system("rm -rf " TEST_DIR "/xd " TEST_DIR "/xh " TEST_DIR
						"/xw && mkdir -p " TEST_DIR "/xd " TEST_DIR "/xh " TEST_DIR
						"/xw/" WEIGHTS_BACKWARD_DIR),
					 0);
			run_result_t r[2];
			for (int k = 0; k < 2; k++) {
				workload_t w = { .name = "t", .layers = &l, .n_layers = 1 };
				snprintf(w.path, sizeof w.path, "%s", TEST_DIR "/wl.yaml");
				run_opts_t o = { .functional = true,
						 .seed = seed,
						 .dump_dir = k ? TEST_DIR "/xh" : TEST_DIR "/xd",
						 .no_reference = noref };
				sim_err_t e = { 0 };
				ck_assert_msg(accel_run(&h, &w, &o, &r[k], &e) == SIM_OK, "%s", e.msg);
				if (k)
					break;
				/* the run's parameters, x among them, into files */
				weights_t *wf = weights_random_dir(&l, seed, false, &e);
				ck_assert_int_eq(weights_save(wf, TEST_DIR "/xw", NPY_F8, &e), SIM_OK);
				weights_destroy(wf);
				if (c != 1) {
					weights_t *wb = weights_random_dir(&l, seed + SEED_BACKWARD, true, &e);
					ck_assert_int_eq(
						weights_save(wb, TEST_DIR "/xw/" WEIGHTS_BACKWARD_DIR, NPY_F8, &e),
						SIM_OK);
					weights_destroy(wb);
				}
				snprintf(l.weights, sizeof l.weights, "xw");
			}
			ck_assert_msg(test_same_file(TEST_DIR "/xd/layer0_h.npy", TEST_DIR "/xh/layer0_h.npy"),
				      "case %d, reference %d: h differs from the held x's", c, !noref);
			ck_assert(test_same_file(TEST_DIR "/xd/layer0_c.npy", TEST_DIR "/xh/layer0_c.npy") || c == 1);
			ck_assert_uint_eq(r[0].n_layers, r[1].n_layers);
			for (size_t p = 0; p < r[0].n_layers; p++) {
				const func_layer_err_t *a = &r[0].layers[p].err, *b = &r[1].layers[p].err;
				ck_assert(a->h.max_abs == b->h.max_abs && a->h.rms == b->h.rms);
				ck_assert(a->c.max_abs == b->c.max_abs && (noref || a->h.max_abs > 0));
			}
			run_result_free(&r[0]);
			run_result_free(&r[1]);
		}
}
END_TEST

Suite *bidir_suite(void)
{
	Suite *s = suite_create("bidir");
	TCase *tc = tcase_create("functional");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cells_bidirectional);
	tcase_add_test(tc, hand_computed_vanilla);
	tcase_add_test(tc, stack_takes_2h);
	tcase_add_test(tc, reverse_then_forward);
	tcase_add_test(tc, many_to_one_after_backward);
	tcase_add_test(tc, random_stacks);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, x_drawn_in_blocks_as_held);
	suite_add_tcase(s, tc);
	return s;
}
