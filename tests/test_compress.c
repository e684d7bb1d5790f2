/*
 * test_compress.c - the offline compression tools (sim/compress): exact
 * survivor counts of every pruner, hand-worked quantization and codebook
 * cases (round half to even, ternary, one k-means run traced by hand), and
 * closed-form storage bytes. numpy re-derives the same results on the
 * shipped model in tests/approx/check.py.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/compress/cmp_codebook.h"
#include "../sim/compress/cmp_mask.h"
#include "../sim/compress/cmp_prune.h"
#include "../sim/compress/cmp_quant.h"
#include "../sim/compress/cmp_store.h"
#include "../sim/func/rng.h"

/* rows x cols uniform in [-1, 1) without zeros, seeded. */
static double *random_matrix(size_t rows, size_t cols, uint64_t seed)
{
	rng_t *r = rng_create(seed);
	double *w = malloc(rows * cols * sizeof *w);
	for (size_t i = 0; i < rows * cols; i++) {
		do
			w[i] = rng_uniform(r, -1.0, 1.0);
		while (w[i] == 0.0);
	}
	rng_destroy(r);
	return w;
}

START_TEST(test_prune_magnitude_exact)
{
	/* 0.29 of 100 removes 29 (0.29 * 100 is 28.999999999999996 in double) */
	double *w = random_matrix(10, 10, 7), *o = malloc(100 * sizeof *o);
	memcpy(o, w, 100 * sizeof *o);
	cmp_prune_cfg_t c = { CMP_PRUNE_MAGNITUDE, 0.29, 0, 0 };
	sim_err_t err;
	size_t nnz = 0;
	ck_assert_int_eq(cmp_prune(&c, w, 10, 10, &nnz, &err), SIM_OK);
	ck_assert_uint_eq(nnz, 71);
	ck_assert_uint_eq(cmp_prune_slots(&c, 10, 10), 71);
	/* every survivor is at least as large as every pruned weight */
	double min_kept = INFINITY, max_gone = 0.0;
	for (size_t i = 0; i < 100; i++) {
		if (w[i] != 0.0) {
			ck_assert(w[i] == o[i]);
			min_kept = fmin(min_kept, fabs(o[i]));
		} else {
			max_gone = fmax(max_gone, fabs(o[i]));
		}
	}
	ck_assert_msg(min_kept >= max_gone, "kept %g < pruned %g", min_kept, max_gone);
	free(w);
	free(o);
}
END_TEST

START_TEST(test_prune_block_row_ese_exact)
{
	sim_err_t err;
	size_t nnz;
	/* block 4x4 on 16x16: 16 blocks, floor(0.5 * 16) = 8 go, 8 * 16 = 128
	 * weights stay, and every block is all kept or all gone */
	double *w = random_matrix(16, 16, 3);
	cmp_prune_cfg_t b = { CMP_PRUNE_BLOCK, 0.5, 4, 0 };
	ck_assert_int_eq(cmp_prune(&b, w, 16, 16, &nnz, &err), SIM_OK);
	ck_assert_uint_eq(nnz, 128);
	ck_assert_uint_eq(cmp_prune_slots(&b, 16, 16), 128);
	for (size_t br = 0; br < 4; br++)
		for (size_t bc = 0; bc < 4; bc++) {
			size_t n = 0;
			for (size_t r = 0; r < 4; r++)
				for (size_t c = 0; c < 4; c++)
					n += w[(br * 4 + r) * 16 + bc * 4 + c] != 0.0;
			ck_assert_msg(n == 0 || n == 16, "block (%zu, %zu) has %zu non-zeros", br, bc, n);
		}
	free(w);

	/* row-balanced 8 x 20 at 0.75: every row keeps 20 - 15 = 5 */
	w = random_matrix(8, 20, 4);
	cmp_prune_cfg_t rb = { CMP_PRUNE_ROW, 0.75, 0, 0 };
	ck_assert_int_eq(cmp_prune(&rb, w, 8, 20, &nnz, &err), SIM_OK);
	ck_assert_uint_eq(nnz, 40);
	for (size_t r = 0; r < 8; r++)
		ck_assert_uint_eq(cmp_count_nnz(w + r * 20, 1, 20), 5);
	free(w);

	/* ESE, 10 rows over P = 4 units (rows 0,4,8 | 1,5,9 | 2,6 | 3,7), 10
	 * columns, 0.5: the smallest share is m = 2 * 10 = 20 weights, each unit
	 * keeps 20 - 10 = 10, 40 in all */
	w = random_matrix(10, 10, 5);
	cmp_prune_cfg_t e = { CMP_PRUNE_ESE, 0.5, 0, 4 };
	ck_assert_int_eq(cmp_prune(&e, w, 10, 10, &nnz, &err), SIM_OK);
	ck_assert_uint_eq(nnz, 40);
	ck_assert_uint_eq(cmp_prune_slots(&e, 10, 10), 40);
	for (size_t u = 0; u < 4; u++) {
		size_t n = 0;
		for (size_t r = u; r < 10; r += 4)
			n += cmp_count_nnz(w + r * 10, 1, 10);
		ck_assert_msg(n == 10, "unit %zu keeps %zu, expected 10", u, n);
	}
	free(w);
}
END_TEST

