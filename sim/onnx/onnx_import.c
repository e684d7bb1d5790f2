#include "onnx_import.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../common/afile.h"
#include "../config/params.h"
#include "onnx_pb.h"

/* The workload keys' ranges (config/params.c): refused here, from the
 * shapes, before anything of that size is allocated. */
#define IMP_MAX_H 65536u
#define IMP_MAX_I 1048576u
#define IMP_MAX_T 10000000u
#define IMP_MAX_B 1024u
_Static_assert(IMP_MAX_B <= LAYER_MAX_BATCH, "a node's sequence_lens fit the layer's");

typedef struct out_ref {
	char *name;
	size_t layer;
	onnx_out_kind_t kind;
	bool concat; /* a bidirectional Y as (T, B, 2H) */
} out_ref_t;

/* layout = 1 of a node: X is (B, T, I), Y (B, T, 1, H); the states are
 * (B, 1, H), which is (1, B, H)'s order. */

struct onnx_model {
	char stem[64];
	size_t n_layers;
	layer_cfg_t *cfg;
	weights_t **w;
	weights_t **wb; /* the backward direction's, NULL unless bidirectional */
	bool *batch_major;
	size_t n_out;
	out_ref_t *out;
};

/* A value the graph computes: a layer's Y (squeezed to 3-D or not), Y_h
 * or Y_c. Identity and Squeeze give a new name to the same value; Reshape
 * of a squeezed Y to (T*B, H) too (flat, the 2-D operand of a Gemm). An fc
 * layer's output (MatMul, Gemm) is its Y, squeezed (no num_directions);
 * a MatMul's is open until the Add of its bias. */
typedef struct alias {
	const char *name;
	size_t layer;
	onnx_out_kind_t kind;
	bool squeezed;
	bool batch_major;
	bool flat;
	bool open; /* a MatMul's W.x that an Add may still bias */
	/* A bidirectional layer's Y: transposed to (T, B, 2, H) (layout 0), on
	 * the way to a Reshape that merges the directions; merged, the
	 * sequence (T, B, 2H) of [h_fwd; h_bwd] (then also `squeezed`). */
	bool transposed, concat;
} alias_t;

typedef struct ctx {
	const char *path;
	sim_err_t *err;
	const onnx_import_opts_t *opts;
	const Onnx__GraphProto *g;
	onnx_pb_t **bound;	     /* per graph input (NULL: no value given) */
	const Onnx__NodeProto **aux; /* shape-side nodes, Constant nodes: by position */
	size_t n_aux;
	alias_t *alias;
	size_t n_alias, cap_alias;
	onnx_model_t *m;
	char where[256]; /* "node 2 (LSTM 'name')" of the node being mapped */
} ctx_t;

/* ---- names ------------------------------------------------------------------ */

static bool is_init(const Onnx__GraphProto *g, const char *name)
{
	for (size_t i = 0; i < g->n_initializer; i++)
		if (g->initializer[i]->name && !strcmp(g->initializer[i]->name, name))
			return true;
	return false;
}

/* The value of a name: an initializer, else a graph input bound to a test
 * data set's tensor. NULL when neither. */
static const Onnx__NodeProto *producer(const ctx_t *c, const char *name)
{
	for (size_t i = 0; i < c->n_aux; i++)
		for (size_t o = 0; o < c->aux[i]->n_output; o++)
			if (c->aux[i]->output[o] && !strcmp(c->aux[i]->output[o], name))
				return c->aux[i];
	return NULL;
}

/* A Constant node's value attribute. */
static const Onnx__TensorProto *constant_value(const Onnx__NodeProto *n)
{
	if (!n || !n->op_type || strcmp(n->op_type, "Constant"))
		return NULL;
	for (size_t i = 0; i < n->n_attribute; i++)
		if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, "value"))
			return n->attribute[i]->t;
	return NULL;
}

static const Onnx__TensorProto *value_of(const ctx_t *c, const char *name)
{
	const Onnx__TensorProto *k = constant_value(producer(c, name));
	if (k)
		return k;
	for (size_t i = 0; i < c->g->n_initializer; i++)
		if (c->g->initializer[i]->name && !strcmp(c->g->initializer[i]->name, name))
			return c->g->initializer[i];
	for (size_t i = 0; i < c->g->n_input; i++)
		if (c->bound[i] && c->g->input[i]->name && !strcmp(c->g->input[i]->name, name))
			return (const Onnx__TensorProto *)onnx_pb_msg(c->bound[i]);
	return NULL;
}

static const Onnx__ValueInfoProto *graph_input(const ctx_t *c, const char *name)
{
	for (size_t i = 0; i < c->g->n_input; i++)
		if (c->g->input[i]->name && !strcmp(c->g->input[i]->name, name))
			return c->g->input[i];
	return NULL;
}

static const alias_t *find_alias(const ctx_t *c, const char *name)
{
	for (size_t i = 0; i < c->n_alias; i++)
		if (!strcmp(c->alias[i].name, name))
			return &c->alias[i];
	return NULL;
}

static int add_alias(ctx_t *c, alias_t a)
{
	if (!a.name || !*a.name)
		return SIM_OK; /* an output left unnamed is not produced */
	if (c->n_alias == c->cap_alias) {
		size_t n = c->cap_alias ? 2 * c->cap_alias : 16;
		alias_t *p = realloc(c->alias, n * sizeof *p);
		if (!p)
			return sim_err(c->err, SIM_ENOMEM, "out of memory");
		c->alias = p;
		c->cap_alias = n;
	}
	c->alias[c->n_alias++] = a;
	return SIM_OK;
}

/* A node input, "" when absent (ONNX marks a skipped optional input so). */
static const char *node_in(const Onnx__NodeProto *n, size_t i)
{
	return i < n->n_input && n->input[i] ? n->input[i] : "";
}

/* ---- test data ---------------------------------------------------------------- */

/* input_<k>.pb binds to the k-th graph input that is not an initializer. */
static int bind_data(ctx_t *c)
{
	const Onnx__GraphProto *g = c->g;
	c->bound = calloc(g->n_input ? g->n_input : 1, sizeof *c->bound);
	if (!c->bound)
		return sim_err(c->err, SIM_ENOMEM, "out of memory");
	if (!c->opts->data_dir)
		return SIM_OK;
	size_t k = 0;
	char p[1200];
	for (size_t i = 0; i < g->n_input; i++) {
		if (!g->input[i]->name || is_init(g, g->input[i]->name))
			continue;
		snprintf(p, sizeof p, "%s/input_%zu.pb", c->opts->data_dir, k++);
		struct stat st;
		if (stat(p, &st) != 0 && errno == ENOENT)
			continue; /* an optional input the test leaves out */
		if (!(c->bound[i] = onnx_pb_read(p, &onnx__tensor_proto__descriptor, c->err)))
			return SIM_EINPUT;
		const Onnx__TensorProto *t = (const Onnx__TensorProto *)onnx_pb_msg(c->bound[i]);
		if (t->name && *t->name && strcmp(t->name, g->input[i]->name))
			return sim_err(c->err, SIM_EINPUT, "%s: tensor '%s', expected graph input %zu, '%s'", p,
				       t->name, k - 1, g->input[i]->name);
	}
	snprintf(p, sizeof p, "%s/input_%zu.pb", c->opts->data_dir, k);
	struct stat st;
	if (stat(p, &st) == 0)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: more inputs than the model's %zu graph inputs, expected one file "
			       "per input",
			       p, k);
	return SIM_OK;
}

/* ---- attributes ---------------------------------------------------------------- */

typedef struct rnn_attrs {
	int64_t hidden; /* -1: not given */
	int64_t lbr;
	bool batch_major;
	bool reverse; /* direction reverse */
	bool bidir;   /* direction bidirectional */
	bool coupled; /* LSTM input_forget = 1 */
	size_t n_acts;
	const ProtobufCBinaryData *acts;
	size_t n_alpha, n_beta;
	const float *alphas, *betas;
	/* the layer's activation per role (workload.h), from the above */
	layer_act_t act[LAYER_ROLES];
	double act_alpha[LAYER_ROLES], act_beta[LAYER_ROLES];
} rnn_attrs_t;

