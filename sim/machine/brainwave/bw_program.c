/*
 * bw_program.c - the chain templates of BrainWave's recurrent cells.
 *
 * The LSTM program follows the one the BrainWave authors show (ISCA 2018,
 * and their Hot Chips 2017 talk): the input projections as chains of
 * their own, then one chain per gate that multiplies h by the gate's
 * recurrent matrix, adds the input projection and applies the gate's
 * activation, the forget gate multiplying c_{t-1} in the same chain and the
 * candidate gate finishing c_t, and a last chain that forms h_t. The GRU and
 * vanilla programs are written the same way (sharpsim's reading). The gate
 * order inside a step is a compiler choice: the gates whose chains others
 * wait for come first.
 */
#include "bw_program.h"

#include <string.h>

/* Appends a chain; deps as (back, idx) pairs, n_deps of them. */
static bw_chain_t *add(bw_program_t *p, const char *name, uint32_t rows, uint32_t cols, uint32_t out_len,
		       unsigned mfu_ops, bool is_x)
{
	bw_chain_t *c = &p->chain[p->n++];
	memset(c, 0, sizeof *c);
	c->name = name;
	c->mv_rows = rows;
	c->mv_cols = cols;
	c->out_len = out_len;
	c->mfu_ops = (uint8_t)mfu_ops;
	/* v_rd, mv_mul when there is a matrix, the MFU ops, v_wr. */
	c->instrs = (uint8_t)(1 + (rows ? 1 : 0) + mfu_ops + 1);
	c->is_x = is_x;
	return c;
}

static void dep(bw_chain_t *c, unsigned back, unsigned idx)
{
	c->dep[c->n_deps].back = (uint8_t)back;
	c->dep[c->n_deps].idx = (uint8_t)idx;
	c->n_deps++;
}

/* x chains (W_g.x + b_g, one per gate) at template indices first..first+g-1,
 * unless the layer skips the input projection. */
static void x_chains(bw_program_t *p, const layer_cfg_t *l, const char *const *names, unsigned g)
{
	if (l->skip_input)
		return;
	for (unsigned i = 0; i < g; i++)
		add(p, names[i], l->hidden_size, l->input_size, l->hidden_size, 1, true);
}

/* The gate chain's input-projection dependency, when there is one. */
static void dep_x(bw_chain_t *c, const layer_cfg_t *l, unsigned x_idx)
{
	if (!l->skip_input)
		dep(c, 1, x_idx);
}

static void build_lstm(const layer_cfg_t *l, bw_program_t *p)
{
	static const char *const xn[] = { "x.f", "x.i", "x.o", "x.c" };
	const uint32_t H = l->hidden_size;
	enum { F, I, O, C, XF };
	const unsigned X = l->skip_input ? 0 : 4, HT = XF + X;
	/* f = sigm(U_f h + x.f) * c_{t-1}: vv_add, v_sigm, vv_mul */
	bw_chain_t *c = add(p, "f", H, H, H, 3, false);
	dep_x(c, l, XF + 0);
	dep(c, 1, HT);
	dep(c, 1, C);
	/* i = sigm(U_i h + x.i) */
	c = add(p, "i", H, H, H, 2, false);
	dep_x(c, l, XF + 1);
	dep(c, 1, HT);
	/* o = sigm(U_o h + x.o) */
	c = add(p, "o", H, H, H, 2, false);
	dep_x(c, l, XF + 2);
	dep(c, 1, HT);
	/* c_t = tanh(U_c h + x.c) * i + f c_{t-1}: vv_add, v_tanh, vv_mul, vv_add */
	c = add(p, "c", H, H, H, 4, false);
	dep_x(c, l, XF + 3);
	dep(c, 1, HT);
	dep(c, 0, F);
	dep(c, 0, I);
	x_chains(p, l, xn, 4);
	/* h_t = tanh(c_t) * o: v_rd c_t, v_tanh, vv_mul, v_wr */
	c = add(p, "h", 0, 0, H, 2, false);
	dep(c, 0, C);
	dep(c, 0, O);
}

static void build_gru(const layer_cfg_t *l, bw_program_t *p)
{
	static const char *const xn[] = { "x.r", "x.z", "x.n" };
	const uint32_t H = l->hidden_size;
	const bool rbm = l->gru_form == GRU_RBM;
	enum { R, Z, N_OR_RH };
	const unsigned N = rbm ? 3 : 2, XR = N + 1, X = l->skip_input ? 0 : 3, HT = XR + X;
	/* r = sigm(U_r h + x.r), z = sigm(U_z h + x.z) */
	bw_chain_t *c = add(p, "r", H, H, H, 2, false);
	dep_x(c, l, XR + 0);
	dep(c, 1, HT);
	c = add(p, "z", H, H, H, 2, false);
	dep_x(c, l, XR + 1);
	dep(c, 1, HT);
	if (rbm) {
		/* r * h: v_rd h, vv_mul r, v_wr; then n = tanh(U_n (r h) + x.n) */
		c = add(p, "rh", 0, 0, H, 1, false);
		dep(c, 0, R);
		dep(c, 1, HT);
		c = add(p, "n", H, H, H, 2, false);
		dep_x(c, l, XR + 2);
		dep(c, 0, N_OR_RH);
	} else {
		/* n = tanh(x.n + r * (U_n h + b_hn)): vv_add, vv_mul, vv_add, v_tanh */
		c = add(p, "n", H, H, H, 4, false);
		dep_x(c, l, XR + 2);
		dep(c, 0, R);
		dep(c, 1, HT);
	}
	x_chains(p, l, xn, 3);
	/* h_t = n + z (h - n): v_rd h, vv_a_sub_b n, vv_mul z, vv_add n, v_wr */
	c = add(p, "h", 0, 0, H, 3, false);
	dep(c, 0, N);
	dep(c, 0, Z);
	dep(c, 1, HT);
}

static void build_vanilla(const layer_cfg_t *l, bw_program_t *p)
{
	static const char *const xn[] = { "x" };
	/* h_t = tanh(U h + x): vv_add, v_tanh */
	bw_chain_t *c = add(p, "h", l->hidden_size, l->hidden_size, l->hidden_size, 2, false);
	dep_x(c, l, 1);
	dep(c, 1, 0);
	x_chains(p, l, xn, 1);
}

static void build_fc(const layer_cfg_t *l, bw_program_t *p)
{
	/* y_t = W x_t + b: no recurrence, no dependency between steps */
	add(p, "y", l->hidden_size, l->input_size, l->hidden_size, 1, false);
}

int bw_program_build(const layer_cfg_t *l, unsigned number, bw_program_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	switch (l->cell) {
	case CELL_LSTM:
		build_lstm(l, out);
		return SIM_OK;
	case CELL_GRU:
		build_gru(l, out);
		return SIM_OK;
	case CELL_VANILLA:
		build_vanilla(l, out);
		return SIM_OK;
	case CELL_FC:
		build_fc(l, out);
		return SIM_OK;
	default:
		return sim_err(err, SIM_EINPUT,
			       "layer %u: cell %s is not a BrainWave program here (machine brainwave runs lstm, gru, "
			       "vanilla and fc); change the layer's cell or run it on machine sharp",
			       number, workload_cell_name(l->cell));
	}
}

bool bw_program_holds(const bw_program_t *p, uint32_t j, int64_t k, uint32_t steps)
{
	return p->chain[j].is_x ? k < (int64_t)steps - 1 : k >= 0;
}
