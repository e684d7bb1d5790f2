/*
 * test_cmpfunc.c - functional runs compute with the weights as stored
 * (sim/compress/cmp_layer.h): pruned by the timing's own mask, quantized
 * to weight_bits with their scales; the error is taken against the dense
 * double reference; a classifier head reports changed decisions and KL
 * (docs/compression.md §6, "Values").
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../sim/compress/cmp_layer.h"
#include "../sim/compress/cmp_prune.h"
#include "../sim/compress/cmp_quant.h"
#include "../sim/config/config.h"
#include "../sim/core/run.h"
#include "../sim/func/head.h"
#include "../sim/func/npy.h"
#include "../sim/func/weights.h"
#include "testutil.h"

#define CF_DIR "build/cmpfunc-test"

static hw_cfg_t small(void)
{
	return test_hw(16, 8, TILE_AUTO, SCHED_KIND_UNFOLDED);
}

static double *read_npy(const char *path, size_t n)
{
	npy_array_t a;
	sim_err_t e = { 0 };
	ck_assert_msg(npy_read(path, &a, &e) == SIM_OK, "%s", e.msg);
	size_t m = 1;
	for (unsigned i = 0; i < a.ndim; i++)
		m *= a.shape[i];
	ck_assert_uint_eq(m, n);
	return a.data;
}

/* Runs l functionally (seed 7), dumping h into CF_DIR, and returns h. */
static double *run_h(const hw_cfg_t *h, layer_cfg_t *l, run_result_t *r)
{
	*r = test_run_layers_ok(h, l, 1, 7, CF_DIR, CF_DIR "/wl.yaml");
	return read_npy(CF_DIR "/layer0_h.npy", (size_t)l->timesteps * l->batch_size * l->hidden_size);
}

/* Writes seed 7's parameters of l with the timing's zeros (pass 0's
 * masks) written in and, below 16 bits, quantized as cmp_quant.h says,
 * into CF_DIR/<sub>; l's own storage keys are what the run would use. */
static void write_stored(const layer_cfg_t *l, const char *sub)
{
	char dir[256];
	snprintf(dir, sizeof dir, CF_DIR "/%s", sub);
	mkdir(dir, 0777);
	sim_err_t e = { 0 };
	weights_t *w = weights_random(l, 7, &e);
	ck_assert_ptr_nonnull(w);
	size_t rows = (size_t)w->G * w->H, cols[2] = { w->I, w->H };
	double *M[2] = { w->W, w->U };
	cmp_mask_t *mask[2] = { NULL, NULL };
	uint64_t nnz = 0;
	if (workload_sparse(l))
		ck_assert_int_eq(cmp_layer_masks(l, 0, NULL, false, mask, &nnz, &e), SIM_OK);
	for (int m = 0; m < 2; m++) {
		for (size_t r = 0; mask[m] && r < rows; r++)
			for (size_t c = 0; c < cols[m]; c++)
				if (!cmp_mask_nz(mask[m], r, c))
					M[m][r * cols[m] + c] = 0;
		if (workload_weight_bits(l) < 16) {
			cmp_quant_cfg_t q = { .bits = workload_weight_bits(l), .group = CMP_GROUP_ROW };
			ck_assert_int_eq(cmp_quantize(&q, M[m], rows, cols[m], NULL, &e), SIM_OK);
		}
		cmp_mask_destroy(mask[m]);
	}
	ck_assert_int_eq(weights_save(w, dir, NPY_F8, &e), SIM_OK);
	weights_destroy(w);
}

/* A pruned run computes what a dense run computes on a weights directory
 * with the same zeros written in, bit for bit: unstructured zeros stored
 * dense (every tile issued), and 8 x 8 block zeros in a bitmask layout
 * whose empty column tiles the program leaves out (the remaining tiles
 * read their own columns of x and h). Only the reference differs: the
 * pruned run's is the dense model's. The same holds for 4-bit weights
 * against the directory quantized by cmp_quant. */