static int unsupported(ctx_t *c, const char *fmt, const char *what, const char *expected)
{
	char msg[512];
	snprintf(msg, sizeof msg, fmt, what);
	return sim_err(c->err, SIM_EINPUT, "%s: %s: %s is unsupported, expected %s", c->path, c->where, msg, expected);
}

static bool bin_is(const ProtobufCBinaryData *b, const char *s)
{
	return b->len == strlen(s) && !memcmp(b->data, s, b->len);
}

/* ONNX's activation names in act_fn_t order; matched ignoring case, as
 * ONNX Runtime does. */
static const char *const ONNX_ACTS[ACT_N_FN] = {
	"Sigmoid",	   "Tanh",     "Relu",	     "LeakyRelu", "HardSigmoid", "Affine",
	"ThresholdedRelu", "Softsign", "ScaledTanh", "Elu",	  "Softplus"
};

static int act_lookup(const ProtobufCBinaryData *b)
{
	for (int k = 0; k < ACT_N_FN; k++)
		if (b->len == strlen(ONNX_ACTS[k]) && !strncasecmp((const char *)b->data, ONNX_ACTS[k], b->len))
			return k;
	return -1;
}

/* The node's activations (one per role, for each direction) as the
 * layer's act_f, act_g, act_h. activation_alpha and activation_beta are
 * consumed in list order by the functions that take them, a missing one
 * defaulting as in ONNX Runtime (LeakyRelu 0.01, HardSigmoid 0.2 and 0.5,
 * Elu 1, the others 0). The workload reads 0 as the function's default
 * (workload.h), so a 0 that means 0 maps to the same function another way
 * (LeakyRelu, ThresholdedRelu, Elu with alpha 0 are Relu; Affine with beta
 * 0 is the default) or, for a constant function, is refused. Both
 * directions must use the same functions: the layer has one set. */
static int rnn_acts(ctx_t *c, cell_kind_t cell, rnn_attrs_t *a)
{
	unsigned nr = cell == CELL_LSTM ? 3 : cell == CELL_GRU ? 2 : 1, ndir = a->bidir ? 2 : 1;
	if (a->n_acts && a->n_acts != nr * ndir)
		return unsupported(c, "%s", "an activations list of another length",
				   "one function per role (f, g, h) and direction");
	size_t ia = 0, ib = 0;
	for (unsigned i = 0; i < nr * ndir; i++) {
		unsigned r = i % nr;
		int k = a->n_acts ? act_lookup(&a->acts[i]) : r == 0 && cell != CELL_VANILLA ? ACT_SIGMOID : ACT_TANH;
		if (k < 0) {
			char nm[64];
			snprintf(nm, sizeof nm, "%.*s", (int)(a->acts[i].len < 40 ? a->acts[i].len : 40),
				 (const char *)a->acts[i].data);
			for (char *q = nm; *q; q++)
				*q = (unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f ? '?' : *q;
			return unsupported(c, "activation '%s'", nm,
					   "one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, "
					   "ScaledTanh, HardSigmoid, Elu, Softsign, Softplus");
		}
		act_fn_t fn = (act_fn_t)k;
		bool ort_def = fn == ACT_LEAKY_RELU || fn == ACT_HARD_SIGMOID || fn == ACT_ELU;
		act_spec_t d = act_default(fn);
		double al = 0, be = 0;
		if (act_takes_alpha(fn))
			al = ia < a->n_alpha ? a->alphas[ia++] : ort_def ? d.alpha : 0;
		if (act_takes_beta(fn))
			be = ib < a->n_beta ? a->betas[ib++] : ort_def ? d.beta : 0;
		if (act_takes_alpha(fn) && al == 0) {
			if (fn != ACT_LEAKY_RELU && fn != ACT_THRESHOLDED_RELU && fn != ACT_ELU)
				return unsupported(c, "activation %s with alpha 0 (a constant function)", ONNX_ACTS[fn],
						   "a nonzero alpha");
			fn = ACT_RELU;
		}
		if (act_takes_beta(fn) && be == 0 && fn != ACT_AFFINE)
			return unsupported(c, "activation %s with beta 0", ONNX_ACTS[fn],
					   "a nonzero beta (the workload's 0 means the function's default)");
		layer_act_t la = (layer_act_t)(fn + 1);
		bool own = la == (r == 0 && cell != CELL_VANILLA ? LACT_SIGMOID : LACT_TANH);
		if (i < nr) {
			a->act[r] = own ? LACT_AUTO : la;
			a->act_alpha[r] = act_takes_alpha(fn) ? al : 0;
			a->act_beta[r] = act_takes_beta(fn) ? be : 0;
		} else if (a->act[r] != (own ? LACT_AUTO : la) || a->act_alpha[r] != (act_takes_alpha(fn) ? al : 0) ||
			   a->act_beta[r] != (act_takes_beta(fn) ? be : 0)) {
			return unsupported(c, "%s", "activations that differ between the directions",
					   "the same functions and parameters for both (a layer has one set)");
		}
	}
	return SIM_OK;
}

static int rnn_attributes(ctx_t *c, const Onnx__NodeProto *n, cell_kind_t cell, rnn_attrs_t *a)
{
	*a = (rnn_attrs_t){ .hidden = -1 };
	for (size_t i = 0; i < n->n_attribute; i++) {
		const Onnx__AttributeProto *at = n->attribute[i];
		const char *nm = at->name ? at->name : "";
		char shown[80];
		snprintf(shown, sizeof shown, "%.60s", nm);
		for (char *q = shown; *q; q++)
			if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
				*q = '?';
		if (!strcmp(nm, "hidden_size") && at->has_i) {
			a->hidden = at->i;
		} else if (!strcmp(nm, "direction") && at->has_s) {
			a->reverse = bin_is(&at->s, "reverse");
			a->bidir = bin_is(&at->s, "bidirectional");
			if (!a->reverse && !a->bidir && !bin_is(&at->s, "forward"))
				return unsupported(c, "direction '%s'", "(other)", "forward, reverse or bidirectional");
		} else if (!strcmp(nm, "activations")) {
			a->n_acts = at->n_strings;
			a->acts = at->strings;
		} else if (!strcmp(nm, "activation_alpha")) {
			a->n_alpha = at->n_floats;
			a->alphas = at->floats;
		} else if (!strcmp(nm, "activation_beta")) {
			a->n_beta = at->n_floats;
			a->betas = at->floats;
		} else if (!strcmp(nm, "clip")) {
			return unsupported(c, "attribute %s", "clip",
					   "no clipping (the cell's activations as they are)");
		} else if (!strcmp(nm, "input_forget") && cell == CELL_LSTM && at->has_i) {
			if (at->i != 0 && at->i != 1)
				return unsupported(c, "%s", "input_forget other than 0 or 1", "0 or 1");
			a->coupled = at->i == 1;
		} else if (!strcmp(nm, "linear_before_reset") && cell == CELL_GRU && at->has_i) {
			if (at->i != 0 && at->i != 1)
				return unsupported(c, "%s", "linear_before_reset other than 0 or 1", "0 or 1");
			a->lbr = at->i;
		} else if (!strcmp(nm, "layout") && at->has_i) {
			if (at->i != 0 && at->i != 1)
				return unsupported(c, "%s", "layout other than 0 or 1", "0 or 1");
			a->batch_major = at->i == 1;
		} else {
			return unsupported(c, "attribute '%s'", shown,
					   "hidden_size, direction, activations, activation_alpha, activation_beta, "
					   "linear_before_reset (GRU), input_forget (LSTM) or layout");
		}
	}
	return rnn_acts(c, cell, a);
}
/* ---- one recurrent node ---------------------------------------------------------- */

/* A tensor input of the node as doubles, with its expected shape. */
static int node_tensor(ctx_t *c, const char *name, const char *role, unsigned ndim, const size_t *want,
		       onnx_tensor_t *t)
{
	const Onnx__TensorProto *p = value_of(c, name);
	char what[600];
	snprintf(what, sizeof what, "%s: %s '%.200s'", c->where, role, name);
	if (!p)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s has no value, expected an initializer (or a test data set "
			       "giving the graph input, see sharpsim check)",
			       c->path, what);
	if (onnx_pb_tensor(p, c->path, what, t, c->err))
		return c->err->code;
	bool ok = t->ndim == ndim;
	for (unsigned i = 0; ok && i < ndim; i++)
		ok = t->dims[i] == want[i];
	if (!ok) {
		char g[ONNX_PB_MAX_DIMS * 24], w[ONNX_PB_MAX_DIMS * 24];
		onnx_dims_str(t->ndim, t->dims, g, sizeof g);
		onnx_dims_str(ndim, want, w, sizeof w);
		onnx_tensor_free(t);
		return sim_err(c->err, SIM_EINPUT, "%s: %s: shape %s, expected %s", c->path, what, g, w);
	}
	return SIM_OK;
}

/* Whether a float tensor holds only zeros (false if it cannot be read). */
static bool all_zero(ctx_t *c, const Onnx__TensorProto *t)
{
	onnx_tensor_t v;
	sim_err_t scratch;
	if (!t || onnx_pb_tensor(t, c->path, "", &v, &scratch))
		return false;
	bool z = true;
	for (size_t i = 0; z && i < v.count; i++)
		z = v.data[i] == 0;
	onnx_tensor_free(&v);
	return z;
}

/* An initial state that is zeros whatever its shape: Expand of a zero
 * constant, or ConstantOfShape of zero (PyTorch's export of a module
 * called without states builds one so from the input's shape). Equal to
 * leaving the input out. */
static bool zero_state(ctx_t *c, const char *name)
{
	const Onnx__NodeProto *n = producer(c, name);
	if (!n || !n->op_type)
		return false;
	if (!strcmp(n->op_type, "Expand"))
		return n->n_input == 2 && all_zero(c, value_of(c, node_in(n, 0)));
	if (!strcmp(n->op_type, "ConstantOfShape")) {
		for (size_t i = 0; i < n->n_attribute; i++)
			if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, "value"))
				return all_zero(c, n->attribute[i]->t);
		return true; /* the default value is a float 0 */
	}
	return false;
}

