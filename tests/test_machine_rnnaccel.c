/*
 * RNNAccel as a machine of its own (sim/machine/rnnaccel/): closed-form
 * cycle counts of tiny cases derived by hand, the 16 x 16 mode's halved MAC
 * rate, the conservation of MAC unit-cycles, the useful MACs of the
 * workload, the shape of its energy report, and stepping against the fast
 * path.
 *
 * Defaults used by the hand derivations: 32 MACs (32 lanes with 8-bit
 * weights, 16 with 16-bit ones), activation depth D = 4, activation rate
 * 1 value per cycle, 4 banks x 8 bytes = 32 weight bytes per cycle (the
 * tiny cases' weights are resident).
 */
#include <check.h>
#include <string.h>

#include "../sim/config/config.h"
#include "../sim/machine/machine.h"
#include "../sim/machine/rnnaccel/rnnaccel.h"
#include "testutil.h"

static rnnaccel_cfg_t cfg_default(void)
{
	rnnaccel_cfg_t c;
	size_t n = 0;
	const param_t *t = machine_desc_rnnaccel.params(&n);
	sim_err_t e = { 0 };
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(param_defaults(t, n, &c, &e), SIM_OK);
	ck_assert_int_eq(machine_desc_rnnaccel.check(&c, &e), SIM_OK);
	return c;
}

static void set(rnnaccel_cfg_t *c, const char *key, const char *value)
{
	size_t n = 0;
	const param_t *t = machine_desc_rnnaccel.params(&n);
	const param_t *p = param_find(t, n, key);
	sim_err_t e = { 0 };
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(param_set_text(p, c, key, value, &e), SIM_OK);
}

static workload_t wl(layer_cfg_t *layers, size_t n)
{
	workload_t w;
	memset(&w, 0, sizeof w);
	strcpy(w.name, "test");
	w.layers = layers;
	w.n_layers = n;
	return w;
}

static void run(const rnnaccel_cfg_t *c, const workload_t *w, bool fast, machine_result_t *r)
{
	machine_opts_t o = { .fast_forward = fast, .cold = false };
	sim_err_t e = { 0 };
	int rc = machine_desc_rnnaccel.run(c, 250, w, &o, r, &e);
	ck_assert_msg(rc == SIM_OK, "run: %s", e.msg);
}

static uint64_t ctr(const machine_result_t *r, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(stats_find(r->stats, name, &v), "counter %s not registered", name);
	return v;
}

static uint64_t workload_macs(const workload_t *w)
{
	uint64_t m = 0;
	for (size_t i = 0; i < w->n_layers; i++)
		m += workload_layer_macs(&w->layers[i]);
	return m;
}

/* busy + every idle cause = cycles x the 32 physical 16x8 units. */
static void assert_conserved(const rnnaccel_cfg_t *c, const machine_result_t *r)
{
	static const char *const idle[] = { "idle.padding",	     "idle.dependency", "idle.weight_bandwidth",
					    "idle.act_backpressure", "idle.fill_drain", "idle.weight_load" };
	uint64_t sum = ctr(r, "mac.busy");
	for (size_t i = 0; i < sizeof idle / sizeof idle[0]; i++)
		sum += ctr(r, idle[i]);
	ck_assert_uint_eq(sum, r->cycles * c->macs);
}

/*
 * GRU (linear_before_reset) I = 2, H = 4, T = 2, then fc 4 -> 3, T = 1.
 * GRU: 3H = 12 rows fit one tile of 32 lanes, K = I + H = 6 columns.
 *   step 0: columns 0..5 at cycles 0..5 (h = 0: nothing to wait for);
 *           its 12 values enter the activation pipeline at 6..17, the last
 *           one is out at 17 + D: h(0) complete at cycle 17 + D.
 *   step 1: x columns 0, 1 at cycles 6, 7; column 2 (the first h column)
 *           waits 8 .. 16 + D (9 + D cycles of idle.dependency);
 *           columns 2..5 at 17 + D .. 20 + D; values enter at 21 + D ..
 *           32 + D; the last is out at 32 + 2D: the pass has 32 + 2D
 *           cycles (40 with D = 4).
 * fc: 3 rows, K = 4: columns at 0..3, values enter 4..6, out at 6 + D:
 *     10 cycles.
 * Total 38 + 3D = 50. Unit-cycles of the GRU pass (x 32 units): 12
 * columns (busy 12 x 12 = 144 = its MACs, padding 12 x 20 = 240),
 * dependency 32 x (9 + D) = 416, fill_drain 32 x (11 + D) = 480 (cycles
 * 21 + D .. 31 + 2D); 144 + 240 + 416 + 480 = 1280 = 40 x 32.
 */
