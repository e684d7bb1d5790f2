/*
 * The brainwave machine (sim/machine/brainwave/): closed-form timing of
 * small cases derived by hand below, the padding to the native dimension
 * and the pipeline pass per dependent chain that set it apart from SHARP,
 * conservation of MAC-unit cycles, useful MACs against the workload, and
 * stepping against the event-to-event fast path.
 *
 * Hand derivation, defaults (the Stratix 10 280 instance): n = 400, L = 40,
 * T = 6 tile engines, 2 MFUs; latencies rf_read R = 1, rf_to_lane 8,
 * mult 2, accum 4, reduction 5 + ceil(log2 6) = 8, MFU 9 each, write-back 5;
 * one instruction decoded a cycle.
 *
 * With H, I <= 400 and batch 1 every vector is one native vector and every
 * matrix one native tile: a mv_mul feeds F = ceil(1/6) * 400/40 = 10 cycles
 * and streams S = max(F, 1 * 10) = 10 cycles, so
 *   chain with mv_mul:       R + S + (8+2+4+8) + 2*9 + 5 = 1 + 10 + 22 + 18 + 5 = 56
 *   chain without (x.in, h): R + S + 2*9 + 5              = 1 + 10 + 18 + 5     = 34
 * Instructions: x.in 2 (v_rd NetQ, v_wr), x chains 4 (v_rd mv_mul vv_add
 * v_wr), f 6, i 5, o 5, c 8 (two v_wr), h 5 (two v_wr).
 *
 * The authors' program (brainwave.program = listing), one step:
 * x.in x.f x.i x.o x.c f i o c h.
 *   decoded at 2 6 10 14 18 24 29 34 42 47 (running sum)
 *   x.in s=2 (decode)                 done 36
 *   x.f  s=max(6, 12, x.in 36) = 36   done 92
 *   x.i  s=46 (stream)  done 102;  x.o s=56 done 112;  x.c s=66 done 122
 *   f    s=max(24, 76, x.f 92) = 92   done 148
 *   i    s=max(29, 102, x.i 102) = 102 done 158
 *   o    s=max(34, 112, x.o 112) = 112 done 168
 *   c    s=max(42, 122, x.c 122, f 148, i 158) = 158 done 214
 *   h    s=max(47, 168, c 214, o 168) = 214 done 214 + 34 = 248.
 * One step: 248 cycles.
 *
 * Every further step, X = dispatch of h(t-1): x.in streams behind it at
 * X+10, done X+44; x.f X+44; x.i X+54 done X+110; x.o X+64; x.c X+74 done
 * X+130; f waits for x.f: X+100; i for x.i: X+110, done X+166; o X+120;
 * c waits for i: X+166, done X+222; h(t) X+222. The period is
 *   222 = 10 (x.in behind h) + 34 (x.in) + 10 (x.i behind x.f) + 56 (x.i)
 *         + 56 (i) + 56 (c):
 * one full pipeline pass per dependent chain on the path x.in -> x.i ->
 * i -> c -> (h), so T steps take 248 + 222 (T - 1).
 *
 * H = I = 401 (two native blocks a side): P = 4 tile passes in 1 round,
 * F = 10, the output stream 2 * 10 = 20, so S = 20; mv chains 66, the
 * others 44. x.in X+20 done X+64; x.f X+64; x.i X+84 done X+150; x.o X+104;
 * x.c X+124 done X+190 (stream free X+144); f X+144 done X+210; i X+164
 * done X+230; o X+184; c max(x.c X+190, f X+210, i X+230) = X+230 done
 * X+296; h X+296: period 296.
 *
 * Hoisted placement (the input chains of step t+1 stand before h(t)): one
 * step is the same program in the same order, 248. Steady state, Y =
 * dispatch of c(t-1), done Y+56: x.in Y+10 done Y+44; x.f Y+44 done Y+100;
 * x.i Y+54 done Y+110; x.o Y+64; x.c Y+74 done Y+130 (free Y+84); h(t-1)
 * max(Y+56, Y+84) = Y+84 done Y+118; f(t) Y+118 done Y+174; i(t) Y+128
 * done Y+184; c(t) max(x.c Y+130, f Y+174, i Y+184) = Y+184: period 184.
 * The last step has no input chains before its h, and its h is at c's
 * write-back, as in step 0: T steps take 248 + 184 (T - 1).
 *
 * GRU (linear_before_reset), listing, H = I <= 400: x.in 2, x.r x.z x.n 4
 * each, r 5, z 5, n 7 (v_rd mv_mul vv_add vv_mul vv_add v_tanh v_wr), h 6
 * (v_rd h, vv_a_sub_b n, vv_mul z, vv_add n, two v_wr); decoded at 2 6 10
 * 14 19 24 31 37. x.in s=2 done 36; x.r 36 done 92; x.z 46 done 102; x.n 56
 * done 112; r max(19, 66, 92) = 92 done 148; z 102 done 158; n waits for
 * r: 148 done 204; h waits for n: 204 done 238. Further steps, X = h(t-1):
 * x.in X+10 done X+44, x.r X+44 done X+100, r X+100 done X+156, n X+156
 * done X+212, h X+212: period 212 = 10 + 34 + 56 + 56 + 56.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/config/config.h"
#include "../sim/machine/brainwave/brainwave.h"
#include "../sim/machine/brainwave/bw_program.h"
#include "testutil.h"

static bw_cfg_t defaults(void)
{
	bw_cfg_t c;
	size_t n = 0;
	const param_t *t = machine_desc_brainwave.params(&n);
	sim_err_t e = { 0 };
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(param_defaults(t, n, &c, &e), SIM_OK);
	ck_assert_int_eq(machine_desc_brainwave.check(&c, &e), SIM_OK);
	return c;
}

static workload_t one_layer(layer_cfg_t l)
{
	workload_t w;
	memset(&w, 0, sizeof w);
	w.layers = calloc(1, sizeof l);
	ck_assert_ptr_nonnull(w.layers);
	w.layers[0] = l;
	w.n_layers = 1;
	return w;
}

static machine_result_t run(const bw_cfg_t *c, const workload_t *w, bool fast)
{
	machine_opts_t o = { .fast_forward = fast, .cold = false };
	machine_result_t r;
	sim_err_t e = { 0 };
	int rc = machine_desc_brainwave.run(c, 250, w, &o, &r, &e);
	ck_assert_msg(rc == SIM_OK, "%s", e.msg);
	return r;
}

static uint64_t lstm_cycles(const bw_cfg_t *c, uint32_t in, uint32_t hid, uint32_t t, uint32_t b)
{
	workload_t w = one_layer(test_layer(CELL_LSTM, GRU_LBR, in, hid, t, b));
	machine_result_t r = run(c, &w, true);
	uint64_t cyc = r.cycles;
	machine_result_free(&r);
	workload_free(&w);
	return cyc;
}

static uint64_t counter(const machine_result_t *r, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(stats_find(r->stats, name, &v), "counter %s not registered", name);
	return v;
}

START_TEST(test_one_lstm_step_closed_form)
{
	bw_cfg_t c = defaults();
	ck_assert_uint_eq(machine_desc_brainwave.macs(&c), 96000);
	ck_assert_uint_eq(lstm_cycles(&c, 8, 8, 1, 1), 248);
	ck_assert_uint_eq(lstm_cycles(&c, 400, 400, 1, 1), 248);
	ck_assert_uint_eq(lstm_cycles(&c, 8, 8, 2, 1), 248 + 222);
	ck_assert_uint_eq(lstm_cycles(&c, 8, 8, 25, 1), 248 + 222 * 24);
	workload_t w = one_layer(test_layer(CELL_GRU, GRU_LBR, 8, 8, 2, 1));
	machine_result_t r = run(&c, &w, false);
	ck_assert_uint_eq(r.cycles, 238 + 212);
	machine_result_free(&r);
	workload_free(&w);
	c.program = BW_PLACE_HOISTED;
	ck_assert_uint_eq(lstm_cycles(&c, 8, 8, 1, 1), 248);
	ck_assert_uint_eq(lstm_cycles(&c, 8, 8, 2, 1), 248 + 184);
	ck_assert_uint_eq(lstm_cycles(&c, 8, 8, 25, 1), 248 + 184 * 24);
}
END_TEST

/* Padding: H = 1 and H = n cost the same; H = n+1 moves to two native
 * blocks (period 296 above). The period is a pipeline pass per dependent
 * chain (222 = 10 + 34 + 10 + 56 + 56 + 56), where SHARP's schedules
 * overlap the gates of a step. */