/* T, B and I of the first layer's X: from the data set, else from the
 * declared shape with the options filling symbolic dimensions. */
static int x_shape(ctx_t *c, const char *xname, uint32_t i_w, bool bm, size_t *tbi, onnx_tensor_t *x)
{
	const Onnx__ValueInfoProto *vi = graph_input(c, xname);
	if (!vi || is_init(c->g, xname))
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: X '%.200s' is not a graph input, expected the first layer to "
			       "read the model's input sequence",
			       c->path, c->where, xname);
	const Onnx__TensorProto *p = value_of(c, xname);
	if (p) {
		char what[600];
		snprintf(what, sizeof what, "%s: X '%.200s'", c->where, xname);
		if (onnx_pb_tensor(p, c->path, what, x, c->err))
			return c->err->code;
		if (x->ndim != 3) {
			char g[ONNX_PB_MAX_DIMS * 24];
			return sim_err(c->err, SIM_EINPUT, "%s: %s: shape %s, expected (T, B, I)", c->path, what,
				       onnx_dims_str(x->ndim, x->dims, g, sizeof g));
		}
		tbi[0] = x->dims[bm ? 1 : 0];
		tbi[1] = x->dims[bm ? 0 : 1];
		tbi[2] = x->dims[2];
		return SIM_OK;
	}
	const Onnx__TypeProto *ty = vi->type;
	const Onnx__TensorShapeProto *sh =
		ty && ty->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && ty->tensor_type ? ty->tensor_type->shape
											       : NULL;
	if (!sh || sh->n_dim != 3)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: X '%.200s' has no 3-dimensional declared shape, expected "
			       "(T, B, I)",
			       c->path, c->where, xname);
	const uint32_t given[3] = { c->opts->timesteps, c->opts->batch, i_w };
	const char *const opt[3] = { c->opts->timesteps_opt ? c->opts->timesteps_opt : "the option --timesteps",
				     c->opts->batch_opt ? c->opts->batch_opt : "the option --batch", "" };
	for (int d = 0; d < 3; d++) {
		const Onnx__TensorShapeProto__Dimension *dm = sh->dim[d < 2 && bm ? 1 - d : d];
		bool fixed = dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		if (fixed && dm->dim_value <= 0)
			return sim_err(c->err, SIM_EINPUT, "%s: %s: X dimension %d is %lld, expected a positive size",
				       c->path, c->where, d, (long long)dm->dim_value);
		if (!fixed && !given[d])
			return sim_err(c->err, SIM_EINPUT,
				       "%s: %s: X dimension %d is symbolic, expected a size from "
				       "%s",
				       c->path, c->where, d, opt[d]);
		tbi[d] = fixed && (d == 2 || !given[d])
				 ? (dm->dim_value > UINT32_MAX ? UINT32_MAX : (size_t)dm->dim_value)
				 : given[d];
	}
	return SIM_OK;
}

/* Gate blocks of an ONNX node's W (op one of CELL_LSTM, CELL_GRU,
 * CELL_VANILLA: LSTM, GRU, RNN). */
static uint32_t cell_gates(cell_kind_t op)
{
	return op == CELL_LSTM ? 4 : op == CELL_GRU ? 3 : 1;
}

/* ONNX's gate block of the simulator cell's gate s (docs/numerics.md §7
 * order). The coupled LSTM has no f gate: ONNX's f block is present in W,
 * R and B but unused (onnx_import.h). */
static uint32_t onnx_block(cell_kind_t cell, uint32_t s)
{
	static const uint32_t LSTM[4] = { 0, 2, 3, 1 }; /* i f g o <- i o f c */
	static const uint32_t CIFG[3] = { 0, 3, 1 };	/* i g o <- i o f c */
	static const uint32_t GRU[3] = { 1, 0, 2 };	/* r z n <- z r h */
	switch (cell) {
	case CELL_LSTM:
	case CELL_LSTM_PEEPHOLE:
		return LSTM[s];
	case CELL_LSTM_COUPLED:
		return CIFG[s];
	case CELL_GRU:
		return GRU[s];
	default:
		return 0;
	}
}

/* The tensors of one recurrent node, each (num_directions, ...). */
typedef struct node_tensors {
	onnx_tensor_t w, r, b, h, c, p;
} node_tensors_t;

/* Direction d of nd of the node's tensors into w: gate blocks reordered
 * (onnx_block), biases folded, P's rows reordered, initial states taken
 * from (nd, B, H) or, batch-major, (B, nd, H). og: ONNX's gate blocks. */
static void fill_dir(weights_t *w, const node_tensors_t *t, uint32_t og, bool lbr, bool bm, size_t d, size_t nd)
{
	size_t H = w->H, I = w->I, gh = (size_t)og * H;
	const double *W = t->w.data + d * gh * I, *R = t->r.data + d * gh * H;
	const double *Bv = t->b.data ? t->b.data + d * 2 * gh : NULL;
	for (uint32_t s = 0; s < w->G; s++) {
		size_t src = (size_t)onnx_block(w->cell, s) * H, dst = (size_t)s * H;
		memcpy(w->W + dst * I, W + src * I, H * I * sizeof(double));
		memcpy(w->U + dst * H, R + src * H, H * H * sizeof(double));
		bool split = w->cell == CELL_GRU && lbr && s == 2;
		for (size_t j = 0; j < H; j++) {
			double wb = Bv ? Bv[src + j] : 0, rb = Bv ? Bv[gh + src + j] : 0;
			w->b[dst + j] = split ? wb : wb + rb;
			if (split)
				w->b_hn[j] = rb;
		}
	}
	/* ONNX's P rows are i, o, f; the simulator's i, f, o. */
	static const size_t PROW[3] = { 0, 2, 1 };
	for (size_t k = 0; w->P && k < 3; k++)
		memcpy(w->P + k * H, t->p.data + (d * 3 + PROW[k]) * H, H * sizeof(double));
	for (size_t b = 0; b < w->B; b++)
		for (size_t j = 0; j < H; j++) {
			size_t i = bm ? (b * nd + d) * H + j : (d * w->B + b) * H + j;
			w->h0[b * H + j] = t->h.data ? t->h.data[i] : 0;
			if (w->c0) /* the cells with a state c */
				w->c0[b * H + j] = t->c.data ? t->c.data[i] : 0;
		}
}

