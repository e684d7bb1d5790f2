/*
 * The E-PUR machine (sim/machine/epur/, docs/baselines/epur.md): closed-form
 * cycle counts of small cases derived by hand, padding of rows shorter than
 * the DPU, the bounded precompute store, conservation of lane-cycles and
 * the useful MACs of the workload.
 *
 * Notation of the derivations: U units of width w (macs = U*w), G gates,
 * S = ceil(G*H / U) slots of rows per step, B batch, D = mult + tree + acc
 * latency of the DPU, L = D + act + elem the latency from a step's last
 * issue to its h written (the next step issues L cycles after it). A chunk
 * of tc steps spends X = S*tc*B*ceil(I/w) cycles on W.x, each step
 * Sh = S*B*ceil(H/w) cycles on U.h; a step that is not its chunk's first
 * waits L - 1 cycles for h (its chunk's W.x already covers the wait of a
 * first step when X >= L - 1), and the pass ends L - 1 cycles after its
 * last issue.
 */
#include <check.h>
#include <string.h>

#include "../sim/config/config.h"
#include "../sim/machine/epur/epur.h"
#include "../sim/machine/machine.h"
#include "testutil.h"

static epur_cfg_t cfg_small(uint32_t macs)
{
	epur_cfg_t c;
	size_t n;
	const param_t *t = machine_desc_epur.params(&n);
	sim_err_t e = { 0 };
	ck_assert_msg(param_defaults(t, n, &c, &e) == SIM_OK, "%s", e.msg);
	c.units = 4;
	c.macs = macs;
	c.rows = 1;
	c.mult_latency = 1;
	c.tree_latency = 0; /* auto: ceil(log2 w) */
	c.acc_latency = 1;
	c.act_latency = 3;
	c.elem_latency = 2;
	return c;
}

static uint64_t ctr(const machine_result_t *r, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(stats_find(r->stats, name, &v), "counter %s not registered", name);
	return v;
}

static void run_ok(const epur_cfg_t *c, const layer_cfg_t *layers, size_t n, machine_result_t *r)
{
	workload_t w = { .name = "t", .path = "t", .layers = (layer_cfg_t *)layers, .n_layers = n };
	machine_opts_t o = { 0 };
	sim_err_t e = { 0 };
	ck_assert_msg(machine_desc_epur.run(c, 500, &w, &o, r, &e) == SIM_OK, "%s", e.msg);
}

/* Every lane of every cycle is in exactly one counter. */
static void check_conservation(const epur_cfg_t *c, const machine_result_t *r)
{
	uint64_t sum = ctr(r, "dpu.busy") + ctr(r, "idle.padding") + ctr(r, "idle.no_row") + ctr(r, "idle.dependency") +
		       ctr(r, "idle.fill_drain") + ctr(r, "idle.load");
	ck_assert_uint_eq(sum, r->cycles * machine_desc_epur.macs(c));
	ck_assert_uint_eq(ctr(r, "cycles"), r->cycles);
	ck_assert_uint_eq(ctr(r, "dpu.busy"), r->useful_macs);
	ck_assert_uint_eq(ctr(r, "dpu.issued_macs"), r->issued_macs);
	ck_assert_uint_eq(r->issued_macs, r->useful_macs + ctr(r, "idle.padding"));
}

/*
 * LSTM I = H = 8, T = 2, B = 1 on 4 units of w = 4 (macs 16).
 * S = 4*8/4 = 8 (slot j: the i, f, g, o rows of hidden index j).
 * D = 1 + ceil(log2 4) + 1 = 4, L = 4 + 3 + 2 = 9.
 *   W.x:  X = 8 slots * 2 vectors * ceil(8/4) = 32 cycles, 0..31
 *   step 0: Sh = 8 * 2 = 16 cycles, 32..47 (h_{-1} is the initial state)
 *   step 1: h_0 written at the end of 47 + 8 = 55, issues 56..71
 *   end: h_1 written at the end of 71 + 8 = 79: 80 cycles.
 * Closed form X + T*(Sh + L - 1) = 32 + 2*(16 + 8) = 80.
 * Idle: dependency 8 cycles, drain 8 cycles, 16 lanes each: 128 + 128;
 * busy 4*8*(8+8)*2 = 1024; 1024 + 256 = 80 * 16.
 * One more cycle of element-wise latency adds one to each of the T gaps
 * after a step's last issue: 82.
 */
