/*
 * test_functional.c - suite `functional`: `run --functional` end to end
 * through accel_run (sim/func/fpipe.c on the cycle model), and the compute
 * unit's functional arithmetic (sim/compute/cu.c).
 *
 * The oracle is the double reference (func/ref.c), which shares no code with
 * the datapath. Error bounds, fp16 data (x, h, gates rounded to 11
 * significant bits, unit roundoff u = 2^-11 = 4.9e-4; |h| < 1, so every
 * stored h carries up to 2.4e-4 of rounding error), weights uniform in
 * +-1/sqrt(H) also rounded to fp16, fp32 sums (error ~1e-7, negligible):
 * one step's pre-activation error is at most sum_k |w_k| (|dx_k| + |x_k| u)
 * ~ (I + H) / sqrt(H) * 2.4e-4 in the worst case of aligned signs, about
 * 1.7e-3 for I = 12, H = 20; with random signs it is ~sqrt(I + H) / sqrt(H)
 * * 2.4e-4 ~ 3e-4, and the gates' slopes (<= 1 for tanh, <= 1/4 for
 * sigmoid) pass on at most that. So FP16_BOUND = 2e-3 bounds the
 * random-sign accumulation over a few steps with margin, while one wrong
 * bias of 0.05 (or another seed's weights) moves h by > 6e-3 (checked
 * below, so the bound does detect a broken datapath).
 *
 * The LSTM variants are held to the same bounds. Coupled: 1 - i is exact
 * in fp32 and rounded once to fp16 (2.4e-4 at most, on a gate, not
 * accumulated over I + H terms), the rest is LSTM's arithmetic. Peephole:
 * each gate gains a term P*c with |P| < 1/sqrt(H) = 0.22 and c rounded to
 * fp16 before the multiply (relative 4.9e-4), i.e. < 1e-4 more
 * pre-activation error per step, and its sigmoid through tanh is the same
 * function rounded once. Both measured well inside FP16_BOUND and
 * FIX_BOUND below.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "../sim/arith/fp.h"
#include "../sim/cell/cell.h"
#include "../sim/compute/cu.h"
#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/func/npy.h"
#include "../sim/func/ref.h"
#include "../sim/func/weights.h"

#define FP16_BOUND 2e-3
/* fix16x8 with weights Q7 (rounding 2^-8 = 3.9e-3 per weight, relative to
 * |w| <= 0.22 that is far coarser than fp16) and data Q12: the weight
 * rounding dominates, ~sqrt(I + H) * 3.9e-3 / 2 * E|x| ~ 6e-3 per step with
 * random signs; measured 4e-3..8e-3 on the cases below. */
#define FIX_BOUND 3e-2
/* precision.mul=fp32 (data, weights and gates in fp32, u = 2^-24): the data
 * roundings of the fp16 argument shrink by 2^-13 (FP16_BOUND's 2e-3 becomes
 * 2.4e-7); the fp32 sums, negligible there, now dominate: at most
 * (I + H) * 2^-24 * sum |w_k x_k| <= 32 * 6e-8 * 32 * 0.22 = 1.3e-5 per
 * pre-activation in the worst case of aligned signs, ~1e-7 with random
 * ones. 1e-5 is 200 times below FP16_BOUND. */
#define FP32_BOUND 1e-5
#define TEST_DIR "build/func-test"
/* fpipe.c's seed stream, restated: layer l's random parameters come from
 * seed + l * SEED_STRIDE. */
#define SEED_STRIDE UINT64_C(0x9E3779B97F4A7C15)

static hw_cfg_t hw_small(sched_kind_t s, tile_sel_t tile)
{
	hw_cfg_t h;
	config_hw_defaults(&h);
	h.compute.vs_units = 16;
	h.compute.vs_width = 8;
	h.compute.tile = tile;
	h.scheduler = s;
	h.memory.weights = WEIGHTS_RESIDENT;
	return h;
}

static int run(const hw_cfg_t *h, layer_cfg_t *layers, size_t n, bool functional, uint64_t seed, const char *dump,
	       run_result_t *r, sim_err_t *e)
{
	return test_run_layers(h, layers, n, functional, seed, dump, TEST_DIR "/wl.yaml", r, e);
}

static run_result_t run_ok(const hw_cfg_t *h, layer_cfg_t *layers, size_t n, uint64_t seed, const char *dump)
{
	return test_run_layers_ok(h, layers, n, seed, dump, TEST_DIR "/wl.yaml");
}

static void mkdirs(void)
{
	mkdir("build", 0777);
	mkdir(TEST_DIR, 0777);
}

/* Every functional cell and form (sim/cell/cell.h). */
#define NCELLS 8
static const cell_kind_t cells[NCELLS] = { CELL_LSTM,	       CELL_GRU,	  CELL_GRU, CELL_VANILLA,
					   CELL_LSTM_PEEPHOLE, CELL_LSTM_COUPLED, CELL_FC,  CELL_QRNN };
static const gru_form_t forms[NCELLS] = { GRU_LBR, GRU_LBR, GRU_RBM, GRU_LBR, GRU_LBR, GRU_LBR, GRU_LBR, GRU_LBR };

static bool has_state(cell_kind_t c)
{
	return cell_get(c)->flags & CELL_F_STATE;
}

/* Every cell under every schedule, fp16, with padding in rows and columns
 * (I = 12, H = 20 on 16 x 8 tiles) and two sequences. */
START_TEST(cells_and_schedules_fp16)
{
	static const sched_kind_t sk[4] = { SCHED_KIND_SEQUENTIAL, SCHED_KIND_BATCH, SCHED_KIND_INTERGATE,
					    SCHED_KIND_UNFOLDED };
	for (int c = 0; c < NCELLS; c++)
		for (int s = 0; s < 4; s++) {
			hw_cfg_t h = hw_small(sk[s], TILE_AUTO);
			layer_cfg_t l = test_layer(cells[c], forms[c], 12, 20, 5, 2);
			run_result_t r = run_ok(&h, &l, 1, 3, NULL);
			const func_layer_err_t *e = &r.layers[0].err;
			ck_assert_msg(e->h.max_abs > 0 && e->h.max_abs < FP16_BOUND,
				      "cell %d form %d sched %d: h error %g", c, forms[c], s, e->h.max_abs);
			ck_assert(e->h_last.max_abs <= e->h.max_abs);
			ck_assert(e->has_c == has_state(cells[c]));
			if (e->has_c)
				ck_assert_msg(e->c.max_abs < 2 * FP16_BOUND, "c error %g", e->c.max_abs);
			run_result_free(&r);
		}
}
END_TEST

/* precision.mul=fp32 computes every cell in fp32 (within FP32_BOUND, and
 * at least 100 times closer to the reference than fp16, so it is not
 * rounding to 16 bits anywhere), and leaves the timing alone: the same
 * cycles and the same counters as the fp16 run (docs/numerics.md §9). */
START_TEST(cells_fp32)
{
	for (int c = 0; c < NCELLS; c++) {
		hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO), h32 = h;
		h32.precision.mul = PREC_FP32;
		layer_cfg_t l = test_layer(cells[c], forms[c], 12, 20, 5, 2);
		run_result_t r16 = run_ok(&h, &l, 1, 3, NULL), r32 = run_ok(&h32, &l, 1, 3, NULL);
		const func_layer_err_t *e16 = &r16.layers[0].err, *e32 = &r32.layers[0].err;
		ck_assert_msg(e32->h.max_abs < FP32_BOUND && e32->h.max_abs * 100 < e16->h.max_abs,
			      "cell %d: fp32 h error %g, fp16 %g", c, e32->h.max_abs, e16->h.max_abs);
		if (e32->has_c)
			ck_assert_msg(e32->c.max_abs < 2 * FP32_BOUND, "cell %d: fp32 c error %g", c, e32->c.max_abs);
		ck_assert_uint_eq(r16.cycles, r32.cycles);
		ck_assert_uint_eq(stats_size(r16.stats), stats_size(r32.stats));
		for (size_t i = 0; i < stats_size(r16.stats); i++)
			ck_assert_msg(stats_value(r16.stats, i) == stats_value(r32.stats, i), "cell %d: %s differs", c,
				      stats_name(r16.stats, i));
		run_result_free(&r16);
		run_result_free(&r32);
	}
}
END_TEST

