/*
 * bw_program.c - the chain templates of BrainWave's recurrent cells.
 *
 * The LSTM program is the one the BrainWave authors list (ISCA 2018; their
 * Hot Chips 2017 talk): x_t taken from the network queue into a register
 * file (v_rd NetQ, v_wr), the four input projections W_g x_t + b_g as
 * chains of their own, then one chain per gate in the order f, i, o, c
 * that multiplies h_{t-1} by the gate's recurrent matrix, adds the input
 * projection and applies the gate's activation, the f chain multiplying
 * c_{t-1} and the c chain finishing c_t (written to two registers), and a
 * last chain that forms h_t and writes it back and to the network queue.
 * The GRU and vanilla programs are written the same way (sharpsim's
 * reading of the same instruction set).
 *
 * Placement (brainwave.program): `listing` keeps the input chains at the
 * head of their step, as the authors list them; `hoisted` is a what-if
 * compiler that moves the next step's input chains in front of this
 * step's h chain, where they stream while h waits for the cell state.
 */
#include "bw_program.h"

#include <string.h>

/* A template being written: where the input chains and the gate chains
 * start, and how a gate chain names its input projection. */
typedef struct bw_build {
	bw_program_t *p;
	const layer_cfg_t *l;
	bool hoist;
	bool has_x;  /* the layer reads x (not skip_input) */
	unsigned g;  /* input projections (gates) */
	unsigned nb; /* gate chains between the input chains and h */
	unsigned x0; /* template index of the first input projection */
	unsigned g0; /* template index of the first gate chain */
	unsigned ht; /* template index of the h chain */
} bw_build_t;

/* Appends a chain: v_rd, mv_mul when there is a matrix, the MFU ops,
 * `writes` v_wr. */
static bw_chain_t *add(bw_build_t *b, const char *name, uint32_t rows, uint32_t cols, uint32_t out_len,
		       unsigned mfu_ops, unsigned writes, bool is_x)
{
	bw_chain_t *c = &b->p->chain[b->p->n++];
	memset(c, 0, sizeof *c);
	c->name = name;
	c->mv_rows = rows;
	c->mv_cols = cols;
	c->out_len = out_len;
	c->mfu_ops = (uint8_t)mfu_ops;
	c->instrs = (uint8_t)(1 + (rows ? 1 : 0) + mfu_ops + writes);
	c->is_x = is_x;
	return c;
}

static void dep(bw_chain_t *c, unsigned back, unsigned idx)
{
	c->dep[c->n_deps].back = (uint8_t)back;
	c->dep[c->n_deps].idx = (uint8_t)idx;
	c->n_deps++;
}

static void begin(bw_build_t *b, bw_program_t *p, const layer_cfg_t *l, bool hoist, unsigned g, unsigned nb)
{
	memset(p, 0, sizeof *p);
	b->p = p;
	b->l = l;
	b->hoist = hoist;
	b->has_x = !l->skip_input;
	b->g = g;
	b->nb = nb;
	unsigned nx = b->has_x ? g + 1 : 0; /* the NetQ chain and the projections */
	b->g0 = hoist ? 0 : nx;
	b->x0 = (hoist ? nb : 0) + 1;
	b->ht = nx + nb;
}

/* The NetQ chain and the input projections, at the point of the template
 * where the placement puts them (called at both; acts at one). */
static void x_block(bw_build_t *b, const char *const *names, bool at_head)
{
	if (!b->has_x || at_head == b->hoist)
		return;
	unsigned netq = b->x0 - 1;
	add(b, "x.in", 0, 0, b->l->input_size, 0, 1, b->hoist);
	for (unsigned i = 0; i < b->g; i++) {
		bw_chain_t *c =
			add(b, names[i], b->l->hidden_size, b->l->input_size, b->l->hidden_size, 1, 1, b->hoist);
		dep(c, 0, netq);
	}
}

/* Gate chain k's read of its input projection, when there is one. */
static void dep_x(const bw_build_t *b, bw_chain_t *c, unsigned k)
{
	if (b->has_x)
		dep(c, b->hoist ? 1 : 0, b->x0 + k);
}

