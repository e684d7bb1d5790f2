/*
 * test_func.c - suite `func`: the golden reference on hand-computed cases,
 * .npy I/O, the seeded generator, weights, the PWL activations and the
 * datapath cell math against double math.
 */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "../sim/arith/act.h"
#include "../sim/arith/fixed.h"
#include "../sim/arith/fp.h"
#include "../sim/func/cellmath.h"
#include "../sim/func/npy.h"
#include "../sim/func/ref.h"
#include "../sim/func/rng.h"
#include "../sim/func/weights.h"
#include "../sim/func/xseq.h"

static weights_t *zero_layer(cell_kind_t cell, gru_form_t form, uint32_t I, uint32_t H, uint32_t T, uint32_t B)
{
	layer_cfg_t l = test_layer(cell, form, I, H, T, B);
	sim_err_t err = { 0 };
	weights_t *w = weights_random(&l, 1, &err);
	ck_assert_msg(w != NULL, "%s", err.msg);
	size_t gh = (size_t)w->G * H;
	memset(w->W, 0, gh * I * sizeof(double));
	memset(w->U, 0, gh * H * sizeof(double));
	memset(w->b, 0, gh * sizeof(double));
	if (w->b_hn)
		memset(w->b_hn, 0, H * sizeof(double));
	memset(w->x, 0, (size_t)T * B * I * sizeof(double));
	return w;
}

/* ---- reference model on hand-computed cases ---- */

START_TEST(test_ref_lstm_one_step)
{
	/* I = H = 1, x = 2, h0 = 0.5, c0 = 2.
	 *   i: W_i = ln3/2      -> pre = ln3 * 2/2 = ln3,  sig(ln3) = 1/(1+1/3) = 0.75
	 *   f: b_f = -ln3       -> sig(-ln3) = 0.25
	 *   g: U_g = 2 atanh(0.6) -> pre = 2 atanh(0.6) * 0.5, tanh = 0.6
	 *   o: b_o = ln4        -> sig(ln4) = 1/(1+1/4) = 0.8
	 *   c = 0.25 * 2 + 0.75 * 0.6 = 0.95,  h = 0.8 tanh(0.95) = 0.5918264410192035 */
	weights_t *w = zero_layer(CELL_LSTM, GRU_LBR, 1, 1, 1, 1);
	w->x[0] = 2.0;
	w->W[0] = log(3.0) / 2;
	w->b[1] = -log(3.0);
	w->U[2] = 2 * atanh(0.6);
	w->b[3] = log(4.0);
	w->h0[0] = 0.5;
	w->c0[0] = 2.0;
	double h, c;
	ck_assert_int_eq(ref_run(w, &h, &c, NULL), SIM_OK);
	ck_assert_double_eq_tol(c, 0.95, 1e-15);
	ck_assert_double_eq_tol(h, 0.5918264410192035, 1e-15);
	weights_destroy(w);
}
END_TEST

START_TEST(test_ref_vanilla_two_steps)
{
	/* W = U = 1, b = 0, h0 = 0: h1 = tanh(atanh 0.5) = 0.5;
	 * x2 = atanh(0.8) - 0.5: h2 = tanh(atanh(0.8) - 0.5 + 1 * 0.5) = 0.8 */
	weights_t *w = zero_layer(CELL_VANILLA, GRU_LBR, 1, 1, 2, 1);
	w->W[0] = 1.0;
	w->U[0] = 1.0;
	w->x[0] = atanh(0.5);
	w->x[1] = atanh(0.8) - 0.5;
	double h[2];
	ck_assert_int_eq(ref_run(w, h, NULL, NULL), SIM_OK);
	ck_assert_double_eq_tol(h[0], 0.5, 1e-15);
	ck_assert_double_eq_tol(h[1], 0.8, 1e-15);
	weights_destroy(w);
}
END_TEST

/* fc, I = H = 2, two steps: y = W x + b with no recurrence and no
 * activation. W = [[1, 2], [-1, 0.5]], b = [0.25, -1]:
 *   x1 = [1, 1]    -> [1 + 2 + 0.25, -1 + 0.5 - 1]    = [3.25, -1.5]
 *   x2 = [0.5, -1] -> [0.5 - 2 + 0.25, -0.5 - 0.5 - 1] = [-1.25, -2]
 * The second step does not see the first (no U, no h0). */
START_TEST(test_ref_fc_two_steps)
{
	layer_cfg_t l = test_layer(CELL_FC, GRU_LBR, 2, 2, 2, 1);
	sim_err_t err = { 0 };
	weights_t *w = weights_random(&l, 1, &err);
	ck_assert_msg(w != NULL, "%s", err.msg);
	ck_assert_ptr_null(w->U);
	ck_assert_ptr_null(w->h0);
	const double W[4] = { 1, 2, -1, 0.5 }, b[2] = { 0.25, -1 }, x[4] = { 1, 1, 0.5, -1 };
	memcpy(w->W, W, sizeof W);
	memcpy(w->b, b, sizeof b);
	memcpy(w->x, x, sizeof x);
	double h[4];
	ck_assert_int_eq(ref_run(w, h, NULL, NULL), SIM_OK);
	ck_assert_double_eq(h[0], 3.25);
	ck_assert_double_eq(h[1], -1.5);
	ck_assert_double_eq(h[2], -1.25);
	ck_assert_double_eq(h[3], -2.0);
	weights_destroy(w);
}
END_TEST

/* Peephole LSTM (Gers & Schmidhuber 2000), I = H = 1 without input,
 * h0 = 0, c0 = 2; the LSTM case above with the gates driven through P:
 *   i: P_i = ln3/2   -> pre = ln3 (P_i * c_{t-1}),  i = 0.75
 *   f: P_f = -ln3/2  -> f = 0.25
 *   g: b_g = atanh(0.6) -> g = 0.6
 *   c = 0.25 * 2 + 0.75 * 0.6 = 0.95
 *   o: P_o = ln4/0.95 -> pre = P_o * c_t = ln4 (the NEW c), o = 0.8
 *   h = 0.8 tanh(0.95) = 0.5918264410192035
 * Had o seen c_{t-1} = 2 it would be sig(2 ln4 / 0.95), h = 0.7167...: the
 * check tells the two apart. */
/* sequence_lens in the reference: a sequence of length L, run in a batch
 * of T steps, gives what the same sequence gives alone over L steps, and 0
 * past L; backward it starts at its own last element, so its outputs at
 * times 0..L-1 are those of the L-step sequence run backward alone. */
