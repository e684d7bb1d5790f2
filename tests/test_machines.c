/*
 * The machine seam (sim/machine/machine.h), checked on every registered
 * machine alike: what the config module, the run and the pricing promise
 * about a machine other than SHARP, whatever its datapath. Each machine's
 * own timing (closed forms, its datapath's differences from SHARP's) is
 * tested in its own suite, tests/test_machine_NAME.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/config/config.h"
#include "../sim/core/pipeline.h"
#include "../sim/core/run.h"
#include "../sim/machine/machine.h"
#include "testutil.h"

/* A recurrent layer every machine computes: LSTM, I = 24, H = 40 (neither a
 * power of two, so widths pad), three steps. */
static const char wl_text[] = "name: seam\n"
			      "layers:\n"
			      "  - {cell: lstm, input_size: 24, hidden_size: 40, timesteps: 3, batch_size: 1}\n";

static int load_machine(const machine_desc_t *m, const char *extra, hw_cfg_t *hw, sim_err_t *err)
{
	char text[512];
	snprintf(text, sizeof text, "name: seam-%s\nmachine: %s\n%s", m->name, m->name, extra);
	return config_load_hw_string("seam.yaml", text, strlen(text), NULL, 0, hw, err);
}

static workload_t load_wl(void)
{
	workload_t w;
	sim_err_t e = { 0 };
	ck_assert_msg(config_load_workload_string("seam-wl.yaml", wl_text, strlen(wl_text), NULL, 0, &w, &e) == SIM_OK,
		      "%s", e.msg);
	return w;
}

/* The registry and the `machine` key's names agree, and there is a machine
 * to test: a registry emptied by mistake must not pass for a green run. */
START_TEST(registry_matches_names)
{
	size_t n = 0;
	ck_assert_str_eq(machine_names[0], "sharp");
	for (; machine_builtin[n]; n++) {
		ck_assert_str_eq(machine_names[n + 1], machine_builtin[n]->name);
		ck_assert_ptr_eq(machine_get((unsigned)n + 1), machine_builtin[n]);
	}
	ck_assert_ptr_null(machine_names[n + 1]);
	ck_assert_ptr_null(machine_get(0));
	ck_assert_ptr_null(machine_get((unsigned)n + 1));
	ck_assert_uint_ge(n, 1);
}
END_TEST

/* Its table: every key in its own section, with a default, and the defaults
 * pass its check(); its config fits hw_cfg_t. */
START_TEST(tables_are_self_contained)
{
	for (size_t i = 0; machine_builtin[i]; i++) {
		const machine_desc_t *m = machine_builtin[i];
		size_t n, len = strlen(m->name);
		const param_t *t = m->params(&n);
		ck_assert_uint_le(m->cfg_size, MACHINE_CFG_MAX);
		ck_assert_uint_gt(n, 0);
		for (size_t k = 0; k < n; k++) {
			ck_assert_msg(!strncmp(t[k].key, m->name, len) && t[k].key[len] == '.',
				      "%s: key %s outside its section", m->name, t[k].key);
			ck_assert_msg(t[k].def != NULL, "%s: %s has no default", m->name, t[k].key);
			ck_assert_msg(t[k].desc && t[k].desc[0], "%s: %s has no description", m->name, t[k].key);
		}
		hw_cfg_t hw;
		sim_err_t e = { 0 };
		ck_assert_msg(load_machine(m, "", &hw, &e) == SIM_OK, "%s: %s", m->name, e.msg);
		ck_assert_int_eq(hw.machine, (int)i + 1);
	}
}
END_TEST

/* The effective config of a machine dumps as a file that loads back to the
 * same config and the same hash. */
START_TEST(dump_round_trips)
{
	for (size_t i = 0; machine_builtin[i]; i++) {
		const machine_desc_t *m = machine_builtin[i];
		hw_cfg_t a, b;
		sim_err_t e = { 0 };
		ck_assert_int_eq(load_machine(m, "clock_mhz: 321\n", &a, &e), SIM_OK);
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		ck_assert_ptr_nonnull(f);
		config_dump_hw(f, &a);
		fclose(f);
		ck_assert_msg(strstr(buf, "machine: ") != NULL, "%s", buf);
		ck_assert_msg(strstr(buf, "\ncompute:") == NULL && strstr(buf, "\nmemory:") == NULL,
			      "SHARP's sections dumped for %s:\n%s", m->name, buf);
		ck_assert_msg(config_load_hw_string("dump.yaml", buf, len, NULL, 0, &b, &e) == SIM_OK, "%s: %s\n%s",
			      m->name, e.msg, buf);
		ck_assert(!memcmp(&a.machine_cfg, &b.machine_cfg, sizeof a.machine_cfg));
		ck_assert_uint_eq(config_hash(&a, NULL, "v"), config_hash(&b, NULL, "v"));
		free(buf);
	}
}
END_TEST

/* SHARP's sections are unknown keys in another machine's file, located;
 * so is a key its own section does not have; a -p override of its key
 * applies and moves the hash. */
