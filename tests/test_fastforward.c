/*
 * Fast-forward is exact: every counter and the cycle count equal what
 * stepping one clock at a time gives, on every cell type and GRU form,
 * batch size, scheduler, tile config (with and without padding
 * reconfiguration), weight policy (resident, streamed, cold start) and
 * dependency mode. The comparison covers the whole counter registry, so a
 * counter the burst forgot to advance fails here.
 */
#include <check.h>
#include <string.h>

#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "testutil.h"

static void run(const hw_cfg_t *h, const layer_cfg_t *l, size_t nl, bool ff, bool cold, run_result_t *r)
{
	workload_t w = { .name = "ff", .path = "ff", .layers = (layer_cfg_t *)l, .n_layers = nl };
	run_opts_t o = { .fast_forward = ff, .cold = cold };
	sim_err_t e = { 0 };
	ck_assert_msg(accel_run(h, &w, &o, r, &e) == SIM_OK, "%s", e.msg);
}

/* Runs stepped and fast-forwarded; returns the cycles the steady-state
 * jump covered in the fast-forwarded run. */
static uint64_t same(const hw_cfg_t *h, const layer_cfg_t *l, size_t nl, bool cold, const char *what)
{
	run_result_t a, b;
	run(h, l, nl, false, cold, &a);
	run(h, l, nl, true, cold, &b);
	uint64_t jumped = 0;
	stats_find(b.stats, "sim.jumped_cycles", &jumped);
	ck_assert_msg(a.cycles == b.cycles, "%s: cycles %llu stepped, %llu fast-forwarded", what,
		      (unsigned long long)a.cycles, (unsigned long long)b.cycles);
	ck_assert_uint_eq(stats_size(a.stats), stats_size(b.stats));
	for (size_t i = 0; i < stats_size(a.stats); i++)
		ck_assert_msg(strncmp(stats_name(a.stats, i), "sim.", 4) == 0 ||
				      stats_value(a.stats, i) == stats_value(b.stats, i),
			      "%s: %s %llu stepped, %llu fast-forwarded", what, stats_name(a.stats, i),
			      (unsigned long long)stats_value(a.stats, i), (unsigned long long)stats_value(b.stats, i));
	ck_assert_uint_eq(a.wbuf_peak_bytes_per_cycle, b.wbuf_peak_bytes_per_cycle);
	run_result_free(&a);
	run_result_free(&b);
	return jumped;
}

/* A 32 x 16 array on config4 tiles under schedule s, weights as `w`. */
static hw_cfg_t hw_32x16(int s, weight_policy_t w)
{
	hw_cfg_t h = test_hw(32, 16, TILE_CONFIG4, (sched_kind_t)s);
	h.memory.weights = w;
	return h;
}

START_TEST(matches_stepping_everywhere)
{
	static const struct {
		cell_kind_t c;
		gru_form_t f;
		uint32_t proj; /* LSTMP's P, 0: none */
	} cells[] = { { CELL_LSTM, GRU_LBR, 0 },	  { CELL_GRU, GRU_LBR, 0 },
		      { CELL_GRU, GRU_RBM, 0 },		  { CELL_VANILLA, GRU_LBR, 0 },
		      { CELL_LSTM_PEEPHOLE, GRU_LBR, 0 }, { CELL_LSTM_COUPLED, GRU_LBR, 0 },
		      { CELL_LSTM, GRU_LBR, 20 },	  { CELL_LSTM_PEEPHOLE, GRU_LBR, 37 },
		      { CELL_QRNN, GRU_LBR, 0 } };
	char what[160];
	int jumps = 0, runs = 0;
	const sched_registry_t *reg = sched_registry_builtin();
	for (size_t ci = 0; ci < sizeof cells / sizeof cells[0]; ci++)
		for (int s = 0; s < (int)sched_registry_count(reg); s++)
			for (unsigned cfg = 1; cfg <= 4; cfg++)
				for (uint32_t b = 1; b <= 2; b++) {
					hw_cfg_t h;
					config_hw_defaults(&h);
					h.compute.vs_units = 16;
					h.compute.vs_width = 8;
					h.compute.tile = (tile_sel_t)cfg;
					h.compute.pad_reconfig = cfg % 2;
					h.scheduler = (sched_kind_t)s;
					h.memory.weights = WEIGHTS_RESIDENT;
					h.memory.wbuf.read_latency = 1 + cfg % 3;
					/* 24 steps: long enough for the steady-state jump */
					layer_cfg_t l = test_layer(cells[ci].c, cells[ci].f, 70, 50, 24, b);
					l.proj_size = cells[ci].proj;
					snprintf(what, sizeof what, "cell %zu sched %d config%u batch %u", ci, s, cfg,
						 b);
					jumps += same(&h, &l, 1, false, what) > 0;
					runs++;
				}
	/* The jump must actually have been taken, or this tests only stepping. */
	ck_assert_int_gt(jumps, runs * 3 / 4);
}
END_TEST