START_TEST(test_ref_sequence_lens)
{
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 3, 4, 5, 2);
	l.sequence_lens = (layer_lens_t){ .n = 2, .len = { 5, 3 } };
	sim_err_t e = { 0 };
	weights_t *w = weights_random(&l, 9, &e);
	ck_assert_ptr_nonnull(w);
	layer_cfg_t one = test_layer(CELL_LSTM, GRU_LBR, 3, 4, 3, 1);
	weights_t *w1 = weights_random(&one, 9, &e);
	ck_assert_ptr_nonnull(w1);
	/* the same parameters; sequence 1's first three inputs */
	memcpy(w1->W, w->W, sizeof *w->W * 16 * 3);
	memcpy(w1->U, w->U, sizeof *w->U * 16 * 4);
	memcpy(w1->b, w->b, sizeof *w->b * 16);
	for (size_t t = 0; t < 3; t++)
		memcpy(w1->x + t * 3, w->x + (t * 2 + 1) * 3, sizeof *w->x * 3);
	double h[5 * 2 * 4], h1[3 * 4];
	for (int back = 0; back < 2; back++) {
		if (back) {
			ck_assert_int_eq(ref_run_backward(w, w->x, h, NULL, &e), SIM_OK);
			ck_assert_int_eq(ref_run_backward(w1, w1->x, h1, NULL, &e), SIM_OK);
		} else {
			ck_assert_int_eq(ref_run(w, h, NULL, &e), SIM_OK);
			ck_assert_int_eq(ref_run(w1, h1, NULL, &e), SIM_OK);
		}
		for (size_t t = 0; t < 5; t++)
			for (size_t j = 0; j < 4; j++) {
				double got = h[(t * 2 + 1) * 4 + j];
				if (t < 3)
					ck_assert_msg(got == h1[t * 4 + j], "back %d t %zu: %g vs %g", back, t, got,
						      h1[t * 4 + j]);
				else
					ck_assert(got == 0.0);
			}
	}
	weights_destroy(w);
	weights_destroy(w1);
}
END_TEST

START_TEST(test_ref_peephole_one_step)
{
	weights_t *w = zero_layer(CELL_LSTM_PEEPHOLE, GRU_LBR, 1, 1, 1, 1);
	ck_assert_uint_eq(w->G, 4);
	ck_assert_ptr_nonnull(w->P);
	w->P[0] = log(3.0) / 2;
	w->P[1] = -log(3.0) / 2;
	w->P[2] = log(4.0) / 0.95;
	w->b[2] = atanh(0.6);
	w->c0[0] = 2.0;
	double h, c;
	ck_assert_int_eq(ref_run(w, &h, &c, NULL), SIM_OK);
	ck_assert_double_eq_tol(c, 0.95, 1e-15);
	ck_assert_double_eq_tol(h, 0.5918264410192035, 1e-15);
	weights_destroy(w);
}
END_TEST

/* Coupled LSTM (CIFG), gates i, g, o, f = 1 - i: b_i = ln3 -> i = 0.75,
 * f = 0.25; b_g = atanh(0.6); b_o = ln4; c0 = 2 -> c = 0.95 and h as above. */
START_TEST(test_ref_coupled_one_step)
{
	weights_t *w = zero_layer(CELL_LSTM_COUPLED, GRU_LBR, 1, 1, 1, 1);
	ck_assert_uint_eq(w->G, 3);
	w->b[0] = log(3.0);
	w->b[1] = atanh(0.6);
	w->b[2] = log(4.0);
	w->c0[0] = 2.0;
	double h, c;
	ck_assert_int_eq(ref_run(w, &h, &c, NULL), SIM_OK);
	ck_assert_double_eq_tol(c, 0.95, 1e-15);
	ck_assert_double_eq_tol(h, 0.5918264410192035, 1e-15);
	weights_destroy(w);
}
END_TEST

/* The new cells against LSTM on random layers (I = 5, H = 7, T = 6, B = 2):
 * a peephole LSTM with P = 0 is an LSTM, exactly; a coupled LSTM is the
 * LSTM whose f rows are minus its i rows (sig(-v) = 1 - sig(v)), to
 * rounding. */
START_TEST(test_ref_cells_reduce_to_lstm)
{
	const uint32_t I = 5, H = 7, T = 6, B = 2;
	size_t n = (size_t)T * B * H;
	layer_cfg_t ll = test_layer(CELL_LSTM, GRU_LBR, I, H, T, B);
	layer_cfg_t lp = test_layer(CELL_LSTM_PEEPHOLE, GRU_LBR, I, H, T, B);
	layer_cfg_t lc = test_layer(CELL_LSTM_COUPLED, GRU_LBR, I, H, T, B);
	weights_t *l = weights_random(&ll, 5, NULL), *p = weights_random(&lp, 5, NULL);
	weights_t *c = weights_random(&lc, 6, NULL);
	ck_assert(l && p && c);
	memcpy(p->W, l->W, sizeof(double) * 4 * H * I);
	memcpy(p->U, l->U, sizeof(double) * 4 * H * H);
	memcpy(p->b, l->b, sizeof(double) * 4 * H);
	memcpy(p->x, l->x, sizeof(double) * T * B * I);
	memset(p->P, 0, sizeof(double) * 3 * H);
	double *hl = malloc(n * sizeof *hl), *hp = malloc(n * sizeof *hp), *cl = malloc(n * sizeof *cl),
	       *cp = malloc(n * sizeof *cp);
	ck_assert_int_eq(ref_run(l, hl, cl, NULL), SIM_OK);
	ck_assert_int_eq(ref_run(p, hp, cp, NULL), SIM_OK);
	ck_assert(memcmp(hl, hp, n * sizeof *hl) == 0);
	ck_assert(memcmp(cl, cp, n * sizeof *cl) == 0);
	/* and P != 0 does change h */
	p->P[3] = 0.5;
	ck_assert_int_eq(ref_run(p, hp, NULL, NULL), SIM_OK);
	ck_assert(memcmp(hl, hp, n * sizeof *hl) != 0);

	/* the LSTM equivalent of c: rows i, -i, g, o */
	static const int src[4] = { 0, 0, 1, 2 };
	for (int g = 0; g < 4; g++) {
		double sg = g == 1 ? -1.0 : 1.0;
		for (size_t r = 0; r < H; r++) {
			size_t to = (size_t)g * H + r, from = (size_t)src[g] * H + r;
			for (size_t k = 0; k < I; k++)
				l->W[to * I + k] = sg * c->W[from * I + k];
			for (size_t k = 0; k < H; k++)
				l->U[to * H + k] = sg * c->U[from * H + k];
			l->b[to] = sg * c->b[from];
		}
	}
	memcpy(l->x, c->x, sizeof(double) * T * B * I);
	ck_assert_int_eq(ref_run(l, hl, cl, NULL), SIM_OK);
	ck_assert_int_eq(ref_run(c, hp, cp, NULL), SIM_OK);
	ref_diff_t d;
	ref_diff(hp, hl, n, &d);
	ck_assert_msg(d.max_abs < 1e-14, "coupled vs its LSTM equivalent: %g", d.max_abs);
	ref_diff(cp, cl, n, &d);
	ck_assert_msg(d.max_abs < 1e-14, "c: %g", d.max_abs);
	free(hl);
	free(hp);
	free(cl);
	free(cp);
	weights_destroy(l);
	weights_destroy(p);
	weights_destroy(c);
}
END_TEST

