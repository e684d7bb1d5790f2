/*
 * test_approx.c - the progressive rank-1 decomposer and the QoR metrics
 * (sim/approx): full rank and full NZ give back the dense product and the
 * double reference layer (ref.h, which shares no code with apx_lstm.c); the
 * residual never grows with the step count, on seeded matrices and on the
 * shipped trained model; operation counts equal N (2R + 2NZ + 1); metrics
 * on hand-worked cases. numpy re-derives the factors and the QoR of a run
 * in tests/approx/check.py.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/approx/apx_lstm.h"
#include "../sim/approx/apx_qor.h"
#include "../sim/approx/apx_svd.h"
#include "../sim/func/ref.h"
#include "../sim/func/rng.h"
#include "testutil.h"

static double *random_matrix(size_t n, uint64_t seed)
{
	rng_t *r = rng_create(seed);
	double *w = malloc(n * sizeof *w);
	for (size_t i = 0; i < n; i++)
		w[i] = rng_uniform(r, -1.0, 1.0);
	rng_destroy(r);
	return w;
}

START_TEST(test_full_rank_is_dense)
{
	/* R = 12 < C = 20: rank 12; NZ = C keeps v whole */
	size_t R = 12, C = 20;
	double *a = random_matrix(R * C, 11), *x = random_matrix(C, 12), y[12], d[12];
	apx_factors_t *f;
	sim_err_t err;
	ck_assert_int_eq(apx_svd_decompose(a, R, C, 12, C, &f, &err), SIM_OK);
	for (size_t i = 0; i < R; i++) {
		d[i] = 0.0;
		for (size_t j = 0; j < C; j++)
			d[i] += a[i * C + j] * x[j];
	}
	apx_svd_eval(f, 12, x, y);
	for (size_t i = 0; i < R; i++)
		ck_assert_msg(fabs(y[i] - d[i]) <= 1e-12 * (1 + fabs(d[i])), "row %zu: %.17g vs %.17g", i, y[i], d[i]);
	ck_assert_msg(apx_factors_residual(f, 12) <= 1e-13 * apx_factors_residual(f, 0), "residual %g",
		      apx_factors_residual(f, 12));
	/* sigma is the singular values, in decreasing order */
	for (unsigned n = 1; n < 12; n++)
		ck_assert(apx_factors_sigma(f)[n] <= apx_factors_sigma(f)[n - 1]);
	apx_factors_destroy(f);
	free(a);
	free(x);
}
END_TEST

/* ||E_n||_F never grows, and falls by exactly sigma_n ||p_n|| in quadrature
 * (the invariant of apx_svd.h). */
static void check_residuals(const apx_factors_t *f, const char *what)
{
	size_t nz = apx_factors_nz(f);
	for (unsigned n = 0; n < apx_factors_steps(f); n++) {
		double e0 = apx_factors_residual(f, n), e1 = apx_factors_residual(f, n + 1);
		ck_assert_msg(e1 <= e0 * (1 + 1e-12), "%s: residual grew at step %u: %.17g -> %.17g", what, n + 1, e0,
			      e1);
		double p2 = 0.0;
		for (size_t k = 0; k < nz; k++)
			p2 += apx_factors_v(f)[n * nz + k] * apx_factors_v(f)[n * nz + k];
		double s = apx_factors_sigma(f)[n], want = e0 * e0 - s * s * p2;
		ck_assert_msg(fabs(e1 * e1 - want) <= 1e-10 * apx_factors_residual(f, 0) * apx_factors_residual(f, 0),
			      "%s: step %u: ||E||^2 %.17g, expected %.17g", what, n + 1, e1 * e1, want);
	}
}