START_TEST(test_native_padding_and_dependent_passes)
{
	bw_cfg_t c = defaults();
	uint64_t t1 = lstm_cycles(&c, 1, 1, 25, 1);
	ck_assert_uint_eq(t1, lstm_cycles(&c, 400, 400, 25, 1));
	uint64_t p400 = lstm_cycles(&c, 400, 400, 26, 1) - lstm_cycles(&c, 400, 400, 25, 1);
	ck_assert_uint_eq(p400, 10 + 34 + 10 + 56 + 56 + 56);
	uint64_t p401 = lstm_cycles(&c, 401, 401, 26, 1) - lstm_cycles(&c, 401, 401, 25, 1);
	ck_assert_uint_eq(p401, 296);
	ck_assert_uint_gt(lstm_cycles(&c, 401, 401, 25, 1), t1);
	/* A deeper MFU adds its latency to each of the four dependent
	 * passes of the period (x.in, x.i, i, c): +4 * 2 MFUs * 1 cycle. */
	c.lat.mfu = 10;
	ck_assert_uint_eq(lstm_cycles(&c, 8, 8, 26, 1) - lstm_cycles(&c, 8, 8, 25, 1), 222 + 4 * 2);
}
END_TEST

static const char *const parts[] = { "mvu.busy",	"idle.padding", "idle.tiles",	  "idle.stream",
				     "idle.fill_drain", "idle.issue",	"idle.dependency" };