START_TEST(closed_form_tiny_gru_and_fc)
{
	rnnaccel_cfg_t c = cfg_default();
	layer_cfg_t l[2] = { test_layer(CELL_GRU, GRU_LBR, 2, 4, 2, 1), test_layer(CELL_FC, GRU_LBR, 4, 3, 1, 1) };
	workload_t w = wl(l, 2);
	for (uint32_t d = 4; d <= 7; d += 3) {
		char v[8];
		snprintf(v, sizeof v, "%u", d);
		set(&c, "rnnaccel.act_depth", v);
		machine_result_t r;
		run(&c, &w, false, &r);
		ck_assert_uint_eq(r.n_passes, 2);
		ck_assert_uint_eq(r.passes[0].cycles, 32 + 2 * d);
		ck_assert_uint_eq(r.passes[1].cycles, 6 + d);
		ck_assert_uint_eq(r.cycles, 38 + 3 * d);
		ck_assert_uint_eq(r.passes[0].useful_macs, 144);
		ck_assert_uint_eq(r.passes[1].useful_macs, 12);
		ck_assert_uint_eq(ctr(&r, "idle.dependency"), 32 * (9 + d));
		/* GRU: 11 + D drain cycles; fc: 2 + D (cycles 4 .. 5 + D). */
		ck_assert_uint_eq(ctr(&r, "idle.fill_drain"), 32 * (11 + d) + 32 * (2 + d));
		ck_assert_uint_eq(ctr(&r, "idle.padding"), 12 * 20 + 4 * 29);
		ck_assert_uint_eq(ctr(&r, "act.values"), 24 + 3);
		assert_conserved(&c, &r);
		machine_result_free(&r);
	}
}
END_TEST

/*
 * GRU reset_before_matmul, I = 2, H = 4, T = 1: phase 0 = r and z rows (8,
 * K = 6), phase 1 = n rows (4), whose h columns multiply r*h and wait for
 * all of r.
 *   phase 0: columns at 0..5; values (r0..r3, z0..z3) enter 6..13; r3
 *            enters at 9, out at 9 + D: r complete at 9 + D.
 *   phase 1: x columns at 6, 7; h column 2 waits 8 .. 8 + D (1 + D
 *            cycles); columns 2..5 at 9 + D .. 12 + D; its 4 values can
 *            enter once the buffer is free (phase 0's last value entered
 *            at 13 <= 13 + D): 13 + D .. 16 + D, out at 16 + 2D.
 * Pass: 16 + 2D = 24 cycles.
 */
START_TEST(closed_form_gru_reset_before_matmul)
{
	rnnaccel_cfg_t c = cfg_default();
	layer_cfg_t l = test_layer(CELL_GRU, GRU_RBM, 2, 4, 1, 1);
	workload_t w = wl(&l, 1);
	machine_result_t r;
	run(&c, &w, false, &r);
	ck_assert_uint_eq(r.cycles, 16 + 2 * 4);
	ck_assert_uint_eq(ctr(&r, "idle.dependency"), 32 * (1 + 4));
	ck_assert_uint_eq(r.useful_macs, workload_layer_macs(&l));
	assert_conserved(&c, &r);
	machine_result_free(&r);
}
END_TEST

/*
 * LSTM I = 3, H = 8, T = 2: 4H = 32 rows fill one tile exactly, K = 11.
 *   step 0: columns at 0..10; 32 values enter at 11..42; h(0) complete at
 *           42 + D.
 *   step 1: x columns 0..2 at 11..13; h column 3 waits 14 .. 41 + D (28 + D
 *           cycles); columns 3..10 at 42 + D .. 49 + D; values enter at
 *           50 + D .. 81 + D; out at 81 + 2D.
 * Pass: K + 2R + H - 2 + 2D = 81 + 2D = 89 cycles, no padding.
 */