/* deps: element lets H tiles start on a partial h: the fpipe's own checks
 * (an H tile never reads an h element before the cell updater wrote it)
 * must hold, and the values equal the step-barrier run's bit for bit, since
 * only the timing differs. */
START_TEST(deps_element_same_values)
{
	mkdirs();
	for (int c = 0; c < NCELLS; c++) {
		hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
		layer_cfg_t l = test_layer(cells[c], forms[c], 12, 20, 4, 2);
		run_result_t a = run_ok(&h, &l, 1, 5, NULL);
		h.deps = DEPS_ELEMENT;
		run_result_t b = run_ok(&h, &l, 1, 5, NULL);
		ck_assert(a.layers[0].err.h.max_abs == b.layers[0].err.h.max_abs);
		ck_assert(a.layers[0].err.h.rms == b.layers[0].err.h.rms);
		run_result_free(&a);
		run_result_free(&b);
	}
}
END_TEST

/* Values never change a cycle: every counter but func.* is the same with
 * and without --functional. */
START_TEST(timing_unchanged)
{
	for (int c = 0; c < NCELLS; c++) {
		hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
		layer_cfg_t l = test_layer(cells[c], forms[c], 12, 20, 4, 3);
		run_result_t f = run_ok(&h, &l, 1, 1, NULL), t;
		sim_err_t e;
		ck_assert_int_eq(run(&h, &l, 1, false, 1, NULL, &t, &e), SIM_OK);
		ck_assert_uint_eq(f.cycles, t.cycles);
		size_t extra = 0;
		for (size_t i = 0; i < stats_size(f.stats); i++) {
			const char *name = stats_name(f.stats, i);
			uint64_t v;
			if (!strncmp(name, "func.", 5)) {
				extra++;
				continue;
			}
			ck_assert_msg(stats_find(t.stats, name, &v), "%s missing without --functional", name);
			ck_assert_msg(v == stats_value(f.stats, i), "%s: %llu functional, %llu timing only", name,
				      (unsigned long long)stats_value(f.stats, i), (unsigned long long)v);
		}
		ck_assert_uint_eq(stats_size(f.stats), stats_size(t.stats) + extra);
		ck_assert_uint_eq(extra, 1);
		run_result_free(&f);
		run_result_free(&t);
	}
}
END_TEST

/* func.multiplies counts the datapath's products of a real weight and a real
 * operand, from the functional layout; it must equal G*H*(I+H)*T*B (fc:
 * H*I*T*B), the timing model's useful MACs, for every tile config, cell
 * and batch. */
START_TEST(multiplies_equal_useful_macs)
{
	for (unsigned cfg = 1; cfg <= 4; cfg++)
		for (int c = 0; c < NCELLS; c++) {
			hw_cfg_t h = hw_small(SCHED_KIND_INTERGATE, (tile_sel_t)cfg);
			h.compute.pad_reconfig = false;
			layer_cfg_t l = test_layer(cells[c], forms[c], 7, 13, 2, 3);
			run_result_t r = run_ok(&h, &l, 1, 2, NULL);
			uint64_t want = workload_layer_macs(&l);
			ck_assert_uint_eq(want, (uint64_t)workload_gates(cells[c]) * 13 *
							(cells[c] == CELL_FC || cells[c] == CELL_QRNN ? 7 : 7 + 13) *
							2 * 3);
			ck_assert_uint_eq(test_counter(&r, "func.multiplies"), want);
			ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), want);
			run_result_free(&r);
		}
}
END_TEST

/* LSTMP (proj_size): the datapath computes the projection on the VS array
 * (its tiles read o*tanh(c), the MFU narrows the sums to h) and agrees with
 * the double reference, which restates h = W_proj (o*tanh(c)) on its own:
 * every LSTM cell, every SHARP schedule, fp16 and fp32 (P = 7 of H = 20:
 * padded rows and columns on 16 x 8 tiles); the element scoreboard gives
 * the same values; the multiplies are the useful MACs
 * 4*H*(I + P) + P*H per sequence-step; a bidirectional LSTMP layer feeds a
 * GRU its 2P-wide output. */
START_TEST(lstmp_projection_values)
{
	static const cell_kind_t lc[3] = { CELL_LSTM, CELL_LSTM_PEEPHOLE, CELL_LSTM_COUPLED };
	static const sched_kind_t sk[4] = { SCHED_KIND_SEQUENTIAL, SCHED_KIND_BATCH, SCHED_KIND_INTERGATE,
					    SCHED_KIND_UNFOLDED };
	for (int c = 0; c < 3; c++)
		for (int s = 0; s < 4; s++) {
			hw_cfg_t h = hw_small(sk[s], TILE_AUTO), h32 = h;
			h32.precision.mul = PREC_FP32;
			layer_cfg_t l = test_layer(lc[c], GRU_LBR, 12, 20, 5, 2);
			l.proj_size = 7;
			run_result_t r = run_ok(&h, &l, 1, 3, NULL), r32 = run_ok(&h32, &l, 1, 3, NULL);
			const func_layer_err_t *e = &r.layers[0].err, *e32 = &r32.layers[0].err;
			ck_assert_msg(e->h.max_abs > 0 && e->h.max_abs < FP16_BOUND && e->c.max_abs < 2 * FP16_BOUND,
				      "cell %d sched %d: h error %g, c %g", c, s, e->h.max_abs, e->c.max_abs);
			ck_assert_msg(e32->h.max_abs < FP32_BOUND && e32->c.max_abs < 2 * FP32_BOUND,
				      "cell %d sched %d: fp32 h error %g, c %g", c, s, e32->h.max_abs, e32->c.max_abs);
			uint64_t want = (uint64_t)(workload_gates(lc[c]) * 20 * (12 + 7) + 7 * 20) * 5 * 2;
			ck_assert_uint_eq(workload_layer_macs(&l), want);
			ck_assert_uint_eq(test_counter(&r, "func.multiplies"), want);
			ck_assert_uint_eq(test_counter(&r, "vs.useful_macs"), want);
			ck_assert_uint_eq(r.cycles, r32.cycles);
			h.deps = DEPS_ELEMENT;
			run_result_t re = run_ok(&h, &l, 1, 3, NULL);
			ck_assert(re.layers[0].err.h.max_abs == e->h.max_abs && re.layers[0].err.h.rms == e->h.rms);
			run_result_free(&r);
			run_result_free(&r32);
			run_result_free(&re);
		}
	hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
	h.precision.mul = PREC_FP32;
	layer_cfg_t two[2] = { test_layer(CELL_LSTM, GRU_LBR, 12, 20, 5, 2),
			       test_layer(CELL_GRU, GRU_LBR, 14, 9, 5, 2) };
	two[0].proj_size = 7;
	two[0].direction = DIR_BI;
	run_result_t r = run_ok(&h, two, 2, 3, NULL);
	for (size_t i = 0; i < r.n_layers; i++)
		ck_assert_msg(r.layers[i].err.h.max_abs < FP32_BOUND, "pass %zu: h error %g", i,
			      r.layers[i].err.h.max_abs);
	run_result_free(&r);
}
END_TEST