START_TEST(test_ref_gru_lbr_one_step)
{
	/* I = H = 1, x = 1, h0 = 0.4; gates r, z, n.
	 *   r: W_r = ln3 -> 0.75;  z: pre 0 -> 0.5
	 *   n = tanh(W_n x + b_n + r (U_n h0 + b_hn)) with W_n = atanh(0.5) - 0.75,
	 *       U_n = 1, b_hn = 0.6: U_n h0 + b_hn = 1, r * 1 = 0.75 -> tanh(atanh 0.5) = 0.5
	 *   h = (1 - 0.5) 0.5 + 0.5 * 0.4 = 0.45 */
	weights_t *w = zero_layer(CELL_GRU, GRU_LBR, 1, 1, 1, 1);
	w->x[0] = 1.0;
	w->W[0] = log(3.0);
	w->W[2] = atanh(0.5) - 0.75;
	w->U[2] = 1.0;
	w->b_hn[0] = 0.6;
	w->h0[0] = 0.4;
	double h;
	ck_assert_int_eq(ref_run(w, &h, NULL, NULL), SIM_OK);
	ck_assert_double_eq_tol(h, 0.45, 1e-15);
	weights_destroy(w);
}
END_TEST

START_TEST(test_ref_gru_forms_differ)
{
	/* H = 2, x = 0, h0 = (0.4, 0.8), b_r = (ln3, -ln3) -> r = (0.75, 0.25),
	 * z = 0.5, U_n = [[0, 1], [1, 0]] (swap), all else 0.
	 *   rbm: r*h = (0.3, 0.2), U_n (r*h) = (0.2, 0.3), n = tanh(0.2, 0.3)
	 *   lbr: U_n h = (0.8, 0.4), r * that = (0.6, 0.1), n = tanh(0.6, 0.1)
	 *   h = 0.5 n + 0.5 h0 */
	for (int form = 0; form < 2; form++) {
		weights_t *w = zero_layer(CELL_GRU, (gru_form_t)form, 1, 2, 1, 1);
		w->b[0] = log(3.0);
		w->b[1] = -log(3.0);
		w->U[4 * 2 + 1] = 1.0; /* row 4 = n gate, hidden 0 */
		w->U[5 * 2 + 0] = 1.0;
		w->h0[0] = 0.4;
		w->h0[1] = 0.8;
		double h[2];
		ck_assert_int_eq(ref_run(w, h, NULL, NULL), SIM_OK);
		double n0 = form == GRU_RBM ? tanh(0.2) : tanh(0.6);
		double n1 = form == GRU_RBM ? tanh(0.3) : tanh(0.1);
		ck_assert_double_eq_tol(h[0], 0.5 * n0 + 0.2, 1e-15);
		ck_assert_double_eq_tol(h[1], 0.5 * n1 + 0.4, 1e-15);
		weights_destroy(w);
	}
}
END_TEST

/* Batch sequences are independent: sequence 1 of a B = 2 run equals a B = 1
 * run on its inputs alone. */
START_TEST(test_ref_batch_independent)
{
	layer_cfg_t l2 = test_layer(CELL_LSTM, GRU_LBR, 3, 5, 4, 2), l1 = test_layer(CELL_LSTM, GRU_LBR, 3, 5, 4, 1);
	weights_t *w2 = weights_random(&l2, 9, NULL), *w1 = weights_random(&l1, 9, NULL);
	ck_assert(w1 && w2);
	memcpy(w1->W, w2->W, 20 * 3 * sizeof(double));
	memcpy(w1->U, w2->U, 20 * 5 * sizeof(double));
	memcpy(w1->b, w2->b, 20 * sizeof(double));
	for (int t = 0; t < 4; t++)
		memcpy(w1->x + t * 3, w2->x + (t * 2 + 1) * 3, 3 * sizeof(double));
	double h2[4 * 2 * 5], h1[4 * 5];
	ck_assert_int_eq(ref_run(w2, h2, NULL, NULL), SIM_OK);
	ck_assert_int_eq(ref_run(w1, h1, NULL, NULL), SIM_OK);
	for (int t = 0; t < 4; t++)
		for (int j = 0; j < 5; j++)
			ck_assert_double_eq(h1[t * 5 + j], h2[(t * 2 + 1) * 5 + j]);
	weights_destroy(w1);
	weights_destroy(w2);
}
END_TEST

START_TEST(test_ref_diff)
{
	/* |d| = 0.1, 0.0005, 0; rel = 0.1/1.1, 0.0005/max(0, 1e-3) = 0.5, 0;
	 * rms = sqrt((0.01 + 2.5e-7) / 3) */
	double got[] = { 1.0, 0.0005, 2.0 }, ref[] = { 1.1, 0.0, 2.0 };
	ref_diff_t d;
	ref_diff(got, ref, 3, &d);
	ck_assert_double_eq_tol(d.max_abs, 0.1, 1e-12);
	ck_assert_uint_eq(d.worst, 0);
	ck_assert_double_eq_tol(d.max_rel, 0.5, 1e-12);
	ck_assert_double_eq_tol(d.rms, sqrt((0.01 + 2.5e-7) / 3), 1e-12);
	got[2] = NAN;
	ref_diff(got, ref, 3, &d);
	ck_assert_uint_eq(d.nonfinite, 1);
}
END_TEST

/* ---- rng ---- */

START_TEST(test_rng_pinned)
{
	/* splitmix64(1) x4 seeding xoshiro256**; values from an independent
	 * Python transcription of the published algorithms */
	rng_t *r = rng_create(1);
	ck_assert_uint_eq(rng_next(r), UINT64_C(0xb3f2af6d0fc710c5));
	ck_assert_uint_eq(rng_next(r), UINT64_C(0x853b559647364cea));
	ck_assert_uint_eq(rng_next(r), UINT64_C(0x92f89756082a4514));
	ck_assert_uint_eq(rng_next(r), UINT64_C(0x642e1c7bc266a3a7));
	rng_destroy(r);
	r = rng_create(1);
	ck_assert_double_eq(rng_double(r), 0.7029218331588505); /* (0xb3f2... >> 11) * 2^-53 */
	rng_destroy(r);
	/* uniform stays in [lo, hi) */
	r = rng_create(2);
	for (int i = 0; i < 100000; i++) {
		double v = rng_uniform(r, -0.25, 0.5);
		ck_assert(v >= -0.25 && v < 0.5);
	}
	rng_destroy(r);
}
END_TEST

/* rng_fill_uniform is n calls of rng_uniform, bit for bit, and leaves the
 * generator where they leave it (weights.c draws every array with it). */
START_TEST(test_rng_fill_is_uniform)
{
	rng_t *a = rng_create(7), *b = rng_create(7);
	double got[1000];
	size_t n[] = { 0, 1, 999 };
	double lo[] = { -1.0, -0.0625, 0.25 }, hi[] = { 1.0, 0.0625, 3.0 };
	for (int i = 0; i < 3; i++) {
		rng_fill_uniform(a, lo[i], hi[i], got, n[i]);
		for (size_t j = 0; j < n[i]; j++) {
			double want = rng_uniform(b, lo[i], hi[i]);
			ck_assert(memcmp(&got[j], &want, sizeof want) == 0);
		}
	}
	ck_assert_uint_eq(rng_next(a), rng_next(b));
	rng_destroy(a);
	rng_destroy(b);
}
END_TEST