START_TEST(closed_form_lstm)
{
	rnnaccel_cfg_t c = cfg_default();
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 3, 8, 2, 1);
	workload_t w = wl(&l, 1);
	machine_result_t r;
	run(&c, &w, false, &r);
	ck_assert_uint_eq(r.cycles, 81 + 2 * 4);
	ck_assert_uint_eq(ctr(&r, "idle.dependency"), 32 * (28 + 4));
	ck_assert_uint_eq(ctr(&r, "idle.padding"), 0);
	assert_conserved(&c, &r);
	machine_result_free(&r);
}
END_TEST

/*
 * fc I = 4, H = 64: two tiles of 32 rows, K = 4, shorter than the 32
 * cycles the activation unit needs to take a tile's values.
 *   tile 0: columns at 0..3; values enter at 4..35 (the buffer is free
 *           again in cycle 35, after that cycle's intake).
 *   tile 1: columns 0..2 at 4..6; its last column waits 7..34 (28 cycles
 *           of idle.act_backpressure), runs at 35; values enter 36..67.
 * Pass: 67 + D = 71 cycles.
 */
START_TEST(closed_form_act_backpressure)
{
	rnnaccel_cfg_t c = cfg_default();
	layer_cfg_t l = test_layer(CELL_FC, GRU_LBR, 4, 64, 1, 1);
	workload_t w = wl(&l, 1);
	machine_result_t r;
	run(&c, &w, false, &r);
	ck_assert_uint_eq(r.cycles, 67 + 4);
	ck_assert_uint_eq(ctr(&r, "idle.act_backpressure"), 32 * 28);
	assert_conserved(&c, &r);
	machine_result_free(&r);
}
END_TEST

/*
 * fc I = 64, H = 32, T = 1, on L lanes: ceil(32 / L) tiles of K = 64
 * columns each; the activation unit drains one tile's values while the
 * next tile runs (K >= the values of a tile), so the pass takes
 *   n_tiles x K + (rows of the last tile) - 1 + D
 * cycles: 8-bit weights (L = 32): 64 + 31 + D; 16-bit (L = 16): 128 + 15
 * + D. The MAC-bound part, n_tiles x K columns, doubles from 64 to 128.
 */
START_TEST(mode_16x16_halves_the_mac_rate)
{
	rnnaccel_cfg_t c8 = cfg_default(), c16 = cfg_default();
	set(&c16, "rnnaccel.weight_bits", "16");
	ck_assert_uint_eq(machine_desc_rnnaccel.macs(&c8), 32);
	ck_assert_uint_eq(machine_desc_rnnaccel.macs(&c16), 16);
	layer_cfg_t l = test_layer(CELL_FC, GRU_LBR, 64, 32, 1, 1);
	workload_t w = wl(&l, 1);
	machine_result_t r8, r16;
	run(&c8, &w, false, &r8);
	run(&c16, &w, false, &r16);
	ck_assert_uint_eq(ctr(&r8, "mac.columns"), 64);
	ck_assert_uint_eq(ctr(&r16, "mac.columns"), 128);
	ck_assert_uint_eq(r8.cycles, 64 + 31 + 4);
	ck_assert_uint_eq(r16.cycles, 128 + 15 + 4);
	/* Each 16x16 MAC occupies two 16x8 units: the same useful MACs keep
	 * twice the unit-cycles busy. */
	ck_assert_uint_eq(r8.useful_macs, r16.useful_macs);
	ck_assert_uint_eq(ctr(&r8, "mac.busy"), 2048);
	ck_assert_uint_eq(ctr(&r16, "mac.busy"), 4096);
	assert_conserved(&c8, &r8);
	assert_conserved(&c16, &r16);
	machine_result_free(&r8);
	machine_result_free(&r16);
}
END_TEST