static double *read_h(const char *path, size_t t, size_t b, size_t hid)
{
	npy_array_t a;
	sim_err_t e = { 0 };
	ck_assert_msg(npy_read(path, &a, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(a.ndim, 3);
	ck_assert_uint_eq(a.shape[0], t);
	ck_assert_uint_eq(a.shape[1], b);
	ck_assert_uint_eq(a.shape[2], hid);
	return a.data;
}

/* sequence_lens in values: a finished sequence's tokens are not issued
 * (the timing model's packed batch), its h and c are 0 past its length
 * (ONNX's Y) and its state stays; the double reference restates that. A
 * stack of every kind of cell with unsorted lengths {3, 9, 1, 6}, every
 * SHARP schedule, fp32 within FP32_BOUND and the same values under the
 * element scoreboard; the dump is 0 past each length. Backward: a reverse
 * GRU and a bidirectional LSTMP, whose backward pass starts each sequence
 * at its own last element, within FP32_BOUND of the reference. */
START_TEST(sequence_lens_values)
{
	static const sched_kind_t sk[4] = { SCHED_KIND_SEQUENTIAL, SCHED_KIND_BATCH, SCHED_KIND_INTERGATE,
					    SCHED_KIND_UNFOLDED };
	static const layer_lens_t lens = { .n = 4, .len = { 3, 9, 1, 6 } };
	layer_cfg_t ls[5] = { test_layer(CELL_GRU, GRU_RBM, 10, 12, 9, 4), test_layer(CELL_LSTM, GRU_LBR, 12, 14, 9, 4),
			      test_layer(CELL_GRU, GRU_LBR, 5, 8, 9, 4), test_layer(CELL_QRNN, GRU_LBR, 8, 6, 9, 4),
			      test_layer(CELL_FC, GRU_LBR, 6, 3, 9, 4) };
	ls[1].proj_size = 5;
	for (int i = 0; i < 5; i++)
		ls[i].sequence_lens = lens;
	mkdirs();
	for (int s = 0; s < 4; s++) {
		/* One tile config for both scoreboards: explored, each could pick
		 * another, whose tree order rounds differently. */
		hw_cfg_t h = hw_small(sk[s], TILE_CONFIG4);
		h.precision.mul = PREC_FP32;
		run_result_t r = run_ok(&h, ls, 5, 3, s == 3 ? TEST_DIR : NULL);
		for (int l = 0; l < 5; l++)
			ck_assert_msg(r.layers[l].err.h.max_abs < FP32_BOUND, "sched %d layer %d: h error %g", s, l,
				      r.layers[l].err.h.max_abs);
		h.deps = DEPS_ELEMENT;
		run_result_t re = run_ok(&h, ls, 5, 3, NULL);
		for (int l = 0; l < 5; l++)
			ck_assert(re.layers[l].err.h.max_abs == r.layers[l].err.h.max_abs);
		run_result_free(&r);
		run_result_free(&re);
	}
	double *y = read_h(TEST_DIR "/layer1_h.npy", 9, 4, 5);
	for (uint32_t b = 0; b < 4; b++)
		for (uint32_t t = 0; t < 9; t++)
			for (uint32_t j = 0; j < 5; j++) {
				double v = y[((size_t)t * 4 + b) * 5 + j];
				ck_assert_msg(t < lens.len[b] ? v != 0 : v == 0, "sequence %u step %u: %g", b, t, v);
			}
	free(y);
	hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
	h.precision.mul = PREC_FP32;
	ls[0].direction = DIR_REV;
	ls[1].direction = DIR_BI;
	ls[2].input_size = 2 * 5;
	run_result_t r = run_ok(&h, ls, 5, 3, NULL);
	ck_assert_uint_eq(r.n_layers, 6); /* the bidirectional layer's two passes */
	for (size_t l = 0; l < r.n_layers; l++)
		ck_assert_msg(r.layers[l].err.h.max_abs < FP32_BOUND, "pass %zu: h error %g", l,
			      r.layers[l].err.h.max_abs);
	run_result_free(&r);
}
END_TEST

/* sequence_lens and the intermediate buffer's ring of X sums: a step
 * allocates only its active sequences' X values, so once the short
 * sequences end the X segments run further ahead than with the full
 * batch. The ring is sized by the step with the fewest sequences; sized by
 * all B, a later step's X sums overwrote a slot its H partner had not yet
 * read (the run failed: "the W.x sums ... were not in the intermediate
 * buffer when read"). Every schedule that keeps X sums apart, over buffer
 * sizes from a few steps' sums to many, a long sequence beside two short
 * ones. */
START_TEST(sequence_lens_x_ring_sized_by_fewest)
{
	static const sched_kind_t sk[3] = { SCHED_KIND_BATCH, SCHED_KIND_INTERGATE, SCHED_KIND_UNFOLDED };
	static const uint64_t inter[4] = { 4096, 8192, 24576, 49152 };
	static const layer_lens_t lens = { .n = 3, .len = { 30, 17, 2 } };
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 200, 24, 30, 3);
	l.sequence_lens = lens;
	mkdirs();
	for (int s = 0; s < 3; s++)
		for (int i = 0; i < 4; i++) {
			hw_cfg_t h = hw_small(sk[s], TILE_AUTO);
			h.compute.vs_units = 64;
			h.compute.vs_width = 64;
			h.memory.inter_bytes = inter[i];
			h.precision.mul = PREC_FP32;
			run_result_t r;
			sim_err_t e = { 0 };
			ck_assert_msg(run(&h, &l, 1, true, 3, NULL, &r, &e) == SIM_OK, "sched %d, %u bytes: %s", s,
				      (unsigned)inter[i], e.msg);
			ck_assert_msg(r.layers[0].err.h.max_abs < FP32_BOUND, "sched %d: h error %g", s,
				      r.layers[0].err.h.max_abs);
			run_result_free(&r);
		}
}
END_TEST

static double max_diff(const double *a, const double *b, size_t n)
{
	ref_diff_t d;
	ref_diff(a, b, n, &d);
	return d.nonfinite ? INFINITY : d.max_abs;
}

/* --dump-outputs writes (T, B, H) arrays (c too for LSTM), and the dumped h
 * is what the error was computed from: against the reference of the same
 * seed it is within the bound. A broken datapath, simulated by judging it
 * against another seed's reference or against parameters with one bias off
 * by 0.05, fails that same check. */
START_TEST(dump_and_broken_datapath_caught)
{
	mkdirs();
	hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 12, 20, 5, 2);
	run_result_t r = run_ok(&h, &l, 1, 11, TEST_DIR);
	size_t n = 5 * 2 * 20;
	double *got = read_h(TEST_DIR "/layer0_h.npy", 5, 2, 20);
	free(read_h(TEST_DIR "/layer0_c.npy", 5, 2, 20));
	double *want = malloc(n * sizeof *want);
	sim_err_t e = { 0 };
	weights_t *w = weights_random(&l, 11, &e);
	ck_assert_int_eq(ref_run(w, want, NULL, &e), SIM_OK);
	double good = max_diff(got, want, n);
	ck_assert(good < FP16_BOUND);
	ck_assert(good == r.layers[0].err.h.max_abs);
	w->b[2 * 20 + 5] += 0.05; /* the g gate's bias of hidden 5 */
	ck_assert_int_eq(ref_run(w, want, NULL, &e), SIM_OK);
	double one_weight = max_diff(got, want, n);
	ck_assert_msg(one_weight > 3 * FP16_BOUND, "one wrong bias moved h by only %g", one_weight);
	weights_destroy(w);
	w = weights_random(&l, 12, &e);
	ck_assert_int_eq(ref_run(w, want, NULL, &e), SIM_OK);
	ck_assert(max_diff(got, want, n) > 5 * FP16_BOUND);
	weights_destroy(w);
	free(got);
	free(want);
	run_result_free(&r);
}
END_TEST

/* A weights directory (resolved against the workload file's directory)
 * holding exactly the random parameters of a seed gives bit-identical h to
 * the random run (saved as <f8, so nothing is rounded on the way); a
 * mis-shaped U.npy is refused with weights.h's one-line message. */