START_TEST(closed_form_lstm_tiny)
{
	epur_cfg_t c = cfg_small(16);
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 8, 8, 2, 1);
	machine_result_t r;
	run_ok(&c, &l, 1, &r);
	ck_assert_uint_eq(r.cycles, 80);
	ck_assert_uint_eq(r.n_passes, 1);
	ck_assert_uint_eq(r.passes[0].cycles, 80);
	ck_assert_uint_eq(ctr(&r, "dpu.busy"), 1024);
	ck_assert_uint_eq(ctr(&r, "idle.dependency"), 128);
	ck_assert_uint_eq(ctr(&r, "idle.fill_drain"), 128);
	ck_assert_uint_eq(ctr(&r, "idle.padding"), 0);
	ck_assert_uint_eq(ctr(&r, "precomp.writes"), 4 * 8 * 2);
	ck_assert_uint_eq(ctr(&r, "precomp.reads"), 4 * 8 * 2);
	ck_assert_uint_eq(ctr(&r, "precomp.chunks"), 1);
	ck_assert_str_eq(r.note, "");
	check_conservation(&c, &r);
	machine_result_free(&r);

	c.elem_latency = 3;
	run_ok(&c, &l, 1, &r);
	ck_assert_uint_eq(r.cycles, 82);
	machine_result_free(&r);

	/* A deeper tree: w = 8 (macs 32), D = 1 + 3 + 1 = 5, L = 10;
	 * X = 8*2*1 = 16, Sh = 8*1 = 8: 16 + 2*(8 + 9) = 50. */
	c = cfg_small(32);
	run_ok(&c, &l, 1, &r);
	ck_assert_uint_eq(r.cycles, 50);
	check_conservation(&c, &r);
	machine_result_free(&r);
}
END_TEST

/*
 * LSTM I = H = 3 < w = 4, T = 2: every row is one segment of 3 lanes and
 * one padded lane. Issues: W.x 3 slots * 2 vectors, U.h 3 slots * 2 steps,
 * 12 cycles on 4 units: padding 12 * 4 * 1 = 48, useful 4*3*(3+3)*2 = 144,
 * issued 192. Cycles: X = 6, Sh = 3, D = 4, L = 9: 6 + 2*(3 + 8) = 28.
 * SHARP's VS array would pack several gates' rows into one tile row instead
 * (config tiles); E-PUR's one-row-per-unit DPU cannot.
 */
START_TEST(short_rows_pad)
{
	epur_cfg_t c = cfg_small(16);
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 3, 3, 2, 1);
	machine_result_t r;
	run_ok(&c, &l, 1, &r);
	ck_assert_uint_eq(r.useful_macs, 144);
	ck_assert_uint_eq(r.issued_macs, 192);
	ck_assert_uint_eq(ctr(&r, "idle.padding"), 48);
	ck_assert_uint_eq(r.cycles, 28);
	check_conservation(&c, &r);
	machine_result_free(&r);
}
END_TEST

/*
 * LSTM I = H = 8, T = 5, w = 4: one step of W.x sums is 4*8 values of
 * 2 bytes = 64 bytes. A 128-byte store holds tc = 2 steps: chunks of 2, 2
 * and 1 steps, 3 chunks.
 *   chunk 1: W.x 0..31 (32), step 0 32..47, step 1 56..71 (waits 8)
 *   chunk 2: W.x 72..103 (no h needed), step 2 104..119 (h_1 was written
 *            at the end of 79), step 3 128..143
 *   chunk 3: W.x 144..159 (8*1*2 = 16), step 4 160..175
 *   end 175 + 9 = 184.
 * 63 bytes hold no step: refused, naming the layer and the key.
 */