START_TEST(stored_values_equal_a_dense_run_on_them)
{
	mkdir("build", 0777);
	mkdir(CF_DIR, 0777);
	hw_cfg_t h = small();
	struct {
		double s;
		sparse_pattern_t pat;
		sparse_format_t fmt;
		weight_bits_t bits;
	} c[] = {
		{ 0.5, SPARSE_UNSTRUCTURED, SFMT_DENSE, WBITS_16 },
		{ 0.9, SPARSE_BLOCK, SFMT_BITMASK, WBITS_16 },
		{ 0, SPARSE_UNSTRUCTURED, SFMT_DENSE, WBITS_4 },
		{ 0.8, SPARSE_ROW_BALANCED, SFMT_CSR, WBITS_8 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 64, 64, 4, 2);
		l.sparsity = c[i].s;
		l.sparsity_pattern = c[i].pat;
		l.sparse_format = c[i].fmt;
		l.weight_bits = c[i].bits;
		run_result_t rp, rd, r0;
		double *hp = run_h(&h, &l, &rp);
		write_stored(&l, "stored");
		layer_cfg_t d = test_layer(CELL_LSTM, GRU_LBR, 64, 64, 4, 2);
		snprintf(d.weights, sizeof d.weights, "stored");
		double *hd = run_h(&h, &d, &rd);
		ck_assert_msg(memcmp(hp, hd, 4 * 2 * 64 * sizeof *hp) == 0, "case %zu: values differ", i);
		/* pruning and quantizing cost error against the dense model */
		layer_cfg_t o = test_layer(CELL_LSTM, GRU_LBR, 64, 64, 4, 2);
		free(run_h(&h, &o, &r0));
		ck_assert_msg(rp.layers[0].err.h.rms > 2 * r0.layers[0].err.h.rms, "case %zu: %g vs %g", i,
			      rp.layers[0].err.h.rms, r0.layers[0].err.h.rms);
		if (c[i].fmt == SFMT_BITMASK)
			ck_assert_uint_lt(test_counter(&rp, "ctrl.tiles"), test_counter(&rd, "ctrl.tiles"));
		free(hp);
		free(hd);
		run_result_free(&rp);
		run_result_free(&rd);
		run_result_free(&r0);
	}
}
END_TEST

/* On a fixed seed the error grows as the bits shrink, 8 -> 4 -> 2, and
 * fp16 dense weights (the keys at their defaults) cost nothing beyond the
 * datapath's own error: the same numbers as a run that never had the
 * keys. */
START_TEST(error_grows_as_bits_shrink)
{
	mkdir("build", 0777);
	mkdir(CF_DIR, 0777);
	hw_cfg_t h = small();
	static const weight_bits_t bits[] = { WBITS_16, WBITS_8, WBITS_4, WBITS_2 };
	double prev = -1;
	for (size_t i = 0; i < 4; i++) {
		layer_cfg_t l[2] = { test_layer(CELL_GRU, GRU_LBR, 32, 64, 6, 2),
				     test_layer(CELL_FC, GRU_LBR, 64, 10, 6, 2) };
		l[0].weight_bits = l[1].weight_bits = bits[i];
		run_result_t r = test_run_layers_ok(&h, l, 2, 3, NULL, CF_DIR "/wl.yaml");
		double e = r.layers[1].err.h.rms;
		ck_assert_msg(e > prev, "%u bits: rms %g not above %g", workload_weight_bits(&l[0]), e, prev);
		ck_assert(r.layers[1].err.head);
		ck_assert(!r.layers[0].err.head);
		ck_assert_uint_eq(r.layers[1].err.head_decisions, 6 * 2);
		ck_assert(r.layers[1].err.head_kl_mean >= 0);
		ck_assert_uint_le(r.layers[1].err.head_last_changed, r.layers[1].err.head_changed);
		ck_assert(r.layers[1].err.head_last_kl_mean >= 0);
		if (bits[i] == WBITS_16)
			ck_assert_uint_eq(r.layers[1].err.head_changed, 0);
		prev = e;
		run_result_free(&r);
	}
	/* fp16, dense: the technique's share is exactly 0 */
	layer_cfg_t a = test_layer(CELL_GRU, GRU_LBR, 32, 64, 6, 2), b = a;
	b.weight_scale = WSCALE_TENSOR; /* ignored at 16 bits */
	run_result_t ra = test_run_layers_ok(&h, &a, 1, 3, NULL, CF_DIR "/wl.yaml");
	run_result_t rb = test_run_layers_ok(&h, &b, 1, 3, NULL, CF_DIR "/wl.yaml");
	ck_assert(memcmp(&ra.layers[0].err.h, &rb.layers[0].err.h, sizeof ra.layers[0].err.h) == 0);
	run_result_free(&ra);
	run_result_free(&rb);
}
END_TEST

/* head.h by hand: reference logits (0, ln 3) give p = (1/4, 3/4), the
 * datapath's (0, 0) q = (1/2, 1/2); argmax 1 against 0 (the lower index
 * wins the tie): changed. KL = 1/4 ln(1/2) + 3/4 ln(3/2) = 0.1308...
 * Equal logits: unchanged, KL 0. A NaN logit: changed, KL infinite. */