START_TEST(weights_directory)
{
	mkdirs();
	mkdir(TEST_DIR "/wdir", 0777);
	hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
	layer_cfg_t l = test_layer(CELL_GRU, GRU_LBR, 6, 10, 3, 2);
	sim_err_t e = { 0 };
	weights_t *w = weights_random(&l, 21, &e);
	ck_assert_int_eq(weights_save(w, TEST_DIR "/wdir", NPY_F8, &e), SIM_OK);
	run_result_t a = run_ok(&h, &l, 1, 21, TEST_DIR);
	double *ha = read_h(TEST_DIR "/layer0_h.npy", 3, 2, 10);
	snprintf(l.weights, sizeof l.weights, "wdir");
	run_result_t b = run_ok(&h, &l, 1, 999, TEST_DIR); /* the seed is not used */
	double *hb = read_h(TEST_DIR "/layer0_h.npy", 3, 2, 10);
	ck_assert(memcmp(ha, hb, 60 * sizeof *ha) == 0);
	ck_assert(a.layers[0].err.h.max_abs == b.layers[0].err.h.max_abs);
	size_t bad_shape[2] = { 3, 4 };
	double zeros[12] = { 0 };
	ck_assert_int_eq(npy_write(TEST_DIR "/wdir/U.npy", NPY_F4, 2, bad_shape, zeros, &e), SIM_OK);
	run_result_t c;
	ck_assert_int_eq(run(&h, &l, 1, true, 1, NULL, &c, &e), SIM_EINPUT);
	ck_assert_str_eq(e.msg, TEST_DIR "/wdir/U.npy: shape (3, 4), expected (30, 10) for a gru layer with "
					 "hidden 10 and input 6");
	ck_assert(strchr(e.msg, '\n') == NULL);
	weights_destroy(w);
	free(ha);
	free(hb);
	run_result_free(&a);
	run_result_free(&b);
}
END_TEST

/* A peephole LSTM's P comes from P.npy (3, H), rows i, f, o: a weights
 * directory whose P is four times the random one (|P| < 0.9, so the
 * peepholes matter) gives h within the bound of the reference with that
 * P, and more than 3x the bound away from the reference with P = 0 (so the
 * datapath does apply P); a mis-shaped P.npy is refused. */
START_TEST(peephole_weights_directory)
{
	mkdirs();
	mkdir(TEST_DIR "/pdir", 0777);
	hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
	layer_cfg_t l = test_layer(CELL_LSTM_PEEPHOLE, GRU_LBR, 6, 10, 4, 2);
	sim_err_t e = { 0 };
	weights_t *w = weights_random(&l, 31, &e);
	ck_assert_ptr_nonnull(w);
	for (int k = 0; k < 30; k++)
		w->P[k] *= 4;
	ck_assert_int_eq(weights_save(w, TEST_DIR "/pdir", NPY_F8, &e), SIM_OK);
	snprintf(l.weights, sizeof l.weights, "pdir");
	run_result_t r = run_ok(&h, &l, 1, 1, TEST_DIR);
	ck_assert_msg(r.layers[0].err.h.max_abs < FP16_BOUND, "h error %g", r.layers[0].err.h.max_abs);
	ck_assert(r.layers[0].err.has_c && r.layers[0].err.c.max_abs < 2 * FP16_BOUND);
	size_t n = 4 * 2 * 10;
	double *got = read_h(TEST_DIR "/layer0_h.npy", 4, 2, 10), *want = malloc(n * sizeof *want);
	ck_assert_int_eq(ref_run(w, want, NULL, &e), SIM_OK);
	ck_assert(max_diff(got, want, n) == r.layers[0].err.h.max_abs);
	memset(w->P, 0, 30 * sizeof *w->P);
	ck_assert_int_eq(ref_run(w, want, NULL, &e), SIM_OK);
	double no_p = max_diff(got, want, n);
	ck_assert_msg(no_p > 3 * FP16_BOUND, "P = 0 moved h by only %g", no_p);
	size_t bad_shape[2] = { 3, 4 };
	double zeros[12] = { 0 };
	ck_assert_int_eq(npy_write(TEST_DIR "/pdir/P.npy", NPY_F4, 2, bad_shape, zeros, &e), SIM_OK);
	run_result_t c;
	ck_assert_int_eq(run(&h, &l, 1, true, 1, NULL, &c, &e), SIM_EINPUT);
	ck_assert_str_eq(e.msg, TEST_DIR "/pdir/P.npy: shape (3, 4), expected (3, 10) for an lstm_peephole layer "
					 "with hidden 10 and input 6");
	weights_destroy(w);
	free(got);
	free(want);
	run_result_free(&r);
}
END_TEST

/* Two stacked layers: layer 1 reads layer 0's datapath h; its error against
 * the all-double stack includes layer 0's, still within the bound. A stack
 * whose sizes do not chain is refused at the layer's position. */
START_TEST(stacked_layers)
{
	hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
	layer_cfg_t l[2] = { test_layer(CELL_LSTM, GRU_LBR, 12, 20, 4, 2),
			     test_layer(CELL_GRU, GRU_RBM, 20, 16, 4, 2) };
	run_result_t r = run_ok(&h, l, 2, 4, NULL);
	ck_assert(r.layers[0].err.h.max_abs < FP16_BOUND);
	ck_assert(r.layers[1].err.h.max_abs > 0 && r.layers[1].err.h.max_abs < FP16_BOUND);
	run_result_free(&r);
	l[1].input_size = 19;
	l[1].line = 9;
	l[1].col = 5;
	sim_err_t e;
	ck_assert_int_eq(run(&h, l, 2, true, 4, NULL, &r, &e), SIM_EINPUT);
	ck_assert_msg(strstr(e.msg, "wl.yaml:9:5: layer 2 has input_size 19") != NULL, "%s", e.msg);
	/* fewer steps than the layer below, but not 1: which steps it would
	 * read has no rule (T = 1 reads the last one: many_to_one_*) */
	l[1].input_size = 20;
	l[1].timesteps = 3;
	ck_assert_int_eq(run(&h, l, 2, true, 4, NULL, &r, &e), SIM_EINPUT);
	ck_assert_str_eq(e.msg,
			 TEST_DIR "/wl.yaml:9:5: layer 2 has input_size 20, timesteps 3, batch_size 2; a "
				  "functional run feeds it layer 1's h, expected input_size 20, batch_size 2 and "
				  "timesteps 4 (every step) or 1 (the last step)");
}
END_TEST

/* The fc layer `fc` (T = 1) run alone on x (B, I) with the parameters
 * that layer 1 of a stack of seed `seed` draws (seed + SEED_STRIDE), saved
 * to a weights directory with that x (<f8: x is an h dumped as <f4, exact
 * in the data format, so the run rounds nothing of it). Returns its
 * output (1, B, H). */
static double *fc_alone(const hw_cfg_t *h, layer_cfg_t fc, uint64_t seed, const double *x)
{
	ck_assert_int_eq(system("rm -rf " TEST_DIR "/m2o_w " TEST_DIR "/m2o_y && mkdir -p " TEST_DIR "/m2o_w " TEST_DIR
				"/m2o_y"),
			 0);
	sim_err_t e = { 0 };
	weights_t *w = weights_random(&fc, seed + SEED_STRIDE, &e);
	ck_assert_ptr_nonnull(w);
	memcpy(w->x, x, (size_t)fc.batch_size * fc.input_size * sizeof *x);
	ck_assert_int_eq(weights_save(w, TEST_DIR "/m2o_w", NPY_F8, &e), SIM_OK);
	weights_destroy(w);
	snprintf(fc.weights, sizeof fc.weights, "m2o_w");
	run_result_t r = run_ok(h, &fc, 1, 1, TEST_DIR "/m2o_y");
	run_result_free(&r);
	return read_h(TEST_DIR "/m2o_y/layer0_h.npy", 1, fc.batch_size, fc.hidden_size);
}

/* The double reference of a recurrent layer then fc stack of seed `seed`
 * (fpipe.c's seed streams), the fc reading the layer's h of step last[b]
 * for sequence b; also the layer's reference h (T, B, H, or P with a
 * projection) into *hr. Returns the fc's output (1, B, Hfc). */
static double *m2o_reference(const layer_cfg_t *gru, layer_cfg_t fc, uint64_t seed, const uint32_t *last, double **hr)
{
	sim_err_t e = { 0 };
	uint32_t T = gru->timesteps, B = gru->batch_size, H = gru->proj_size ? gru->proj_size : gru->hidden_size;
	weights_t *wg = weights_random(gru, seed, &e), *wf = weights_random(&fc, seed + SEED_STRIDE, &e);
	ck_assert(wg && wf);
	*hr = malloc((size_t)T * B * H * sizeof **hr);
	double *y = malloc((size_t)B * fc.hidden_size * sizeof *y);
	ck_assert_int_eq(ref_run(wg, *hr, NULL, &e), SIM_OK);
	for (uint32_t b = 0; b < B; b++)
		memcpy(wf->x + (size_t)b * H, *hr + ((size_t)last[b] * B + b) * H, H * sizeof **hr);
	ck_assert_int_eq(ref_run(wf, y, NULL, &e), SIM_OK);
	weights_destroy(wg);
	weights_destroy(wf);
	return y;
}