START_TEST(bounded_store_chunks)
{
	epur_cfg_t c = cfg_small(16);
	c.precomp_bytes = 128;
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 8, 8, 5, 1);
	machine_result_t r;
	run_ok(&c, &l, 1, &r);
	ck_assert_uint_eq(ctr(&r, "precomp.chunks"), 3);
	ck_assert_uint_eq(r.cycles, 184);
	ck_assert_uint_eq(ctr(&r, "idle.dependency"), 2 * 8 * 16);
	ck_assert_msg(strstr(r.note, "layer 1:") && strstr(r.note, "2 of 5 steps") && strstr(r.note, "3 chunks") &&
			      strstr(r.note, "epur.precompute.bytes"),
		      "note: %s", r.note);
	check_conservation(&c, &r);
	machine_result_free(&r);

	/* Exactly the sequence: one chunk, no note. */
	c.precomp_bytes = 5 * 64;
	run_ok(&c, &l, 1, &r);
	ck_assert_uint_eq(ctr(&r, "precomp.chunks"), 1);
	ck_assert_str_eq(r.note, "");
	machine_result_free(&r);

	c.precomp_bytes = 63;
	workload_t w = { .name = "t", .path = "t", .layers = &l, .n_layers = 1 };
	machine_opts_t o = { 0 };
	sim_err_t e = { 0 };
	ck_assert_int_eq(machine_desc_epur.run(&c, 500, &w, &o, &r, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "layer 1:") && strstr(e.msg, "epur.precompute.bytes"), "%s", e.msg);
	ck_assert_ptr_null(r.passes);
	ck_assert_ptr_null(r.stats);
}
END_TEST

/* Cells, directions, batches, skip_input and odd sizes: lane-cycles are
 * conserved and the useful MACs are the workload's. */
START_TEST(conservation_and_useful_macs)
{
	layer_cfg_t ls[7] = {
		test_layer(CELL_LSTM, GRU_LBR, 120, 340, 7, 1),
		test_layer(CELL_GRU, GRU_LBR, 33, 17, 5, 2),
		test_layer(CELL_VANILLA, GRU_LBR, 10, 9, 4, 1),
		test_layer(CELL_FC, GRU_LBR, 64, 30, 3, 2),
		test_layer(CELL_LSTM_PEEPHOLE, GRU_LBR, 40, 23, 3, 1),
		test_layer(CELL_LSTM_COUPLED, GRU_LBR, 40, 23, 3, 1),
		test_layer(CELL_LSTM, GRU_LBR, 50, 50, 6, 3),
	};
	ls[0].direction = DIR_BI;
	ls[6].skip_input = true;
	const uint32_t budgets[] = { 16, 64, 1024 };
	for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++) {
		epur_cfg_t c = cfg_small(budgets[b]);
		c.precomp_bytes = 4096; /* splits the larger layers */
		machine_result_t r;
		run_ok(&c, ls, 7, &r);
		uint64_t want = 0;
		for (size_t i = 0; i < 7; i++)
			want += workload_layer_macs(&ls[i]);
		ck_assert_uint_eq(r.useful_macs, want);
		ck_assert_uint_eq(r.n_passes, 8);
		uint64_t sum = 0;
		for (size_t i = 0; i < r.n_passes; i++)
			sum += r.passes[i].cycles;
		ck_assert_uint_eq(sum, r.cycles);
		check_conservation(&c, &r);
		/* GRU: 3*17 = 51 rows a step on 4 units leave 1 unit idle */
		ck_assert_uint_gt(ctr(&r, "idle.no_row"), 0);
		machine_result_free(&r);
		c.rows = 2;
		run_ok(&c, ls, 7, &r);
		ck_assert_uint_eq(r.useful_macs, want);
		check_conservation(&c, &r);
		machine_result_free(&r);
	}
}
END_TEST

/*
 * The epur.dpu.rows what-if: LSTM I = H = 3 on 4 units of w = 16 (macs 64).
 * rows = 1: one row of 3 lanes per unit, 13 lanes padded; D = 1 + 4 + 1 = 6,
 * L = 11, S = 3: X = 3*2*1 = 6, Sh = 3: 6 + 2*(3 + 10) = 32.
 * rows = 4: 16 engines of 4 lanes, one slot of 12 rows (4 engines idle):
 * D = 1 + 2 + 1 = 4, L = 9, X = 1*2*1 = 2, Sh = 1: 2 + 2*(1 + 8) = 20;
 * 4 issue cycles: padding 12 rows * 1 lane * 4 = 48, no_row 4 * 4 * 4 = 64.
 */
START_TEST(rows_what_if)
{
	epur_cfg_t c = cfg_small(64);
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 3, 3, 2, 1);
	machine_result_t r;
	run_ok(&c, &l, 1, &r);
	ck_assert_uint_eq(r.cycles, 32);
	check_conservation(&c, &r);
	machine_result_free(&r);
	c.rows = 4;
	run_ok(&c, &l, 1, &r);
	ck_assert_uint_eq(r.cycles, 20);
	ck_assert_uint_eq(ctr(&r, "idle.padding"), 48);
	ck_assert_uint_eq(ctr(&r, "idle.no_row"), 64);
	check_conservation(&c, &r);
	machine_result_free(&r);
	sim_err_t e = { 0 };
	c.rows = 3;
	ck_assert_int_eq(machine_desc_epur.check(&c, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "epur.dpu.rows"), "%s", e.msg);
}
END_TEST