/* The width of layer l's output sequence: H, or 2H when bidirectional. */
static uint32_t out_width(const onnx_model_t *m, size_t l)
{
	return m->cfg[l].hidden_size * (m->cfg[l].direction == DIR_BI ? 2 : 1);
}

/* op is the ONNX operator's cell family (CELL_LSTM, CELL_GRU, CELL_VANILLA);
 * an LSTM node becomes lstm_peephole with an input P, lstm_coupled with
 * input_forget = 1. */
static int map_rnn(ctx_t *c, const Onnx__NodeProto *n, cell_kind_t op)
{
	onnx_model_t *m = c->m;
	size_t l = m->n_layers;
	rnn_attrs_t a;
	if (rnn_attributes(c, n, op, &a))
		return SIM_EINPUT;
	size_t max_in = op == CELL_LSTM ? 8 : 6;
	if (n->n_input > max_in || n->n_input < 3)
		return sim_err(c->err, SIM_EINPUT, "%s: %s: %zu inputs, expected 3 to %zu", c->path, c->where,
			       n->n_input, max_in);
	bool peep = op == CELL_LSTM && *node_in(n, 7);
	if (peep && a.coupled)
		return unsupported(c, "%s", "input_forget=1 together with peepholes (input P)",
				   "one of them (lstm_coupled has no peepholes, lstm_peephole no coupling)");
	cell_kind_t cell = peep ? CELL_LSTM_PEEPHOLE : a.coupled ? CELL_LSTM_COUPLED : op;
	bool state = op == CELL_LSTM;
	uint32_t G = cell_gates(op), nd = a.bidir ? 2 : 1;
	/* W's shape gives H and I before anything depends on them. */
	const Onnx__TensorProto *wp = value_of(c, node_in(n, 1));
	if (!wp)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: W '%.200s' has no value, expected an initializer (or a "
			       "test data set giving the graph input, see sharpsim check)",
			       c->path, c->where, node_in(n, 1));
	if (wp->n_dims != 3 || wp->dims[0] != nd || wp->dims[1] <= 0 || wp->dims[1] % G || wp->dims[2] <= 0)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: W '%.200s' is not 3-dimensional with positive sizes, "
			       "expected a tensor of shape (%u, %u*H, I)",
			       c->path, c->where, node_in(n, 1), nd, G);
	int64_t H = wp->dims[1] / G, I = wp->dims[2];
	if (a.hidden >= 0 && a.hidden != H)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: hidden_size %lld but W has %lld rows, expected %u x "
			       "hidden_size rows",
			       c->path, c->where, (long long)a.hidden, (long long)wp->dims[1], G);
	if (H > IMP_MAX_H || I > IMP_MAX_I)
		return sim_err(c->err, SIM_EINPUT, "%s: %s: hidden %lld, input %lld, expected at most %u and %u",
			       c->path, c->where, (long long)H, (long long)I, IMP_MAX_H, IMP_MAX_I);
	size_t tbi[3];
	onnx_tensor_t x = { 0 };
	if (l == 0) {
		if (x_shape(c, node_in(n, 0), (uint32_t)I, a.batch_major, tbi, &x))
			return c->err->code;
	} else {
		const alias_t *al = find_alias(c, node_in(n, 0));
		/* an open MatMul's bias is still to come: reading it would skip it */
		if (!al || al->kind != ONNX_OUT_Y || al->layer != l - 1 || !al->squeezed || al->open ||
		    al->batch_major != a.batch_major)
			return sim_err(c->err, SIM_EINPUT,
				       "%s: %s: X '%.200s' is not the previous layer's Y squeezed to "
				       "3 dimensions in this node's layout, expected a chain of recurrent layers",
				       c->path, c->where, node_in(n, 0));
		tbi[0] = m->cfg[0].timesteps;
		tbi[1] = m->cfg[0].batch_size;
		tbi[2] = out_width(m, l - 1);
	}
	int rc = SIM_OK;
	if (tbi[2] != (size_t)I)
		rc = sim_err(c->err, SIM_EINPUT,
			     "%s: %s: X has %zu features but W has %lld columns, expected them equal", c->path,
			     c->where, tbi[2], (long long)I);
	else if (tbi[0] < 1 || tbi[0] > IMP_MAX_T || tbi[1] < 1 || tbi[1] > IMP_MAX_B)
		rc = sim_err(c->err, SIM_EINPUT, "%s: %s: sequence length %zu, batch %zu, expected 1 to %u and 1 to %u",
			     c->path, c->where, tbi[0], tbi[1], IMP_MAX_T, IMP_MAX_B);
	else if (tbi[0] * tbi[1] > NPY_MAX_DATA_BYTES / sizeof(double) / tbi[2])
		rc = sim_err(c->err, SIM_EINPUT,
			     "%s: %s: X of (%zu, %zu, %zu) is over %zu bytes as doubles, expected "
			     "a smaller input",
			     c->path, c->where, tbi[0], tbi[1], tbi[2], NPY_MAX_DATA_BYTES);
	if (rc) {
		onnx_tensor_free(&x);
		return rc;
	}
	uint32_t T = (uint32_t)tbi[0], B = (uint32_t)tbi[1];
	const char *sl = node_in(n, 4);
	layer_lens_t lens = { 0 }; /* n = 0: every sequence runs all T steps */
	if (*sl) {
		int64_t *v;
		size_t cnt;
		char what[600];
		snprintf(what, sizeof what, "%s: sequence_lens '%.200s'", c->where, sl);
		const Onnx__TensorProto *p = value_of(c, sl);
		if (!p)
			rc = sim_err(c->err, SIM_EINPUT, "%s: %s has no value, expected an initializer or test data",
				     c->path, what);
		else if (!(rc = onnx_pb_tensor_ints(p, c->path, what, &v, &cnt, c->err))) {
			/* Lengths below T become the layer's sequence_lens
			 * (docs/architecture.md), in every direction: a backward
			 * pass starts each sequence at its own last element, as
			 * ONNX's reverse direction does. The longest must be T:
			 * a batch padded past its longest sequence is refused
			 * (docs/onnx.md, "Lengths all below T" gives why). */
			bool full = cnt == B;
			size_t bad = cnt;
			int64_t longest = 0;
			for (size_t i = 0; i < cnt; i++) {
				full = full && v[i] == (int64_t)T;
				if (bad == cnt && (v[i] < 1 || v[i] > (int64_t)T))
					bad = i;
				longest = v[i] > longest ? v[i] : longest;
			}
			if (cnt != B)
				rc = sim_err(c->err, SIM_EINPUT,
					     "%s: %s has %zu values, expected %u, one per sequence of the batch",
					     c->path, what, cnt, B);
			else if (bad < cnt)
				rc = sim_err(c->err, SIM_EINPUT,
					     "%s: %s: element %zu is %lld, expected a length of 1 to T = %u", c->path,
					     what, bad, (long long)v[bad], T);
			else if (!full && longest != (int64_t)T)
				rc = unsupported(c, "%s",
						 "sequence_lens whose longest is below T (the steps past it would "
						 "run no sequence, and a later layer or head without lengths would "
						 "read them)",
						 "the longest length equal to T: export the batch padded to its "
						 "longest sequence");
			else if (!full) {
				lens.n = B;
				for (size_t i = 0; i < cnt; i++)
					lens.len[i] = (uint32_t)v[i];
			}
			free(v);
		}
		if (rc) {
			onnx_tensor_free(&x);
			return rc;
		}
	}
	/* The tensors first: their data, checked against their shapes, is in
	 * the file, so the arrays below are bounded by the file's size (and
	 * x by the cap above) before anything of the layer's size exists. */
	size_t gh = (size_t)G * H;
	node_tensors_t nt = { 0 };
	const size_t dw[3] = { nd, gh, (size_t)I }, dr[3] = { nd, gh, (size_t)H }, db[2] = { nd, 2 * gh },
		     ds[3] = { a.batch_major ? B : nd, a.batch_major ? nd : B, (size_t)H },
		     dp[2] = { nd, 3 * (size_t)H };
	rc = node_tensor(c, node_in(n, 1), "W", 3, dw, &nt.w);
	if (!rc)
		rc = node_tensor(c, node_in(n, 2), "R", 3, dr, &nt.r);
	if (!rc && *node_in(n, 3))
		rc = node_tensor(c, node_in(n, 3), "B", 2, db, &nt.b);
	if (!rc && *node_in(n, 5) && !zero_state(c, node_in(n, 5)))
		rc = node_tensor(c, node_in(n, 5), "initial_h", 3, ds, &nt.h);
	if (!rc && state && *node_in(n, 6) && !zero_state(c, node_in(n, 6)))
		rc = node_tensor(c, node_in(n, 6), "initial_c", 3, ds, &nt.c);
	if (!rc && peep)
		rc = node_tensor(c, node_in(n, 7), "P", 2, dp, &nt.p);
	weights_t *w = NULL, *wb = NULL;
	if (!rc) {
		layer_cfg_t *lc = &m->cfg[l];
		*lc = (layer_cfg_t){ .cell = cell,
				     .input_size = (uint32_t)I,
				     .hidden_size = (uint32_t)H,
				     .timesteps = T,
				     .batch_size = B,
				     .gru_form = a.lbr ? GRU_LBR : GRU_RBM,
				     .direction = a.bidir     ? DIR_BI
						  : a.reverse ? DIR_REV
							      : DIR_UNI };
		for (unsigned r = 0; r < LAYER_ROLES; r++) {
			lc->act[r] = a.act[r];
			lc->act_alpha[r] = a.act_alpha[r];
			lc->act_beta[r] = a.act_beta[r];
		}
		lc->sequence_lens = lens;
		snprintf(lc->weights, sizeof lc->weights, "weights/layer%zu", l);
		if (!(w = weights_random(lc, c->opts->seed, c->err)) ||
		    (a.bidir && !(wb = weights_random_dir(lc, c->opts->seed, true, c->err)))) {
			weights_destroy(w);
			w = NULL;
			rc = c->err->code;
		}
	}
	if (w) {
		m->w[l] = w;
		m->wb[l] = wb;
		m->batch_major[l] = a.batch_major;
		m->n_layers++;
		size_t xn = (size_t)T * B * (size_t)I;
		for (size_t i = 0; i < xn; i++) {
			/* Without data, x is drawn as `run --functional` would,
			 * rounded to float32 so that the .npy (<f4) holds exactly
			 * these values; a later layer's x is never read (it gets
			 * layer l-1's h). */
			size_t t = i / ((size_t)B * I), b = i / I % B, k = i % I;
			size_t src = a.batch_major ? ((size_t)b * T + t) * I + k : (t * B + b) * I + k;
			w->x[i] = x.data ? x.data[src] : l ? 0.0 : (double)(float)w->x[i];
		}
		fill_dir(w, &nt, G, a.lbr, a.batch_major, 0, nd);
		if (wb)
			fill_dir(wb, &nt, G, a.lbr, a.batch_major, 1, nd);
	}
	onnx_tensor_free(&x);
	onnx_tensor_free(&nt.w);
	onnx_tensor_free(&nt.r);
	onnx_tensor_free(&nt.b);
	onnx_tensor_free(&nt.h);
	onnx_tensor_free(&nt.c);
	onnx_tensor_free(&nt.p);
	for (size_t o = 0; !rc && o < n->n_output && o < (state ? 3u : 2u); o++)
		rc = add_alias(c, (alias_t){ .name = n->output[o],
					     .layer = l,
					     .kind = (onnx_out_kind_t)o,
					     .batch_major = a.batch_major });
	if (!rc && n->n_output > (state ? 3u : 2u))
		rc = sim_err(c->err, SIM_EINPUT, "%s: %s: %zu outputs, expected at most %u", c->path, c->where,
			     n->n_output, state ? 3u : 2u);
	return rc;
}