/*
 * Many-to-one: workloads/networks/kws_gru.yaml, a GRU of T = 25 and an fc
 * of T = 1 that reads the GRU's last h (docs/numerics.md, Stacked layers).
 *   datapath   bit for bit: the fc's dumped output is the fc run alone
 *              (fc_alone) on the GRU's dumped h at t = T - 1, with the
 *              parameters of the stack's seed stream
 *   reference  the fc's reported error is exactly its dumped output
 *              against ref_run of the fc on the double GRU's h at T - 1
 *              (so the stack's reference reads that step too), within the
 *              bound; the reference on h at T - 2 is far from the output
 *   lengths    a GRU of B = 3 with sequence_lens {7, 3, 1} under an fc of
 *              T = 1: sequence b's input is its own last valid h, step
 *              len[b] - 1, both ways as above
 *   memory     the GRU's peak bytes are the same for T = 25 and T = 1000
 *              (the fc's input is one step, not the sequence)
 */
START_TEST(many_to_one_kws_gru)
{
	mkdirs();
	const uint64_t seed = 17;
	hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
	workload_t w;
	sim_err_t e = { 0 };
	ck_assert_msg(config_load_workload("workloads/networks/kws_gru.yaml", NULL, 0, &w, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(w.n_layers, 2);
	const layer_cfg_t *gru = &w.layers[0], *fc = &w.layers[1];
	const uint32_t T = gru->timesteps, H = gru->hidden_size, K = fc->hidden_size;
	ck_assert(T == 25 && fc->timesteps == 1 && gru->batch_size == 1 && fc->input_size == H);
	ck_assert_int_eq(system("rm -rf " TEST_DIR "/m2o && mkdir -p " TEST_DIR "/m2o"), 0);
	run_opts_t o = { .functional = true, .seed = seed, .dump_dir = TEST_DIR "/m2o" };
	run_result_t r;
	ck_assert_msg(accel_run(&h, &w, &o, &r, &e) == SIM_OK, "%s", e.msg);
	ck_assert_uint_eq(r.n_layers, 2);
	double *hg = read_h(TEST_DIR "/m2o/layer0_h.npy", T, 1, H), *y = read_h(TEST_DIR "/m2o/layer1_h.npy", 1, 1, K);
	double *alone = fc_alone(&h, *fc, seed, hg + (size_t)(T - 1) * H);
	ck_assert_msg(memcmp(y, alone, K * sizeof *y) == 0, "the fc's output is not the fc's on the GRU's last h");
	const uint32_t last = T - 1, before = T - 2;
	double *hr, *hr2;
	double *yr = m2o_reference(gru, *fc, seed, &last, &hr), *yb = m2o_reference(gru, *fc, seed, &before, &hr2);
	const func_layer_err_t *ef = &r.layers[1].err;
	ck_assert_msg(max_diff(y, yr, K) == ef->h.max_abs, "reported %g, against the last h's reference %g",
		      ef->h.max_abs, max_diff(y, yr, K));
	ck_assert(ef->h.max_abs > 0 && ef->h.max_abs < FP16_BOUND && ef->h_last.max_abs == ef->h.max_abs);
	ck_assert_msg(max_diff(y, yb, K) > 5 * FP16_BOUND, "h at T - 2 gives an fc output only %g away",
		      max_diff(y, yb, K));
	run_result_free(&r);
	free(hg), free(y), free(alone), free(hr), free(hr2), free(yr), free(yb);

	static const layer_lens_t lens = { .n = 3, .len = { 7, 3, 1 } };
	layer_cfg_t ls[2] = { *gru, *fc };
	ls[0].timesteps = 7, ls[0].batch_size = 3, ls[0].sequence_lens = lens;
	ls[1].batch_size = 3;
	workload_free(&w);
	ck_assert_int_eq(system("rm -rf " TEST_DIR "/m2o && mkdir -p " TEST_DIR "/m2o"), 0);
	r = run_ok(&h, ls, 2, seed, TEST_DIR "/m2o");
	hg = read_h(TEST_DIR "/m2o/layer0_h.npy", 7, 3, H);
	y = read_h(TEST_DIR "/m2o/layer1_h.npy", 1, 3, K);
	double *x = malloc((size_t)3 * H * sizeof *x);
	uint32_t lastb[3];
	for (uint32_t b = 0; b < 3; b++) {
		lastb[b] = lens.len[b] - 1;
		memcpy(x + (size_t)b * H, hg + ((size_t)lastb[b] * 3 + b) * H, H * sizeof *x);
	}
	alone = fc_alone(&h, ls[1], seed, x);
	ck_assert_msg(memcmp(y, alone, 3 * K * sizeof *y) == 0, "sequence_lens: the fc's input is not each last h");
	yr = m2o_reference(&ls[0], ls[1], seed, lastb, &hr);
	ck_assert(max_diff(y, yr, 3 * K) == r.layers[1].err.h.max_abs && r.layers[1].err.h.max_abs < FP16_BOUND);
	run_result_free(&r);
	free(hg), free(y), free(alone), free(hr), free(yr), free(x);

	size_t peak[2];
	const uint32_t Ts[2] = { 25, 1000 };
	h.memory.inter_bytes = 2048; /* memory_flat_in_t's: a ring of X sums shorter than T = 25 */
	for (int i = 0; i < 2; i++) {
		layer_cfg_t l[2] = { test_layer(CELL_GRU, GRU_RBM, 10, 20, Ts[i], 2),
				     test_layer(CELL_FC, GRU_LBR, 20, 12, 1, 2) };
		r = run_ok(&h, l, 2, seed, NULL);
		peak[i] = r.layers[0].err.state_peak_bytes;
		run_result_free(&r);
	}
	ck_assert_msg(peak[0] > 0 && peak[0] == peak[1],
		      "GRU under a many-to-one fc: %zu bytes for T = 25, %zu for 1000", peak[0], peak[1]);
}
END_TEST

/*
 * Many-to-one over a projection: an LSTMP (H = 20, P = 7, T = 6, B = 2)
 * under an fc of T = 1, whose input is the projected h (P wide) of the
 * last step. Bit for bit, the fc's dumped output is the fc run alone on the
 * LSTMP's dumped h at T - 1, and its reported error is exactly its output
 * against the reference fc on the double LSTMP's h at T - 1; the reference
 * on h at T - 2 is far from the output (so reading the wrong step fails).
 */
START_TEST(many_to_one_lstmp)
{
	mkdirs();
	const uint64_t seed = 5;
	const uint32_t T = 6, B = 2, P = 7, K = 5;
	hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
	layer_cfg_t ls[2] = { test_layer(CELL_LSTM, GRU_LBR, 12, 20, T, B), test_layer(CELL_FC, GRU_LBR, P, K, 1, B) };
	ls[0].proj_size = P;
	ck_assert_int_eq(system("rm -rf " TEST_DIR "/m2o && mkdir -p " TEST_DIR "/m2o"), 0);
	run_result_t r = run_ok(&h, ls, 2, seed, TEST_DIR "/m2o");
	double *hp = read_h(TEST_DIR "/m2o/layer0_h.npy", T, B, P), *y = read_h(TEST_DIR "/m2o/layer1_h.npy", 1, B, K);
	double *alone = fc_alone(&h, ls[1], seed, hp + (size_t)(T - 1) * B * P);
	ck_assert_msg(memcmp(y, alone, (size_t)B * K * sizeof *y) == 0,
		      "the fc's output is not the fc's on the LSTMP's last projected h");
	const uint32_t last[2] = { T - 1, T - 1 }, before[2] = { T - 2, T - 2 };
	double *hr, *hr2;
	double *yr = m2o_reference(&ls[0], ls[1], seed, last, &hr),
	       *yb = m2o_reference(&ls[0], ls[1], seed, before, &hr2);
	const func_layer_err_t *ef = &r.layers[1].err;
	ck_assert_msg(max_diff(y, yr, B * K) == ef->h.max_abs, "reported %g, against the last h's reference %g",
		      ef->h.max_abs, max_diff(y, yr, B * K));
	ck_assert(ef->h.max_abs > 0 && ef->h.max_abs < FP16_BOUND);
	ck_assert_msg(max_diff(y, yb, B * K) > 5 * FP16_BOUND, "h at T - 2 gives an fc output only %g away",
		      max_diff(y, yb, B * K));
	run_result_free(&r);
	free(hp), free(y), free(alone), free(hr), free(hr2), free(yr), free(yb);
}
END_TEST

/* A classifier head: GRU then fc reading the GRU's datapath h, every
 * schedule. The head's error carries the GRU's through W (|W| <= 1/sqrt(H)
 * per entry) plus its own MVM and output rounding: within the bound. */
START_TEST(classifier_head)
{
	static const sched_kind_t sk[4] = { SCHED_KIND_SEQUENTIAL, SCHED_KIND_BATCH, SCHED_KIND_INTERGATE,
					    SCHED_KIND_UNFOLDED };
	for (int s = 0; s < 4; s++) {
		hw_cfg_t h = hw_small(sk[s], TILE_AUTO);
		layer_cfg_t l[2] = { test_layer(CELL_GRU, GRU_LBR, 12, 20, 5, 2),
				     test_layer(CELL_FC, GRU_LBR, 20, 6, 5, 2) };
		run_result_t r = run_ok(&h, l, 2, 6, NULL);
		ck_assert_msg(r.layers[1].err.h.max_abs > 0 && r.layers[1].err.h.max_abs < FP16_BOUND,
			      "sched %d: head error %g", s, r.layers[1].err.h.max_abs);
		ck_assert(!r.layers[1].err.has_c);
		run_result_free(&r);
	}
}
END_TEST

/* fix16x8 (data Q12, weights Q7, 32-bit accumulator) and fix16x16. */
START_TEST(fixed_point)
{
	for (int c = 0; c < NCELLS; c++) {
		hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
		h.precision.mul = PREC_FIX16X8;
		h.precision.data_frac = 12;
		h.precision.weight_frac = 7;
		layer_cfg_t l = test_layer(cells[c], forms[c], 12, 20, 5, 2);
		run_result_t r = run_ok(&h, &l, 1, 3, NULL);
		ck_assert_msg(r.layers[0].err.h.max_abs > 0 && r.layers[0].err.h.max_abs < FIX_BOUND,
			      "fix16x8 cell %d: %g", c, r.layers[0].err.h.max_abs);
		uint64_t m = test_counter(&r, "func.multiplies");
		ck_assert_uint_eq(m, test_counter(&r, "vs.useful_macs"));
		run_result_free(&r);
		/* 16-bit weights Q14: the weight rounding (2^-15) drops below the
		 * data's (2^-13), so the error is about fp16's. */
		h.precision.mul = PREC_FIX16X16;
		h.precision.weight_frac = 14;
		r = run_ok(&h, &l, 1, 3, NULL);
		ck_assert_msg(r.layers[0].err.h.max_abs < FP16_BOUND, "fix16x16 cell %d: %g", c,
			      r.layers[0].err.h.max_abs);
		run_result_free(&r);
	}
}
END_TEST

/* ---- the compute unit's functional arithmetic ---- */

typedef struct cu_rig {
	cu_t *cu;
	stats_t *st;
} cu_rig_t;

/* A compute unit whose tiles' wf have panels of `panel` rows (0: the
 * widest this CPU runs, cu_panel_of). */
static cu_rig_t rig_panel(uint32_t n, uint32_t k, int prec, uint32_t acc_bits, uint32_t panel)
{
	cu_rig_t g;
	g.st = stats_create();
	cu_cfg_t cfg = { .vs_units = n,
			 .vs_width = k,
			 .mult_latency = 1,
			 .acc_latency = 1,
			 .accumulators = 4,
			 .functional = true,
			 .prec = prec,
			 .acc_bits = acc_bits,
			 .panel = panel };
	g.cu = cu_create(&cfg, g.st);
	ck_assert(g.cu != NULL);
	return g;
}

static cu_rig_t rig(uint32_t n, uint32_t k, int prec, uint32_t acc_bits)
{
	return rig_panel(n, k, prec, acc_bits, 0);
}

static void unrig(cu_rig_t *g)
{
	cu_destroy(g->cu);
	stats_destroy(g->st);
}

/* Pushes the tiles of one block (one per cycle) and returns its sums. */
static const uint32_t *block(cu_rig_t *g, cu_tile_t *tiles, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		while (cu_in_ready(g->cu, &tiles[i]) != CU_REFUSE_NONE)
			cu_tick(g->cu);
		cu_in_push(g->cu, &tiles[i]);
		cu_tick(g->cu);
	}
	const cu_out_t *o;
	for (int c = 0; c < 64 && !(o = cu_out_peek(g->cu)); c++)
		cu_tick(g->cu);
	ck_assert(o != NULL);
	return o->sums;
}

/* The accumulator saturates acc + exact tree sum, not a pre-clamped sum:
 * acc_bits 16, tile sums -30000 then +40000 (alone beyond 32767): the
 * contract gives sat(-30000 + 40000) = 10000 (clamping 40000 first would
 * give 2767). */
START_TEST(cu_fixed_accumulator_saturation)
{
	cu_rig_t g = rig(2, 1, PREC_FIX16X8, 16);
	uint16_t w[2] = { 1, 1 }, x1[2] = { (uint16_t)(int16_t)-30000, 0 }, x2[2] = { 20000, 20000 };
	cu_tile_t t[2] = {
		{ .cfg = 4, .first = true, .tag = { .block = 1 }, .w = w, .x = x1 },
		{ .cfg = 4, .last = true, .tag = { .block = 1 }, .w = w, .x = x2 },
	};
	ck_assert_int_eq((int32_t)block(&g, t, 2)[0], 10000);
	unrig(&g);
}
END_TEST

static uint16_t special16(uint64_t *s)
{
	static const uint16_t sp[] = { 0x0000, 0x8000, 0x0001, 0x83FF, 0x7C00, 0xFC00, 0x7E00, 0x7D01, 0x7BFF, 0xFBFF };
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	uint16_t r = (uint16_t)(*s >> 48);
	return (*s >> 20) % 8 == 0 ? sp[(*s >> 24) % 10] : r;
}

/* The float fast path (pre-widened wf/xf) gives the bit-pattern path's bits
 * for random fp16 and bf16 operands with specials (zeros of both signs,
 * subnormals, infinities, NaNs with payloads), every tile config, with and
 * without init, N a power of two (the fused trees) and not (24: the
 * hierarchical tree through the stack), K = 4 and 13 (Kr from 4 to 104:
 * panels of 4 rows and of 8 (cu_cfg_t.panel: SSE2's and AVX's; the
 * variant this CPU runs for 8), runs of 16 lanes, full panels left over
 * and a last short panel of 1 to 7 rows; Kc from 3 to 32: the tree's
 * first three levels formed at once, and carried across runs of 8
 * leaves). */
START_TEST(cu_float_path_matches_bits)
{
	static const uint32_t ns[2] = { 32, 24 }, ks[2] = { 4, 13 };
	uint64_t seed = 1;
	for (int q = 0; q < 4; q++)
		for (int ni = 0; ni < 4; ni++)
			for (unsigned cfg = 1; cfg <= 4; cfg++) {
				uint32_t n = ns[ni % 2], k = ks[ni / 2], groups = 8u >> (cfg - 1), kr = groups * k,
					 kc = n / groups, pw = q / 2 ? CU_PANEL_AVX : CU_PANEL_SSE;
				int p = q % 2, prec = p ? PREC_BF16 : PREC_FP16;
				cu_rig_t a = rig(n, k, prec, 32), b = rig_panel(n, k, prec, 32, pw);
				uint16_t w[3][512], x[3][32];
				/* wf exactly Kr * Kc floats, so that a read past the
				 * tile's rows is an overflow that ASan reports */
				float *wf[3], xf[3][32];
				uint32_t init[128];
				for (int t = 0; t < 3; t++) {
					wf[t] = malloc((size_t)kr * kc * sizeof *wf[t]);
					ck_assert_ptr_nonnull(wf[t]);
					/* wf in panels (cu.h): w's row r, leaf j at
					 * cu_wf_row(kr, kc, r, pw, &ld) + j * ld */
					for (uint32_t i = 0, ld; i < kr * kc; i++) {
						w[t][i] = special16(&seed);
						wf[t][cu_wf_row(kr, kc, i / kc, pw, &ld) + i % kc * ld] =
							p ? arith_bf16_to_float(w[t][i]) : arith_f16_to_float(w[t][i]);
					}
					for (uint32_t i = 0; i < kc; i++) {
						x[t][i] = special16(&seed);
						xf[t][i] =
							p ? arith_bf16_to_float(x[t][i]) : arith_f16_to_float(x[t][i]);
					}
				}
				for (uint32_t r = 0; r < kr; r++)
					init[r] = (uint32_t)special16(&seed) << 16 | special16(&seed);
				cu_tile_t ta[3], tb[3];
				for (int t = 0; t < 3; t++) {
					ta[t] = (cu_tile_t){ .cfg = (uint8_t)cfg,
							     .first = t == 0,
							     .last = t == 2,
							     .has_init = t == 0 && cfg % 2,
							     .tag = { .block = 7 },
							     .w = w[t],
							     .x = x[t],
							     .init = init };
					tb[t] = ta[t];
					tb[t].wf = wf[t];
					tb[t].xf = xf[t];
				}
				const uint32_t *sa = block(&a, ta, 3), *sb = block(&b, tb, 3);
				for (uint32_t r = 0; r < kr; r++)
					ck_assert_msg(sa[r] == sb[r],
						      "prec %d N %u cfg %u panel %u row %u: %08x vs %08x", p, n, cfg,
						      pw, r, sa[r], sb[r]);
				unrig(&a);
				unrig(&b);
				for (int t = 0; t < 3; t++)
					free(wf[t]);
			}
}
END_TEST

static uint32_t special32(uint64_t *s)
{
	static const uint32_t sp[] = { 0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x7F800000,
				       0xFF800000, 0x7FC12345, 0x7F800001, 0x7F7FFFFF, 0xFF7FFFFF };
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	uint32_t r = (uint32_t)(*s >> 32);
	/* 1 in 64: a row of up to 32 products keeps finite sums often enough */
	if ((*s >> 20) % 64 == 0)
		return sp[(*s >> 24) % 10];
	/* exponents 2^-20 .. 2^20 mostly, so that sums cancel and round */
	return (r & 0x807FFFFFu) | (uint32_t)(107 + (r >> 23) % 41) << 23;
}

/* Adjacent-pair reduction with the contract's fp32 add (docs/numerics.md
 * §2), written out again here as the oracle of the fp32 tree. */
static uint32_t pair_reduce(uint32_t *v, uint32_t n)
{
	while (n > 1) {
		for (uint32_t i = 0; i < n / 2; i++)
			v[i] = arith_f32_add(v[2 * i], v[2 * i + 1]);
		if (n & 1)
			v[n / 2] = v[n - 1];
		n = n / 2 + (n & 1);
	}
	return v[0];
}

/* special32 for leaves j < 8 and n <= 32; past that only its ordinary
 * values (exponents 2^-20 .. 2^20), so that rows of 256 leaves keep finite
 * sums often enough for their rounding to be compared. */
static uint32_t special_first8(uint64_t *s, uint32_t n, uint32_t j)
{
	uint32_t v = special32(s);
	while ((n > 32 && j >= 8) && ((v >> 23 & 0xFF) < 107 || (v >> 23 & 0xFF) > 147))
		v = special32(s);
	return v;
}

/* precision.mul=fp32: tiles carry only the float operands (no 16-bit
 * words); the compute unit's sums equal the contract's fp32 x fp32 -> fp32
 * products (arith_f32_mul, checked against MPFR in test_arith.c) summed by
 * the hierarchical adjacent-pair tree and the accumulator, bit for bit, on
 * operands with specials (NaN payloads, subnormals, infinities), every
 * tile config, with and without init, N a power of two and not, K = 4 and
 * 13 (the panels and row runs of cu.c's float path, at both panel widths,
 * as in cu_float_path_matches_bits), N = 256 (Kc 32 to 256: the runs of 64
 * leaves and their roots' stack, cu_rows_big) and N = 8 (Kc 1 to 8). */
START_TEST(cu_fp32_matches_contract)
{
	static const uint32_t ns[4] = { 32, 24, 256, 8 }, ks[2] = { 4, 13 };
	uint64_t seed = 5;
	uint32_t rows = 0, finite = 0, finite_wide = 0;
	for (int ni = 0; ni < 16; ni++)
		for (unsigned cfg = 1; cfg <= 4; cfg++) {
			uint32_t n = ns[ni % 4], k = ks[ni / 4 % 2], groups = 8u >> (cfg - 1), kr = groups * k,
				 kc = n / groups, pw = ni / 8 ? CU_PANEL_AVX : CU_PANEL_SSE;
			uint32_t sub = n / 8, nsub = kc / sub; /* 8 divides every N: the tree's groups */
			cu_rig_t g = rig_panel(n, k, PREC_FP32, 32, pw);
			static uint32_t w[3][3328], x[3][256];
			uint32_t init[128], want[128];
			static float wf[3][3328], xf[3][256];
			for (int t = 0; t < 3; t++) {
				for (uint32_t i = 0, ld; i < kr * kc; i++)
					wf[t][cu_wf_row(kr, kc, i / kc, pw, &ld) + i % kc * ld] =
						arith_bits_to_float(w[t][i] = special_first8(&seed, n, i % kc));
				for (uint32_t i = 0; i < kc; i++)
					xf[t][i] = arith_bits_to_float(x[t][i] = special_first8(&seed, n, i));
			}
			for (uint32_t r = 0; r < kr; r++)
				init[r] = special32(&seed);
			cu_tile_t tiles[3];
			for (int t = 0; t < 3; t++) {
				tiles[t] = (cu_tile_t){ .cfg = (uint8_t)cfg,
							.first = t == 0,
							.last = t == 2,
							.has_init = t == 0 && cfg % 2,
							.tag = { .block = 9 },
							.init = init,
							.wf = wf[t],
							.xf = xf[t] };
				for (uint32_t r = 0; r < kr; r++) {
					uint32_t leaf[256], node[8];
					for (uint32_t j = 0; j < kc; j++)
						leaf[j] = arith_f32_mul(w[t][r * kc + j], x[t][j]);
					for (uint32_t q = 0; q < nsub; q++)
						node[q] = pair_reduce(leaf + q * sub, sub);
					uint32_t sum = pair_reduce(node, nsub);
					want[r] = t		      ? arith_f32_add(want[r], sum)
						  : tiles[0].has_init ? arith_f32_add(init[r], sum)
								      : sum;
				}
			}
			const uint32_t *got = block(&g, tiles, 3);
			for (uint32_t r = 0; r < kr; r++) {
				ck_assert_msg(got[r] == want[r], "N %u cfg %u panel %u row %u: %08x, expected %08x", n,
					      cfg, pw, r, got[r], want[r]);
				rows++;
				finite += (got[r] & 0x7F800000u) != 0x7F800000u;
				finite_wide += n > 32 && (got[r] & 0x7F800000u) != 0x7F800000u;
			}
			unrig(&g);
		}
	/* most sums are finite, so the rounding of real additions is compared */
	ck_assert_msg(finite * 2 > rows, "%u of %u sums finite", finite, rows);
	ck_assert_msg(finite_wide > 100, "%u sums finite at N = 256", finite_wide);
}
END_TEST

/* Functional mode's memory is flat in T: fpipe keeps rings of the steps
 * the pipeline can still read, runs the reference a step at a time and
 * streams the dumps, so the peak of the bytes it allocates (its own
 * deterministic count, state_peak_bytes) is the same for T = 25 and
 * T = 1000 once T exceeds the rings' depths (the intermediate buffer is
 * shrunk to keep its run-ahead depth below 25). Under the T-long arrays it
 * replaced, the T = 1000 run held over 1000 * B * H * 8 bytes more. */
/* The double reference runs only when asked (run_opts_t.no_reference):
 * without it a run computes the same datapath values (every dumped h and
 * c bit for bit, every counter, the cycles), reports no error figures and
 * no classifier head, and holds less state; its random weights are drawn
 * straight into the tiles (fpipe.c fp_draw) instead of laid out from whole
 * matrices. A stack of every cell with a GRU + fc head at the end, fp16
 * and fp32, and a bidirectional LSTM, a reverse GRU and a bidirectional
 * GRU (reset_before_matmul) with sequence lengths. */
static void read_all(const char *path, char **buf, size_t *n)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	*buf = malloc(*n ? *n : 1);
	ck_assert(fread(*buf, 1, *n, f) == *n);
	fclose(f);
}