static void check_conservation(const bw_cfg_t *c, const machine_result_t *r)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		sum += counter(r, parts[i]);
	ck_assert_uint_eq(sum, r->cycles * machine_desc_brainwave.macs(c));
	ck_assert_uint_eq(counter(r, "mvu.busy"), r->useful_macs);
	ck_assert_uint_eq(counter(r, "mvu.busy") + counter(r, "idle.padding"), r->issued_macs);
}

/* Shapes that exercise every cause: padding, idle tile engines, vector-only
 * chains, decode-bound starts, dependencies, drain; and batch, both GRU
 * forms, vanilla, fc, bidirectional, skip_input. */
static const char wl_mix[] =
	"name: mix\n"
	"layers:\n"
	"  - {cell: lstm, input_size: 37, hidden_size: 450, timesteps: 3, batch_size: 2}\n"
	"  - {cell: gru, input_size: 450, hidden_size: 129, timesteps: 4, gru_form: "
	"reset_before_matmul}\n"
	"  - {cell: gru, input_size: 129, hidden_size: 801, timesteps: 2, direction: bidirectional}\n"
	"  - {cell: vanilla, input_size: 1602, hidden_size: 64, timesteps: 5, batch_size: 3}\n"
	"  - {cell: lstm, input_size: 64, hidden_size: 1000, timesteps: 2, skip_input: true}\n"
	"  - {cell: fc, input_size: 1000, hidden_size: 10, timesteps: 7}\n"
	"  - {cell: gru, input_size: 10, hidden_size: 33, timesteps: 3, direction: reverse}\n";

static workload_t load_mix(void)
{
	workload_t w;
	sim_err_t e = { 0 };
	int rc = config_load_workload_string("mix", wl_mix, sizeof wl_mix - 1, NULL, 0, &w, &e);
	ck_assert_msg(rc == SIM_OK, "%s", e.msg);
	return w;
}

START_TEST(test_conservation)
{
	bw_cfg_t c = defaults();
	workload_t w = load_mix();
	for (int fast = 0; fast < 2; fast++) {
		machine_result_t r = run(&c, &w, fast);
		check_conservation(&c, &r);
		ck_assert_uint_gt(counter(&r, "idle.padding"), 0);
		ck_assert_uint_gt(counter(&r, "idle.tiles"), 0);
		ck_assert_uint_gt(counter(&r, "idle.stream"), 0);
		ck_assert_uint_gt(counter(&r, "idle.dependency"), 0);
		ck_assert_uint_gt(counter(&r, "idle.fill_drain"), 0);
		ck_assert_uint_gt(counter(&r, "idle.issue"), 0);
		machine_result_free(&r);
	}
	workload_free(&w);
}
END_TEST

START_TEST(test_useful_macs_are_the_workload)
{
	bw_cfg_t c = defaults();
	workload_t w = load_mix();
	machine_result_t r = run(&c, &w, true);
	uint64_t want = 0;
	size_t pass = 0;
	for (size_t i = 0; i < w.n_layers; i++) {
		uint64_t m = workload_layer_macs(&w.layers[i]);
		want += m;
		unsigned dirs = w.layers[i].direction == DIR_BI ? 2 : 1;
		for (unsigned d = 0; d < dirs; d++, pass++) {
			ck_assert_uint_eq(r.passes[pass].layer, i);
			ck_assert_uint_eq(r.passes[pass].useful_macs, m / dirs);
			ck_assert_uint_ge(r.passes[pass].issued_macs, r.passes[pass].useful_macs);
		}
	}
	ck_assert_uint_eq(pass, r.n_passes);
	ck_assert_uint_eq(r.useful_macs, want);
	machine_result_free(&r);
	workload_free(&w);
}
END_TEST