/* Squeeze of axis 1 (ONNX's num_directions) of a Y: the 3-D sequence a
 * following layer reads. axes is an attribute before opset 13, an input
 * after. */
static int map_squeeze(ctx_t *c, const Onnx__NodeProto *n)
{
	const alias_t *al = find_alias(c, node_in(n, 0));
	if (!al || al->kind != ONNX_OUT_Y || al->squeezed || n->n_output != 1)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: squeezes '%.200s', expected to squeeze a recurrent "
			       "layer's Y",
			       c->path, c->where, node_in(n, 0));
	if (c->m->cfg[al->layer].direction == DIR_BI)
		return unsupported(c, "%s", "Squeeze of a bidirectional layer's Y (num_directions is 2)",
				   "Transpose (perm [0, 2, 1, 3]) and Reshape to (T, B, 2H)");
	bool ok = false;
	int64_t axis = al->batch_major ? 2 : 1;
	for (size_t i = 0; i < n->n_attribute; i++)
		if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, "axes"))
			ok = n->attribute[i]->n_ints == 1 && n->attribute[i]->ints[0] == axis;
	if (*node_in(n, 1)) {
		const Onnx__TensorProto *p = value_of(c, node_in(n, 1));
		int64_t *v = NULL;
		size_t cnt = 0;
		if (p && onnx_pb_tensor_ints(p, c->path, "Squeeze axes", &v, &cnt, c->err))
			return SIM_EINPUT;
		ok = cnt == 1 && v[0] == axis;
		free(v);
	}
	if (!ok)
		return unsupported(c, "%s", "Squeeze of other axes than num_directions'",
				   "axes = [1] (layout 0) or [2] (layout 1)");
	alias_t a = *al;
	a.name = n->output[0];
	a.squeezed = true;
	return add_alias(c, a);
}

/* ---- a classifier head: MatMul + Add, or Gemm ------------------------------------ */

/* An integer attribute of the node, or def when absent. */
static int64_t attr_int(const Onnx__NodeProto *n, const char *name, int64_t def)
{
	for (size_t i = 0; i < n->n_attribute; i++)
		if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, name))
			return n->attribute[i]->i;
	return def;
}

/* A float attribute of the node, or def when absent. */
static float attr_float(const Onnx__NodeProto *n, const char *name, float def)
{
	for (size_t i = 0; i < n->n_attribute; i++)
		if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, name))
			return n->attribute[i]->f;
	return def;
}

/* The sequence an fc node reads: the last layer's squeezed Y (flat for
 * Gemm, whose A is 2-D), applied to every step. NULL with err set. */
static const alias_t *fc_input(ctx_t *c, const Onnx__NodeProto *n, bool gemm)
{
	const alias_t *al = find_alias(c, node_in(n, 0));
	if (!al || al->kind != ONNX_OUT_Y || !al->squeezed || al->open || al->layer + 1 != c->m->n_layers ||
	    (gemm && !al->flat)) {
		sim_err(c->err, SIM_EINPUT,
			"%s: %s: multiplies '%.200s', expected the last layer's Y sequence %s (a head "
			"applied to every step; the last step alone is unsupported)",
			c->path, c->where, node_in(n, 0),
			gemm ? "reshaped to (T*B, H)" : "squeezed to 3 dimensions or reshaped to (T*B, H)");
		return NULL;
	}
	return al;
}

/* Transpose of a bidirectional layer's Y (T, 2, B, H) to (T, B, 2, H):
 * what PyTorch exports (with the Reshape below) to give its (T, B, 2H)
 * output. */