static void build_lstm(const layer_cfg_t *l, bool hoist, bw_program_t *p)
{
	static const char *const xn[] = { "x.f", "x.i", "x.o", "x.c" };
	const uint32_t H = l->hidden_size;
	bw_build_t b;
	begin(&b, p, l, hoist, 4, 4);
	const unsigned F = b.g0, I = b.g0 + 1, O = b.g0 + 2, C = b.g0 + 3;
	x_block(&b, xn, true);
	/* f = sigm(U_f h + x.f) * c_{t-1}: vv_add, v_sigm, vv_mul */
	bw_chain_t *c = add(&b, "f", H, H, H, 3, 1, false);
	dep_x(&b, c, 0);
	dep(c, 1, b.ht);
	dep(c, 1, C);
	/* i = sigm(U_i h + x.i) */
	c = add(&b, "i", H, H, H, 2, 1, false);
	dep_x(&b, c, 1);
	dep(c, 1, b.ht);
	/* o = sigm(U_o h + x.o) */
	c = add(&b, "o", H, H, H, 2, 1, false);
	dep_x(&b, c, 2);
	dep(c, 1, b.ht);
	/* c_t = tanh(U_c h + x.c) * i + f c_{t-1}: vv_add, v_tanh, vv_mul,
	 * vv_add; written as c_prev and as c_t */
	c = add(&b, "c", H, H, H, 4, 2, false);
	dep_x(&b, c, 3);
	dep(c, 1, b.ht);
	dep(c, 0, F);
	dep(c, 0, I);
	x_block(&b, xn, false);
	/* h_t = tanh(c_t) * o: v_rd c_t, v_tanh, vv_mul; written as h_prev
	 * and to the network queue */
	c = add(&b, "h", 0, 0, H, 2, 2, false);
	dep(c, 0, C);
	dep(c, 0, O);
}

static void build_gru(const layer_cfg_t *l, bool hoist, bw_program_t *p)
{
	static const char *const xn[] = { "x.r", "x.z", "x.n" };
	const uint32_t H = l->hidden_size;
	const bool rbm = l->gru_form == GRU_RBM;
	bw_build_t b;
	begin(&b, p, l, hoist, 3, rbm ? 4 : 3);
	const unsigned R = b.g0, Z = b.g0 + 1, RH = b.g0 + 2, N = b.g0 + (rbm ? 3 : 2);
	x_block(&b, xn, true);
	/* r = sigm(U_r h + x.r), z = sigm(U_z h + x.z) */
	bw_chain_t *c = add(&b, "r", H, H, H, 2, 1, false);
	dep_x(&b, c, 0);
	dep(c, 1, b.ht);
	c = add(&b, "z", H, H, H, 2, 1, false);
	dep_x(&b, c, 1);
	dep(c, 1, b.ht);
	if (rbm) {
		/* r * h: v_rd h, vv_mul r, v_wr; then n = tanh(U_n (r h) + x.n) */
		c = add(&b, "rh", 0, 0, H, 1, 1, false);
		dep(c, 0, R);
		dep(c, 1, b.ht);
		c = add(&b, "n", H, H, H, 2, 1, false);
		dep_x(&b, c, 2);
		dep(c, 0, RH);
	} else {
		/* n = tanh(x.n + r * (U_n h + b_hn)): vv_add, vv_mul, vv_add, v_tanh */
		c = add(&b, "n", H, H, H, 4, 1, false);
		dep_x(&b, c, 2);
		dep(c, 0, R);
		dep(c, 1, b.ht);
	}
	x_block(&b, xn, false);
	/* h_t = n + z (h - n): v_rd h, vv_a_sub_b n, vv_mul z, vv_add n;
	 * written as h_prev and to the network queue */
	c = add(&b, "h", 0, 0, H, 3, 2, false);
	dep(c, 0, N);
	dep(c, 0, Z);
	dep(c, 1, b.ht);
}

static void build_vanilla(const layer_cfg_t *l, bool hoist, bw_program_t *p)
{
	static const char *const xn[] = { "x" };
	bw_build_t b;
	begin(&b, p, l, hoist, 1, 0);
	x_block(&b, xn, true);
	x_block(&b, xn, false);
	/* h_t = tanh(U h + x): vv_add, v_tanh; written as h_prev and to the
	 * network queue */
	bw_chain_t *c = add(&b, "h", l->hidden_size, l->hidden_size, l->hidden_size, 2, 2, false);
	dep_x(&b, c, 0);
	dep(c, 1, b.ht);
}

static void build_fc(const layer_cfg_t *l, bw_program_t *p)
{
	/* y_t = W x_t + b: v_rd from the network queue, mv_mul, vv_add, v_wr
	 * to it; no recurrence, nothing to place */
	bw_build_t b;
	memset(p, 0, sizeof *p);
	memset(&b, 0, sizeof b);
	b.p = p;
	add(&b, "y", l->hidden_size, l->input_size, l->hidden_size, 1, 1, false);
}

int bw_program_build(const layer_cfg_t *l, unsigned number, bw_placement_t place, bw_program_t *out, sim_err_t *err)
{
	const bool hoist = place == BW_PLACE_HOISTED;
	switch (l->cell) {
	case CELL_LSTM:
		build_lstm(l, hoist, out);
		return SIM_OK;
	case CELL_GRU:
		build_gru(l, hoist, out);
		return SIM_OK;
	case CELL_VANILLA:
		build_vanilla(l, hoist, out);
		return SIM_OK;
	case CELL_FC:
		build_fc(l, out);
		return SIM_OK;
	default:
		memset(out, 0, sizeof *out);
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
