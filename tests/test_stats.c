/*
 * test_stats.c - the statistics registry (sim/common/stats.c): counters are
 * registered with a unit from a closed set, and a unit outside it is
 * rejected like a duplicate name; a counter kept in its owner's field is
 * read live until the registry is sealed; the counters of a real run carry
 * the units their components registered.
 */
#include <check.h>
#include <string.h>

#include "../sim/common/stats.h"
#include "../include/sharpsim/sharpsim.h"

START_TEST(test_unit_vocabulary)
{
	static const char *const want[STATS_NUNITS] = {
		[STATS_CYCLES] = "cycles", [STATS_LANE_CYCLES] = "lane-cycles",
		[STATS_BYTES] = "bytes",   [STATS_MACS] = "MACs",
		[STATS_OPS] = "ops",	   [STATS_VALUES] = "values",
		[STATS_EVENTS] = "events",
	};
	for (int u = 0; u < STATS_NUNITS; u++) {
		ck_assert_ptr_nonnull(want[u]);
		ck_assert_str_eq(stats_unit_name((stats_unit_t)u), want[u]);
	}
	ck_assert_ptr_null(stats_unit_name(STATS_NUNITS));
	ck_assert_ptr_null(stats_unit_name((stats_unit_t)-1));
}
END_TEST

START_TEST(test_unit_outside_set_rejected)
{
	stats_t *st = stats_create();
	ck_assert_ptr_nonnull(st);
	uint64_t *a = stats_counter(st, "x.bytes", STATS_BYTES, "bytes");
	ck_assert_ptr_nonnull(a);
	/* A unit outside the set is a programming error: no counter. */
	ck_assert_ptr_null(stats_counter(st, "x.bad", STATS_NUNITS, "bad"));
	ck_assert_ptr_null(stats_counter(st, "x.neg", (stats_unit_t)-1, "bad"));
	ck_assert_ptr_null(stats_counter(st, "x.big", (stats_unit_t)1000, "bad"));
	ck_assert_uint_eq(stats_size(st), 1);
	ck_assert(!stats_find(st, "x.bad", NULL));
	/* The rejected names stay free. */
	ck_assert_ptr_nonnull(stats_counter(st, "x.bad", STATS_EVENTS, "ok"));
	ck_assert_uint_eq(stats_size(st), 2);
	ck_assert_int_eq(stats_unit(st, 0), STATS_BYTES);
	ck_assert_int_eq(stats_unit(st, 1), STATS_EVENTS);
	stats_destroy(st);
}
END_TEST

/* A counter kept in its owner's field: the registry reads and adds through
 * the field until it is sealed, then stands alone (the field may be freed). */
START_TEST(test_field_counter_sealed)
{
	stats_t *st = stats_create();
	uint64_t field = 99, *own = stats_counter(st, "x.own", STATS_EVENTS, "own");
	ck_assert_ptr_eq(stats_field(st, "x.field", STATS_CYCLES, "a field", &field), &field);
	ck_assert_uint_eq(field, 0); /* zeroed */
	/* a taken name is refused like stats_counter's, the field untouched */
	uint64_t other = 7;
	ck_assert_ptr_null(stats_field(st, "x.own", STATS_CYCLES, "dup", &other));
	ck_assert_uint_eq(other, 7);
	field += 5;
	*own += 2;
	ck_assert_uint_eq(stats_value(st, 1), 5); /* read live */
	stats_add(st, 1, 10);			  /* the jump adds into the field */
	ck_assert_uint_eq(field, 15);
	uint64_t v = 0;
	ck_assert(stats_find(st, "x.field", &v));
	ck_assert_uint_eq(v, 15);
	stats_seal(st);
	field = 1000; /* the owner is gone: nothing it writes reaches the registry */
	ck_assert_uint_eq(stats_value(st, 1), 15);
	ck_assert_uint_eq(stats_value(st, 0), 2);
	stats_add(st, 1, 1);
	ck_assert_uint_eq(stats_value(st, 1), 16);
	ck_assert_uint_eq(field, 1000);
	stats_seal(st); /* idempotent */
	ck_assert_uint_eq(stats_value(st, 1), 16);
	stats_seal(NULL);
	stats_destroy(st);
}
END_TEST

static const char tiny_wl[] = "name: tiny\n"
			      "layers:\n"
			      "  - {cell: lstm, input_size: 8, hidden_size: 8, timesteps: 1}\n";

static const char *unit_of(const sharpsim_t *s, const char *name)
{
	for (size_t i = 0; i < sharpsim_counter_count(s); i++)
		if (!strcmp(sharpsim_counter_name(s, i), name))
			return sharpsim_counter_unit(s, i);
	return NULL;
}

START_TEST(test_known_counter_units)
{
	static const struct {
		const char *name, *unit;
	} known[] = {
		{ "dram.read_bytes", "bytes" },
		{ "wbuf.read_bytes", "bytes" },
		{ "idle.padding", "lane-cycles" },
		{ "idle.weight_fetch", "lane-cycles" },
		{ "vs.useful_macs", "MACs" },
		{ "vs.issued_macs", "MACs" },
		{ "vs.busy", "cycles" },
		{ "cell.starve", "cycles" },
		{ "tree.adds", "ops" },
		{ "interbuf.writes", "values" },
		{ "ctrl.tiles", "events" },
	};
	sharpsim_t *s = sharpsim_new();
	ck_assert_int_eq(sharpsim_load_hw(s, "configs/sharp-1k.yaml"), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_load_workload_string(s, "tiny", tiny_wl), SHARPSIM_OK);
	ck_assert_int_eq(sharpsim_run(s, NULL), SHARPSIM_OK);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		const char *u = unit_of(s, known[i].name);
		ck_assert_msg(u && !strcmp(u, known[i].unit), "%s: unit %s, want %s", known[i].name, u ? u : "(none)",
			      known[i].unit);
	}
	/* Every counter has a unit, and a bad index none. */
	size_t n = sharpsim_counter_count(s);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(sharpsim_counter_unit(s, i), "counter %s has no unit", sharpsim_counter_name(s, i));
	ck_assert_ptr_null(sharpsim_counter_unit(s, n));
	sharpsim_free(s);
}
END_TEST

Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_unit_vocabulary);
	tcase_add_test(tc, test_unit_outside_set_rejected);
	tcase_add_test(tc, test_known_counter_units);
	tcase_add_test(tc, test_field_counter_sealed);
	suite_add_tcase(s, tc);
	return s;
}