/* Weights that do not fit stream at stream_bytes per cycle: fc I = 64,
 * H = 32 with 8-bit weights stored uncompressed (store_bits 8) needs 32
 * bytes a column; at 8 bytes per cycle a column takes 4 cycles (3 of
 * idle.weight_bandwidth). The 2048 weight bytes fit 12 KB, so lmem_bytes
 * is cut to 1 KiB to make them stream: 64 x 4 + 31 + D cycles. With a
 * stream of 32 bytes per cycle the banks bound it: each streamed byte is
 * written and read through the 32 bytes per cycle of bank ports, 16
 * bytes of column a cycle, 2 cycles a column: 64 x 2 + 31 + D. Stored at
 * 4 bits, a column is 16 bytes: 1 cycle, 64 + 31 + D. */
START_TEST(streamed_weights_cost_the_stream)
{
	rnnaccel_cfg_t c = cfg_default();
	set(&c, "rnnaccel.lmem_bytes", "1KiB");
	set(&c, "rnnaccel.store_bits", "8");
	set(&c, "rnnaccel.stream_bytes", "8");
	layer_cfg_t l = test_layer(CELL_FC, GRU_LBR, 64, 32, 1, 1);
	workload_t w = wl(&l, 1);
	machine_result_t r;
	run(&c, &w, false, &r);
	ck_assert_uint_eq(r.cycles, 64 * 4 + 31 + 4);
	ck_assert_uint_eq(ctr(&r, "idle.weight_bandwidth"), 64 * 3 * 32);
	ck_assert_uint_eq(ctr(&r, "ext.read_bytes"), 2048);
	ck_assert(r.note[0] != 0);
	assert_conserved(&c, &r);
	machine_result_free(&r);
	set(&c, "rnnaccel.stream_bytes", "32");
	run(&c, &w, false, &r);
	ck_assert_uint_eq(r.cycles, 64 * 2 + 31 + 4);
	ck_assert_uint_eq(ctr(&r, "idle.weight_bandwidth"), 64 * 1 * 32);
	assert_conserved(&c, &r);
	machine_result_free(&r);
	set(&c, "rnnaccel.store_bits", "4");
	run(&c, &w, false, &r);
	ck_assert_uint_eq(r.cycles, 64 + 31 + 4);
	ck_assert_uint_eq(ctr(&r, "ext.read_bytes"), 1024);
	machine_result_free(&r);
}
END_TEST

static const char *const kws_files[] = { "workloads/networks/rnnaccel_kws.yaml", "workloads/networks/kws_gru.yaml" };

static void load(const char *file, workload_t *w)
{
	sim_err_t e = { 0 };
	ck_assert_msg(config_load_workload(file, NULL, 0, w, &e) == SIM_OK, "%s: %s", file, e.msg);
}

/* Every unit-cycle of the MAC array is busy or idle for one named cause,
 * and the run reports exactly the workload's MACs, in both weight modes,
 * warm and cold, over cells, batches, directions and skip_input. */
START_TEST(conservation_and_useful_macs)
{
	layer_cfg_t mix[4] = {
		test_layer(CELL_LSTM, GRU_LBR, 24, 40, 3, 2),
		test_layer(CELL_VANILLA, GRU_LBR, 80, 16, 2, 1),
		test_layer(CELL_GRU, GRU_RBM, 32, 20, 4, 1),
		test_layer(CELL_FC, GRU_LBR, 20, 7, 4, 1),
	};
	mix[0].direction = DIR_BI;
	mix[2].skip_input = true;
	workload_t wmix = wl(mix, 4);
	workload_t wk[2];
	load(kws_files[0], &wk[0]);
	load(kws_files[1], &wk[1]);
	const workload_t *ws[] = { &wmix, &wk[0], &wk[1] };
	for (int mode = 0; mode < 2; mode++) {
		rnnaccel_cfg_t c = cfg_default();
		if (mode)
			set(&c, "rnnaccel.weight_bits", "16");
		for (size_t i = 0; i < 3; i++) {
			for (int cold = 0; cold < 2; cold++) {
				machine_opts_t o = { .fast_forward = true, .cold = cold };
				machine_result_t r;
				sim_err_t e = { 0 };
				ck_assert_int_eq(machine_desc_rnnaccel.run(&c, 250, ws[i], &o, &r, &e), SIM_OK);
				assert_conserved(&c, &r);
				ck_assert_uint_eq(r.useful_macs, workload_macs(ws[i]));
				ck_assert_uint_eq(ctr(&r, "mac.useful"), r.useful_macs);
				ck_assert_uint_ge(r.issued_macs, r.useful_macs);
				uint64_t sum = 0;
				for (size_t p = 0; p < r.n_passes; p++)
					sum += r.passes[p].useful_macs;
				ck_assert_uint_eq(sum, r.useful_macs);
				machine_result_free(&r);
			}
		}
	}
	workload_free(&wk[0]);
	workload_free(&wk[1]);
}
END_TEST