START_TEST(head_by_hand)
{
	double ref[4] = { 0, log(3.0), 1, 2 }, got[4] = { 0, 0, 1, 2 };
	head_acc_t a = { 0 };
	head_acc_add(&a, got, ref, 2, 2);
	ck_assert_uint_eq(a.decisions, 2);
	ck_assert_uint_eq(a.changed, 1);
	ck_assert_double_eq_tol(a.kl_sum, 0.25 * log(0.5) + 0.75 * log(1.5), 1e-15);
	double nan2[2] = { NAN, 0 };
	head_acc_add(&a, nan2, ref, 1, 2);
	ck_assert_uint_eq(a.changed, 2);
	ck_assert(isinf(a.kl_sum));
}
END_TEST

/* Codebook storage in timing: a vanilla RNN, I = 16, H = 4, on N = K = 4
 * in config4 (4 x 4 tiles, Intergate): 4 X tiles and 1 H tile a step, 16
 * weights each. 2-bit indices, 4 fp32 entries:
 *   per tensor (one codebook per tile): 16 * 2 / 8 = 4 index bytes + 4 * 4
 *     = 16 entry bytes = 20 bytes a tile, 5 * 20 = 100 bytes a step;
 *   per row (4 rows a tile): 4 + 4 * 16 = 68 bytes a tile, 340 a step.
 * The read port moves 4 bank rows a tile (one per column, one row group)
 * of ceil(4 * 2 / 8) = 1 byte plus the tile's entries: 20 (68) bytes a
 * tile, T = 3 steps: 300 (1020) bytes. fp16: 32 bytes a tile, 160 a step.
 * Every tile passes the decompression unit: 16 lookups a tile, 240. */
START_TEST(codebook_bytes_closed_form)
{
	mkdir("build", 0777);
	mkdir(CF_DIR, 0777);
	hw_cfg_t h = test_hw(4, 4, TILE_CONFIG4, SCHED_KIND_INTERGATE);
	static const struct {
		weight_scale_t group;
		uint64_t step, read;
	} c[] = { { WSCALE_TENSOR, 100, 300 }, { WSCALE_ROW, 340, 1020 } };
	for (size_t i = 0; i < 2; i++) {
		layer_cfg_t l = test_layer(CELL_VANILLA, GRU_LBR, 16, 4, 3, 1);
		l.weight_codebook = WCB_KMEANS;
		l.codebook_bits = 2;
		l.weight_scale = c[i].group;
		run_result_t r;
		sim_err_t e;
		ck_assert_int_eq(test_run_layers(&h, &l, 1, false, 1, NULL, CF_DIR "/wl.yaml", &r, &e), SIM_OK);
		ck_assert_uint_eq(r.layers[0].weight_bytes, c[i].step);
		ck_assert_uint_eq(r.layers[0].fp16_weight_bytes, 160);
		ck_assert_uint_eq(test_counter(&r, "wbuf.read_bytes"), c[i].read);
		ck_assert_uint_eq(test_counter(&r, "dcmp.weights"), 3 * 5 * 16);
		run_result_free(&r);
	}
}
END_TEST

/* A codebook layer's functional values are those of a dense run on the
 * weights cmp_codebook writes (k-means, 3-bit indices, per row; and
 * NeuCompression's 8x preset, one codebook per 256 x 256 block), bit for
 * bit; a pruned codebook layer keeps its zeros (entries replace only
 * non-zeros). */
START_TEST(codebook_values_equal_a_dense_run_on_them)
{
	mkdir("build", 0777);
	mkdir(CF_DIR, 0777);
	hw_cfg_t h = small();
	static const weight_codebook_t kind[] = { WCB_KMEANS, WCB_NEU8, WCB_UNIFORM };
	for (size_t i = 0; i < 3; i++) {
		layer_cfg_t l = test_layer(CELL_GRU, GRU_LBR, 32, 64, 3, 2);
		l.weight_codebook = kind[i];
		l.codebook_bits = 3;
		l.sparsity = i == 2 ? 0.5 : 0;
		run_result_t rp, rd;
		double *hp = run_h(&h, &l, &rp);
		sim_err_t e = { 0 };
		weights_t *w = weights_random(&l, 7, &e);
		ck_assert_ptr_nonnull(w);
		ck_assert_int_eq(cmp_layer_apply(&l, 0, w->W, w->U, &e), SIM_OK);
		if (i == 2) {
			size_t zeros = 0, n = (size_t)3 * 64 * 64;
			for (size_t k = 0; k < n; k++)
				zeros += w->U[k] == 0;
			ck_assert_uint_ge(zeros, n / 2);
		}
		mkdir(CF_DIR "/cb", 0777);
		ck_assert_int_eq(weights_save(w, CF_DIR "/cb", NPY_F8, &e), SIM_OK);
		weights_destroy(w);
		layer_cfg_t d = test_layer(CELL_GRU, GRU_LBR, 32, 64, 3, 2);
		snprintf(d.weights, sizeof d.weights, "cb");
		double *hd = run_h(&h, &d, &rd);
		ck_assert_msg(memcmp(hp, hd, 3 * 2 * 64 * sizeof *hp) == 0, "codebook case %zu: values differ", i);
		free(hp);
		free(hd);
		run_result_free(&rp);
		run_result_free(&rd);
	}
}
END_TEST