/* Jumping over repeated steps gives the counters and cycles of stepping,
 * pass by pass, on layers with one chunk and several, batches, padded and
 * packed rows, and bidirectional passes; the jump did happen. */
START_TEST(fast_forward_equals_stepping)
{
	layer_cfg_t ls[5] = {
		test_layer(CELL_LSTM, GRU_LBR, 8, 8, 9, 1),	test_layer(CELL_GRU, GRU_LBR, 33, 17, 11, 2),
		test_layer(CELL_LSTM, GRU_LBR, 120, 40, 30, 1), test_layer(CELL_VANILLA, GRU_LBR, 10, 9, 7, 3),
		test_layer(CELL_FC, GRU_LBR, 64, 30, 3, 2),
	};
	ls[2].direction = DIR_BI;
	const uint64_t stores[] = { 1u << 20, 1000 }; /* one chunk; several (LSTM 8: 64 B a step) */
	for (size_t k = 0; k < 2; k++) {
		epur_cfg_t c = cfg_small(64);
		c.precomp_bytes = stores[k];
		workload_t w = { .name = "t", .path = "t", .layers = ls, .n_layers = 5 };
		machine_result_t a, b;
		sim_err_t e = { 0 };
		machine_opts_t step = { .fast_forward = false }, jump = { .fast_forward = true };
		ck_assert_msg(machine_desc_epur.run(&c, 500, &w, &step, &a, &e) == SIM_OK, "%s", e.msg);
		ck_assert_msg(machine_desc_epur.run(&c, 500, &w, &jump, &b, &e) == SIM_OK, "%s", e.msg);
		ck_assert_uint_eq(a.cycles, b.cycles);
		ck_assert_uint_eq(a.n_passes, b.n_passes);
		for (size_t i = 0; i < a.n_passes; i++) {
			ck_assert_uint_eq(a.passes[i].cycles, b.passes[i].cycles);
			ck_assert_uint_eq(a.passes[i].useful_macs, b.passes[i].useful_macs);
			ck_assert_uint_eq(a.passes[i].issued_macs, b.passes[i].issued_macs);
		}
		ck_assert_uint_eq(stats_size(a.stats), stats_size(b.stats));
		for (size_t i = 0; i < stats_size(a.stats); i++)
			ck_assert_msg(strncmp(stats_name(a.stats, i), "sim.", 4) == 0 ||
					      stats_value(a.stats, i) == stats_value(b.stats, i),
				      "store %llu: %s stepping %llu, jumping %llu", (unsigned long long)stores[k],
				      stats_name(a.stats, i), (unsigned long long)stats_value(a.stats, i),
				      (unsigned long long)stats_value(b.stats, i));
		ck_assert_uint_eq(ctr(&a, "sim.jumped_cycles"), 0);
		ck_assert_uint_gt(ctr(&b, "sim.jumped_cycles"), 0);
		check_conservation(&c, &b);
		machine_result_free(&a);
		machine_result_free(&b);
	}
}
END_TEST

START_TEST(refusals)
{
	epur_cfg_t c = cfg_small(16);
	machine_result_t r;
	sim_err_t e = { 0 };
	machine_opts_t o = { 0 };
	layer_cfg_t ls[2] = { test_layer(CELL_LSTM, GRU_LBR, 8, 8, 2, 1), test_layer(CELL_GRU, GRU_RBM, 8, 8, 2, 1) };
	workload_t w = { .name = "t", .path = "t", .layers = ls, .n_layers = 2 };
	ck_assert_int_eq(machine_desc_epur.run(&c, 500, &w, &o, &r, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "layer 2:") && strstr(e.msg, "gru_form"), "%s", e.msg);

	c.wbuf_bytes = 4 * 8 * 16 * 2 - 1; /* one byte short of the LSTM's W and U */
	w.n_layers = 1;
	ck_assert_int_eq(machine_desc_epur.run(&c, 500, &w, &o, &r, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "layer 1:") && strstr(e.msg, "epur.weight_buffer.bytes"), "%s", e.msg);

	c = cfg_small(18);
	ck_assert_int_eq(machine_desc_epur.check(&c, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "epur.macs"), "%s", e.msg);
}
END_TEST

