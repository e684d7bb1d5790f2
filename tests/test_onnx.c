/*
 * test_onnx.c - the ONNX import's mapping (sim/onnx/onnx_import.h), on
 * models packed here with protobuf-c whose every weight and bias is
 * distinct: LSTM gate blocks i,o,f,c land as i,f,g,o and GRU z,r,h as
 * r,z,n; biases fold as Wb + Rb except GRU linear_before_reset's n, whose
 * Rb stays apart as b_hn; the written .npy files load back as the same
 * arrays; a tensor whose data is short of its shape is refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/config/workload.h"
#include "../sim/func/weights.h"
#include "../sim/onnx/onnx_import.h"
#include "onnx.pb-c.h"
#include "testutil.h"

enum { H = 3, I = 2, T = 2 };

/* Distinct values: W[r][k] = r + k/10, R[r][k] = -(r + k/10) - 50,
 * Wb[r] = 1000 + r, Rb[r] = 2000 + r. */
static float wv(int r, int k)
{
	return (float)r + (float)k / 10;
}

static void write_model(const char *path, const char *op, int G, int lbr, int short_data)
{
	int gh = G * H;
	float *w = calloc((size_t)gh * I, sizeof *w), *r = calloc((size_t)gh * H, sizeof *r);
	float *b = calloc((size_t)2 * gh, sizeof *b);
	ck_assert(w && r && b);
	for (int i = 0; i < gh; i++) {
		for (int k = 0; k < I; k++)
			w[i * I + k] = wv(i, k);
		for (int k = 0; k < H; k++)
			r[i * H + k] = -wv(i, k) - 50;
		b[i] = 1000.0f + (float)i;
		b[gh + i] = 2000.0f + (float)i;
	}
	int64_t dw[3] = { 1, gh, I }, dr[3] = { 1, gh, H }, db[2] = { 1, 2 * gh };
	Onnx__TensorProto tw = ONNX__TENSOR_PROTO__INIT, tr = ONNX__TENSOR_PROTO__INIT, tb = ONNX__TENSOR_PROTO__INIT;
	Onnx__TensorProto *init[3] = { &tw, &tr, &tb };
	const struct {
		Onnx__TensorProto *t;
		const char *name;
		int64_t *dims;
		size_t nd;
		float *v;
		size_t n;
	} spec[3] = {
		{ &tw, "W", dw, 3, w, (size_t)gh * I - (short_data ? 1 : 0) },
		{ &tr, "R", dr, 3, r, (size_t)gh * H },
		{ &tb, "B", db, 2, b, (size_t)2 * gh },
	};
	for (int i = 0; i < 3; i++) {
		spec[i].t->name = (char *)spec[i].name;
		spec[i].t->n_dims = spec[i].nd;
		spec[i].t->dims = spec[i].dims;
		spec[i].t->has_data_type = 1;
		spec[i].t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
		spec[i].t->n_float_data = spec[i].n;
		spec[i].t->float_data = spec[i].v;
	}
	Onnx__AttributeProto ah = ONNX__ATTRIBUTE_PROTO__INIT, al = ONNX__ATTRIBUTE_PROTO__INIT;
	ah.name = "hidden_size";
	ah.has_type = al.has_type = 1;
	ah.type = al.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
	ah.has_i = al.has_i = 1;
	ah.i = H;
	al.name = "linear_before_reset";
	al.i = lbr;
	Onnx__AttributeProto *attrs[2] = { &ah, &al };
	char *ins[4] = { "X", "W", "R", "B" }, *outs[2] = { "Y", "Y_h" };
	Onnx__NodeProto node = ONNX__NODE_PROTO__INIT;
	Onnx__NodeProto *nodes[1] = { &node };
	node.n_input = 4;
	node.input = ins;
	node.n_output = 2;
	node.output = outs;
	node.op_type = (char *)op;
	node.n_attribute = strcmp(op, "GRU") ? 1 : 2;
	node.attribute = attrs;
	Onnx__TensorShapeProto__Dimension d[3] = { ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT,
						   ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT,
						   ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT };
	Onnx__TensorShapeProto__Dimension *dp[3] = { &d[0], &d[1], &d[2] };
	const int64_t xd[3] = { T, 1, I };
	for (int i = 0; i < 3; i++) {
		d[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		d[i].dim_value = xd[i];
	}
	Onnx__TensorShapeProto shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
	shape.n_dim = 3;
	shape.dim = dp;
	Onnx__TypeProto__Tensor tt = ONNX__TYPE_PROTO__TENSOR__INIT;
	tt.has_elem_type = 1;
	tt.elem_type = 1;
	tt.shape = &shape;
	Onnx__TypeProto ty = ONNX__TYPE_PROTO__INIT;
	ty.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	ty.tensor_type = &tt;
	Onnx__ValueInfoProto vx = ONNX__VALUE_INFO_PROTO__INIT, vy = ONNX__VALUE_INFO_PROTO__INIT;
	vx.name = "X";
	vx.type = &ty;
	vy.name = "Y_h";
	Onnx__ValueInfoProto *gin[1] = { &vx }, *gout[1] = { &vy };
	Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
	g.n_node = 1;
	g.node = nodes;
	g.n_initializer = 3;
	g.initializer = init;
	g.n_input = 1;
	g.input = gin;
	g.n_output = 1;
	g.output = gout;
	Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
	m.has_ir_version = 1;
	m.ir_version = 8;
	m.graph = &g;
	size_t len = protobuf_c_message_get_packed_size(&m.base);
	uint8_t *buf = malloc(len);
	ck_assert(buf && protobuf_c_message_pack(&m.base, buf) == len);
	FILE *f = fopen(path, "wb");
	ck_assert(f && fwrite(buf, 1, len, f) == len && fclose(f) == 0);
	free(buf);
	free(w);
	free(r);
	free(b);
}

/* Checks layer 0 of the model in path against the mapping; perm[s] is
 * ONNX's block of the simulator's gate s. */
static void check_mapping(const char *path, cell_kind_t cell, int G, const int *perm, int lbr)
{
	onnx_import_opts_t o = { .seed = 1 };
	sim_err_t err = { 0 };
	onnx_model_t *m = onnx_model_load(path, &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_uint_eq(onnx_model_layers(m), 1);
	const weights_t *w = onnx_model_weights(m, 0);
	ck_assert_int_eq(w->cell, cell);
	ck_assert_uint_eq(w->G, (unsigned)G);
	ck_assert_uint_eq(w->H, H);
	ck_assert_uint_eq(w->I, I);
	ck_assert_uint_eq(w->T, T);
	for (int s = 0; s < G; s++)
		for (int j = 0; j < H; j++) {
			int dst = s * H + j, src = perm[s] * H + j;
			for (int k = 0; k < I; k++)
				ck_assert_double_eq(w->W[dst * I + k], wv(src, k));
			for (int k = 0; k < H; k++)
				ck_assert_double_eq(w->U[dst * H + k], -wv(src, k) - 50);
			bool split = cell == CELL_GRU && lbr && s == 2;
			ck_assert_double_eq(w->b[dst], split ? 1000.0 + src : 3000.0 + 2 * src);
			if (split)
				ck_assert_double_eq(w->b_hn[j], 2000.0 + src);
		}
	for (size_t i = 0; i < (size_t)T * I; i++)
		ck_assert(w->x[i] >= -1 && w->x[i] < 1 && w->x[i] == (double)(float)w->x[i]);
	onnx_model_destroy(m);
}

START_TEST(test_lstm_gates)
{
	char path[600];
	fclose(test_tmpfile(path, sizeof path, "onnx"));
	write_model(path, "LSTM", 4, 0, 0);
	const int perm[4] = { 0, 2, 3, 1 };
	check_mapping(path, CELL_LSTM, 4, perm, 0);
	unlink(path);
}
END_TEST

START_TEST(test_gru_forms)
{
	char path[600];
	fclose(test_tmpfile(path, sizeof path, "onnx"));
	const int perm[3] = { 1, 0, 2 };
	write_model(path, "GRU", 3, 0, 0);
	check_mapping(path, CELL_GRU, 3, perm, 0);
	write_model(path, "GRU", 3, 1, 0);
	check_mapping(path, CELL_GRU, 3, perm, 1);
	write_model(path, "RNN", 1, 0, 0);
	const int one[1] = { 0 };
	check_mapping(path, CELL_VANILLA, 1, one, 0);
	unlink(path);
}
END_TEST

/* The .npy files an import writes are the arrays it mapped. */
START_TEST(test_write_roundtrip)
{
	char dir[500], path[600], wdir[600];
	test_tmpdir(dir, sizeof dir, "onnx");
	snprintf(path, sizeof path, "%s/m.onnx", dir);
	write_model(path, "GRU", 3, 1, 0);
	onnx_import_opts_t o = { .seed = 3 };
	sim_err_t err = { 0 };
	onnx_model_t *m = onnx_model_load(path, &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	snprintf(wdir, sizeof wdir, "%s/out", dir);
	ck_assert_msg(onnx_model_write(m, wdir, &err) == SIM_OK, "%s", err.msg);
	const weights_t *w = onnx_model_weights(m, 0);
	layer_cfg_t lc = { .cell = CELL_GRU,
			   .input_size = I,
			   .hidden_size = H,
			   .timesteps = T,
			   .batch_size = 1,
			   .gru_form = GRU_LBR };
	snprintf(wdir, sizeof wdir, "%s/out/weights/layer0", dir);
	weights_t *back = weights_load(&lc, wdir, &err);
	ck_assert_msg(back != NULL, "%s", err.msg);
	ck_assert_mem_eq(back->W, w->W, sizeof(double) * 3 * H * I);
	ck_assert_mem_eq(back->U, w->U, sizeof(double) * 3 * H * H);
	ck_assert_mem_eq(back->b, w->b, sizeof(double) * 3 * H);
	ck_assert_mem_eq(back->b_hn, w->b_hn, sizeof(double) * H);
	ck_assert_mem_eq(back->x, w->x, sizeof(double) * T * I);
	weights_destroy(back);
	onnx_model_destroy(m);
	test_rmdir(dir);
}
END_TEST

START_TEST(test_short_data)
{
	char path[600];
	fclose(test_tmpfile(path, sizeof path, "onnx"));
	write_model(path, "LSTM", 4, 0, 1);
	onnx_import_opts_t o = { .seed = 1 };
	sim_err_t err = { 0 };
	ck_assert(onnx_model_load(path, &o, &err) == NULL);
	ck_assert_int_eq(err.code, SIM_EINPUT);
	ck_assert_msg(strstr(err.msg, "W 'W': 92 bytes of float_data for shape (1, 12, 2), expected 24 values"), "%s",
		      err.msg);
	unlink(path);
}
END_TEST

Suite *onnx_suite(void)
{
	Suite *s = suite_create("onnx");
	TCase *tc = tcase_create("onnx");
	tcase_add_test(tc, test_lstm_gates);
	tcase_add_test(tc, test_gru_forms);
	tcase_add_test(tc, test_write_roundtrip);
	tcase_add_test(tc, test_short_data);
	suite_add_tcase(s, tc);
	return s;
}