static int map_transpose(ctx_t *c, const Onnx__NodeProto *n)
{
	const alias_t *al = find_alias(c, node_in(n, 0));
	if (!al || al->kind != ONNX_OUT_Y || al->squeezed || al->transposed || al->batch_major || n->n_output != 1 ||
	    c->m->cfg[al->layer].direction != DIR_BI)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: transposes '%.200s', expected a bidirectional layer's Y (layout 0)", c->path,
			       c->where, node_in(n, 0));
	bool ok = false;
	for (size_t i = 0; i < n->n_attribute; i++)
		if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, "perm")) {
			const int64_t *v = n->attribute[i]->ints;
			ok = n->attribute[i]->n_ints == 4 && v[0] == 0 && v[1] == 2 && v[2] == 1 && v[3] == 3;
		}
	if (!ok)
		return unsupported(c, "%s", "Transpose with another perm",
				   "perm [0, 2, 1, 3] (the directions next to H, before a Reshape to (T, B, 2H))");
	alias_t a = *al;
	a.name = n->output[0];
	a.transposed = true;
	return add_alias(c, a);
}

/* Reshape of a bidirectional Y, (T, B, 2, H) after map_transpose or
 * batch-major (B, T, 2, H), to the sequence (T, B, 2H) (or (B, T, 2H)) of
 * [h_fwd; h_bwd]: each of the first two sizes 0 (kept), -1 or its value,
 * the last 2H or -1, at most one -1. */
static int map_merge(ctx_t *c, const Onnx__NodeProto *n, const alias_t *al)
{
	const layer_cfg_t *lc = &c->m->cfg[al->layer];
	const Onnx__TensorProto *p = value_of(c, node_in(n, 1));
	int64_t *v = NULL;
	size_t cnt = 0;
	if (p && onnx_pb_tensor_ints(p, c->path, "Reshape shape", &v, &cnt, c->err))
		return SIM_EINPUT;
	int64_t want[3] = { al->batch_major ? lc->batch_size : lc->timesteps,
			    al->batch_major ? lc->timesteps : lc->batch_size, 2 * (int64_t)lc->hidden_size };
	bool ok = cnt == 3;
	int minus = 0;
	for (size_t i = 0; ok && i < 3; i++) {
		minus += v[i] == -1;
		ok = v[i] == want[i] || v[i] == -1 || (i < 2 && v[i] == 0);
	}
	free(v);
	if (!ok || minus > 1)
		return unsupported(c, "%s", "Reshape of a bidirectional Y to another shape than (T, B, 2H)",
				   "shape [0, 0, -1] or [T, B, 2H] (layout 1: [B, T, 2H])");
	alias_t a = *al;
	a.name = n->output[0];
	a.transposed = false;
	a.squeezed = true;
	a.concat = true;
	return add_alias(c, a);
}

/* Reshape of a squeezed Y (T, B, W) to (T*B, W), the order kept (W = H, or
 * 2H for a bidirectional layer's merged Y): what y.reshape(-1, W) exports
 * before an nn.Linear. A bidirectional Y: map_merge. */
static int map_reshape(ctx_t *c, const Onnx__NodeProto *n)
{
	const alias_t *al = find_alias(c, node_in(n, 0));
	if (al && al->kind == ONNX_OUT_Y && !al->squeezed && !al->open && n->n_output == 1 &&
	    c->m->cfg[al->layer].direction == DIR_BI && (al->transposed || al->batch_major))
		return map_merge(c, n, al);
	if (!al || al->kind != ONNX_OUT_Y || !al->squeezed || al->flat || al->open || n->n_output != 1)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: reshapes '%.200s', expected a recurrent layer's Y squeezed to 3 "
			       "dimensions",
			       c->path, c->where, node_in(n, 0));
	const layer_cfg_t *lc = &c->m->cfg[al->layer];
	const Onnx__TensorProto *p = value_of(c, node_in(n, 1));
	int64_t *v = NULL;
	size_t cnt = 0;
	if (p && onnx_pb_tensor_ints(p, c->path, "Reshape shape", &v, &cnt, c->err))
		return SIM_EINPUT;
	int64_t tb = (int64_t)lc->timesteps * lc->batch_size;
	int64_t wd = out_width(c->m, al->layer);
	bool ok = cnt == 2 && (v[0] == -1 || v[0] == tb) && (v[1] == wd || (v[1] == -1 && v[0] != -1));
	free(v);
	if (!ok)
		return unsupported(c, "%s", "Reshape to another shape than (T*B, H)", "shape [-1, H] or [T*B, H]");
	alias_t a = *al;
	a.name = n->output[0];
	a.flat = true;
	return add_alias(c, a);
}

/* MatMul(Y, B) with B (H, C), or Gemm(Y, B, C) with alpha = beta = 1,
 * transA = 0, B (H, C) or (C, H) with transB = 1 (nn.Linear's weight),
 * bias C (C,) or (1, C): a layer `cell: fc` with W (C, H) = B^T or B. */
static int map_fc(ctx_t *c, const Onnx__NodeProto *n, bool gemm)
{
	onnx_model_t *m = c->m;
	size_t l = m->n_layers;
	if (gemm && (attr_float(n, "alpha", 1.0f) != 1.0f || attr_float(n, "beta", 1.0f) != 1.0f))
		return unsupported(c, "%s", "alpha or beta other than 1", "alpha = beta = 1 (nn.Linear's export)");
	if (gemm && attr_int(n, "transA", 0) != 0)
		return unsupported(c, "%s", "transA = 1", "transA = 0 (the sequence as rows)");
	bool tb = gemm && attr_int(n, "transB", 0) != 0;
	if (n->n_input < 2 || n->n_input > (gemm ? 3u : 2u) || n->n_output != 1)
		return sim_err(c->err, SIM_EINPUT, "%s: %s: %zu inputs, %zu outputs, expected 2%s and 1", c->path,
			       c->where, n->n_input, n->n_output, gemm ? " or 3" : "");
	const alias_t *al = fc_input(c, n, gemm);
	if (!al)
		return c->err->code;
	alias_t in = *al;
	const layer_cfg_t *prev = &m->cfg[l - 1];
	const Onnx__TensorProto *bp = value_of(c, node_in(n, 1));
	if (!bp || bp->n_dims != 2 || bp->dims[tb ? 0 : 1] <= 0 || bp->dims[tb ? 0 : 1] > IMP_MAX_H)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: B '%.200s' is not a 2-dimensional initializer, expected %s with C at most %u",
			       c->path, c->where, node_in(n, 1), tb ? "(C, H)" : "(H, C)", IMP_MAX_H);
	size_t H = out_width(m, l - 1), C = (size_t)bp->dims[tb ? 0 : 1];
	const size_t dw[2] = { tb ? C : H, tb ? H : C }, db[2] = { 1, C };
	onnx_tensor_t tw = { 0 }, tbias = { 0 };
	int rc = node_tensor(c, node_in(n, 1), "B", 2, dw, &tw);
	if (!rc && *node_in(n, 2)) {
		const Onnx__TensorProto *cp = value_of(c, node_in(n, 2));
		unsigned nd = cp && cp->n_dims == 2 ? 2 : 1;
		rc = node_tensor(c, node_in(n, 2), "C", nd, nd == 2 ? db : db + 1, &tbias);
	}
	weights_t *w = NULL;
	if (!rc) {
		layer_cfg_t *lc = &m->cfg[l];
		*lc = (layer_cfg_t){ .cell = CELL_FC,
				     .input_size = (uint32_t)H,
				     .hidden_size = (uint32_t)C,
				     .timesteps = prev->timesteps,
				     .batch_size = prev->batch_size,
				     .direction = DIR_UNI };
		snprintf(lc->weights, sizeof lc->weights, "weights/layer%zu", l);
		if (!(w = weights_random(lc, c->opts->seed, c->err)))
			rc = c->err->code;
	}
	if (w) {
		m->w[l] = w;
		m->batch_major[l] = in.batch_major;
		m->n_layers++;
		/* x is never read: the run feeds the head layer l-1's h */
		memset(w->x, 0, sizeof *w->x * (size_t)w->T * w->B * w->I);
		for (size_t r = 0; r < C; r++) {
			for (size_t k = 0; k < H; k++)
				w->W[r * H + k] = tb ? tw.data[r * H + k] : tw.data[k * C + r];
			w->b[r] = tbias.data ? tbias.data[r] : 0.0;
		}
	}
	onnx_tensor_free(&tw);
	onnx_tensor_free(&tbias);
	if (!rc)
		rc = add_alias(c, (alias_t){ .name = n->output[0],
					     .layer = l,
					     .kind = ONNX_OUT_Y,
					     .squeezed = true,
					     .batch_major = in.batch_major,
					     .flat = in.flat,
					     .open = !gemm });
	return rc;
}