/* Removes the files of dir; with other, compares each with other's file of
 * the same name byte for byte instead. Returns the files seen. */
static size_t dump_files(const char *dir, const char *other)
{
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "%s", dir);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char pa[512], pb[512];
		snprintf(pa, sizeof pa, "%s/%s", dir, e->d_name);
		n++;
		if (!other) {
			unlink(pa);
			continue;
		}
		snprintf(pb, sizeof pb, "%s/%s", other, e->d_name);
		char *ba, *bb;
		size_t na, nb;
		read_all(pa, &ba, &na);
		read_all(pb, &bb, &nb);
		ck_assert_msg(na == nb && memcmp(ba, bb, na) == 0, "%s and %s differ", pa, pb);
		free(ba);
		free(bb);
	}
	closedir(d);
	return n;
}

START_TEST(reference_off_same_values)
{
	mkdirs();
	const char *dir[2] = { TEST_DIR "/ref", TEST_DIR "/noref" };
	for (int net = 0; net < 3; net++) {
		hw_cfg_t h = hw_small(SCHED_KIND_UNFOLDED, TILE_AUTO);
		if (net == 1)
			h.precision.mul = PREC_FP32;
		layer_cfg_t l[NCELLS + 1];
		size_t n = 0;
		if (net < 2) {
			for (int c = 0; c < NCELLS; c++)
				if (cells[c] != CELL_FC)
					l[n++] = test_layer(cells[c], forms[c], 12, 12, 4, 2);
			l[n++] = test_layer(CELL_GRU, GRU_LBR, 12, 12, 4, 2);
			l[n++] = test_layer(CELL_FC, GRU_LBR, 12, 6, 4, 2);
		} else {
			static const uint32_t lens[3] = { 3, 5, 1 };
			l[n++] = test_layer(CELL_LSTM, GRU_LBR, 12, 12, 5, 3);
			l[n++] = test_layer(CELL_GRU, GRU_LBR, 24, 12, 5, 3);
			l[n++] = test_layer(CELL_GRU, GRU_RBM, 12, 12, 5, 3);
			l[0].direction = DIR_BI, l[1].direction = DIR_REV, l[2].direction = DIR_BI;
			for (size_t i = 0; i < n; i++)
				l[i].sequence_lens.n = 3, memcpy(l[i].sequence_lens.len, lens, sizeof lens);
		}
		workload_t w = { .name = "t", .layers = l, .n_layers = n };
		snprintf(w.path, sizeof w.path, "%s", TEST_DIR "/wl.yaml");
		run_result_t r[2];
		for (int k = 0; k < 2; k++) {
			mkdir(dir[k], 0777);
			dump_files(dir[k], NULL);
			run_opts_t o = { .functional = true, .seed = 5, .dump_dir = dir[k], .no_reference = k == 1 };
			sim_err_t e = { 0 };
			ck_assert_msg(accel_run(&h, &w, &o, &r[k], &e) == SIM_OK, "%s", e.msg);
		}
		ck_assert(r[0].reference && !r[1].reference && r[1].functional);
		ck_assert_uint_eq(r[0].cycles, r[1].cycles);
		ck_assert_uint_eq(stats_size(r[0].stats), stats_size(r[1].stats));
		for (size_t i = 0; i < stats_size(r[0].stats); i++)
			ck_assert_uint_eq(stats_value(r[0].stats, i), stats_value(r[1].stats, i));
		ck_assert_uint_eq(r[0].n_layers, r[1].n_layers);
		for (size_t i = 0; i < r[0].n_layers; i++) {
			const func_layer_err_t *a = &r[0].layers[i].err, *b = &r[1].layers[i].err;
			ck_assert(a->h.max_abs > 0 && b->h.max_abs == 0 && b->h.rms == 0 && b->h_last.max_abs == 0);
			ck_assert(b->c.max_abs == 0 && b->has_c == a->has_c);
			ck_assert(a->head == (net < 2 && i + 1 == n) && !b->head);
			ck_assert_uint_lt(b->state_peak_bytes, a->state_peak_bytes);
		}
		ck_assert_uint_ge(dump_files(dir[1], dir[0]), n);
		run_result_free(&r[0]);
		run_result_free(&r[1]);
	}
}
END_TEST