/* Jumps land where rng_skip does (distances below, at and above the
 * polynomial's degree 256, and far beyond it). */
START_TEST(test_rng_jump_is_skip)
{
	static const uint64_t d[] = { 0, 1, 2, 63, 64, 255, 256, 257, 1000, 65537, 1234567 };
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		rng_t *a = rng_create(11 + i), *b = rng_create(11 + i);
		(void)rng_next(a), (void)rng_next(b);
		rng_jump(a, d[i]);
		rng_skip(b, d[i]);
		for (int k = 0; k < 4; k++)
			ck_assert_msg(rng_next(a) == rng_next(b), "a jump of %" PRIu64 " is not the skip", d[i]);
		rng_destroy(a);
		rng_destroy(b);
	}
}
END_TEST

/* Lanes are pieces of the one stream: on every instruction set the CPU
 * has, lane l's values are rng_uniform's from output l * stride on, bit
 * for bit, over calls whose lengths cross the blocks of a fill (64) and
 * leave some short; rng_lanes_get gives the lane's state after them. A
 * long rng_fill_uniform (drawn in lanes, its length not a multiple of the
 * lanes) is the one stream too, and leaves the generator after it. */
START_TEST(test_rng_lanes_are_the_stream)
{
	enum { STRIDE = 1000, MAXN = 200 };
	static const size_t len[] = { 1, 63, 64, 65, 200, 7 }; /* 400 in all, within STRIDE */
	static const double lo[] = { -0.0625, -1.0, 0.25 }, hi[] = { 0.0625, 1.0, 3.0 };
	double *want = malloc((size_t)RNG_LANES * STRIDE * sizeof *want), got[RNG_LANES * MAXN];
	ck_assert_ptr_nonnull(want);
	for (int isa = 0; isa < ISA_N; isa++) {
		if (!isa_has((isa_t)isa))
			continue;
		for (int v = 0; v < 3; v++) {
			rng_t *r = rng_create(21 + v), *seq = rng_create(21 + v);
			for (size_t i = 0; i < (size_t)RNG_LANES * STRIDE; i++)
				want[i] = rng_uniform(seq, lo[v], hi[v]);
			rng_lanes_t ln;
			rng_lanes_split(r, STRIDE, &ln);
			size_t at = 0;
			for (size_t c = 0; c < sizeof len / sizeof len[0]; c++) {
				rng_lanes_fill_uniform_isa(&ln, lo[v], hi[v], got, len[c], (isa_t)isa);
				for (unsigned l = 0; l < RNG_LANES; l++)
					for (size_t i = 0; i < len[c]; i++)
						ck_assert_msg(memcmp(&got[l * len[c] + i], &want[l * STRIDE + at + i],
								     sizeof(double)) == 0,
							      "%s: lane %u, value %zu differs", isa_name((isa_t)isa), l,
							      at + i);
				at += len[c];
			}
			rng_lanes_get(&ln, RNG_LANES - 1, r);
			rng_t *end = rng_create(21 + v);
			rng_skip(end, (RNG_LANES - 1) * STRIDE + at);
			ck_assert_uint_eq(rng_next(r), rng_next(end));
			rng_destroy(end);
			rng_destroy(r);
			rng_destroy(seq);
		}
	}
	size_t n = RNG_LANES_MIN + 13;
	double *a = malloc(n * sizeof *a);
	ck_assert_ptr_nonnull(a);
	rng_t *r = rng_create(9), *seq = rng_create(9);
	rng_fill_uniform(r, -0.5, 0.5, a, n);
	for (size_t i = 0; i < n; i++) {
		double w = rng_uniform(seq, -0.5, 0.5);
		ck_assert_msg(memcmp(&a[i], &w, sizeof w) == 0, "long fill: value %zu differs", i);
	}
	ck_assert_uint_eq(rng_next(r), rng_next(seq));
	rng_destroy(r);
	rng_destroy(seq);
	free(a);
	free(want);
}
END_TEST

/* ---- npy ---- */

/* A version-1.0 file with the given dict and n data bytes, laid out by hand
 * (independently of npy_write). */
static size_t handmade(unsigned char *buf, int major, const char *dict, const void *data, size_t n)
{
	size_t pre = major == 1 ? 10 : 12, dl = strlen(dict);
	size_t hlen = ((pre + dl + 1 + 63) / 64) * 64 - pre;
	memcpy(buf, "\x93NUMPY", 6);
	buf[6] = (unsigned char)major;
	buf[7] = 0;
	buf[8] = (unsigned char)(hlen & 0xFF);
	buf[9] = (unsigned char)(hlen >> 8);
	if (major == 2)
		buf[10] = buf[11] = 0;
	memcpy(buf + pre, dict, dl);
	memset(buf + pre + dl, ' ', hlen - dl - 1);
	buf[pre + hlen - 1] = '\n';
	memcpy(buf + pre + hlen, data, n);
	return pre + hlen + n;
}

START_TEST(test_npy_roundtrip)
{
	char tmpdir[200];
	test_tmpdir(tmpdir, sizeof tmpdir, "func");
	char path[256];
	snprintf(path, sizeof path, "%s/a.npy", tmpdir);
	size_t shape[3] = { 2, 3, 4 };
	double v[24];
	for (int i = 0; i < 24; i++)
		v[i] = (i - 11.3) * 0.1234567891234;
	for (int t = 0; t < 3; t++) {
		npy_dtype_t dt = (npy_dtype_t)t;
		ck_assert_int_eq(npy_write(path, dt, 3, shape, v, NULL), SIM_OK);
		npy_array_t a;
		sim_err_t err = { 0 };
		ck_assert_msg(npy_read(path, &a, &err) == SIM_OK, "%s", err.msg);
		ck_assert_int_eq(a.dtype, dt);
		ck_assert_uint_eq(a.ndim, 3);
		ck_assert_uint_eq(a.shape[0], 2);
		ck_assert_uint_eq(a.shape[2], 4);
		ck_assert_uint_eq(a.count, 24);
		for (int i = 0; i < 24; i++) {
			double want = dt == NPY_F8   ? v[i]
				      : dt == NPY_F4 ? arith_f32_to_double(arith_double_to_f32(v[i]))
						     : arith_f16_to_double(arith_double_to_f16(v[i]));
			ck_assert_double_eq(a.data[i], want);
		}
		npy_free(&a);
	}
	/* the header is padded so the data starts at a multiple of 64 */
	FILE *f = fopen(path, "rb");
	unsigned char head[10];
	ck_assert_uint_eq(fread(head, 1, 10, f), 10);
	fclose(f);
	ck_assert_uint_eq((10u + head[8] + 256u * head[9]) % 64, 0);
	/* no temporary file is left behind */
	char cmd[320];
	snprintf(cmd, sizeof cmd, "test $(ls '%s' | wc -l) -eq 1", tmpdir);
	ck_assert_int_eq(system(cmd), 0);

	/* handmade files: v1.0 <f4 (2,) = (1, -2); v2.0 <f2 0-d = 1.5 (0x3E00);
	 * double quotes, keys in another order, no trailing comma */
	unsigned char buf[256];
	unsigned char f4[8] = { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0 };
	size_t n = handmade(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4, 8);
	test_put_file(path, buf, n);
	npy_array_t a;
	ck_assert_int_eq(npy_read(path, &a, NULL), SIM_OK);
	ck_assert_uint_eq(a.ndim, 1);
	ck_assert_double_eq(a.data[0], 1.0);
	ck_assert_double_eq(a.data[1], -2.0);
	npy_free(&a);
	unsigned char f2[2] = { 0x00, 0x3E };
	n = handmade(buf, 2, "{\"shape\": (), \"fortran_order\": False, \"descr\": \"<f2\"}", f2, 2);
	test_put_file(path, buf, n);
	ck_assert_int_eq(npy_read(path, &a, NULL), SIM_OK);
	ck_assert_uint_eq(a.ndim, 0);
	ck_assert_uint_eq(a.count, 1);
	ck_assert_double_eq(a.data[0], 1.5);
	npy_free(&a);
	char sh[32];
	ck_assert_str_eq(npy_shape_str(1, shape, sh, sizeof sh), "(2,)");
	ck_assert_str_eq(npy_shape_str(0, shape, sh, sizeof sh), "()");
	ck_assert_str_eq(npy_shape_str(2, shape, sh, sizeof sh), "(2, 3)");
	test_rmdir(tmpdir);
}
END_TEST