/* The defaults pass check(), every key is in the epur section, and a run is
 * priced in every class it uses; a cold run adds the load. */
START_TEST(defaults_price_and_cold)
{
	size_t n;
	const param_t *t = machine_desc_epur.params(&n);
	epur_cfg_t c;
	sim_err_t e = { 0 };
	ck_assert_int_eq(param_defaults(t, n, &c, &e), SIM_OK);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strncmp(t[i].key, "epur.", 5) == 0, "%s", t[i].key);
	ck_assert_int_eq(machine_desc_epur.check(&c, &e), SIM_OK);
	ck_assert_uint_eq(machine_desc_epur.macs(&c), 1024);
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 256, 256, 25, 1);
	machine_result_t r;
	run_ok(&c, &l, 1, &r);
	energy_report_t rep, own;
	/* The default prices the buffers from the technology table (SHARP's
	 * CACTI banks), which it therefore needs; `own` uses the epur.* terms. */
	ck_assert_int_eq(machine_desc_epur.price(&c, 500, &r, NULL, &rep, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "epur.energy.sram_model"), "%s", e.msg);
	energy_tech_t *tech = NULL;
	ck_assert_int_eq(energy_tech_load("configs/tech/sharp-32nm.yaml", &tech, &e), SIM_OK);
	ck_assert_int_eq(machine_desc_epur.price(&c, 500, &r, tech, &rep, &e), SIM_OK);
	/* One weight-buffer bank of the table: 64 MiB over 4 units x 64 banks,
	 * a 64-bit port; the item's area is that many banks'. */
	energy_sram_t bank = energy_tech_sram(tech, 64.0 * 1048576 / 256, 64);
	for (size_t i = 0; i < rep.n_items; i++)
		if (!strcmp(rep.item[i].name, "wbuf"))
			ck_assert_double_eq_tol(rep.item[i].area_mm2, 256 * bank.area_mm2, 1e-9 * rep.item[i].area_mm2);
	energy_tech_destroy(tech);
	c.e.sram_model = EPUR_SRAM_OWN;
	ck_assert_int_eq(machine_desc_epur.price(&c, 500, &r, NULL, &own, &e), SIM_OK);
	ck_assert(own.class_energy_uj[ENERGY_CLASS_SRAM] != rep.class_energy_uj[ENERGY_CLASS_SRAM]);
	ck_assert(rep.energy_uj > 0 && rep.area_mm2 > 0 && rep.avg_power_w > 0);
	ck_assert(rep.class_energy_uj[ENERGY_CLASS_COMPUTE] > 0 && rep.class_energy_uj[ENERGY_CLASS_SRAM] > 0 &&
		  rep.class_energy_uj[ENERGY_CLASS_ACT] > 0);
	double sum = 0;
	for (size_t i = 0; i < rep.n_items; i++)
		sum += rep.item[i].energy_uj;
	ck_assert_double_eq_tol(sum, rep.energy_uj, 1e-9 * rep.energy_uj);

	workload_t w = { .name = "t", .path = "t", .layers = &l, .n_layers = 1 };
	machine_opts_t o = { .cold = true };
	machine_result_t rc;
	ck_assert_int_eq(machine_desc_epur.run(&c, 500, &w, &o, &rc, &e), SIM_OK);
	/* 4*256*512*2 bytes at 25.6 GB/s and 500 MHz = 51.2 bytes a cycle */
	ck_assert_uint_eq(rc.load_cycles, 20480);
	ck_assert_uint_eq(rc.cycles, r.cycles + 20480);
	ck_assert_uint_eq(ctr(&rc, "idle.load"), 20480 * 1024);
	check_conservation(&c, &rc);
	machine_result_free(&rc);
	machine_result_free(&r);
}
END_TEST

Suite *machine_epur_suite(void)
{
	Suite *s = suite_create("machine_epur");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, closed_form_lstm_tiny);
	tcase_add_test(tc, short_rows_pad);
	tcase_add_test(tc, bounded_store_chunks);
	tcase_add_test(tc, conservation_and_useful_macs);
	tcase_add_test(tc, rows_what_if);
	tcase_add_test(tc, fast_forward_equals_stepping);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, defaults_price_and_cold);
	suite_add_tcase(s, tc);
	return s;
}