/* Streamed weights: the steady-state jump compares the buffer's and the
 * channel's state relative to each step's position in the stream, so a
 * DRAM-bound layer jumps too, and must match stepping in every counter:
 * every schedule that streams, channel latencies 0 .. 100 cycles, rates
 * whose bytes per cycle are not whole, staging areas of a few tiles to
 * ten steps, a capped port, and a stack whose second layer is resident
 * and loads while the first streams (no jump then: the load does not
 * repeat). Most runs must actually jump. */
START_TEST(streamed_steps_jump)
{
	static const uint32_t lat[] = { 0, 7, 100 };
	static const double gbps[] = { 25.6, 3.3, 400 };
	static const uint64_t stage[] = { 8 * 1024, 40 * 1024, 2 * 1024 * 1024 };
	char what[160];
	int jumps = 0, runs = 0;
	const sched_registry_t *reg = sched_registry_builtin();
	for (int s = 0; s < (int)sched_registry_count(reg); s++) {
		if (sched_registry_get(reg, (size_t)s)->flags & SCHED_F_NEEDS_RESIDENT)
			continue;
		for (size_t i = 0; i < 3; i++) {
			hw_cfg_t h = hw_32x16(s, WEIGHTS_STREAM);
			h.memory.dram.latency = lat[i];
			h.memory.dram.gbps = gbps[(i + (size_t)s) % 3];
			h.memory.wbuf.stage_bytes = stage[(i + 1) % 3];
			h.memory.wbuf.bytes = stage[(i + 1) % 3] + 64 * 1024; /* 64 KB stays, the rest streams */
			h.memory.wbuf.bytes_per_cycle = s % 2 ? 0 : 700;      /* 0: auto, uncapped */
			layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 96, 120, 40, 1 + (uint32_t)i % 2);
			snprintf(what, sizeof what, "streamed, sched %d, latency %u", s, lat[i]);
			jumps += same(&h, &l, 1, false, what) > 0;
			runs++;
			snprintf(what, sizeof what, "streamed, sched %d, latency %u, cold", s, lat[i]);
			same(&h, &l, 1, true, what);
		}
		hw_cfg_t h = hw_32x16(s, WEIGHTS_AUTO);
		h.memory.wbuf.bytes = 400 * 1024;
		h.memory.wbuf.stage_bytes = 32 * 1024;
		layer_cfg_t two[2] = { test_layer(CELL_LSTM, GRU_LBR, 200, 200, 30, 1),
				       test_layer(CELL_GRU, GRU_LBR, 100, 100, 30, 1) };
		same(&h, two, 2, false, "streamed layer, resident layer loading");
		same(&h, two, 2, true, "streamed layer, resident layer loading, cold");
	}
	ck_assert_int_gt(jumps, runs / 2);
}
END_TEST

/* Interleaved bidirectional layers (direction_schedule): both directions'
 * tiles side by side, read once per direction, warm and cold (the load
 * brings both directions' first tiles first), batch 1 and 2, on every
 * schedule that interleaves. */
START_TEST(interleaved_matches_stepping)
{
	char what[160];
	const sched_registry_t *reg = sched_registry_builtin();
	for (int s = 0; s < (int)sched_registry_count(reg); s++) {
		if (sched_registry_get(reg, (size_t)s)->flags & SCHED_F_X_PRECOMPUTED)
			continue; /* not modelled interleaved (plan.c) */
		for (uint32_t b = 1; b <= 2; b++) {
			hw_cfg_t h = hw_32x16(s, WEIGHTS_RESIDENT);
			h.direction_schedule = DIRSCHED_INTERLEAVED;
			layer_cfg_t l = test_layer(CELL_GRU, GRU_LBR, 60, 90, 20, b);
			l.direction = DIR_BI;
			snprintf(what, sizeof what, "interleaved, sched %d, batch %u", s, b);
			same(&h, &l, 1, false, what);
			snprintf(what, sizeof what, "interleaved, sched %d, batch %u, cold", s, b);
			same(&h, &l, 1, true, what);
		}
	}
}
END_TEST