/* sparsity_mask: magnitude on the shipped trained model
 * (workloads/models/sines_lstm: LSTM I = 8, H = 64, T = 32, B = 16):
 * 50 % unstructured keeps 2048 - 1024 of W's and 16384 - 8192 of U's
 * weights, 9216 a step, so useful MACs = 9216 * 32 * 16 = 4718592 (the
 * timing's count of the pruner's zeros). Its h equals, bit for bit, a dense
 * run on the directory pruned by cmp_prune (magnitude) directly, and its
 * error against the dense model is below a third of the seeded mask's at
 * the same sparsity (0.099 against 0.325 rms: the pruner removes the
 * small weights a trained layer can spare). Without a weights directory
 * the key is refused by the config (tests/cli/run.sh). */
START_TEST(magnitude_mask_on_trained_weights)
{
	mkdir("build", 0777);
	mkdir(CF_DIR, 0777);
	mkdir(CF_DIR "/mag", 0777);
	hw_cfg_t h = small();
	layer_cfg_t l = test_layer(CELL_LSTM, GRU_LBR, 8, 64, 32, 16);
	snprintf(l.weights, sizeof l.weights, ".");
	l.sparsity = 0.5;
	l.sparse_format = SFMT_BITMASK;
	l.sparsity_mask = SMASK_MAGNITUDE;
	run_result_t rm = test_run_layers_ok(&h, &l, 1, 1, CF_DIR, "workloads/models/sines_lstm/wl.yaml");
	ck_assert_uint_eq(rm.layers[0].nnz_per_step, 9216);
	ck_assert_uint_eq(rm.useful_macs, 4718592);
	double *hm = read_npy(CF_DIR "/layer0_h.npy", 32 * 16 * 64);
	sim_err_t e = { 0 };
	weights_t *w = weights_load(&l, "workloads/models/sines_lstm", &e);
	ck_assert_ptr_nonnull(w);
	cmp_prune_cfg_t pc = { .kind = CMP_PRUNE_MAGNITUDE, .sparsity = 0.5, .block = 1, .units = 1 };
	size_t nw, nu;
	ck_assert_int_eq(cmp_prune(&pc, w->W, 256, 8, &nw, &e), SIM_OK);
	ck_assert_int_eq(cmp_prune(&pc, w->U, 256, 64, &nu, &e), SIM_OK);
	ck_assert_uint_eq(nw + nu, 9216);
	ck_assert_int_eq(weights_save(w, CF_DIR "/mag", NPY_F8, &e), SIM_OK);
	weights_destroy(w);
	layer_cfg_t d = test_layer(CELL_LSTM, GRU_LBR, 8, 64, 32, 16);
	snprintf(d.weights, sizeof d.weights, "mag");
	run_result_t rd = test_run_layers_ok(&h, &d, 1, 1, CF_DIR, CF_DIR "/wl.yaml");
	double *hd = read_npy(CF_DIR "/layer0_h.npy", 32 * 16 * 64);
	ck_assert(memcmp(hm, hd, 32 * 16 * 64 * sizeof *hm) == 0);
	l.sparsity_mask = SMASK_SEEDED;
	run_result_t rs = test_run_layers_ok(&h, &l, 1, 1, NULL, "workloads/models/sines_lstm/wl.yaml");
	ck_assert_msg(3 * rm.layers[0].err.h.rms < rs.layers[0].err.h.rms, "magnitude %g, seeded %g",
		      rm.layers[0].err.h.rms, rs.layers[0].err.h.rms);
	free(hm);
	free(hd);
	run_result_free(&rm);
	run_result_free(&rd);
	run_result_free(&rs);
}
END_TEST

Suite *cmpfunc_suite(void)
{
	Suite *s = suite_create("cmpfunc");
	TCase *t = tcase_create("cmpfunc");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, stored_values_equal_a_dense_run_on_them);
	tcase_add_test(t, error_grows_as_bits_shrink);
	tcase_add_test(t, head_by_hand);
	tcase_add_test(t, codebook_bytes_closed_form);
	tcase_add_test(t, codebook_values_equal_a_dense_run_on_them);
	tcase_add_test(t, magnitude_mask_on_trained_weights);
	suite_add_tcase(s, t);
	return s;
}