/* Each malformed file is refused with SIM_EINPUT and a message that names
 * the file and the problem. */
START_TEST(test_npy_errors)
{
	char tmpdir[200];
	test_tmpdir(tmpdir, sizeof tmpdir, "func");
	char path[256];
	snprintf(path, sizeof path, "%s/bad.npy", tmpdir);
	unsigned char data[16] = { 0 };
	unsigned char buf[256];
	struct {
		const char *dict;
		size_t nbytes;
		const char *expect;
	} cases[] = {
		{ "{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }", 16, "Fortran order" },
		{ "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", 16, "big-endian" },
		{ "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", 8, "not supported" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }", 16, "malformed .npy header" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}", 16, "unknown key" },
		{ "{'descr': '<f8', 'shape': (2,), }", 16, "missing" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", 16, "truncated data" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 16, "trailing bytes" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t n = handmade(buf, 1, cases[k].dict, data, cases[k].nbytes);
		test_put_file(path, buf, n);
		npy_array_t a;
		sim_err_t err = { 0 };
		ck_assert_int_eq(npy_read(path, &a, &err), SIM_EINPUT);
		ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, cases[k].expect), "case %zu: '%s' lacks '%s'", k,
			      err.msg, cases[k].expect);
		ck_assert(strchr(err.msg, '\n') == NULL);
	}
	/* bad magic; truncated header; missing file (an input error: exit 2) */
	test_put_file(path, "NOTNUMPY....", 12);
	sim_err_t err = { 0 };
	npy_array_t a;
	ck_assert_int_eq(npy_read(path, &a, &err), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "bad magic"));
	size_t n = handmade(buf, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data, 0);
	test_put_file(path, buf, 40);
	ck_assert_int_eq(npy_read(path, &a, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "truncated .npy header") != NULL, "%s (%zu)", err.msg, n);
	snprintf(path, sizeof path, "%s/none.npy", tmpdir);
	ck_assert_int_eq(npy_read(path, &a, &err), SIM_EINPUT);
	test_rmdir(tmpdir);
}
END_TEST

/* ---- weights ---- */

/* Deferred x (weights_random_rows with defer_x) read through xseq is the
 * x weights_random draws, bit for bit, whatever the block size (one step,
 * blocks that do not divide T, the whole sequence) and the order: forward,
 * backward (checkpoints found by skipping to the end), and jumping about;
 * the other arrays are drawn as before. T = 11 is larger than every block
 * but the last size, so a wrong checkpoint or block offset shows. */
START_TEST(test_xseq_is_weights_x)
{
	const uint32_t T = 11, B = 3, I = 5;
	layer_cfg_t l = test_layer(CELL_GRU, GRU_LBR, I, 4, T, B);
	sim_err_t e = { 0 };
	weights_t *a = weights_random(&l, 77, &e), *d = weights_random_rows(&l, 77, false, NULL, NULL, true, &e);
	ck_assert(a && d && d->x_deferred && !d->x && !a->x_deferred);
	ck_assert(memcmp(a->U, d->U, (size_t)a->G * 4 * 4 * sizeof(double)) == 0);
	ck_assert(memcmp(a->b, d->b, (size_t)a->G * 4 * sizeof(double)) == 0);
	static const uint32_t ks[] = { 1, 2, 3, 4, 11 };
	for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++)
		for (int order = 0; order < 3; order++) {
			xseq_t *x = xseq_create(&d->x_gen, T, B, I, ks[k]);
			ck_assert_ptr_nonnull(x);
			ck_assert_uint_eq(xseq_bytes(x), (size_t)ks[k] * B * I * sizeof(double) +
								 (T + ks[k] - 1) / ks[k] * sizeof(rng_state_t));
			for (uint32_t n = 0; n < 2 * T; n++) {
				/* forward; backward; a stride of 7 (coprime to T), twice round */
				uint32_t t = order == 0 ? n % T : order == 1 ? T - 1 - n % T : (n * 7) % T;
				for (uint32_t b = 0; b < B; b++)
					ck_assert_msg(memcmp(xseq_row(x, t, b), a->x + ((size_t)t * B + b) * I,
							     I * sizeof(double)) == 0,
						      "K = %u, order %d: row (%u, %u) differs", ks[k], order, t, b);
			}
			xseq_destroy(x);
		}
	weights_destroy(a);
	weights_destroy(d);
}
END_TEST

/* W and U, drawn whole (weights_random) or handed row by row
 * (weights_random_rows with a row callback), are the stream's values one
 * by one (rng_uniform, W's then U's), each row handed once, whether a
 * matrix is drawn in lanes (rows * n >= RNG_LANES_MIN) with or without
 * rows left over (G * H a multiple of RNG_LANES or not), or one row at a
 * time; the arrays drawn after them (b, x) are the same either way. */
typedef struct rows_got {
	const weights_t *w;
	uint32_t *seen[2];
	size_t bad;
} rows_got_t;

static void rows_check(void *ctx, bool u, size_t r, const double *v, size_t n)
{
	rows_got_t *g = ctx;
	const double *m = u ? g->w->U : g->w->W;
	g->seen[u][r]++;
	if (memcmp(v, m + r * n, n * sizeof *v) != 0)
		g->bad++;
}