START_TEST(matches_stepping_memory_and_deps)
{
	hw_cfg_t h;
	config_hw_defaults(&h);
	h.compute.vs_units = 32;
	h.compute.vs_width = 16;
	h.compute.tile = TILE_CONFIG4;
	layer_cfg_t two[2] = { test_layer(CELL_LSTM, GRU_LBR, 200, 200, 12, 1),
			       test_layer(CELL_GRU, GRU_LBR, 200, 160, 12, 1) };
	const sched_registry_t *reg = sched_registry_builtin();
	for (int s = 0; s < (int)sched_registry_count(reg); s++) {
		if (sched_registry_get(reg, (size_t)s)->flags & SCHED_F_NEEDS_RESIDENT)
			continue; /* streams nothing: covered above */
		h.scheduler = (sched_kind_t)s;
		h.memory.weights = WEIGHTS_AUTO;
		h.memory.wbuf.bytes = 256 * 1024;
		h.memory.wbuf.stage_bytes = 32 * 1024;
		same(&h, two, 2, false, "streamed stack");
		same(&h, two, 2, true, "streamed stack, cold");
		h.memory.wbuf.bytes = 27262976;
		h.memory.wbuf.stage_bytes = 2097152;
		same(&h, two, 2, false, "resident-fitting stack, loads between layers");
		h.memory.weights = WEIGHTS_RESIDENT;
		same(&h, two, 2, true, "resident, cold");
		h.deps = DEPS_ELEMENT;
		same(&h, two, 2, false, "element deps");
		h.deps = DEPS_STEP;
		h.memory.wbuf.bytes_per_cycle = 300;
		same(&h, two, 2, false, "capped weight port");
		h.memory.wbuf.bytes_per_cycle = 0;
		/* An LSTMP layer (its projection's tiles in the weight stream)
		 * feeding a GRU of its P-wide h: streamed, cold, element deps. */
		layer_cfg_t pj[2] = { two[0], test_layer(CELL_GRU, GRU_LBR, 120, 160, 12, 1) };
		pj[0].proj_size = 120;
		h.memory.weights = WEIGHTS_AUTO;
		h.memory.wbuf.bytes = 256 * 1024;
		h.memory.wbuf.stage_bytes = 32 * 1024;
		same(&h, pj, 2, true, "streamed LSTMP stack, cold");
		h.memory.weights = WEIGHTS_RESIDENT;
		h.memory.wbuf.bytes = 27262976;
		h.memory.wbuf.stage_bytes = 2097152;
		h.deps = DEPS_ELEMENT;
		same(&h, pj, 2, false, "LSTMP stack, element deps");
		h.deps = DEPS_STEP;
		/* Stored weights narrower than fp16: other tile bytes, offsets
		 * and port reads; streamed (the 4-bit stack is about 4x smaller,
		 * so a smaller buffer), cold, and through a capped port. */
		layer_cfg_t q[2] = { two[0], two[1] };
		q[0].weight_bits = WBITS_4;
		q[1].weight_bits = WBITS_2;
		q[1].weight_scale = WSCALE_BLOCK;
		q[1].weight_scale_block = 8;
		h.memory.weights = WEIGHTS_AUTO;
		h.memory.wbuf.bytes = 64 * 1024;
		h.memory.wbuf.stage_bytes = 8 * 1024;
		same(&h, q, 2, false, "streamed 4-bit/2-bit stack");
		same(&h, q, 2, true, "streamed 4-bit/2-bit stack, cold");
		h.memory.weights = WEIGHTS_RESIDENT;
		h.memory.wbuf.bytes_per_cycle = 100;
		same(&h, q, 2, false, "4-bit/2-bit stack, capped weight port");
		h.memory.wbuf.bytes_per_cycle = 0;
		/* A decompression unit slower than the array, deeper read path
		 * for the compressed layers only. */
		h.decompress.weights_per_cycle = 100;
		h.decompress.latency = 3;
		same(&h, q, 2, false, "4-bit/2-bit stack, decompression-bound");
		layer_cfg_t mixed[2] = { two[0], q[1] };
		same(&h, mixed, 2, true, "fp16 then 2-bit, decompression-bound, cold");
		layer_cfg_t back[2] = { q[0], two[1] }; /* the read line shrinks between them */
		same(&h, back, 2, false, "4-bit then fp16, decompression-bound");
		/* Pruned layers: zero tiles left out (bitmask, bsr), zeros
		 * stored and issued (dense), streamed and resident, through a
		 * slow decompression unit. */
		layer_cfg_t sp[2] = { two[0], q[1] };
		sp[0].sparsity = 0.6;
		sp[0].sparse_format = SFMT_BITMASK;
		sp[1].sparsity = 0.5;
		sp[1].sparsity_pattern = SPARSE_BLOCK;
		sp[1].sparsity_block = 16;
		sp[1].sparse_format = SFMT_BSR;
		same(&h, sp, 2, false, "pruned stack, decompression-bound");
		h.decompress.weights_per_cycle = 0;
		h.decompress.latency = 0;
		same(&h, sp, 2, true, "pruned stack, cold");
		sp[0].sparse_format = SFMT_DENSE;
		sp[1].sparsity_pattern = SPARSE_ROW_BALANCED;
		sp[1].sparse_format = SFMT_CSR;
		h.memory.weights = WEIGHTS_AUTO;
		same(&h, sp, 2, false, "pruned stack, streamed");
		h.memory.weights = WEIGHTS_RESIDENT;
	}
}
END_TEST