/* The fast path's jumps land on the counts stepping reaches, counter for
 * counter, on the KWS networks, a mix of cells, and a stream-bound case. */
START_TEST(stepping_equals_fast_path)
{
	layer_cfg_t mix[3] = {
		test_layer(CELL_LSTM, GRU_LBR, 24, 40, 3, 2),
		test_layer(CELL_GRU, GRU_RBM, 40, 20, 4, 1),
		test_layer(CELL_FC, GRU_LBR, 20, 7, 4, 1),
	};
	mix[0].direction = DIR_BI;
	workload_t wmix = wl(mix, 3);
	workload_t wk;
	load(kws_files[0], &wk);
	const workload_t *ws[] = { &wmix, &wk };
	for (int variant = 0; variant < 3; variant++) {
		rnnaccel_cfg_t c = cfg_default();
		if (variant == 1)
			set(&c, "rnnaccel.weight_bits", "16");
		if (variant == 2) {
			set(&c, "rnnaccel.stream_bytes", "5");
			set(&c, "rnnaccel.act_rate", "3");
		}
		for (size_t i = 0; i < 2; i++) {
			machine_result_t a, b;
			run(&c, ws[i], false, &a);
			run(&c, ws[i], true, &b);
			ck_assert_uint_eq(a.cycles, b.cycles);
			ck_assert_uint_eq(a.n_passes, b.n_passes);
			for (size_t p = 0; p < a.n_passes; p++)
				ck_assert_uint_eq(a.passes[p].cycles, b.passes[p].cycles);
			ck_assert_uint_eq(stats_size(a.stats), stats_size(b.stats));
			for (size_t k = 0; k < stats_size(a.stats); k++)
				ck_assert_msg(stats_value(a.stats, k) == stats_value(b.stats, k), "%s: %llu vs %llu",
					      stats_name(a.stats, k), (unsigned long long)stats_value(a.stats, k),
					      (unsigned long long)stats_value(b.stats, k));
			machine_result_free(&a);
			machine_result_free(&b);
		}
	}
	workload_free(&wk);
}
END_TEST

/* The KWS run priced with the 40 nm terms: milliwatts, not watts; every
 * class is the sum of its items; the MAC energy is the useful MACs times
 * the scaled 16x8 MAC; the external stream is reported apart. */