START_TEST(test_weights_rows_in_lanes)
{
	/* LSTM H 128, I 64: W 512 x 64 and U 512 x 128, both in lanes; GRU H 67,
	 * I 170: W 201 x 170 in lanes with one row over, U 201 x 67 one by one */
	static const struct {
		cell_kind_t cell;
		uint32_t I, H;
	} c[] = { { CELL_LSTM, 64, 128 }, { CELL_GRU, 170, 67 } };
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		layer_cfg_t l = test_layer(c[i].cell, GRU_LBR, c[i].I, c[i].H, 2, 1);
		sim_err_t e = { 0 };
		weights_t *w = weights_random(&l, 5, &e);
		ck_assert_ptr_nonnull(w);
		size_t rows = (size_t)w->G * w->H;
		rng_t *seq = rng_create(5);
		double k = 1.0 / sqrt((double)w->H);
		for (size_t m = 0; m < 2; m++)
			for (size_t j = 0; j < rows * (m ? w->H : w->I); j++) {
				double want = rng_uniform(seq, -k, k);
				ck_assert_msg(memcmp(&want, (m ? w->U : w->W) + j, sizeof want) == 0,
					      "case %zu: %s value %zu is not the stream's", i, m ? "U" : "W", j);
			}
		rng_destroy(seq);
		rows_got_t g = { .w = w };
		g.seen[0] = calloc(rows, sizeof *g.seen[0]);
		g.seen[1] = calloc(rows, sizeof *g.seen[1]);
		weights_t *d = weights_random_rows(&l, 5, false, rows_check, &g, false, &e);
		ck_assert_ptr_nonnull(d);
		ck_assert_msg(g.bad == 0, "case %zu: %zu rows differ", i, g.bad);
		for (size_t r = 0; r < rows; r++)
			ck_assert_msg(g.seen[0][r] == 1 && g.seen[1][r] == 1,
				      "case %zu: row %zu handed %u and %u times", i, r, g.seen[0][r], g.seen[1][r]);
		ck_assert(!d->W && !d->U);
		ck_assert(memcmp(d->b, w->b, rows * sizeof(double)) == 0);
		ck_assert(memcmp(d->x, w->x, (size_t)w->T * w->B * w->I * sizeof(double)) == 0);
		free(g.seen[0]);
		free(g.seen[1]);
		weights_destroy(w);
		weights_destroy(d);
	}
}
END_TEST

START_TEST(test_weights_random_and_load)
{
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 4, 4, 3, 2);
	weights_t *a = weights_random(&l, 42, NULL), *b = weights_random(&l, 42, NULL),
		  *c = weights_random(&l, 43, NULL);
	ck_assert(a && b && c);
	ck_assert_uint_eq(a->G, 4);
	ck_assert(memcmp(a->U, b->U, 16 * 4 * sizeof(double)) == 0);
	ck_assert(memcmp(a->U, c->U, 16 * 4 * sizeof(double)) != 0);
	/* W, U, b in [-1/sqrt(H), 1/sqrt(H)) = [-0.5, 0.5); x in [-1, 1) */
	double wmax = 0, xmax = 0;
	for (int i = 0; i < 64; i++)
		wmax = fmax(wmax, fmax(fabs(a->W[i]), fabs(a->U[i])));
	for (int i = 0; i < 3 * 2 * 4; i++)
		xmax = fmax(xmax, fabs(a->x[i]));
	ck_assert(wmax <= 0.5 && wmax > 0.4);
	ck_assert(xmax <= 1.0 && xmax > 0.5);
	ck_assert_double_eq(a->h0[3], 0.0);
	ck_assert_double_eq(a->c0[7], 0.0);

	char tmpdir[200];
	test_tmpdir(tmpdir, sizeof tmpdir, "func");
	sim_err_t err = { 0 };
	ck_assert_msg(weights_save(a, tmpdir, NPY_F8, &err) == SIM_OK, "%s", err.msg);
	weights_t *d = weights_load(&l, tmpdir, &err);
	ck_assert_msg(d != NULL, "%s", err.msg);
	ck_assert(memcmp(a->W, d->W, 16 * 4 * sizeof(double)) == 0);
	ck_assert(memcmp(a->x, d->x, 24 * sizeof(double)) == 0);
	weights_destroy(d);
	/* the same directory read as a peephole LSTM lacks P.npy */
	layer_cfg_t pl = test_layer(CELL_LSTM_PEEPHOLE, GRU_LBR, 4, 4, 3, 2);
	ck_assert_ptr_null(weights_load(&pl, tmpdir, &err));
	ck_assert_msg(strstr(err.msg, "/P.npy: cannot open") != NULL, "%s", err.msg);

	/* a wrong shape names the file, the shape and the expected one */
	char path[256];
	snprintf(path, sizeof path, "%s/W.npy", tmpdir);
	size_t bad[2] = { 3, 4 };
	ck_assert_int_eq(npy_write(path, NPY_F4, 2, bad, a->W, NULL), SIM_OK);
	ck_assert_ptr_null(weights_load(&l, tmpdir, &err));
	char want[384];
	snprintf(want, sizeof want, "%s: shape (3, 4), expected (16, 4) for an lstm layer with hidden 4 and input 4",
		 path);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.code, SIM_EINPUT);

	/* a GRU linear_before_reset layer needs b_hn.npy */
	layer_cfg_t g = test_layer(CELL_GRU, GRU_LBR, 4, 4, 3, 2);
	ck_assert_ptr_null(weights_load(&g, tmpdir, &err));
	test_rmdir(tmpdir);
	weights_destroy(a);
	weights_destroy(b);
	weights_destroy(c);
}
END_TEST

/* ---- activations ---- */

START_TEST(test_pwl_error)
{
	/* Chord error bound on a segment of width h: h^2/8 max|f''|.
	 * max|tanh''| = 4/(3 sqrt 3) (at tanh^2 = 1/3), max|sig''| = sqrt(3)/18.
	 * 64 segments over [-8, 8]: h = 0.25 -> tanh 6.014e-3, sigmoid 7.518e-4.
	 * The measured maximum must be below the bound and close to it (the
	 * worst segment straddles the point of largest curvature). */
	act_cfg_t c = { ACT_PWL, 64, 8.0 };
	act_t *a = act_create(&c);
	ck_assert_ptr_nonnull(a);
	double bt = 0.0625 / 8 * 4 / (3 * sqrt(3.0)), bs = 0.0625 / 8 * sqrt(3.0) / 18;
	double et = act_max_error(a, ACT_TANH, -8, 8, 200001);
	double es = act_max_error(a, ACT_SIGMOID, -8, 8, 200001);
	ck_assert_msg(et <= bt && et > 0.95 * bt, "tanh: %g vs bound %g", et, bt);
	ck_assert_msg(es <= bs && es > 0.95 * bs, "sigmoid: %g vs bound %g", es, bs);
	/* exact at the breakpoints, continuous, saturating outside */
	ck_assert_double_eq_tol(act_tanh(a, 0.25), tanh(0.25), 1e-15);
	ck_assert_double_eq_tol(act_sigmoid(a, -3.0), 1 / (1 + exp(3.0)), 1e-15);
	ck_assert_double_eq(act_tanh(a, 100.0), tanh(8.0));
	ck_assert_double_eq(act_sigmoid(a, -100.0), 1 / (1 + exp(8.0)));
	act_destroy(a);
	/* 512 segments reach RNNAccel's < 0.0002 for both functions */
	act_cfg_t c5 = { ACT_PWL, 512, 8.0 };
	a = act_create(&c5);
	ck_assert(act_max_error(a, ACT_TANH, -8, 8, 200001) < 2e-4);
	ck_assert(act_max_error(a, ACT_SIGMOID, -8, 8, 200001) < 2e-4);
	act_destroy(a);
	/* exact mode is libm */
	act_cfg_t ce = { ACT_EXACT, 0, 0 };
	a = act_create(&ce);
	ck_assert_double_eq(act_max_error(a, ACT_TANH, -20, 20, 1001), 0.0);
	act_destroy(a);
	act_cfg_t cbad = { ACT_PWL, 0, 8.0 };
	ck_assert_ptr_null(act_create(&cbad));
}
END_TEST