START_TEST(test_residual_non_increasing_seeded)
{
	size_t R = 16, C = 40;
	double *a = random_matrix(R * C, 21);
	apx_factors_t *f;
	sim_err_t err;
	ck_assert_int_eq(apx_svd_decompose(a, R, C, 30, 10, &f, &err), SIM_OK);
	check_residuals(f, "seeded 16x40 NZ 10");
	/* indices ascending, distinct, in range */
	for (unsigned n = 0; n < 30; n++)
		for (size_t k = 1; k < 10; k++)
			ck_assert(apx_factors_index(f)[n * 10 + k] > apx_factors_index(f)[n * 10 + k - 1]);
	apx_factors_destroy(f);
	free(a);
}
END_TEST

START_TEST(test_residual_non_increasing_trained)
{
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 8, 64, 32, 16);
	sim_err_t err;
	weights_t *w = weights_load(&l, "workloads/models/sines_lstm", &err);
	ck_assert_msg(w != NULL, "%s", err.msg);
	double *a = malloc(64 * 72 * sizeof *a);
	const size_t nzs[3] = { 72, 36, 8 };
	for (unsigned g = 0; g < 4; g++) {
		apx_lstm_gate_matrix(w, g, a);
		for (int i = 0; i < 3; i++) {
			apx_factors_t *f;
			ck_assert_int_eq(apx_svd_decompose(a, 64, 72, 40, nzs[i], &f, &err), SIM_OK);
			char what[64];
			snprintf(what, sizeof what, "trained gate %u NZ %zu", g, nzs[i]);
			check_residuals(f, what);
			apx_factors_destroy(f);
		}
	}
	free(a);
	weights_destroy(w);
}
END_TEST

START_TEST(test_op_count)
{
	/* R = 12, NZ = 5, k = 3: 3 * (24 + 10 + 1) = 105 operations */
	size_t R = 12, C = 20;
	double *a = random_matrix(R * C, 31), *x = random_matrix(C, 32), y[12];
	apx_factors_t *f;
	sim_err_t err;
	ck_assert_int_eq(apx_svd_decompose(a, R, C, 6, 5, &f, &err), SIM_OK);
	ck_assert_uint_eq(apx_svd_eval(f, 3, x, y), 105);
	ck_assert_uint_eq(apx_svd_ops(3, R, 5), 105);
	for (unsigned k = 0; k <= 6; k++)
		ck_assert_uint_eq(apx_svd_eval(f, k, x, y), (uint64_t)k * (2 * 12 + 2 * 5 + 1));
	apx_factors_destroy(f);
	free(a);
	free(x);
}
END_TEST

START_TEST(test_layer_matches_reference)
{
	/* an LSTM of I = 5, H = 6 (gates 6 x 11, rank 6), T = 3, B = 2: all
	 * steps and NZ = C give ref_run's hidden states; T*B*G*k*(2H+2NZ+1)
	 * operations = 3*2*4*6*(12+22+1) = 5040 */
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 5, 6, 3, 2);
	sim_err_t err;
	weights_t *w = weights_random(&l, 77, &err);
	apx_factors_t *f[4];
	double a[66], h[36], hr[36];
	for (unsigned g = 0; g < 4; g++) {
		apx_lstm_gate_matrix(w, g, a);
		ck_assert_int_eq(apx_svd_decompose(a, 6, 11, 6, 11, &f[g], &err), SIM_OK);
	}
	uint64_t ops;
	ck_assert_int_eq(apx_lstm_run(w, f, 6, h, &ops, &err), SIM_OK);
	ck_assert_int_eq(ref_run(w, hr, NULL, &err), SIM_OK);
	for (int i = 0; i < 36; i++)
		ck_assert_msg(fabs(h[i] - hr[i]) < 1e-13, "h[%d] %.17g vs %.17g", i, h[i], hr[i]);
	ck_assert_uint_eq(ops, 5040);
	/* fewer steps give a different (approximate) answer */
	ck_assert_int_eq(apx_lstm_run(w, f, 2, h, NULL, &err), SIM_OK);
	ck_assert(apx_qor_rel_error(h, hr, 36) > 1e-3);
	for (unsigned g = 0; g < 4; g++)
		apx_factors_destroy(f[g]);
	weights_destroy(w);
	/* a GRU is refused */
	l = test_layer(CELL_GRU, GRU_LBR, 5, 6, 1, 1);
	w = weights_random(&l, 1, &err);
	ck_assert_int_eq(apx_lstm_check(w, &err), SIM_EINPUT);
	weights_destroy(w);
}
END_TEST

