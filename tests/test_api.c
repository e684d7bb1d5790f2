/*
 * test_api.c - the public C API (include/sharpsim/sharpsim.h) against the
 * internal path it wraps (config_load_* + accel_run): a file and the same
 * text as a string give the same run; an override equals the edited file;
 * a rejected override changes nothing; overrides survive a new load; errors
 * are one "name:line:col: ..." line with SIM_EINPUT; counters read by index
 * and by name agree and each has a description. Tests run from the
 * repository root.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/sharpsim/sharpsim.h"
#include "../sim/config/config.h"
#include "../sim/core/run.h"

static const char tiny_wl[] = "name: tiny\n"
			      "layers:\n"
			      "  - {cell: lstm, input_size: 16, hidden_size: 32, timesteps: 3}\n";

static const sharpsim_opts_t no_energy = { .seed = 1, .no_energy = 1 };

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = calloc(1, (size_t)n + 1);
	ck_assert(b && fread(b, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	return b;
}

/* Cycles of the internal path, the reference the API must reproduce. */
static uint64_t internal_cycles(const char *hw_path, const char *const *p, size_t np)
{
	hw_cfg_t hw;
	workload_t w = { 0 };
	sim_err_t err = { 0 };
	ck_assert_int_eq(config_load_hw(hw_path, p, np, &hw, &err), SIM_OK);
	ck_assert_int_eq(config_load_workload_string("tiny", tiny_wl, strlen(tiny_wl), NULL, 0, &w, &err), SIM_OK);
	run_opts_t o = { .seed = 1, .fast_forward = true };
	run_result_t r;
	ck_assert_msg(accel_run(&hw, &w, &o, &r, &err) == SIM_OK, "accel_run: %s", err.msg);
	uint64_t c = r.cycles;
	run_result_free(&r);
	workload_free(&w);
	return c;
}

START_TEST(test_file_and_string_agree)
{
	uint64_t want = internal_cycles("configs/sharp-1k.yaml", NULL, 0);
	char *text = slurp("configs/sharp-1k.yaml");
	sharpsim_t *a = sharpsim_new(), *b = sharpsim_new();
	ck_assert(a && b);
	ck_assert_int_eq(sharpsim_cycles(a), 0);
	ck_assert_int_eq(sharpsim_counter_count(a), 0);
	ck_assert_int_eq(sharpsim_load_hw(a, "configs/sharp-1k.yaml"), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_load_hw_string(b, "sharp-1k.yaml", text), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_load_workload_string(a, "tiny", tiny_wl), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_load_workload_string(b, "tiny", tiny_wl), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_run(a, &no_energy), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_run(b, &no_energy), SHARPSIM_OK);
	ck_assert_uint_eq(sharpsim_cycles(a), want);
	ck_assert_uint_eq(sharpsim_cycles(b), want);
	ck_assert_uint_eq(sharpsim_counter_count(a), sharpsim_counter_count(b));
	for (size_t i = 0; i < sharpsim_counter_count(a); i++) {
		ck_assert_str_eq(sharpsim_counter_name(a, i), sharpsim_counter_name(b, i));
		ck_assert_uint_eq(sharpsim_counter_value(a, i), sharpsim_counter_value(b, i));
	}
	ck_assert_str_eq(sharpsim_error(a), "");
	sharpsim_free(a);
	sharpsim_free(b);
	free(text);
}
END_TEST