START_TEST(test_prune_bad_input)
{
	double w[4] = { 1, 2, 3, 4 };
	sim_err_t err;
	const double bad[] = { 1.0, -0.1, 1.5, NAN };
	for (size_t i = 0; i < 4; i++) {
		cmp_prune_cfg_t c = { CMP_PRUNE_MAGNITUDE, bad[i], 0, 0 };
		ck_assert_int_eq(cmp_prune(&c, w, 2, 2, NULL, &err), SIM_EINPUT);
		ck_assert_msg(strstr(err.msg, "outside [0, 1)"), "%s", err.msg);
	}
	cmp_prune_cfg_t e = { CMP_PRUNE_ESE, 0.5, 0, 3 };
	ck_assert_int_eq(cmp_prune(&e, w, 2, 2, NULL, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "3 processing units for 2 rows"), "%s", err.msg);
	ck_assert(w[0] == 1 && w[3] == 4);
}
END_TEST

START_TEST(test_quant_round_half_even)
{
	/* 8 bits, one row: max 127 gives scale 127/127 = 1 exactly, so the
	 * codes are the rounded values themselves: 0.5 -> 0, 1.5 -> 2,
	 * 2.5 -> 2, -2.5 -> -2 (ties to even), 3.7 -> 4 */
	double w[6] = { 127, 0.5, 1.5, 2.5, -2.5, 3.7 };
	const double want[6] = { 127, 0, 2, 2, -2, 4 };
	double scale;
	sim_err_t err;
	cmp_quant_cfg_t q = { 8, CMP_GROUP_ROW, 0 };
	ck_assert_int_eq(cmp_quantize(&q, w, 1, 6, &scale, &err), SIM_OK);
	ck_assert(scale == 1.0);
	for (int i = 0; i < 6; i++)
		ck_assert_msg(w[i] == want[i], "w[%d] = %g, expected %g", i, w[i], want[i]);
	/* 2 bits is ternary: qmax 1, scale = max = 1: 0.4 -> 0, 0.5 -> 0 (tie
	 * to even), -0.6 -> -1 */
	double t[4] = { 1.0, 0.4, 0.5, -0.6 };
	const double tw[4] = { 1, 0, 0, -1 };
	q.bits = 2;
	ck_assert_int_eq(cmp_quantize(&q, t, 1, 4, NULL, &err), SIM_OK);
	for (int i = 0; i < 4; i++)
		ck_assert_msg(t[i] == tw[i], "t[%d] = %g, expected %g", i, t[i], tw[i]);
	/* 4 bits, per row, two rows of different range: every value lands on
	 * its row's grid k * scale, |k| <= 7, within half a step */
	double *m = random_matrix(2, 50, 9), *o = malloc(100 * sizeof *o), sc[2];
	for (int i = 50; i < 100; i++)
		m[i] *= 0.01;
	memcpy(o, m, 100 * sizeof *o);
	q.bits = 4;
	ck_assert_int_eq(cmp_quantize(&q, m, 2, 50, sc, &err), SIM_OK);
	for (int i = 0; i < 100; i++) {
		double s = sc[i / 50], k = m[i] / s;
		ck_assert_msg(k == nearbyint(k) && fabs(k) <= 7, "w[%d]/scale = %.17g", i, k);
		ck_assert_msg(fabs(m[i] - o[i]) <= s / 2 * (1 + 1e-12), "w[%d] error %g > scale/2", i,
			      fabs(m[i] - o[i]));
	}
	free(m);
	free(o);
	const unsigned bad[] = { 3, 1, 32, 0 };
	for (int i = 0; i < 4; i++) {
		q.bits = bad[i];
		ck_assert_int_eq(cmp_quant_check(&q, &err), SIM_EINPUT);
		ck_assert_msg(strstr(err.msg, "expected 16, 8, 4 or 2"), "%s", err.msg);
	}
}
END_TEST