/* ---- cell math ---- */

static cm_t *mk_cm(prec_mul_t p, unsigned df, unsigned wf)
{
	precision_cfg_t pc = { p, df, wf, 32 };
	act_cfg_t ac = { ACT_EXACT, 0, 0 };
	sim_err_t err = { 0 };
	cm_t *cm = cm_create(&pc, &ac, &err);
	ck_assert_msg(cm != NULL, "%s", err.msg);
	return cm;
}

START_TEST(test_cellmath_closed_form)
{
	cm_t *cm = mk_cm(PREC_FP16, 0, 0);
	/* gate: 1 + (-1) = +0, sig(0) = 0.5 = fp16 0x3800 */
	ck_assert_uint_eq(cm_gate(cm, CM_ROLE_F, ARITH_F32_ONE, 0xBF800000u), 0x3800);
	/* LSTM: f = i = g = 0.5 (0x3800), c = 1: c' = 0.5*1 + 0.5*0.5 = 0.75
	 * (0x3F400000, exact); o = 1 (0x3C00): h' = fp16(tanh 0.75) */
	uint32_t c = ARITH_F32_ONE, h = 0;
	cm_lstm_cell(cm, 0x3800, 0x3800, 0x3800, 0x3C00, &c, &h);
	ck_assert_uint_eq(c, 0x3F400000u);
	ck_assert_uint_eq(h, arith_double_to_f16(tanh(0.75)));
	/* GRU h: z = 0.5, n = 0.25 (0x3400), h = 0.75 (0x3A00): 1 - z = 0.5,
	 * h' = 0.5*0.25 + 0.5*0.75 = 0.5 = 0x3800 */
	ck_assert_uint_eq(cm_gru_h(cm, 0x3800, 0x3400, 0x3A00), 0x3800);
	/* lbr n: xn = 0, b_in = 0, hn = 0.5, b_hn = 0.5 -> a = 1; r = 0.5 -> p = 0.5;
	 * n = fp16(tanh 0.5) */
	ck_assert_uint_eq(cm_gru_lbr_n(cm, 0, 0x3F000000u, 0, 0x3F000000u, 0x3800), arith_double_to_f16(tanh(0.5)));
	/* r*h = 0.5 * 0.75 = 0.375 = 0x3600 */
	ck_assert_uint_eq(cm_gru_rh(cm, 0x3800, 0x3A00), 0x3600);
	/* the new cells' steps, fp16: 1 - 0.25 = 0.75 (0x3A00); a peephole term
	 * 1.0f + 0.5 * 2.0 = 2.0f; sigmoid by tanh of 0 = 0.5 */
	ck_assert_uint_eq(cm_one_minus(cm, 0x3400), 0x3A00);
	ck_assert_uint_eq(cm_peep(cm, ARITH_F32_ONE, 0x3800, 0x40000000u), 0x40000000u);
	ck_assert_uint_eq(cm_cell_f(cm, 0), 0x3800);
	ck_assert_uint_eq(cm_cell_f(cm, 0x40000000u), arith_double_to_f16(1.0 / (1.0 + exp(-2.0))));
	/* fc output: the biased sum 3.25f narrowed to fp16 0x4280, exactly;
	 * 1 + 2^-12 (0x3F800800) rounds to even, 1.0 (0x3C00) */
	ck_assert_uint_eq(cm_narrow(cm, 0x40500000u), 0x4280);
	ck_assert_uint_eq(cm_narrow(cm, 0x3F800800u), 0x3C00);
	cm_destroy(cm);

	/* fixed point, df = 8, wf = 6, S = 14: sum 2^14 (= 1.0), bias -1.0 ->
	 * pre 0 -> sig 0.5 -> 128 (Q8) */
	cm = mk_cm(PREC_FIX16X8, 8, 6);
	ck_assert_uint_eq(cm_bias(cm, -1.0), (uint32_t)-16384);
	ck_assert_uint_eq(cm_gate(cm, CM_ROLE_F, 16384, cm_bias(cm, -1.0)), 128);
	/* LSTM Q8: f = i = g = 128 (0.5), c = 256 (1.0): (128*256 + 128*128)/256
	 * = 192 (0.75); o = 256: h' = q8(tanh 0.75) = round(162.597...) = 163 */
	c = 256;
	cm_lstm_cell(cm, 128, 128, 128, 256, &c, &h);
	ck_assert_uint_eq(c, 192);
	ck_assert_uint_eq(h, 163);
	/* weights: int8 Q6 in the low byte; -2.0 -> -128 -> 0x0080 */
	ck_assert_uint_eq(cm_weight(cm, -2.0), 0x0080);
	ck_assert_double_eq(cm_data_value(cm, (uint16_t)-384), -1.5);
	/* coupled f: 1 - 0.25 in Q8 is 256 - 64 = 192 */
	ck_assert_uint_eq(cm_one_minus(cm, 64), 192);
	/* peephole: P = 0.5 (Q6: 32) times c = 2.0 (Q8: 512) = 16384 at
	 * 2^-14, exact; added to pre 0 */
	ck_assert_uint_eq(cm_peep(cm, 0, cm_weight(cm, 0.5), 512), 16384);
	ck_assert_uint_eq(cm_peep(cm, 0, cm_weight(cm, -0.5), 512), (uint32_t)-16384);
	/* sig(1) = (1 + tanh 0.5) / 2 = 0.7310585786 -> round(187.151) = 187,
	 * what the MFU's sigmoid gives too with exact activations */
	ck_assert_uint_eq(cm_cell_f(cm, 16384), 187);
	ck_assert_uint_eq(cm_gate(cm, CM_ROLE_F, 16384, 0), 187);
	/* fc output: a sum at 2^-14 to Q8 drops 6 bits, RNE, saturating:
	 * 3.25 * 2^14 -> 832; 256.5 -> 256 and 257.5 -> 258 (even); 2^30 -> 32767 */
	ck_assert_uint_eq(cm_narrow(cm, 53248), 832);
	ck_assert_uint_eq(cm_narrow(cm, 16416), 256);
	ck_assert_uint_eq(cm_narrow(cm, 16480), 258);
	ck_assert_uint_eq(cm_narrow(cm, 1u << 30), 32767);
	ck_assert_uint_eq(cm_narrow(cm, (uint32_t)-53248), (uint16_t)-832);
	cm_destroy(cm);

	precision_cfg_t bad = { PREC_FIX16X8, 15, 6, 32 };
	act_cfg_t ac = { ACT_EXACT, 0, 0 };
	sim_err_t err = { 0 };
	ck_assert_ptr_null(cm_create(&bad, &ac, &err));
	ck_assert_int_eq(err.code, SIM_EINPUT);
}
END_TEST