START_TEST(test_overrides)
{
	const char *p[] = { "compute.vs_units=16", "scheduler=batch" };
	uint64_t want = internal_cycles("configs/sharp-1k.yaml", p, 2);
	uint64_t plain = internal_cycles("configs/sharp-1k.yaml", NULL, 0);
	ck_assert_uint_ne(want, plain);
	sharpsim_t *s = sharpsim_new();
	ck_assert_int_eq(sharpsim_load_workload_string(s, "tiny", tiny_wl), SHARPSIM_OK);
	/* Overrides first, then a load: they apply to the new config. */
	ck_assert_int_eq(sharpsim_override_hw(s, p[0]), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_override_hw(s, p[1]), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_load_hw(s, "configs/sharp-1k.yaml"), SHARPSIM_OK);
	/* A rejected override is not kept and leaves the config as it was. */
	ck_assert_int_eq(sharpsim_override_hw(s, "compute.vs_units=0"), SHARPSIM_EINPUT);
	ck_assert_msg(strstr(sharpsim_error(s), "compute.vs_units=0") != NULL, "message '%s'", sharpsim_error(s));
	ck_assert_int_eq(sharpsim_override_hw(s, "no_equals_sign"), SHARPSIM_EINPUT);
	ck_assert_int_eq(sharpsim_run(s, &no_energy), SHARPSIM_OK);
	ck_assert_uint_eq(sharpsim_cycles(s), want);
	/* A workload override: one time step more costs cycles. */
	ck_assert_int_eq(sharpsim_override_workload(s, "timesteps=4"), SHARPSIM_OK);
	ck_assert_uint_eq(sharpsim_cycles(s), 0); /* the old results are gone */
	ck_assert_int_eq(sharpsim_run(s, &no_energy), SHARPSIM_OK);
	ck_assert_uint_gt(sharpsim_cycles(s), want);
	sharpsim_free(s);
}
END_TEST

START_TEST(test_errors)
{
	sharpsim_t *s = sharpsim_new();
	/* Line 3, column 13: the value of vs_units in the text below. */
	ck_assert_int_eq(sharpsim_load_hw_string(s, "inline.yaml", "name: x\ncompute:\n  vs_units: many\n"),
			 SHARPSIM_EINPUT);
	ck_assert_msg(strncmp(sharpsim_error(s), "inline.yaml:3:13: ", 18) == 0, "message '%s'", sharpsim_error(s));
	ck_assert_ptr_null(strchr(sharpsim_error(s), '\n'));
	ck_assert_int_eq(sharpsim_load_workload(s, "no/such/workload.yaml"), SHARPSIM_EINPUT);
	ck_assert_msg(strstr(sharpsim_error(s), "no/such/workload.yaml: cannot open") != NULL, "message '%s'",
		      sharpsim_error(s));
	uint64_t v;
	ck_assert_int_eq(sharpsim_counter(s, "vs.tile_cycles", &v), SHARPSIM_EINPUT);
	ck_assert_int_eq(sharpsim_write_report(s, stdout, "json"), SHARPSIM_EINPUT);
	sharpsim_free(s);
}
END_TEST

START_TEST(test_counters)
{
	sharpsim_t *s = sharpsim_new();
	ck_assert_int_eq(sharpsim_load_hw(s, "configs/sharp-1k.yaml"), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_load_workload_string(s, "tiny", tiny_wl), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_run(s, NULL), SHARPSIM_OK);
	size_t n = sharpsim_counter_count(s);
	ck_assert_uint_gt(n, 40);
	for (size_t i = 0; i < n; i++) {
		const char *name = sharpsim_counter_name(s, i), *desc = sharpsim_counter_desc(s, i);
		uint64_t v = ~0ull;
		ck_assert_int_eq(sharpsim_counter(s, name, &v), SHARPSIM_OK);
		ck_assert_uint_eq(v, sharpsim_counter_value(s, i));
		ck_assert_msg(desc && *desc, "counter %s has no description", name);
	}
	ck_assert_ptr_null(sharpsim_counter_name(s, n));
	uint64_t v;
	ck_assert_int_eq(sharpsim_counter(s, "no.such", &v), SHARPSIM_EINPUT);
	/* Priced by default: energy, power and area are positive. */
	ck_assert(sharpsim_energy_uj(s) > 0 && sharpsim_power_w(s) > 0 && sharpsim_area_mm2(s) > 0);
	sharpsim_free(s);
}
END_TEST

Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_file_and_string_agree);
	tcase_add_test(tc, test_overrides);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_counters);
	suite_add_tcase(s, tc);
	return s;
}