START_TEST(test_decompose_bad_input)
{
	double a[6] = { 1, 2, 3, 4, 5, 6 };
	apx_factors_t *f;
	sim_err_t err;
	ck_assert_int_eq(apx_svd_decompose(a, 2, 3, 1, 4, &f, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "NZ 4 is outside 1..3"), "%s", err.msg);
	ck_assert(f == NULL);
	ck_assert_int_eq(apx_svd_decompose(a, 2, 3, 0, 2, &f, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "refine_steps 0"), "%s", err.msg);
}
END_TEST

START_TEST(test_qor_hand_worked)
{
	const double a[2] = { 1, 0 }, b[2] = { 0, 1 }, c[2] = { 3, 4 }, z[2] = { 0, 0 };
	ck_assert(fabs(apx_qor_rel_error(a, b, 2) - sqrt(2.0)) < 1e-15);
	ck_assert(apx_qor_cosine(a, b, 2) == 0.0);
	ck_assert(fabs(apx_qor_cosine(c, c, 2) - 1.0) < 1e-15);
	ck_assert(apx_qor_rel_error(z, z, 2) == 0.0);
	ck_assert(isinf(apx_qor_rel_error(a, z, 2)));
	ck_assert(apx_qor_cosine(z, z, 2) == 1.0);
	/* P = softmax(0, 0) = (1/2, 1/2), Q = softmax(log 3, 0) = (3/4, 1/4):
	 * KL = 1/2 log(2/3) + 1/2 log 2 = 1/2 log(4/3) */
	const double lq[2] = { log(3.0), 0 };
	ck_assert(fabs(apx_qor_kl(z, lq, 2) - 0.5 * log(4.0 / 3.0)) < 1e-15);
	ck_assert(apx_qor_kl(lq, lq, 2) == 0.0);
	/* shifting logits changes nothing; huge logits do not overflow */
	const double big[2] = { 1000 + log(3.0), 1000 };
	ck_assert(fabs(apx_qor_kl(z, big, 2) - 0.5 * log(4.0 / 3.0)) < 1e-12);
	/* argmax: first maximum; rows (1,1,0) vs (0,1,0) agree on the 2nd only */
	const double r[6] = { 1, 1, 0, 5, 2, 1 }, g[6] = { 0, 1, 0, 5, 6, 1 };
	ck_assert_uint_eq(apx_qor_argmax(r, 3), 0);
	ck_assert(apx_qor_argmax_agreement(r, g, 2, 3) == 0.0);
	ck_assert(apx_qor_argmax_agreement(r, r, 2, 3) == 1.0);
	const double g2[6] = { 2, 1, 0, 0, 1, 0 };
	ck_assert(apx_qor_argmax_agreement(r, g2, 2, 3) == 0.5);
	double p[2];
	apx_qor_softmax(lq, 2, p);
	ck_assert(fabs(p[0] - 0.75) < 1e-15 && fabs(p[1] - 0.25) < 1e-15);
}
END_TEST

Suite *approx_suite(void)
{
	Suite *s = suite_create("approx");
	TCase *d = tcase_create("svd");
	tcase_set_timeout(d, 30);
	tcase_add_test(d, test_full_rank_is_dense);
	tcase_add_test(d, test_residual_non_increasing_seeded);
	tcase_add_test(d, test_residual_non_increasing_trained);
	tcase_add_test(d, test_op_count);
	tcase_add_test(d, test_layer_matches_reference);
	tcase_add_test(d, test_decompose_bad_input);
	suite_add_tcase(s, d);
	TCase *q = tcase_create("qor");
	tcase_add_test(q, test_qor_hand_worked);
	suite_add_tcase(s, q);
	return s;
}