START_TEST(test_codebook_hand_traced)
{
	/* k-means, k = 2, one tensor: init linear between 1 and 12 -> {1, 12};
	 * 1, 2, 3 go to 1 and 10, 11, 12 to 12; means {2, 11}; nothing moves.
	 * The zero stays zero with index 0. */
	double w[7] = { 1, 2, 3, 0, 10, 11, 12 };
	double c[2];
	uint8_t ix[7];
	sim_err_t err;
	cmp_codebook_cfg_t k = { CMP_CB_KMEANS, 1, 2, CMP_GROUP_TENSOR, 0, 30 };
	ck_assert_int_eq(cmp_codebook_apply(&k, w, 1, 7, c, ix, &err), SIM_OK);
	ck_assert(c[0] == 2.0 && c[1] == 11.0);
	const double want[7] = { 2, 2, 2, 0, 11, 11, 11 };
	const uint8_t wix[7] = { 0, 0, 0, 0, 1, 1, 1 };
	for (int i = 0; i < 7; i++) {
		ck_assert_msg(w[i] == want[i], "w[%d] = %g, expected %g", i, w[i], want[i]);
		ck_assert_uint_eq(ix[i], wix[i]);
	}
	/* uniform, k = 5 over [-2, 2]: entries -2, -1, 0, 1, 2; -0.5 is a tie
	 * between -1 and 0 and goes to the lower index (-1) */
	double u[4] = { 2.0, -0.5, 0.6, -1.9 };
	cmp_codebook_cfg_t un = { CMP_CB_UNIFORM, 3, 5, CMP_GROUP_ROW, 0, 1 };
	ck_assert_int_eq(cmp_codebook_apply(&un, u, 1, 4, NULL, NULL, &err), SIM_OK);
	ck_assert(u[0] == 2.0 && u[1] == -1.0 && u[2] == 1.0 && u[3] == -2.0);
	/* a codebook larger than its index width allows */
	cmp_codebook_cfg_t big = { CMP_CB_KMEANS, 4, 17, CMP_GROUP_ROW, 0, 30 };
	ck_assert_int_eq(cmp_codebook_check(&big, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "17 entries is larger than 4-bit indices allow"), "%s", err.msg);
}
END_TEST

START_TEST(test_codebook_presets)
{
	/* the fixed ratios on one 256 x 256 block against fp32 (32 bits a
	 * weight): 32 * 65536 / (b * 65536 + 32 * k) bits */
	const char *r[3] = { "5.3", "8", "16" };
	const unsigned b[3] = { 6, 4, 2 };
	const double want[3] = { 2097152.0 / 395264.0, 2097152.0 / 262656.0, 2097152.0 / 131200.0 };
	sim_err_t err;
	for (int i = 0; i < 3; i++) {
		cmp_codebook_cfg_t c;
		ck_assert_int_eq(cmp_codebook_preset(r[i], &c, &err), SIM_OK);
		ck_assert_uint_eq(c.index_bits, b[i]);
		cmp_store_cfg_t s = { .layout = CMP_LAYOUT_DENSE,
				      .value_bits = c.index_bits,
				      .side = CMP_SIDE_CODEBOOK,
				      .group = c.group,
				      .group_block = c.block,
				      .entries = c.entries,
				      .entry_bits = CMP_CB_ENTRY_BITS };
		cmp_store_cfg_t f32 = { .layout = CMP_LAYOUT_DENSE, .value_bits = 32 };
		cmp_tile_count_t n = { 65536, 0 };
		double ratio = (double)cmp_store_bytes(&f32, 256, 256, n) / (double)cmp_store_bytes(&s, 256, 256, n);
		ck_assert_msg(ratio == want[i], "ratio %s: %.6f, expected %.6f", r[i], ratio, want[i]);
	}
	ck_assert_msg(fabs(want[0] - 5.306) < 1e-3 && fabs(want[1] - 7.984) < 1e-3 && fabs(want[2] - 15.985) < 1e-3,
		      "documented ratios");
	cmp_codebook_cfg_t c;
	ck_assert_int_eq(cmp_codebook_preset("4", &c, &err), SIM_EINPUT);
}
END_TEST