/* sequence_lens: the batch shrinks as sequences finish, which ends a
 * steady pattern like the layer's end; the jump must stay inside each
 * stretch of equal batch and still be taken in the long ones. Every
 * schedule that models finished sequences, both deps modes, with W.x (an
 * LSTMP layer too) and without. */
START_TEST(matches_stepping_with_sequence_lens)
{
	int jumps = 0, runs = 0;
	char what[160];
	const sched_registry_t *reg = sched_registry_builtin();
	for (int s = 0; s < (int)sched_registry_count(reg); s++) {
		if (sched_registry_get(reg, (size_t)s)->flags & SCHED_F_X_PRECOMPUTED)
			continue; /* refuses sequence_lens */
		for (unsigned k = 0; k < 4; k++) {
			hw_cfg_t h;
			config_hw_defaults(&h);
			h.compute.vs_units = 16;
			h.compute.vs_width = 8;
			h.compute.tile = TILE_CONFIG2;
			h.scheduler = (sched_kind_t)s;
			h.memory.weights = WEIGHTS_RESIDENT;
			h.deps = k & 1 ? DEPS_ELEMENT : DEPS_STEP;
			layer_cfg_t l = test_layer(k & 2 ? CELL_GRU : CELL_LSTM, GRU_LBR, 40, 48, 60, 3);
			l.skip_input = k == 1;
			l.proj_size = k == 0 ? 24 : 0;
			l.sequence_lens = (layer_lens_t){ .n = 3, .len = { 27, 60, 41 } };
			snprintf(what, sizeof what, "sched %d case %u", s, k);
			jumps += same(&h, &l, 1, false, what) > 0;
			runs++;
		}
	}
	ck_assert_int_gt(jumps, runs / 2);
}
END_TEST

/* A large MVM-bound layer: bursts and the steady-state jump together, and
 * the jump must have been taken. */
START_TEST(large_layer_is_exact)
{
	hw_cfg_t h;
	config_hw_defaults(&h);
	h.compute.vs_units = 32;
	h.memory.weights = WEIGHTS_RESIDENT;
	h.compute.tile = TILE_CONFIG4;
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 512, 512, 40, 1);
	ck_assert_uint_gt(same(&h, &l, 1, false, "h512 at 1K"), 0);
	/* Decompression-bound: no bursts (the credit decides each issue), but
	 * the credit is in the snapshot, so the jump is still taken. */
	l.weight_bits = WBITS_4;
	h.decompress.weights_per_cycle = 200;
	ck_assert_uint_gt(same(&h, &l, 1, false, "h512 at 1K, 4-bit, decompression-bound"), 0);
	/* Pruned and tile-skipping: stepped tile by tile (no bursts), jumped. */
	l.sparsity = 0.75;
	l.sparsity_pattern = SPARSE_BLOCK;
	l.sparsity_block = 32;
	l.sparse_format = SFMT_BSR;
	ck_assert_uint_gt(same(&h, &l, 1, false, "h512 at 1K, 4-bit, block-pruned"), 0);
}
END_TEST

