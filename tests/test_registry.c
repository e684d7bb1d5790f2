/*
 * Schedules are registered descriptors: a schedule defined here, in the
 * test file alone, is added to a registry and run by the engine like the
 * built-in ones, with no edit anywhere else in the tree.
 *
 * Two dummies. "clone" is Intergate's order written again here: the
 * engine knows a schedule only through its descriptor, so the clone must
 * reproduce Intergate's run counter for counter. "reversed" issues
 * Intergate's row blocks in the opposite order (highest hidden indices
 * first): the same blocks and MACs, fast-forward exact against stepping,
 * and never faster than Intergate, because the cell updater walks h in
 * index order and so cannot start a step's updates before the block
 * holding h[0], now the step's last, is done.
 */
#include <check.h>
#include <string.h>

#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/ctrl/ctrl_impl.h"
#include "../sim/sched/registry.h"
#include "testutil.h"

static void reversed_order(sched_order_t *o)
{
	uint32_t nr = sched_order_ranges(o, o->ng);
	for (uint32_t r = nr; r-- > 0; o->block++) {
		if (o->has_x)
			sched_order_add(o, SCHED_PART_X, r, o->gates, o->ng, o->block);
		sched_order_add(o, SCHED_PART_H, r, o->gates, o->ng, o->block);
	}
}

static void clone_order(sched_order_t *o)
{
	uint32_t nr = sched_order_ranges(o, o->ng);
	for (uint32_t r = 0; r < nr; r++, o->block++) {
		if (o->has_x)
			sched_order_add(o, SCHED_PART_X, r, o->gates, o->ng, o->block);
		sched_order_add(o, SCHED_PART_H, r, o->gates, o->ng, o->block);
	}
}

static const sched_desc_t clone = {
	.name = "clone",
	.description = "intergate's order, defined outside the tree (test only)",
	.flags = SCHED_F_GATES_SHARE,
	.order = clone_order,
	.pick = ctrl_pick_in_order,
};

static const sched_desc_t reversed = {
	.name = "reversed",
	.description = "intergate's row blocks, last hidden range first (test only)",
	.flags = SCHED_F_GATES_SHARE,
	.order = reversed_order,
	.pick = ctrl_pick_in_order,
};

static hw_cfg_t hw_small(int sched)
{
	hw_cfg_t h;
	config_hw_defaults(&h);
	h.compute.vs_units = 4;
	h.compute.vs_width = 32;
	h.compute.tile = TILE_CONFIG4; /* Kr = 32: 8 rows of each LSTM gate per block */
	h.memory.weights = WEIGHTS_RESIDENT;
	h.scheduler = (sched_kind_t)sched;
	return h;
}

static uint64_t cycles_of(const hw_cfg_t *h, const sched_registry_t *reg, bool ff, run_result_t *r)
{
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 48, 64, 6, 1);
	workload_t w = { .name = "reg", .path = "reg", .layers = &l, .n_layers = 1 };
	run_opts_t o = { .fast_forward = ff, .schedules = reg };
	sim_err_t e = { 0 };
	ck_assert_msg(accel_run(h, &w, &o, r, &e) == SIM_OK, "%s", e.msg);
	return r->cycles;
}

START_TEST(dummy_schedule_runs_through_the_registry)
{
	sched_registry_t *reg = sched_registry_create();
	ck_assert_ptr_nonnull(reg);
	int cl = sched_registry_add(reg, &clone);
	int id = sched_registry_add(reg, &reversed);
	ck_assert_int_eq(cl, (int)sched_registry_count(sched_registry_builtin()));
	ck_assert_int_eq(id, cl + 1);
	ck_assert_int_eq(sched_registry_find(reg, "reversed"), id);
	run_result_t a, b, c, d;
	hw_cfg_t hi = hw_small(sched_registry_find(reg, "intergate"));
	uint64_t inter = cycles_of(&hi, reg, false, &c);
	hw_cfg_t hc = hw_small(cl);
	cycles_of(&hc, reg, true, &d);
	ck_assert_uint_eq(stats_size(c.stats), stats_size(d.stats));
	for (size_t i = 0; i < stats_size(c.stats); i++)
		ck_assert_msg(strncmp(stats_name(c.stats, i), "sim.", 4) == 0 ||
				      stats_value(c.stats, i) == stats_value(d.stats, i),
			      "clone: %s %llu, intergate %llu", stats_name(c.stats, i),
			      (unsigned long long)stats_value(d.stats, i), (unsigned long long)stats_value(c.stats, i));
	ck_assert_uint_eq(d.cycles, inter);
	hw_cfg_t h = hw_small(id);
	uint64_t mine = cycles_of(&h, reg, false, &a);
	uint64_t mine_ff = cycles_of(&h, reg, true, &b);
	ck_assert_uint_ge(mine, inter);
	ck_assert_uint_eq(mine_ff, mine);
	for (size_t i = 0; i < stats_size(a.stats); i++)
		ck_assert_msg(strncmp(stats_name(a.stats, i), "sim.", 4) == 0 ||
				      stats_value(a.stats, i) == stats_value(b.stats, i),
			      "reversed: %s %llu stepped, %llu ff", stats_name(a.stats, i),
			      (unsigned long long)stats_value(a.stats, i), (unsigned long long)stats_value(b.stats, i));
	ck_assert_uint_eq(a.useful_macs, 4ull * 64 * (48 + 64) * 6); /* G*H*(I+H)*T */
	ck_assert_uint_eq(test_counter(&a, "ctrl.blocks"), test_counter(&c, "ctrl.blocks"));
	run_result_free(&a);
	run_result_free(&b);
	run_result_free(&c);
	run_result_free(&d);
	sched_registry_destroy(reg);
}
END_TEST

/* A schedule the engine could not run is refused, and a scheduler index
 * no registry holds is an input error, not a crash. */
START_TEST(registry_refuses_incomplete_schedules)
{
	sched_registry_t *reg = sched_registry_create();
	sched_desc_t no_pick = reversed;
	no_pick.pick = NULL;
	ck_assert_int_eq(sched_registry_add(reg, &no_pick), -1);
	sched_desc_t dup = reversed;
	dup.name = "unfolded";
	ck_assert_int_eq(sched_registry_add(reg, &dup), -1);
	hw_cfg_t h = hw_small((int)sched_registry_count(reg));
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 48, 64, 6, 1);
	workload_t w = { .name = "reg", .path = "reg", .layers = &l, .n_layers = 1 };
	run_opts_t o = { .schedules = reg };
	run_result_t r;
	sim_err_t e = { 0 };
	ck_assert_int_eq(accel_run(&h, &w, &o, &r, &e), SIM_EINPUT);
	sched_registry_destroy(reg);
}
END_TEST

/* The parameter's allowed names are the built-in descriptors' names. */
START_TEST(builtin_names_are_the_descriptors)
{
	const sched_registry_t *reg = sched_registry_builtin();
	size_t n = 0;
	for (; sched_builtin_names[n]; n++)
		ck_assert_str_eq(sched_builtin_names[n], sched_registry_get(reg, n)->name);
	ck_assert_uint_eq(n, sched_registry_count(reg));
	ck_assert_ptr_null(sched_registry_get(reg, n));
	ck_assert_str_eq(hw_sched_name(SCHED_KIND_UNFOLDED), "unfolded");
}
END_TEST

Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("schedules");
	tcase_add_test(tc, dummy_schedule_runs_through_the_registry);
	tcase_add_test(tc, registry_refuses_incomplete_schedules);
	tcase_add_test(tc, builtin_names_are_the_descriptors);
	suite_add_tcase(s, tc);
	return s;
}
