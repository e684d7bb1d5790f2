/*
 * test_act.c - suite `act`: the activation functions beyond sigmoid and
 * tanh (sim/arith/act.c) and their per-layer selection by the workload's
 * act_f, act_g, act_h keys (ONNX's roles) in functional mode.
 *
 * Exact mode is held to values derived by hand; PWL mode to the chord
 * bound h^2/8 * max|f''| inside [-range, range] (h = 2 range / segments)
 * plus, outside it, what act.h's continuation rule leaves (e^-range for
 * elu and softplus); the piecewise-linear functions must come out of PWL
 * mode unchanged (act.h: computed exactly by the multiply-add).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "../sim/arith/act.h"
#include "../sim/config/config.h"
#include "../sim/config/params.h"
#include "../sim/core/run.h"
#include "../sim/func/npy.h"
#include "../sim/func/ref.h"
#include "../sim/func/weights.h"

#define TEST_DIR "build/act-test"

static act_spec_t spec(act_fn_t fn, double alpha, double beta)
{
	act_spec_t s = { fn, alpha, beta };
	return s;
}

/* Hand values: each line's expectation follows from the definition in
 * act.h (the transcendental ones to 16 digits from their closed forms). */
START_TEST(exact_hand_values)
{
	static const struct {
		act_fn_t fn;
		double alpha, beta, x, want;
	} c[] = {
		{ ACT_RELU, 0, 0, -1.5, 0.0 },
		{ ACT_RELU, 0, 0, 2.25, 2.25 },
		{ ACT_LEAKY_RELU, 0.01, 0, -2, -0.02 },
		{ ACT_LEAKY_RELU, 0.01, 0, 3, 3 },
		{ ACT_HARD_SIGMOID, 0.2, 0.5, 1, 0.7 },	 /* 0.2 + 0.5 */
		{ ACT_HARD_SIGMOID, 0.2, 0.5, -3, 0.0 }, /* -0.1 clamps to 0 */
		{ ACT_HARD_SIGMOID, 0.2, 0.5, 3, 1.0 },	 /* 1.1 clamps to 1 */
		{ ACT_AFFINE, 2, -1, 0.5, 0.0 },
		{ ACT_AFFINE, 2, -1, -1, -3 },
		{ ACT_THRESHOLDED_RELU, 1, 0, 0.5, 0.0 },
		{ ACT_THRESHOLDED_RELU, 1, 0, 1.5, 1.5 },
		{ ACT_SOFTSIGN, 0, 0, 1, 0.5 },			    /* 1 / 2 */
		{ ACT_SOFTSIGN, 0, 0, -3, -0.75 },		    /* -3 / 4 */
		{ ACT_SCALED_TANH, 2, 0.5, 2, 1.5231883119115295 }, /* 2 tanh(1) */
		{ ACT_ELU, 1, 0, -1, -0.6321205588285577 },	    /* e^-1 - 1 */
		{ ACT_ELU, 1, 0, 2, 2 },
		{ ACT_SOFTPLUS, 0, 0, 0, 0.6931471805599453 }, /* ln 2 */
		{ ACT_SOFTPLUS, 0, 0, 1, 1.3132616875182228 }, /* ln(1 + e) */
	};
	act_cfg_t ex = { .mode = ACT_EXACT };
	act_t *a = act_create(&ex);
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		act_spec_t s = spec(c[i].fn, c[i].alpha, c[i].beta);
		double got = act_eval_spec(a, &s, c[i].x);
		ck_assert_msg(fabs(got - c[i].want) <= 1e-15 * fmax(1, fabs(c[i].want)),
			      "case %zu: f(%g) = %.17g, expected %.17g", i, c[i].x, got, c[i].want);
	}
	/* the defaults of act.h */
	act_spec_t d = act_default(ACT_HARD_SIGMOID);
	ck_assert(d.alpha == 0.2 && d.beta == 0.5);
	ck_assert(act_default(ACT_LEAKY_RELU).alpha == 0.01 && act_default(ACT_ELU).alpha == 1.0);
	act_destroy(a);
}
END_TEST