static void same_runs(const bw_cfg_t *c, const workload_t *w)
{
	machine_result_t a = run(c, w, false), b = run(c, w, true);
	ck_assert_uint_eq(a.cycles, b.cycles);
	ck_assert_uint_eq(a.useful_macs, b.useful_macs);
	ck_assert_uint_eq(a.issued_macs, b.issued_macs);
	ck_assert_uint_eq(a.n_passes, b.n_passes);
	for (size_t i = 0; i < a.n_passes; i++)
		ck_assert_uint_eq(a.passes[i].cycles, b.passes[i].cycles);
	ck_assert_uint_eq(stats_size(a.stats), stats_size(b.stats));
	for (size_t i = 0; i < stats_size(a.stats); i++)
		ck_assert_msg(stats_value(a.stats, i) == stats_value(b.stats, i), "%s: step %llu, fast %llu",
			      stats_name(a.stats, i), (unsigned long long)stats_value(a.stats, i),
			      (unsigned long long)stats_value(b.stats, i));
	machine_result_free(&a);
	machine_result_free(&b);
}

START_TEST(test_stepping_equals_fast)
{
	bw_cfg_t c = defaults();
	workload_t w = load_mix();
	same_runs(&c, &w);
	/* Intel's template shape, a slow sequencer, a long read. */
	c.native_dim = 40;
	c.lanes = 8;
	c.tiles = 7;
	c.issue_cycles = 9;
	c.lat.rf_read = 16;
	same_runs(&c, &w);
	c.issue_cycles = 1;
	c.lanes = 40;
	c.lat.rf_read = 3;
	c.lat.write_back = 0;
	same_runs(&c, &w);
	c.program = BW_PLACE_HOISTED;
	same_runs(&c, &w);
	workload_free(&w);
}
END_TEST

START_TEST(test_unsupported_cell_names_layer)
{
	bw_cfg_t c = defaults();
	workload_t w = one_layer(test_layer(CELL_LSTM_PEEPHOLE, GRU_LBR, 8, 8, 2, 1));
	machine_opts_t o = { .fast_forward = true };
	machine_result_t r;
	sim_err_t e = { 0 };
	ck_assert_int_eq(machine_desc_brainwave.run(&c, 250, &w, &o, &r, &e), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "layer 1:"));
	ck_assert_ptr_null(r.stats);
	workload_free(&w);
	c.lanes = 30;
	ck_assert_int_eq(machine_desc_brainwave.check(&c, &e), SIM_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "brainwave.lanes"));
}
END_TEST

/* Energy terms: at full MAC issue on the default instance the device draws
 * static_w + pj_per_mac * 96,000 * 250 MHz = 30 + 95.0 W = the published
 * 125 W peak. */
START_TEST(test_energy_terms_reach_peak)
{
	bw_cfg_t c = defaults();
	double peak = c.energy.static_w + c.energy.pj_per_mac * 1e-12 * 96000.0 * 250e6;
	ck_assert_double_eq_tol(peak, 125.0, 0.01);
	workload_t w = one_layer(test_layer(CELL_LSTM, GRU_LBR, 8, 8, 1, 1));
	machine_result_t r = run(&c, &w, true);
	energy_report_t rep;
	sim_err_t e = { 0 };
	ck_assert_int_eq(machine_desc_brainwave.price(&c, 250, &r, NULL, &rep, &e), SIM_OK);
	/* 248 cycles at 250 MHz = 0.992 us of 30 W static = 29.76 uJ. */
	ck_assert_double_eq_tol(rep.leakage_uj, 29.76, 1e-9);
	ck_assert_double_eq_tol(rep.dynamic_uj, (double)r.issued_macs * c.energy.pj_per_mac * 1e-6, 1e-12);
	machine_result_free(&r);
	workload_free(&w);
}
END_TEST

Suite *machine_brainwave_suite(void)
{
	Suite *s = suite_create("machine_brainwave");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_one_lstm_step_closed_form);
	tcase_add_test(tc, test_native_padding_and_dependent_passes);
	tcase_add_test(tc, test_conservation);
	tcase_add_test(tc, test_useful_macs_are_the_workload);
	tcase_add_test(tc, test_stepping_equals_fast);
	tcase_add_test(tc, test_unsupported_cell_names_layer);
	tcase_add_test(tc, test_energy_terms_reach_peak);
	suite_add_tcase(s, tc);
	return s;
}