/* Softmax over the last axis of the head's output: a layer `cell:
 * softmax` (docs/hardware.md §2.11). Its input is the last fc layer's
 * output, biased; axis -1 or the last (2 of (T, B, C), 1 of (T*B, C)).
 * An absent axis is the last only of a 2-D input (opset 13's default is
 * -1, the older one 1, the same axis there). */
static int map_softmax(ctx_t *c, const Onnx__NodeProto *n)
{
	onnx_model_t *m = c->m;
	size_t l = m->n_layers;
	const alias_t *al = find_alias(c, node_in(n, 0));
	if (!al || al->kind != ONNX_OUT_Y || !al->squeezed || al->open || !l || al->layer + 1 != l ||
	    m->cfg[l - 1].cell != CELL_FC || n->n_output != 1)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: normalizes '%.200s', expected the output of the last MatMul + Add or Gemm head",
			       c->path, c->where, node_in(n, 0));
	int64_t last = al->flat ? 1 : 2, axis = attr_int(n, "axis", al->flat ? 1 : INT64_MIN);
	if (axis != -1 && axis != last)
		return unsupported(c, "%s", "Softmax over another axis than the last (or without axis on 3 dimensions)",
				   "axis = -1 or the last axis");
	alias_t in = *al;
	layer_cfg_t *lc = &m->cfg[l];
	const layer_cfg_t *prev = &m->cfg[l - 1];
	*lc = (layer_cfg_t){ .cell = CELL_SOFTMAX,
			     .input_size = prev->hidden_size,
			     .hidden_size = prev->hidden_size,
			     .timesteps = prev->timesteps,
			     .batch_size = prev->batch_size,
			     .direction = DIR_UNI };
	weights_t *w = weights_random(lc, c->opts->seed, c->err);
	if (!w)
		return c->err->code;
	memset(w->x, 0, sizeof *w->x * (size_t)w->T * w->B * w->I); /* never read: it reads the head's output */
	m->w[l] = w;
	m->batch_major[l] = in.batch_major;
	m->n_layers++;
	return add_alias(c, (alias_t){ .name = n->output[0],
				       .layer = l,
				       .kind = ONNX_OUT_Y,
				       .squeezed = true,
				       .batch_major = in.batch_major,
				       .flat = in.flat });
}

/* Add of a MatMul's output and a bias (C,): the fc layer's b. */
static int map_add(ctx_t *c, const Onnx__NodeProto *n)
{
	int side = -1;
	for (int k = 0; k < 2 && n->n_input == 2; k++) {
		const alias_t *al = find_alias(c, node_in(n, (size_t)k));
		if (al && al->open && !find_alias(c, node_in(n, (size_t)(1 - k))))
			side = k;
	}
	if (side < 0 || n->n_output != 1)
		return sim_err(c->err, SIM_EINPUT,
			       "%s: %s: adds '%.200s' and '%.200s', expected a MatMul's output and a bias "
			       "initializer",
			       c->path, c->where, node_in(n, 0), node_in(n, 1));
	alias_t a = *find_alias(c, node_in(n, (size_t)side));
	weights_t *w = c->m->w[a.layer];
	const size_t db[1] = { w->H };
	onnx_tensor_t tb = { 0 };
	if (node_tensor(c, node_in(n, (size_t)(1 - side)), "bias", 1, db, &tb))
		return c->err->code;
	for (size_t r = 0; r < w->H; r++)
		w->b[r] += tb.data[r];
	onnx_tensor_free(&tb);
	a.name = n->output[0];
	a.open = false;
	return add_alias(c, a);
}