START_TEST(test_store_closed_form)
{
	cmp_tile_count_t full = { 4096, 64 };
	cmp_store_cfg_t fp16 = { .layout = CMP_LAYOUT_DENSE, .value_bits = 16 };
	/* a 4-bit layer is a quarter of fp16 plus the scales: 64 x 64 with one
	 * fp32 scale per row = 8192 / 4 + 64 * 4 bytes */
	cmp_store_cfg_t q4 = { .layout = CMP_LAYOUT_DENSE,
			       .value_bits = 4,
			       .side = CMP_SIDE_SCALE,
			       .group = CMP_GROUP_ROW,
			       .scale_bits = 32 };
	ck_assert_uint_eq(cmp_store_bytes(&fp16, 64, 64, full), 8192);
	ck_assert_uint_eq(cmp_store_bytes(&q4, 64, 64, full), 8192 / 4 + 64 * 4);
	/* per 8x8 block scales: 64 blocks */
	q4.group = CMP_GROUP_BLOCK;
	q4.group_block = 8;
	ck_assert_uint_eq(cmp_store_bytes(&q4, 64, 64, full), 2048 + 64 * 4);
	/* 8 bits per tensor: one scale */
	cmp_store_cfg_t q8 = { .layout = CMP_LAYOUT_DENSE,
			       .value_bits = 8,
			       .side = CMP_SIDE_SCALE,
			       .group = CMP_GROUP_TENSOR,
			       .scale_bits = 32 };
	ck_assert_uint_eq(cmp_store_bytes(&q8, 64, 64, full), 4096 + 4);

	/* 410 non-zeros of 64 x 64 at 16-bit values, 16-bit indices, 32-bit
	 * pointers: CSR 410 * 32 + 65 * 32 bits = 1900 bytes; bitmask 4096 bits
	 * + 410 * 16 = 1332 bytes; BSR 8x8 with 7 blocks: 7 * (64*16 + 16) + 9
	 * * 32 bits = 946 bytes */
	cmp_store_cfg_t s = {
		.layout = CMP_LAYOUT_CSR, .value_bits = 16, .index_bits = 16, .ptr_bits = 32, .block = 8
	};
	cmp_tile_count_t n = { 410, 7 };
	ck_assert_uint_eq(cmp_store_bytes(&s, 64, 64, n), 1900);
	s.layout = CMP_LAYOUT_CSC;
	ck_assert_uint_eq(cmp_store_bytes(&s, 64, 64, n), 1900);
	s.layout = CMP_LAYOUT_BITMASK;
	ck_assert_uint_eq(cmp_store_bytes(&s, 64, 64, n), 1332);
	s.layout = CMP_LAYOUT_BSR;
	ck_assert_uint_eq(cmp_store_bytes(&s, 64, 64, n), 946);
	/* crossover: CSR fits in 65536 bits while 32 nnz + 2080 <= 65536, i.e.
	 * nnz <= 1983; one more and it costs more than dense */
	s.layout = CMP_LAYOUT_CSR;
	ck_assert_int_eq(cmp_store_crossover(&s, &fp16, 64, 64), 1983);
	ck_assert_uint_le(cmp_store_bytes(&s, 64, 64, (cmp_tile_count_t){ 1983, 0 }), 8192);
	ck_assert_uint_gt(cmp_store_bytes(&s, 64, 64, (cmp_tile_count_t){ 1984, 0 }), 8192);
	/* bitmask: 4096 + 16 nnz <= 65536 -> 3840 */
	s.layout = CMP_LAYOUT_BITMASK;
	ck_assert_int_eq(cmp_store_crossover(&s, &fp16, 64, 64), 3840);
	/* a tile of a pruned matrix counts its own non-zeros, and the tiles
	 * of a matrix add up */
	double w[4 * 6] = { 0 };
	w[0] = 1, w[7] = 2, w[23] = 3;
	s.layout = CMP_LAYOUT_CSR;
	ck_assert_uint_eq(cmp_store_tile_bytes(&s, w, 6, 0, 0, 2, 3), (2 * 32 + 3 * 32) / 8);
	ck_assert_uint_eq(cmp_store_matrix_bytes(&s, w, 4, 6, 2, 3),
			  (2 * 32 + 3 * 32) / 8 + 3 * 32 / 8 + 3 * 32 / 8 + (32 + 3 * 32) / 8);
	/* an index too narrow for the tile */
	sim_err_t err;
	s.index_bits = 8;
	ck_assert_int_eq(cmp_store_check(&s, 4, 300, &err), SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "cannot address 300"), "%s", err.msg);
}
END_TEST