START_TEST(foreign_and_unknown_keys)
{
	for (size_t i = 0; machine_builtin[i]; i++) {
		const machine_desc_t *m = machine_builtin[i];
		hw_cfg_t hw;
		sim_err_t e = { 0 };
		ck_assert_int_eq(load_machine(m, "compute:\n  vs_units: 4\n", &hw, &e), SIM_EINPUT);
		ck_assert_msg(strstr(e.msg, "seam.yaml:3:1:") && strstr(e.msg, "unknown key 'compute'"), "%s", e.msg);
		char extra[128];
		snprintf(extra, sizeof extra, "%s:\n  no_such_key: 1\n", m->name);
		ck_assert_int_eq(load_machine(m, extra, &hw, &e), SIM_EINPUT);
		ck_assert_msg(strstr(e.msg, "seam.yaml:4:3:") && strstr(e.msg, "no_such_key"), "%s", e.msg);

		size_t n;
		const param_t *t = m->params(&n);
		hw_cfg_t base, over;
		ck_assert_int_eq(load_machine(m, "", &base, &e), SIM_OK);
		/* The first key's default, given again as an override, changes
		 * nothing; the hash sees the section. */
		char kv[256];
		snprintf(kv, sizeof kv, "%s=%s", t[0].key, t[0].def);
		const char *ov[] = { kv };
		char text[128];
		snprintf(text, sizeof text, "name: seam-%s\nmachine: %s\n", m->name, m->name);
		ck_assert_msg(config_load_hw_string("seam.yaml", text, strlen(text), ov, 1, &over, &e) == SIM_OK, "%s",
			      e.msg);
		ck_assert_uint_eq(config_hash(&base, NULL, "v"), config_hash(&over, NULL, "v"));
	}
}
END_TEST

/* SHARP's hashes do not see the machine key at its default. */
START_TEST(sharp_hash_unchanged)
{
	hw_cfg_t a, b;
	sim_err_t e = { 0 };
	const char *t1 = "name: x\n", *t2 = "name: x\nmachine: sharp\n";
	ck_assert_int_eq(config_load_hw_string("a.yaml", t1, strlen(t1), NULL, 0, &a, &e), SIM_OK);
	ck_assert_int_eq(config_load_hw_string("b.yaml", t2, strlen(t2), NULL, 0, &b, &e), SIM_OK);
	ck_assert_uint_eq(config_hash(&a, NULL, "v"), config_hash(&b, NULL, "v"));
}
END_TEST

/* A run on each machine: the workload's useful MACs, issued at least those,
 * utilization on the machine's own MAC count, one layer result, counters
 * with units; the same counters with and without exact jumps; priced with
 * positive energy and area; --functional refused as an input error. */
START_TEST(runs_honour_the_contract)
{
	workload_t w = load_wl();
	uint64_t want = workload_layer_macs(&w.layers[0]);
	for (size_t i = 0; machine_builtin[i]; i++) {
		const machine_desc_t *m = machine_builtin[i];
		hw_cfg_t hw;
		sim_err_t e = { 0 };
		ck_assert_int_eq(load_machine(m, "", &hw, &e), SIM_OK);
		run_opts_t o = { .fast_forward = true };
		run_result_t r, s;
		ck_assert_msg(accel_run(&hw, &w, &o, &r, &e) == SIM_OK, "%s: %s", m->name, e.msg);
		ck_assert_uint_eq(r.useful_macs, want);
		ck_assert_uint_ge(r.issued_macs, r.useful_macs);
		ck_assert_uint_eq(r.macs_per_cycle, m->macs(hw.machine_cfg.bytes));
		ck_assert(r.cycles > 0 && r.utilization > 0 && r.utilization <= 1.0);
		ck_assert(r.utilization == (double)want / ((double)r.cycles * (double)r.macs_per_cycle));
		ck_assert_uint_eq(r.n_layers, 1);
		ck_assert_uint_eq(r.layers[0].cycles, r.cycles);
		ck_assert_uint_gt(stats_size(r.stats), 0);
		for (size_t k = 0; k < stats_size(r.stats); k++)
			ck_assert_ptr_nonnull(stats_unit_name(stats_unit(r.stats, k)));

		o.fast_forward = false;
		ck_assert_int_eq(accel_run(&hw, &w, &o, &s, &e), SIM_OK);
		ck_assert_uint_eq(s.cycles, r.cycles);
		ck_assert_uint_eq(stats_size(s.stats), stats_size(r.stats));
		for (size_t k = 0; k < stats_size(r.stats); k++)
			ck_assert_msg(stats_value(s.stats, k) == stats_value(r.stats, k),
				      "%s: %s stepped %llu, jumped %llu", m->name, stats_name(r.stats, k),
				      (unsigned long long)stats_value(s.stats, k),
				      (unsigned long long)stats_value(r.stats, k));

		energy_report_t er;
		energy_tech_t *tech = NULL;
		ck_assert_int_eq(energy_tech_load("configs/tech/sharp-32nm.yaml", &tech, &e), SIM_OK);
		ck_assert_msg(run_price(tech, &r, &er, &e) == SIM_OK, "%s: %s", m->name, e.msg);
		energy_tech_destroy(tech);
		ck_assert(er.energy_uj > 0 && er.area_mm2 > 0 && er.avg_power_w > 0);
		ck_assert(er.tech[0]);
		run_result_free(&s);
		run_result_free(&r);

		o.functional = true;
		ck_assert_int_eq(accel_run(&hw, &w, &o, &r, &e), SIM_EINPUT);
		ck_assert_msg(strstr(e.msg, m->name) != NULL, "%s", e.msg);
	}
	workload_free(&w);
}
END_TEST

Suite *machines_suite(void)
{
	Suite *s = suite_create("machines");
	TCase *tc = tcase_create("seam");
	tcase_add_test(tc, registry_matches_names);
	tcase_add_test(tc, tables_are_self_contained);
	tcase_add_test(tc, dump_round_trips);
	tcase_add_test(tc, foreign_and_unknown_keys);
	tcase_add_test(tc, sharp_hash_unchanged);
	tcase_add_test(tc, runs_honour_the_contract);
	suite_add_tcase(s, tc);
	return s;
}
