/*
 * test_roofline.c - a run as a roofline point (sim/report/roofline.h):
 * closed-form intensity, roofs and bound, and the gnuplot script's
 * quoting of untrusted names.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/report/roofline.h"
#include "testutil.h"

/* A vanilla RNN, I = 16, H = 4, T = 3, on N = K = 4 at 500 MHz with 8 GB/s
 * of DRAM, weights resident, warm:
 *   ops    2 * T * G*H*(I + H) = 2 * 3 * 4 * 20 = 480
 *   peak   2 * 16 MACs * 500 MHz = 16 Gops/s; ridge 16 / 8 = 2 ops/B
 *   bytes  the initial load only (warm: dram.read_bytes 0): fp16 80 weights
 *          * 2 = 160 B, intensity 480 / 160 = 3 ops/B >= 2: compute-bound,
 *          attainable = min(16, 8 * 3) = 16; no steady intensity
 *   4 bits 80 / 2 = 40 B of values + one fp32 scale per tile row (5 tiles
 *          of 4 rows: 80 B) = 120 B, intensity 4
 *   cold   the load is in dram.read_bytes instead: the same 3 ops/B, and
 *          now a steady one too. */
START_TEST(roofline_closed_form)
{
	hw_cfg_t h = test_hw(4, 4, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	h.clock_mhz = 500;
	h.memory.dram.gbps = 8;
	static const struct {
		weight_bits_t bits;
		bool cold;
		double load, dram, intensity;
	} c[] = { { WBITS_16, false, 160, 0, 3 }, { WBITS_4, false, 120, 0, 4 }, { WBITS_16, true, 0, 160, 3 } };
	for (size_t i = 0; i < 3; i++) {
		layer_cfg_t l = test_layer(CELL_VANILLA, GRU_LBR, 16, 4, 3, 1);
		l.weight_bits = c[i].bits;
		workload_t w = { .name = "t", .layers = &l, .n_layers = 1 };
		run_opts_t o = { .cold = c[i].cold };
		run_result_t r;
		sim_err_t e = { 0 };
		ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
		rfl_point_t p;
		rfl_point(&r, &p);
		ck_assert_double_eq(p.ops, 480);
		ck_assert_double_eq_tol(p.peak_gops, 16, 1e-12);
		ck_assert_double_eq_tol(p.ridge, 2, 1e-12);
		ck_assert_double_eq(p.load_bytes, c[i].load);
		ck_assert_double_eq(p.dram_bytes, c[i].dram);
		ck_assert_double_eq_tol(p.intensity, c[i].intensity, 1e-12);
		ck_assert(c[i].cold ? p.steady == 3 : p.steady < 0);
		ck_assert(!p.memory_bound);
		ck_assert_double_eq_tol(p.attainable_gops, 16, 1e-12);
		ck_assert_double_eq_tol(p.achieved_gops, 480 / (r.latency_us * 1e3), 1e-12);
		ck_assert(p.achieved_load_gops <= p.achieved_gops);
		run_result_free(&r);
	}
}
END_TEST

/* Untrusted names reach gnuplot as single-quoted strings only: a quote is
 * spliced in as "'", a newline is dropped, a backquote stays inert text
 * inside the quotes; the CSV quotes its text fields. */
START_TEST(roofline_script_quotes_names)
{
	hw_cfg_t h;
	config_hw_defaults(&h);
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 16, 32, 2, 1);
	workload_t w = { .name = "t", .layers = &l, .n_layers = 1 };
	run_opts_t o = { 0 };
	run_result_t r;
	sim_err_t e = { 0 };
	ck_assert_int_eq(accel_run(&h, &w, &o, &r, &e), SIM_OK);
	rfl_point_t p;
	rfl_point(&r, &p);
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	rfl_gnuplot(f, &r, "a'b\n`rm -rf x`", &p, "dir/it's.csv", "dir/it's.csv.svg");
	rfl_csv(f, &r, "q\"uote", &p);
	long n = ftell(f);
	rewind(f);
	char *s = calloc((size_t)n + 1, 1);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(s, "'a'.\"'\".'b`rm -rf x`'"));
	ck_assert_ptr_nonnull(strstr(s, "set output 'dir/it'.\"'\".'s.csv.svg'"));
	ck_assert_ptr_nonnull(strstr(s, "\"q\"\"uote\""));
	ck_assert_ptr_null(strstr(s, "b\n`"));
	free(s);
	run_result_free(&r);
}
END_TEST

Suite *roofline_suite(void)
{
	Suite *s = suite_create("roofline");
	TCase *t = tcase_create("roofline");
	tcase_add_test(t, roofline_closed_form);
	tcase_add_test(t, roofline_script_quotes_names);
	suite_add_tcase(s, t);
	return s;
}