START_TEST(memory_flat_in_t)
{
	mkdirs();
	const sched_kind_t scheds[2] = { SCHED_KIND_UNFOLDED, SCHED_KIND_SEQUENTIAL };
	for (int c = 0; c < NCELLS; c++)
		for (int k = 0; k < 2; k++) {
			hw_cfg_t h = hw_small(scheds[k], TILE_AUTO);
			h.memory.inter_bytes = 2048;
			size_t peak[2];
			const uint32_t T[2] = { 25, 1000 };
			for (int i = 0; i < 2; i++) {
				layer_cfg_t l = test_layer(cells[c], forms[c], 12, 20, T[i], 2);
				run_result_t r = run_ok(&h, &l, 1, 3, TEST_DIR);
				peak[i] = r.layers[0].err.state_peak_bytes;
				run_result_free(&r);
			}
			ck_assert_msg(peak[0] > 0 && peak[0] == peak[1],
				      "cell %d, schedule %d: functional state peaks at %zu bytes for T = 25, "
				      "%zu for T = 1000",
				      c, k, peak[0], peak[1]);
		}
}
END_TEST

Suite *functional_suite(void)
{
	Suite *s = suite_create("functional");
	TCase *e2e = tcase_create("end_to_end");
	tcase_set_timeout(e2e, 60);
	tcase_add_test(e2e, cells_and_schedules_fp16);
	tcase_add_test(e2e, cells_fp32);
	tcase_add_test(e2e, deps_element_same_values);
	tcase_add_test(e2e, timing_unchanged);
	tcase_add_test(e2e, multiplies_equal_useful_macs);
	tcase_add_test(e2e, lstmp_projection_values);
	tcase_add_test(e2e, sequence_lens_values);
	tcase_add_test(e2e, sequence_lens_x_ring_sized_by_fewest);
	tcase_add_test(e2e, dump_and_broken_datapath_caught);
	tcase_add_test(e2e, weights_directory);
	tcase_add_test(e2e, peephole_weights_directory);
	tcase_add_test(e2e, stacked_layers);
	tcase_add_test(e2e, many_to_one_kws_gru);
	tcase_add_test(e2e, many_to_one_lstmp);
	tcase_add_test(e2e, classifier_head);
	tcase_add_test(e2e, fixed_point);
	tcase_add_test(e2e, memory_flat_in_t);
	tcase_add_test(e2e, reference_off_same_values);
	suite_add_tcase(s, e2e);
	TCase *cu = tcase_create("compute_unit");
	tcase_add_test(cu, cu_fixed_accumulator_saturation);
	tcase_add_test(cu, cu_float_path_matches_bits);
	tcase_add_test(cu, cu_fp32_matches_contract);
	suite_add_tcase(s, cu);
	return s;
}