static int map_graph(ctx_t *c)
{
	const Onnx__GraphProto *g = c->g;
	onnx_model_t *m = c->m;
	m->cfg = calloc(g->n_node ? g->n_node : 1, sizeof *m->cfg);
	m->w = calloc(g->n_node ? g->n_node : 1, sizeof *m->w);
	m->wb = calloc(g->n_node ? g->n_node : 1, sizeof *m->wb);
	m->batch_major = calloc(g->n_node ? g->n_node : 1, sizeof *m->batch_major);
	c->aux = calloc(g->n_node ? g->n_node : 1, sizeof *c->aux);
	if (!m->cfg || !m->w || !m->wb || !m->batch_major || !c->aux)
		return sim_err(c->err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < g->n_node; i++) {
		const Onnx__NodeProto *n = g->node[i];
		const char *op = n->op_type ? n->op_type : "";
		char sop[40], snm[80];
		snprintf(sop, sizeof sop, "%.32s", op);
		snprintf(snm, sizeof snm, "%.64s", n->name ? n->name : "");
		for (char *q = sop; *q; q++)
			*q = (unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f ? '?' : *q;
		for (char *q = snm; *q; q++)
			*q = (unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f ? '?' : *q;
		snprintf(c->where, sizeof c->where, "node %zu (%s '%s')", i + 1, sop, snm);
		if (n->domain && *n->domain && strcmp(n->domain, "ai.onnx"))
			return unsupported(c, "operator domain '%.60s'", n->domain, "the default ONNX domain");
		int rc;
		if (!strcmp(op, "LSTM"))
			rc = map_rnn(c, n, CELL_LSTM);
		else if (!strcmp(op, "GRU"))
			rc = map_rnn(c, n, CELL_GRU);
		else if (!strcmp(op, "RNN"))
			rc = map_rnn(c, n, CELL_VANILLA);
		else if (!strcmp(op, "Squeeze"))
			rc = map_squeeze(c, n);
		else if (!strcmp(op, "MatMul"))
			rc = map_fc(c, n, false);
		else if (!strcmp(op, "Gemm"))
			rc = map_fc(c, n, true);
		else if (!strcmp(op, "Add"))
			rc = map_add(c, n);
		else if (!strcmp(op, "Softmax"))
			rc = map_softmax(c, n);
		else if (!strcmp(op, "Reshape"))
			rc = map_reshape(c, n);
		else if (!strcmp(op, "Transpose"))
			rc = map_transpose(c, n);
		else if (!strcmp(op, "Identity")) {
			const alias_t *al = find_alias(c, node_in(n, 0));
			if (!al || n->n_output != 1)
				rc = sim_err(c->err, SIM_EINPUT,
					     "%s: %s: passes on '%.200s', expected a value a "
					     "recurrent layer computed",
					     c->path, c->where, node_in(n, 0));
			else {
				alias_t a = *al;
				a.name = n->output[0];
				rc = add_alias(c, a);
			}
		} else if (!strcmp(op, "Constant") || !strcmp(op, "Shape") || !strcmp(op, "Gather") ||
			   !strcmp(op, "Unsqueeze") || !strcmp(op, "Concat") || !strcmp(op, "Expand") ||
			   !strcmp(op, "ConstantOfShape")) {
			/* Constants and shape arithmetic: their values are read only
			 * where a recurrent node needs one (Squeeze axes, a zero
			 * initial state); used anywhere else they make the consumer
			 * fail, as an output they are refused below. */
			c->aux[c->n_aux++] = n;
			rc = SIM_OK;
		} else
			rc = unsupported(c, "operator %s", sop,
					 "LSTM, GRU, RNN, Squeeze, Identity, or Transpose and Reshape of a "
					 "bidirectional Y between them, and a MatMul + Add or Gemm head after them, "
					 "and a Softmax after the head");
		if (rc)
			return rc;
	}
	if (!m->n_layers)
		return sim_err(c->err, SIM_EINPUT, "%s: no LSTM, GRU or RNN node, expected at least one", c->path);
	m->out = calloc(g->n_output ? g->n_output : 1, sizeof *m->out);
	if (!m->out)
		return sim_err(c->err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < g->n_output; i++) {
		const char *nm = g->output[i]->name ? g->output[i]->name : "";
		const alias_t *al = find_alias(c, nm);
		if (!al)
			return sim_err(c->err, SIM_EINPUT,
				       "%s: graph output '%.200s' is not computed by a recurrent "
				       "layer, expected Y, Y_h or Y_c of one",
				       c->path, nm);
		if (al->transposed)
			return unsupported(c, "graph output '%.200s'", nm,
					   "a bidirectional Y as it is, (T, 2, B, H), or reshaped to (T, B, 2H), "
					   "not transposed only");
		if (!(m->out[i].name = strdup(nm)))
			return sim_err(c->err, SIM_ENOMEM, "out of memory");
		m->out[i].layer = al->layer;
		m->out[i].kind = al->kind;
		m->out[i].concat = al->concat;
		m->n_out++;
	}
	return SIM_OK;
}

static void set_stem(onnx_model_t *m, const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = 0;
	for (; b[n] && n + 1 < sizeof m->stem; n++) {
		char ch = b[n];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			  ch == '-' || ch == '_' || ch == '.';
		m->stem[n] = ok ? ch : '_';
	}
	m->stem[n] = 0;
	char *dot = strrchr(m->stem, '.');
	if (dot && dot != m->stem)
		*dot = 0;
}

onnx_model_t *onnx_model_load(const char *path, const onnx_import_opts_t *opts, sim_err_t *err)
{
	onnx_pb_t *pb = onnx_pb_read(path, &onnx__model_proto__descriptor, err);
	if (!pb)
		return NULL;
	const Onnx__ModelProto *mp = (const Onnx__ModelProto *)onnx_pb_msg(pb);
	onnx_model_t *m = calloc(1, sizeof *m);
	ctx_t c = { .path = path, .err = err, .opts = opts, .g = mp->graph, .m = m };
	int rc = SIM_OK;
	if (!m)
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	else if (!mp->graph)
		rc = sim_err(err, SIM_EINPUT, "%s: no graph, expected an ONNX model", path);
	if (!rc) {
		set_stem(m, path);
		rc = bind_data(&c);
	}
	if (!rc)
		rc = map_graph(&c);
	if (c.bound)
		for (size_t i = 0; i < mp->graph->n_input; i++)
			onnx_pb_free(c.bound[i]);
	free(c.bound);
	free(c.alias);
	free(c.aux);
	onnx_pb_free(pb);
	if (rc) {
		onnx_model_destroy(m);
		return NULL;
	}
	return m;
}

void onnx_model_destroy(onnx_model_t *m)
{
	if (!m)
		return;
	for (size_t l = 0; l < m->n_layers; l++) {
		weights_destroy(m->w[l]);
		weights_destroy(m->wb[l]);
	}
	for (size_t i = 0; i < m->n_out; i++)
		free(m->out[i].name);
	free(m->out);
	free(m->w);
	free(m->wb);
	free(m->batch_major);
	free(m->cfg);
	free(m);
}

size_t onnx_model_layers(const onnx_model_t *m)
{
	return m->n_layers;
}

const weights_t *onnx_model_weights(const onnx_model_t *m, size_t l)
{
	return m->w[l];
}

const weights_t *onnx_model_weights_backward(const onnx_model_t *m, size_t l)
{
	return m->wb[l];
}

bool onnx_model_output_concat(const onnx_model_t *m, size_t k)
{
	return m->out[k].concat;
}

bool onnx_model_batch_major(const onnx_model_t *m, size_t l)
{
	return m->batch_major[l];
}

bool onnx_model_reverse(const onnx_model_t *m, size_t l)
{
	return m->cfg[l].direction == DIR_REV;
}

size_t onnx_model_outputs(const onnx_model_t *m)
{
	return m->n_out;
}

const char *onnx_model_output(const onnx_model_t *m, size_t k, size_t *layer, onnx_out_kind_t *kind)
{
	*layer = m->out[k].layer;
	*kind = m->out[k].kind;
	return m->out[k].name;
}

/* ---- writing ------------------------------------------------------------------------ */

static int make_dir(const char *p, sim_err_t *err)
{
	struct stat st;
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		return sim_err(err, SIM_EIO, "%s: cannot create directory: %s", p, strerror(errno));
	if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
		return sim_err(err, SIM_EINPUT, "%s: not a directory, expected a directory to write the import into",
			       p);
	return SIM_OK;
}

int onnx_model_write(const onnx_model_t *m, const char *dir, sim_err_t *err)
{
	char p[1200];
	int rc = make_dir(dir, err);
	snprintf(p, sizeof p, "%s/weights", dir);
	if (!rc)
		rc = make_dir(p, err);
	for (size_t l = 0; !rc && l < m->n_layers; l++) {
		if (!m->cfg[l].weights[0])
			continue; /* a softmax: no parameters */
		snprintf(p, sizeof p, "%s/%s", dir, m->cfg[l].weights);
		rc = make_dir(p, err);
		if (!rc)
			rc = weights_save(m->w[l], p, NPY_F4, err);
		if (!rc && m->wb[l]) {
			snprintf(p, sizeof p, "%s/%s/%s", dir, m->cfg[l].weights, WEIGHTS_BACKWARD_DIR);
			rc = make_dir(p, err);
			if (!rc)
				rc = weights_save(m->wb[l], p, NPY_F4, err);
		}
	}
	if (rc)
		return rc;
	snprintf(p, sizeof p, "%s/workload.yaml", dir);
	afile_t *f = afile_open(p, err);
	if (!f)
		return err->code;
	FILE *o = afile_stream(f);
	fprintf(o, "# Imported by `sharpsim import` from an ONNX model: one layer per recurrent node\n"
		   "# and one (cell: fc) for a classifier head, one (cell: softmax) for its Softmax,\n"
		   "# weights in weights/layer<N>/ (docs/numerics.md section 7, docs/onnx.md).\n");
	fprintf(o, "name: \"%s\"\nlayers:\n", m->stem[0] ? m->stem : "onnx");
	for (size_t l = 0; l < m->n_layers; l++) {
		const layer_cfg_t *lc = &m->cfg[l];
		fprintf(o,
			"  - cell: %s\n    input_size: %u\n    hidden_size: %u\n    timesteps: %u\n"
			"    batch_size: %u\n",
			workload_cell_name(lc->cell), lc->input_size, lc->hidden_size, lc->timesteps, lc->batch_size);
		if (lc->cell == CELL_GRU)
			fprintf(o, "    gru_form: %s\n",
				lc->gru_form == GRU_LBR ? "linear_before_reset" : "reset_before_matmul");
		if (lc->direction == DIR_BI)
			fprintf(o, "    direction: bidirectional  # backward weights in %s/%s/\n", lc->weights,
				WEIGHTS_BACKWARD_DIR);
		if (lc->direction == DIR_REV)
			fprintf(o, "    direction: reverse\n");
		if (lc->sequence_lens.n) {
			fprintf(o, "    sequence_lens: [");
			for (uint32_t b = 0; b < lc->sequence_lens.n; b++)
				fprintf(o, "%s%u", b ? ", " : "", lc->sequence_lens.len[b]);
			fprintf(o, "]\n");
		}
		static const char *const role[LAYER_ROLES] = { "f", "g", "h" };
		for (unsigned r = 0; r < LAYER_ROLES; r++) {
			if (lc->act[r] != LACT_AUTO)
				fprintf(o, "    act_%s: %s\n", role[r], param_lact_name(lc->act[r]));
			if (lc->act_alpha[r] != 0)
				fprintf(o, "    act_%s_alpha: %.17g\n", role[r], lc->act_alpha[r]);
			if (lc->act_beta[r] != 0)
				fprintf(o, "    act_%s_beta: %.17g\n", role[r], lc->act_beta[r]);
		}
		if (lc->weights[0])
			fprintf(o, "    weights: %s\n", lc->weights);
	}
	return afile_commit(f, err);
}