/* The fp16 LSTM cell against double math on random operands: the products
 * are exact, so c' carries one fp32 rounding (|err| <= 2^-24 |c'|); h' carries
 * the fp16 rounding of tanh and of the product (each <= 2^-11 relative,
 * plus 2^-25 absolute below fp16's normal range). */
START_TEST(test_cellmath_lstm_bounds)
{
	cm_t *cm = mk_cm(PREC_FP16, 0, 0);
	rng_t *r = rng_create(3);
	for (int k = 0; k < 200000; k++) {
		uint32_t i = cm_data(cm, rng_uniform(r, 0, 1)), f = cm_data(cm, rng_uniform(r, 0, 1));
		uint32_t g = cm_data(cm, rng_uniform(r, -1, 1)), o = cm_data(cm, rng_uniform(r, 0, 1));
		uint32_t c = cm_state(cm, rng_uniform(r, -4, 4)), h;
		double c16 = arith_f16_to_double(arith_f32_to_f16(c)); /* c enters as fp16 */
		double cx = cm_data_value(cm, f) * c16 + cm_data_value(cm, i) * cm_data_value(cm, g);
		cm_lstm_cell(cm, i, f, g, o, &c, &h);
		double cd = cm_state_value(cm, c);
		ck_assert_msg(fabs(cd - cx) <= 0x1p-24 * fabs(cx), "c: %.17g vs %.17g", cd, cx);
		double hx = cm_data_value(cm, o) * tanh(cd);
		double hd = cm_data_value(cm, h);
		ck_assert_msg(fabs(hd - hx) <= 2.0 * 0x1p-11 * fabs(hx) + 0x1p-24, "h: %.17g vs %.17g", hd, hx);
	}
	rng_destroy(r);
	cm_destroy(cm);
}
END_TEST

/* A whole tiny layer through the datapath formulas (sequential fp32 dot
 * products here; the real pipeline uses its adder tree) against the double
 * reference: the error must stay at the level of the formats. */
static double datapath_lstm_error(prec_mul_t p, unsigned df, unsigned wf)
{
	enum { I = 8, H = 8, T = 6, G = 4 };
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, I, H, T, 1);
	weights_t *w = weights_random(&l, 7, NULL);
	double ref[T * H];
	ck_assert_int_eq(ref_run(w, ref, NULL, NULL), SIM_OK);
	cm_t *cm = mk_cm(p, df, wf);
	bool fx = cm_is_fixed(cm);
	uint32_t h[H], c[H];
	for (int j = 0; j < H; j++) {
		h[j] = cm_data(cm, w->h0[j]);
		c[j] = cm_state(cm, w->c0[j]);
	}
	double got[T * H];
	for (int t = 0; t < T; t++) {
		uint32_t gate[G][H];
		for (int row = 0; row < G * H; row++) {
			uint32_t acc = 0;
			int64_t iacc = 0;
			for (int k = 0; k < I + H; k++) {
				double wv = k < I ? w->W[row * I + k] : w->U[row * H + k - I];
				uint32_t ww = cm_weight(cm, wv);
				uint32_t xv = k < I ? cm_data(cm, w->x[t * I + k]) : h[k - I];
				if (fx)
					iacc += fix_mul16x8((int16_t)(uint16_t)xv, (uint16_t)ww);
				else
					acc = arith_f32_add(acc, arith_f16_mul((uint16_t)ww, (uint16_t)xv));
			}
			if (fx)
				acc = (uint32_t)fix_acc_add(0, iacc, 32);
			int gi = row / H;
			gate[gi][row % H] = cm_gate(cm, gi == 2 ? CM_ROLE_G : CM_ROLE_F, acc, cm_bias(cm, w->b[row]));
		}
		for (int j = 0; j < H; j++)
			cm_lstm_cell(cm, gate[0][j], gate[1][j], gate[2][j], gate[3][j], &c[j], &h[j]);
		for (int j = 0; j < H; j++) {
			got[t * H + j] = cm_data_value(cm, h[j]);
		}
	}
	ref_diff_t d;
	ref_diff(got, ref, T * H, &d);
	cm_destroy(cm);
	weights_destroy(w);
	return d.max_abs;
}

START_TEST(test_datapath_vs_reference)
{
	/* fp16: operands rounded at 2^-11 relative, |h| < 1: a few fp16 ulps
	 * (measured 1.2e-4 for this seed) */
	double e16 = datapath_lstm_error(PREC_FP16, 0, 0);
	ck_assert_msg(e16 > 0 && e16 < 5e-4, "fp16 max abs error %g", e16);
	/* fix16x8, data Q12, weights Q7 (lsb 2^-8 on weights of size 0.35):
	 * the int8 weights dominate (measured 2.8e-3) */
	double e8 = datapath_lstm_error(PREC_FIX16X8, 12, 7);
	ck_assert_msg(e8 > e16 && e8 < 1e-2, "fix16x8 max abs error %g", e8);
}
END_TEST

Suite *func_suite(void)
{
	Suite *s = suite_create("func");
	TCase *r = tcase_create("ref");
	tcase_add_test(r, test_ref_lstm_one_step);
	tcase_add_test(r, test_ref_vanilla_two_steps);
	tcase_add_test(r, test_ref_fc_two_steps);
	tcase_add_test(r, test_ref_peephole_one_step);
	tcase_add_test(r, test_ref_sequence_lens);
	tcase_add_test(r, test_ref_coupled_one_step);
	tcase_add_test(r, test_ref_cells_reduce_to_lstm);
	tcase_add_test(r, test_ref_gru_lbr_one_step);
	tcase_add_test(r, test_ref_gru_forms_differ);
	tcase_add_test(r, test_ref_batch_independent);
	tcase_add_test(r, test_ref_diff);
	suite_add_tcase(s, r);
	TCase *io = tcase_create("io");
	tcase_add_test(io, test_rng_pinned);
	tcase_add_test(io, test_rng_fill_is_uniform);
	tcase_add_test(io, test_rng_jump_is_skip);
	tcase_add_test(io, test_rng_lanes_are_the_stream);
	tcase_add_test(io, test_npy_roundtrip);
	tcase_add_test(io, test_npy_errors);
	tcase_add_test(io, test_weights_random_and_load);
	tcase_add_test(io, test_xseq_is_weights_x);
	tcase_add_test(io, test_weights_rows_in_lanes);
	suite_add_tcase(s, io);
	TCase *m = tcase_create("math");
	tcase_set_timeout(m, 20);
	tcase_add_test(m, test_pwl_error);
	tcase_add_test(m, test_cellmath_closed_form);
	tcase_add_test(m, test_cellmath_lstm_bounds);
	tcase_add_test(m, test_datapath_vs_reference);
	suite_add_tcase(s, m);
	return s;
}