/* The timing model's zero masks (cmp_mask.h): the closed-form counts of
 * each pattern, whole blocks and balanced rows, and the same mask from the
 * same seed. 120 x 30 at s = 0.3: unstructured 3600 - floor(1080) = 2520;
 * row_balanced 120 * (30 - 9) = 2520; block b = 5: 6 blocks a block row,
 * floor(1.8) = 1 zero, 3600 - 24 * 25 = 3000. */
START_TEST(test_mask_counts)
{
	cmp_mask_t *u = cmp_mask_create(120, 30, CMP_MASK_UNSTRUCTURED, 0.3, 1, 7);
	cmp_mask_t *u2 = cmp_mask_create(120, 30, CMP_MASK_UNSTRUCTURED, 0.3, 1, 7);
	cmp_mask_t *u3 = cmp_mask_create(120, 30, CMP_MASK_UNSTRUCTURED, 0.3, 1, 8);
	cmp_mask_t *r = cmp_mask_create(120, 30, CMP_MASK_ROW_BALANCED, 0.3, 1, 7);
	cmp_mask_t *b = cmp_mask_create(120, 30, CMP_MASK_BLOCK, 0.3, 5, 7);
	ck_assert_uint_eq(cmp_mask_nnz(u), 2520);
	ck_assert_uint_eq(cmp_mask_nnz(r), 2520);
	ck_assert_uint_eq(cmp_mask_nnz(b), 3000);
	bool same = true, differ = false;
	for (size_t i = 0; i < 120; i++) {
		size_t row = 0;
		for (size_t j = 0; j < 30; j++) {
			same &= cmp_mask_nz(u, i, j) == cmp_mask_nz(u2, i, j);
			differ |= cmp_mask_nz(u, i, j) != cmp_mask_nz(u3, i, j);
			row += cmp_mask_nz(r, i, j);
			/* a block is zero or non-zero whole */
			ck_assert(cmp_mask_nz(b, i, j) == cmp_mask_nz(b, i / 5 * 5, j / 5 * 5));
		}
		ck_assert_uint_eq(row, 21);
	}
	ck_assert(same);
	ck_assert(differ);
	ck_assert_uint_eq(cmp_mask_removed(0.29, 100), 29);
	cmp_mask_destroy(u);
	cmp_mask_destroy(u2);
	cmp_mask_destroy(u3);
	cmp_mask_destroy(r);
	cmp_mask_destroy(b);
}
END_TEST

Suite *compress_suite(void)
{
	Suite *s = suite_create("compress");
	TCase *p = tcase_create("prune");
	tcase_add_test(p, test_prune_magnitude_exact);
	tcase_add_test(p, test_prune_block_row_ese_exact);
	tcase_add_test(p, test_prune_bad_input);
	tcase_add_test(p, test_mask_counts);
	suite_add_tcase(s, p);
	TCase *q = tcase_create("quant");
	tcase_add_test(q, test_quant_round_half_even);
	tcase_add_test(q, test_codebook_hand_traced);
	tcase_add_test(q, test_codebook_presets);
	suite_add_tcase(s, q);
	TCase *b = tcase_create("store");
	tcase_add_test(b, test_store_closed_form);
	suite_add_tcase(s, b);
	return s;
}