START_TEST(kws_energy_is_milliwatts)
{
	rnnaccel_cfg_t c = cfg_default();
	workload_t w;
	load(kws_files[0], &w);
	machine_result_t r;
	run(&c, &w, true, &r);
	energy_report_t e;
	sim_err_t err = { 0 };
	ck_assert_int_eq(machine_desc_rnnaccel.price(&c, 250, &r, NULL, &e, &err), SIM_OK);
	double accel_w = e.class_power_w[ENERGY_CLASS_COMPUTE] + e.class_power_w[ENERGY_CLASS_SRAM] +
			 e.class_power_w[ENERGY_CLASS_ACT];
	ck_assert_msg(accel_w > 1e-4 && accel_w < 1e-1, "accelerator power %g W is not in milliwatts", accel_w);
	ck_assert_uint_eq(e.n_items, 4);
	double sum = 0;
	for (size_t i = 0; i < e.n_items; i++) {
		ck_assert(e.item[i].energy_uj >= 0);
		sum += e.item[i].energy_uj;
	}
	ck_assert_double_eq_tol(sum, e.energy_uj, 1e-9 * e.energy_uj);
	ck_assert_str_eq(e.item[0].name, "mac");
	/* (2 x 0.2 + 0.1) pJ at 45 nm, 0.9 V, x 40/45 at 0.9 V. */
	double e_mac = 0.5 * 40.0 / 45.0;
	ck_assert_double_eq_tol(e.item[0].dynamic_uj, r.useful_macs * e_mac * 1e-6, 1e-9);
	ck_assert(e.class_energy_uj[ENERGY_CLASS_DRAM] > 0); /* the GRU streams */
	ck_assert(e.class_area_mm2[ENERGY_CLASS_DRAM] == 0);
	ck_assert(e.area_mm2 > 0 && e.area_mm2 < 1);
	ck_assert(e.leakage_uj > 0);
	/* Area only when nothing ran. */
	ck_assert_int_eq(machine_desc_rnnaccel.price(&c, 250, NULL, NULL, &e, &err), SIM_OK);
	ck_assert(e.energy_uj == 0 && e.area_mm2 > 0);
	machine_result_free(&r);
	workload_free(&w);
}
END_TEST

START_TEST(refuses_other_cells_and_oversized_layers)
{
	rnnaccel_cfg_t c = cfg_default();
	layer_cfg_t l[2] = { test_layer(CELL_FC, GRU_LBR, 4, 4, 1, 1),
			     test_layer(CELL_LSTM_PEEPHOLE, GRU_LBR, 4, 8, 2, 1) };
	workload_t w = wl(l, 2);
	machine_opts_t o = { 0 };
	machine_result_t r;
	sim_err_t e = { 0 };
	ck_assert_int_eq(machine_desc_rnnaccel.run(&c, 250, &w, &o, &r, &e), SIM_EINPUT);
	ck_assert_msg(strncmp(e.msg, "layer 2: ", 9) == 0, "%s", e.msg);
	ck_assert_ptr_null(r.passes);
	l[1] = test_layer(CELL_LSTM, GRU_LBR, 4096, 1024, 1, 1);
	ck_assert_int_eq(machine_desc_rnnaccel.run(&c, 250, &w, &o, &r, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "layer 2: ") && strstr(e.msg, "rnnaccel.lmem_bytes"), "%s", e.msg);
	set(&c, "rnnaccel.weight_bits", "12");
	ck_assert_int_eq(machine_desc_rnnaccel.check(&c, &e), SIM_EINPUT);
}
END_TEST

START_TEST(registered_with_its_table)
{
	size_t n = 0;
	const param_t *t = machine_desc_rnnaccel.params(&n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strncmp(t[i].key, "rnnaccel.", 9) == 0, "%s", t[i].key);
	unsigned m = 0;
	while (machine_names[m] && strcmp(machine_names[m], "rnnaccel"))
		m++;
	ck_assert_ptr_nonnull(machine_names[m]);
	ck_assert_ptr_eq(machine_get(m), &machine_desc_rnnaccel);
	ck_assert_uint_le(machine_desc_rnnaccel.cfg_size, MACHINE_CFG_MAX);
}
END_TEST

Suite *machine_rnnaccel_suite(void)
{
	Suite *s = suite_create("machine_rnnaccel");
	TCase *tc = tcase_create("rnnaccel");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, closed_form_tiny_gru_and_fc);
	tcase_add_test(tc, closed_form_gru_reset_before_matmul);
	tcase_add_test(tc, closed_form_lstm);
	tcase_add_test(tc, closed_form_act_backpressure);
	tcase_add_test(tc, mode_16x16_halves_the_mac_rate);
	tcase_add_test(tc, streamed_weights_cost_the_stream);
	tcase_add_test(tc, conservation_and_useful_macs);
	tcase_add_test(tc, stepping_equals_fast_path);
	tcase_add_test(tc, kws_energy_is_milliwatts);
	tcase_add_test(tc, refuses_other_cells_and_oversized_layers);
	tcase_add_test(tc, registered_with_its_table);
	suite_add_tcase(s, tc);
	return s;
}