/* PWL (range 8, 64 segments, h = 0.25, h^2/8 = 1/128), sampled on
 * [-16, 16]: inside the range the chord bound h^2/8 * max|f''| (softsign
 * 2, at 0+; scaled_tanh(2, 0.5) 2 * 0.25 * 4/(3 sqrt 3) = 0.385; elu(1)
 * 1; softplus 1/4), outside it what the continuation leaves (act.h):
 * |f(+-inf) - f(+-range)| for the saturating ones, softsign's 1/(1 + 8) =
 * 0.111 (it nears its bound slowly: docs/numerics.md), scaled_tanh's
 * 2 (1 - tanh 4) = 1.3e-3, and e^-8 for elu and softplus. The
 * piecewise-linear functions are identical to exact mode everywhere. */
START_TEST(pwl_within_chord_bound)
{
	act_cfg_t pc = { .mode = ACT_PWL, .segments = 64, .range = 8.0 };
	act_t *a = act_create(&pc);
	double h2_8 = 0.25 * 0.25 / 8;
	static const struct {
		act_fn_t fn;
		double alpha, beta, f2, tail;
	} t[] = {
		{ ACT_SOFTSIGN, 0, 0, 2.0, 1.0 / 9 },
		{ ACT_SCALED_TANH, 2, 0.5, 0.385, 1.3e-3 },
		{ ACT_ELU, 1, 0, 1.0, 3.36e-4 },
		{ ACT_SOFTPLUS, 0, 0, 0.25, 3.36e-4 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		act_spec_t s = spec(t[i].fn, t[i].alpha, t[i].beta);
		double in = act_max_error_spec(a, &s, -8, 8, 64001), all = act_max_error_spec(a, &s, -16, 16, 64001);
		ck_assert_msg(in > 0 && in <= h2_8 * t[i].f2, "fn %d: PWL error %g in the range, bound %g", t[i].fn, in,
			      h2_8 * t[i].f2);
		ck_assert_msg(all <= fmax(h2_8 * t[i].f2, t[i].tail), "fn %d: PWL error %g, bound %g", t[i].fn, all,
			      fmax(h2_8 * t[i].f2, t[i].tail));
	}
	static const act_fn_t lin[] = { ACT_RELU, ACT_LEAKY_RELU, ACT_HARD_SIGMOID, ACT_AFFINE, ACT_THRESHOLDED_RELU };
	for (size_t i = 0; i < sizeof lin / sizeof lin[0]; i++) {
		act_spec_t s = act_default(lin[i]);
		ck_assert(act_is_linear(lin[i]));
		ck_assert_double_eq(act_max_error_spec(a, &s, -40, 40, 8001), 0.0);
	}
	/* ELU is exact on the right of the range (slope-1 continuation) */
	act_spec_t elu = act_default(ACT_ELU);
	ck_assert_double_eq(act_eval_spec(a, &elu, 100.0), 100.0);
	act_destroy(a);
}
END_TEST

static hw_cfg_t hw_small(void)
{
	return test_hw(16, 8, TILE_AUTO, SCHED_KIND_UNFOLDED);
}

static run_result_t run_ok(const hw_cfg_t *h, layer_cfg_t *l, size_t n, bool functional, const char *dump)
{
	workload_t w = { .name = "t", .path = TEST_DIR "/wl.yaml", .layers = l, .n_layers = n };
	run_opts_t o = { .functional = functional, .seed = 5, .dump_dir = dump };
	run_result_t r;
	sim_err_t e = { 0 };
	int rc = accel_run(h, &w, &o, &r, &e);
	ck_assert_msg(rc == SIM_OK, "accel_run failed: %s", e.msg);
	return r;
}

static double *read_h(const char *path, size_t n)
{
	npy_array_t a;
	sim_err_t e = { 0 };
	ck_assert_msg(npy_read(path, &a, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(a.count, n);
	return a.data;
}

/*
 * act_f: relu on a vanilla RNN (PyTorch's nonlinearity='relu'). By hand,
 * I = H = B = 1, W = 0.5, U = 0.5, b = 0, x = (1, 2), all exact in fp16:
 *   h(0) = relu(0.5 * 1)            = 0.5
 *   h(1) = relu(0.5 * 2 + 0.5 * 0.5) = 1.25
 * exact in fp16 and computed exactly by relu in either mode, so the dump
 * holds exactly these (tanh would give 0.4621 and 0.8483).
 */
START_TEST(relu_rnn_by_hand)
{
	mkdir("build", 0777);
	mkdir(TEST_DIR, 0777);
	mkdir(TEST_DIR "/relu", 0777);
	layer_cfg_t l = test_layer(CELL_VANILLA, GRU_LBR, 1, 1, 2, 1);
	l.act[LAYER_ROLE_F] = LACT_RELU;
	sim_err_t e = { 0 };
	weights_t *w = weights_random(&l, 1, &e);
	ck_assert(w->act[LAYER_ROLE_F].fn == ACT_RELU);
	w->W[0] = 0.5, w->U[0] = 0.5, w->b[0] = 0, w->x[0] = 1, w->x[1] = 2;
	ck_assert_int_eq(weights_save(w, TEST_DIR "/relu", NPY_F8, &e), SIM_OK);
	snprintf(l.weights, sizeof l.weights, "relu");
	for (int mode = 0; mode < 2; mode++) {
		hw_cfg_t h = hw_small();
		h.activation.mode = mode ? ACT_PWL : ACT_EXACT;
		run_result_t r = run_ok(&h, &l, 1, true, TEST_DIR);
		double *y = read_h(TEST_DIR "/layer0_h.npy", 2);
		ck_assert_double_eq(y[0], 0.5);
		ck_assert_double_eq(y[1], 1.25);
		ck_assert_double_eq(r.layers[0].err.h.max_abs, 0.0);
		free(y);
		run_result_free(&r);
	}
	weights_destroy(w);
}
END_TEST

/* Every role of an LSTM and a GRU set to another function: the values
 * follow the reference with the same functions (within the fp16 bound
 * of test_functional.c, 2e-3), differ from the default run by more than
 * that, and the cycles and every counter are those of the default run
 * (the MFU takes each function in one pass: no cycle moves). */
START_TEST(roles_change_values_not_timing)
{
	mkdir("build", 0777);
	mkdir(TEST_DIR, 0777);
	layer_cfg_t ls[2] = { test_layer(CELL_LSTM, GRU_LBR, 12, 20, 5, 2),
			      test_layer(CELL_GRU, GRU_RBM, 20, 16, 5, 2) };
	hw_cfg_t h = hw_small();
	run_result_t d = run_ok(&h, ls, 2, true, TEST_DIR);
	double *hd = read_h(TEST_DIR "/layer1_h.npy", 5 * 2 * 16);
	ls[0].act[LAYER_ROLE_F] = LACT_HARD_SIGMOID;
	ls[0].act[LAYER_ROLE_G] = LACT_SOFTSIGN;
	ls[0].act[LAYER_ROLE_H] = LACT_LEAKY_RELU;
	ls[0].act_alpha[LAYER_ROLE_H] = 0.1;
	ls[1].act[LAYER_ROLE_F] = LACT_HARD_SIGMOID;
	ls[1].act_alpha[LAYER_ROLE_F] = 0.25;
	ls[1].act[LAYER_ROLE_G] = LACT_RELU;
	run_result_t a = run_ok(&h, ls, 2, true, TEST_DIR);
	double *ha = read_h(TEST_DIR "/layer1_h.npy", 5 * 2 * 16);
	for (int l = 0; l < 2; l++)
		ck_assert_msg(a.layers[l].err.h.max_abs < 2e-3, "layer %d: %g", l, a.layers[l].err.h.max_abs);
	double moved = 0;
	for (size_t i = 0; i < 5 * 2 * 16; i++)
		moved = fmax(moved, fabs(ha[i] - hd[i]));
	ck_assert_msg(moved > 1e-2, "the activations moved h by %g only", moved);
	ck_assert_uint_eq(a.cycles, d.cycles);
	ck_assert_uint_eq(stats_size(a.stats), stats_size(d.stats));
	/* Every counter but which functions the MFU and the cell updater
	 * evaluated (each priced on its own, docs/energy.md): those move
	 * between functions, each unit's total stays. */
	uint64_t fa[2] = { 0 }, fd[2] = { 0 };
	for (size_t i = 0; i < stats_size(a.stats); i++) {
		const char *n = stats_name(a.stats, i);
		int unit = -1;
		for (int f = 0; f < ACT_N_FN; f++) {
			char m[48], c[48];
			snprintf(m, sizeof m, "mfu.%s", param_lact_name((layer_act_t)(f + 1)));
			snprintf(c, sizeof c, "cell.%s", param_lact_name((layer_act_t)(f + 1)));
			if (!strcmp(n, m))
				unit = 0;
			else if (!strcmp(n, c))
				unit = 1;
		}
		if (unit >= 0) {
			fa[unit] += stats_value(a.stats, i);
			fd[unit] += stats_value(d.stats, i);
			continue;
		}
		ck_assert_msg(stats_value(a.stats, i) == stats_value(d.stats, i), "%s differs", n);
	}
	ck_assert_uint_eq(fa[0], fd[0]);
	ck_assert_uint_eq(fa[1], fd[1]);
	/* the LSTM's act_h (leaky_relu) runs in the cell updater, once an element */
	ck_assert_uint_eq(test_counter(&a, "cell.leaky_relu"), 5 * 2 * 20);
	ck_assert_uint_eq(test_counter(&a, "mfu.hard_sigmoid"), test_counter(&d, "mfu.sigmoid"));
	run_result_t t = run_ok(&h, ls, 2, false, NULL);
	ck_assert_uint_eq(t.cycles, d.cycles);
	free(hd);
	free(ha);
	run_result_free(&d);
	run_result_free(&a);
	run_result_free(&t);
}
END_TEST

/* The keys in a workload file: parsed, hashed like the file without them
 * when at their defaults, and refused on a role the cell does not have. */
START_TEST(workload_keys)
{
	mkdir("build", 0777);
	mkdir(TEST_DIR, 0777);
	const char *base = "name: k\nlayers:\n  - cell: gru\n    input_size: 4\n    hidden_size: 4\n    timesteps: 2\n";
	char text[512];
	FILE *f = fopen(TEST_DIR "/k.yaml", "w");
	fprintf(f, "%s    act_g: relu\n    act_f: hard_sigmoid\n    act_f_beta: 0.25\n", base);
	fclose(f);
	workload_t w;
	sim_err_t e = { 0 };
	ck_assert_int_eq(config_load_workload(TEST_DIR "/k.yaml", NULL, 0, &w, &e), SIM_OK);
	ck_assert_int_eq(w.layers[0].act[LAYER_ROLE_G], LACT_RELU);
	ck_assert_int_eq(w.layers[0].act[LAYER_ROLE_F], LACT_HARD_SIGMOID);
	ck_assert_double_eq(w.layers[0].act_beta[LAYER_ROLE_F], 0.25);
	workload_free(&w);
	snprintf(text, sizeof text, "%s    act_h: tanh\n", base);
	f = fopen(TEST_DIR "/k.yaml", "w");
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(config_load_workload(TEST_DIR "/k.yaml", NULL, 0, &w, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "a gru layer has 2 activation roles") != NULL, "%s", e.msg);
	ck_assert(strchr(e.msg, '\n') == NULL);
}
END_TEST

Suite *act_suite(void)
{
	Suite *s = suite_create("act");
	TCase *tc = tcase_create("functions");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, exact_hand_values);
	tcase_add_test(tc, pwl_within_chord_bound);
	tcase_add_test(tc, relu_rnn_by_hand);
	tcase_add_test(tc, roles_change_values_not_timing);
	tcase_add_test(tc, workload_keys);
	suite_add_tcase(s, tc);
	return s;
}