/* A steady state several steps long: SHARP 64K on config4 tiles (the
 * controller's run-ahead) repeats every 7 steps, 14 with the step parity,
 * so it is found only with a history of more than 8 steps (with 9 it was
 * stepped through at any T). */
START_TEST(long_pattern_is_jumped)
{
	hw_cfg_t h;
	sim_err_t e = { 0 };
	const char *p[] = { "compute.tile=config4" };
	ck_assert_msg(config_load_hw("configs/sharp-64k.yaml", p, 1, &h, &e) == SIM_OK, "%s", e.msg);
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 1024, 1024, 60, 1);
	ck_assert_uint_gt(same(&h, &l, 1, false, "h1024 at 64K, config4"), 0);
}
END_TEST

/* The declarative state tables (snap.h): one table takes the snapshot and
 * applies the shift. A state one period later (times + P, steps + 1, ids
 * + d, plain fields and "none" markers unchanged) must snapshot equal at
 * the later reference, and shifting the earlier state by (P, 1, d) must
 * give the later state exactly. A field declared with the wrong kind (a
 * time as plain) makes the two snapshots differ: the check catches it. */
typedef struct toy {
	uint64_t now;
	uint32_t step, id, plain, none;
	bool on;
	uint32_t only_on;
} toy_t;

static bool toy_check(const snap_field_t *f, size_t n)
{
	snap_table_t t = { f, n };
	toy_t x = { .now = 100, .step = 5, .id = 10, .plain = 7, .none = UINT32_MAX, .on = true, .only_on = 3 };
	toy_t later = x;
	later.now += 40;
	later.step += 1;
	later.id += 6;
	snap_t a = { 0 }, b = { 0 };
	snap_reset(&a, 90, 5, 8);
	snap_fields(&a, &x, t);
	snap_reset(&b, 130, 6, 14);
	snap_fields(&b, &later, t);
	bool eq = snap_equal(&a, &b);
	snap_fields_shift(&x, t, 40, 1, 6);
	eq = eq && x.now == later.now && x.step == later.step && x.id == later.id && x.plain == later.plain &&
	     x.none == UINT32_MAX;
	snap_free(&a);
	snap_free(&b);
	return eq;
}

START_TEST(state_tables_snapshot_and_shift_agree)
{
	static const snap_field_t good[] = {
		SNAP_FIELD(toy_t, now, SNAP_TIME),
		SNAP_FIELD(toy_t, step, SNAP_STEP),
		SNAP_FIELD(toy_t, id, SNAP_ID),
		SNAP_FIELD(toy_t, plain, SNAP_PLAIN),
		SNAP_FIELD_NONE_MAX(toy_t, none, SNAP_STEP),
		SNAP_FIELD(toy_t, on, SNAP_PLAIN),
		SNAP_FIELD_IF(toy_t, only_on, SNAP_PLAIN, on),
	};
	ck_assert(toy_check(good, sizeof good / sizeof good[0]));
	static const snap_field_t broken[] = {
		SNAP_FIELD(toy_t, now, SNAP_PLAIN), /* a time declared plain */
		SNAP_FIELD(toy_t, step, SNAP_STEP),
	};
	ck_assert(!toy_check(broken, sizeof broken / sizeof broken[0]));
}
END_TEST

Suite *fastforward_suite(void)
{
	Suite *s = suite_create("fastforward");
	TCase *t = tcase_create("exact");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, matches_stepping_everywhere);
	tcase_add_test(t, matches_stepping_memory_and_deps);
	tcase_add_test(t, streamed_steps_jump);
	tcase_add_test(t, interleaved_matches_stepping);
	tcase_add_test(t, matches_stepping_with_sequence_lens);
	tcase_add_test(t, large_layer_is_exact);
	tcase_add_test(t, long_pattern_is_jumped);
	tcase_add_test(t, state_tables_snapshot_and_shift_agree);
	suite_add_tcase(s, t);
	return s;
}
