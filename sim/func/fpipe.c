/*
 * fpipe.c - the functional datapath (hooks and their order in fpipe.h).
 *
 * What the hardware's buffers hold, and where this model keeps it:
 *   weight buffer   every segment's column tiles, Kr x Kc, laid out once per
 *                   layer in the tile row layout of sched.h (row r = gate
 *                   slot r / rpg, hidden j0 + r % rpg; +0 beyond the matrix):
 *                   `wl` (the bit patterns the compute unit's interface
 *                   carries; not under fp32, which does not fit its 16-bit
 *                   fields, and kept only for fixed point and an RTL compute
 *                   unit: fpipe_opts_t.words) and `wlf` (the same values widened exactly to
 *                   float, or fp32's own; floating point only; each tile
 *                   in panels of column-major rows, cu_wf_row, so cu.c
 *                   evaluates a tile's rows one per SIMD lane), which
 *                   cu.c multiplies directly
 *   I/H buffer      x_t in a ring of `xring` steps (`xv`, filled when a
 *                   step's first x tile arrives), and h in a ring of
 *                   FP_HRING step vectors (`hv`); each vector padded with +0
 *                   to the widest segment's ntiles * Kc, so column tile c of
 *                   any segment is simply vector + c * Kc (no copy per tile)
 *   intermediate    the X blocks' sums, a ring of `xdepth` steps (`xsum`)
 *   gate buffer     per step parity, element e = j*B + b: the H block's sums,
 *                   replaced in place by the MFU's activations (`gst`)
 *   cell-state buf  c per element (`cst`)
 * Ring depths are derived from the timing model's own guarantees (see
 * fpipe_begin_layer); every read also checks the step its slot holds, so a
 * schedule that broke a guarantee is reported at the end of the layer
 * instead of silently reading stale values.
 *
 * Memory is flat in T: no per-layer array holds T steps (but a stacked
 * layer's input, the previous layer's h sequence, one step of it when the
 * layer reads the final state alone, and the held outputs below). Random
 * input x is not held either: it is drawn a block of steps at a time
 * (xseq.h), by one reader for the datapath (and a delta layer's
 * encoder) and one for the reference, each in its pass's time order; x
 * loaded from a file is held as given. As each step's h is complete
 * (in step order, fp_finish), the double reference advances one step
 * (ref_state_step), the error statistics take that step's values (ref_acc,
 * the same sums in the same order as over the whole sequence), and the
 * dumps append it (npy_writer). The bytes this module allocates are counted
 * (fp_calloc) and their peak reported per layer (state_peak_bytes).
 *
 * Stacked layers: layer l > 0 reads the datapath's h of layer l - 1 as its
 * x (already in the data format, no rounding); the reference runs the whole
 * stack in double from the unrounded parameters, so layer l's error is the
 * datapath's accumulated error through layers 0..l. Layer l has layer
 * l - 1's T (reading every step), or T = 1 (many-to-one: a classifier
 * reading the final state, fp_out_row; only that step is held, so the
 * stack stays flat in T); fp_check_stack refuses the rest. Random
 * parameters of layer l come from weights_random with
 * seed + l * 0x9E3779B97F4A7C15 (layer 0 uses the seed itself).
 *
 * Bidirectional layers run as two passes (plan.c): forward, then backward
 * with the layer's second set of parameters (weights.h, `backward/`; random
 * ones from seed + l * 0x9E3779B97F4A7C15 + FP_SEED_BACKWARD, a stream of
 * their own, so the forward direction's parameters are those of the same
 * layer made unidirectional). The backward pass's step s is time
 * T - 1 - s: it reads x_{T-1-s} and its h is the layer's output at that
 * time. The layer's output sequence, (T, B, 2H) with [h_fwd(t); h_bwd(t)]
 * at t, is what the next layer reads as x (its input_size is 2H); it and
 * the reference's likewise stay allocated across both passes. Each pass is
 * compared with its own reference direction (ref_state_step fed the same
 * time-reversed x), so the error is reported per pass. A bidirectional
 * layer's dump is (T, 2, B, H): its passes produce the two directions one
 * after the other, so it is held (T in size) and written at the end of the
 * backward pass.
 *
 * sequence_lens: the timing model issues each step's active sequences
 * packed, longest first, so tiles, blocks and elements carry a packed
 * index (fp_seq maps it to the sequence) and a step holds H elements per
 * active sequence; a finished sequence's h and c are 0 (ONNX's Y) and its
 * state stays. A backward pass starts each sequence at its own last
 * element: sequence b's step s is time len[b] - 1 - s (fp_seq_time).
 *
 * A reverse layer is a backward pass alone, with the layer's own (forward)
 * weights and x: time reversed as above, output H wide, its dump (T, B, H)
 * indexed by time, held likewise.
 */
#include "fpipe.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../arith/fixed.h"
#include "../common/bigbuf.h"
#include "../arith/fp.h"
#include "../cell/cell.h"
#include "../compress/cmp_layer.h"
#include "../core/resolve.h"
#include "cellmath.h"
#include "head.h"
#include "npy.h"
#include "ref.h"
#include "weights.h"
#include "xseq.h"

/* h vectors alive at once: h_{t-1} read by step t's H tiles while h_t is
 * written. A step t+1 update (writing slot (t+2) % 3) needs step t+1's H
 * tiles, which the VS array accepts after every step t tile, so h_{t-1} is
 * no longer read; 3 leaves one slot of margin over that argument. */
#define FP_HRING 3
#define FP_SEED_STRIDE UINT64_C(0x9E3779B97F4A7C15)
/* Added to a layer's seed for its backward direction: an odd constant
 * unrelated to the stride (the PCG multiplier), so no small layer index
 * l' has seed + l' * stride equal to it. */
#define FP_SEED_BACKWARD UINT64_C(0x5851F42D4C957F2D)
/* Values of x a reader of deferred x holds (xseq.h): 64 KB of doubles, at
 * least one step, at most the sequence. */
#define FP_XBLOCK_VALUES 8192

struct fpipe {
	const workload_t *w;
	fpipe_pass_t *pass; /* per pass of w (a copy) */
	const char *dump_dir;
	bool refon; /* the double reference runs (fpipe_opts_t.reference) */
	uint64_t *mults;
	cm_t *cm;
	prec_mul_t prec;
	bool fixed, fl; /* fixed point; float copies for cu.c (fp16, bf16, fp32) */
	bool words;	/* the weights' words `wl` are kept (fpipe_opts_t.words, or fixed point) */
	bool w16;	/* 16-bit words for the compute unit's interface
				  * (wl, xv, hv, rv): every precision but fp32, whose
				  * words live in the float copies only */
	unsigned acc_bits;
	uint64_t inter_values;
	weights_t **wt;	   /* per layer, doubles, unrounded (NULL until its begin_layer when fp_drawn) */
	uint64_t *wseed;   /* per layer: the seed of its random parameters */
	double **sw;	   /* per pass, W and U as stored (cmp_layer.h: pruned, quantized),
			    * which the datapath multiplies while the reference reads wt;
			    * NULL when the layer stores its weights as given */
	double *ref_prev;  /* reference h of the previous layer, (T, B, H), when
			    * this layer reads it as x (else NULL) */
	uint32_t *dp_prev; /* datapath h words of the previous layer, likewise */
	size_t bytes;	   /* allocated now by this module (fp_calloc), weights aside */
	size_t carry;	   /* of which ref_prev and dp_prev */
	size_t peak;	   /* max of bytes in the current layer */
	bool bad;	   /* a causality check failed in this layer */
	bool rec;	   /* the layer's cell is recurrent (fc is not) */
	sim_err_t bad_err;
	/* the current layer */
	uint32_t layer, G, I, H, T, B, E, NG;
	uint32_t HP, EH; /* h's width (H, or LSTMP's P) and its elements per step, HP*B */
	/* sequence_lens: the timing model issues a step's active sequences
	 * packed (workload.h), so a tile's, block's and element's sequence is
	 * a packed index p; perm[p] is the sequence (lengths in decreasing
	 * order, stable). NULL without lengths: p is the sequence. */
	const uint32_t *len;
	uint32_t *perm;
	double *xg;	       /* a backward pass with lengths: the reference's x of one step, gathered per sequence */
	const cell_desc_t *cd; /* the layer's cell and the variant of its form */
	const cell_variant_t *cv;
	const sched_prog_t *prog;
	size_t *seg_off;      /* per segment: its tile 0 in wl / wlf */
	uint32_t *tile_base;  /* per segment: its tile 0 in tile_mults */
	uint32_t *tile_mults; /* real multiplies of a tile (one sequence) */
	uint16_t *wl;
	float *wlf;
	uint32_t pw; /* wlf's rows per panel (cu.h: cu_panel, the widest this CPU runs) */
	uint32_t *bias, *b_hn;
	uint32_t *peep;	 /* peephole weight words, element j's P_i, P_f, P_o at 3j */
	uint32_t px, ph; /* padded lengths of the x and h vectors */
	uint16_t *xv;
	float *xvf;
	uint32_t xring;	      /* steps of x held (xv_step: which; -1 none) */
	int64_t *xv_step;     /* step a slot holds */
	uint64_t *xv_reads;   /* x tiles read from the slot so far */
	uint64_t xreads_step; /* x tiles of one step: every x segment's tiles times B (times the
			       * step's active sequences with sequence_lens: fp_xreads) */
	uint16_t *hv;
	float *hvf;
	int64_t hv_step[FP_HRING];
	uint32_t hv_count[FP_HRING];
	/* LSTMP: m = o*tanh(c) per step parity, (B, pm) like h, which the
	 * projection's tiles read; the projection's sums (B, HP) per parity,
	 * narrowed to h when the MFU passes them (fpipe_activate) */
	uint16_t *mv;
	float *mvf;
	uint32_t pm;
	int64_t mv_step[2];
	uint32_t mv_count[2];
	uint32_t *pst;
	uint16_t *rv; /* GRU reset_before_matmul r*h, per step parity */
	float *rvf;
	int64_t rv_step[2];
	uint32_t rv_count[2];
	uint32_t xdepth;
	size_t xslot;	  /* words of one step's X sums */
	size_t *xseg_off; /* per X segment: its sums within a slot */
	uint32_t *xsum;
	int64_t *xtag;			 /* step held, per (slot, segment, sequence) */
	uint32_t *gst;			 /* [2][E][NG] */
	uint32_t *cst;			 /* c per element e */
	double *dh, *dc;		 /* h and c as doubles per h ring slot, (b, j) order; dc NULL without c */
	double *rh, *rc;		 /* the reference's h and c of one step, (B, H) */
	ref_state_t *rs;		 /* the reference, advanced once per finished step */
	ref_acc_t eh, ec;		 /* errors over the finished steps */
	bool head;			 /* the layer is a classifier head: fc, the last pass */
	bool smx;			 /* the layer is a softmax (CELL_F_SOFTMAX): no weights, whole vectors */
	uint32_t *smx_z, *smx_p, *smx_s; /* its input words, p words, the tree's scratch */
	head_acc_t hacc;		 /* its decisions over the finished steps */
	head_acc_t hlast;		 /* and at the last step */
	ref_diff_t eh_last, ec_last;
	uint32_t fin; /* steps finished (compared, dumped), in order */
	npy_writer_t *dump_h, *dump_c;
	/* the current pass's layer and direction */
	uint32_t wlayer; /* index in the workload */
	bool back, bidir;
	const double *x0; /* layer 0's input sequence (T, B, I): the forward direction's x, when held */
	/* layer 0's input when the weights defer it (weights_t.x_deferred):
	 * the readers of the datapath (fp_xload, the delta encoder, a softmax)
	 * and of the reference, else NULL */
	xseq_t *xdp, *xref;
	/* The layer's outputs, alive across its passes: h words (T, B, OW) with
	 * OW = H or 2H, this pass's at column ooff, and the reference's likewise,
	 * only when the next layer reads them; (1, B, OW) when it reads only the
	 * final state (`last`: its timesteps are 1, fp_out_row); a
	 * bidirectional layer's dumps (T, 2, B, H), a reverse layer's
	 * (T, B, H). Counted in `bytes`; `carry` once a bidirectional layer's
	 * forward pass ends. */
	uint32_t ow, ooff;
	bool last;
	uint32_t *hwords;
	double *ref_seq;
	double *ydump, *cdump;
	size_t out_bytes;
	/* Delta network (docs/numerics.md, Delta networks): the encoder, and
	 * whether this layer encodes x (dlx) and h (dlh). x^ of a step is what
	 * its x ring slot holds (fp_xload encodes it, in step order, from dxnext
	 * on) and what the step's blocks multiply, so the ring keeps a step
	 * until its blocks are formed (fp_xvec); hd/hdf:
	 * per h ring slot, the held h^ that step's successor multiplies. A
	 * block's value is formed over the held operands by cu_block_values
	 * (dtiles, dsums, dscratch) when it leaves the accumulators; dmerge /
	 * dinit: per H segment, its block continues the X partner's (merge) or
	 * starts from the partner's sums (recorded from its first tile). */
	dlt_t *dlt;
	cu_cfg_t dcc;
	bool dlx, dlh;
	uint32_t dxnext;
	uint16_t *hd;
	float *hdf;
	uint8_t *duse;
	double *dvec;
	cu_tile_t *dtiles;
	uint32_t *dsums, *dscratch;
	bool *dmerge, *dinit;
	uint64_t *dmem_reads, *dmem_writes;
};

/* calloc that counts the bytes against the module's peak. Every per-layer
 * array goes through here; fp_free_layer drops the count back to `carry`. */
/* fp_calloc of a buffer the size of a layer's weights (bigbuf.h: in huge
 * pages, one fault per 2 MB instead of per 4 KB); freed with bigbuf_free. */
static void *fp_calloc_big(fpipe_t *f, size_t n, size_t size)
{
	void *p = bigbuf_alloc(n, size);
	if (p) {
		f->bytes += (n ? n : 1) * size;
		f->peak = f->bytes > f->peak ? f->bytes : f->peak;
	}
	return p;
}

static void *fp_calloc(fpipe_t *f, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p) {
		f->bytes += (n ? n : 1) * size;
		f->peak = f->bytes > f->peak ? f->bytes : f->peak;
	}
	return p;
}

/* Records an error that is not a broken invariant (a dump write). */
static void fp_fail_err(fpipe_t *f, const sim_err_t *e)
{
	if (f->bad)
		return;
	f->bad = true;
	f->bad_err = *e;
}

static void fp_fail(fpipe_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the layer's first broken invariant; fpipe_end_layer returns it. */
static void fp_fail(fpipe_t *f, const char *fmt, ...)
{
	if (f->bad)
		return;
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	f->bad = true;
	sim_err(&f->bad_err, SIM_EINTERNAL, "functional mode, layer %u%s: %s", f->wlayer, f->back ? " (backward)" : "",
		msg);
}

static void fp_free_layer(fpipe_t *f)
{
	free(f->seg_off);
	free(f->tile_base);
	free(f->tile_mults);
	free(f->smx_z);
	free(f->smx_p);
	free(f->smx_s);
	bigbuf_free(f->wl);
	bigbuf_free(f->wlf);
	free(f->bias);
	free(f->b_hn);
	free(f->peep);
	free(f->xv);
	free(f->xvf);
	free(f->hv);
	free(f->hvf);
	free(f->rv);
	free(f->rvf);
	free(f->mv);
	free(f->mvf);
	free(f->pst);
	free(f->perm);
	free(f->xg);
	free(f->xseg_off);
	free(f->xsum);
	free(f->xtag);
	free(f->gst);
	free(f->cst);
	free(f->xv_step);
	free(f->xv_reads);
	free(f->dh);
	free(f->dc);
	free(f->rh);
	free(f->rc);
	free(f->hd);
	free(f->hdf);
	free(f->duse);
	free(f->dvec);
	free(f->dtiles);
	free(f->dsums);
	free(f->dmerge);
	free(f->dinit);
	f->hd = NULL, f->hdf = NULL, f->duse = NULL, f->dvec = NULL, f->dtiles = NULL;
	f->dsums = NULL, f->dmerge = NULL, f->dinit = NULL;
	f->dlx = false;
	f->dlh = false;
	ref_state_destroy(f->rs);
	xseq_destroy(f->xdp);
	xseq_destroy(f->xref);
	f->xdp = NULL, f->xref = NULL;
	npy_writer_abort(f->dump_h);
	npy_writer_abort(f->dump_c);
	f->xv_step = NULL, f->xv_reads = NULL, f->dh = NULL, f->dc = NULL, f->rh = NULL, f->rc = NULL;
	f->rs = NULL, f->dump_h = NULL, f->dump_c = NULL;
	f->bytes = f->carry;
	f->seg_off = NULL, f->tile_base = NULL, f->tile_mults = NULL, f->wl = NULL, f->wlf = NULL;
	f->smx_z = NULL, f->smx_p = NULL, f->smx_s = NULL;
	f->bias = NULL, f->b_hn = NULL, f->peep = NULL, f->xv = NULL, f->xvf = NULL, f->hv = NULL, f->hvf = NULL;
	f->rv = NULL, f->rvf = NULL, f->xseg_off = NULL, f->xsum = NULL, f->xtag = NULL, f->gst = NULL;
	f->cst = NULL, f->mv = NULL, f->mvf = NULL, f->pst = NULL, f->perm = NULL, f->len = NULL, f->xg = NULL;
}

/* Sequences active in step t, and the sequence of packed index p. */
static uint32_t fp_active(const fpipe_t *f, int64_t t)
{
	if (!f->len || t < 0)
		return f->B;
	uint32_t n = 0;
	for (uint32_t b = 0; b < f->B; b++)
		n += f->len[b] > (uint64_t)t;
	return n;
}

static uint32_t fp_seq(const fpipe_t *f, uint32_t p)
{
	return f->perm ? f->perm[p] : p;
}

/* Stable order of the sequences by decreasing length: perm[p]. */
static int fp_perm(fpipe_t *f, const weights_t *wt)
{
	f->len = wt->len;
	if (!wt->len)
		return SIM_OK;
	if (!(f->perm = fp_calloc(f, f->B, sizeof *f->perm)))
		return SIM_ENOMEM;
	uint32_t p = 0;
	for (uint32_t l = f->T; l > 0; l--)
		for (uint32_t b = 0; b < f->B; b++)
			if (wt->len[b] == l)
				f->perm[p++] = b;
	return p == f->B ? SIM_OK : SIM_EINTERNAL;
}

/* The layer's outputs, once its last pass has handed them on. */
static void fp_free_out(fpipe_t *f)
{
	free(f->hwords);
	free(f->ref_seq);
	free(f->ydump);
	free(f->cdump);
	f->hwords = NULL, f->ref_seq = NULL, f->ydump = NULL, f->cdump = NULL;
	f->out_bytes = 0;
}

void fpipe_destroy(fpipe_t *f)
{
	if (!f)
		return;
	fp_free_layer(f);
	fp_free_out(f);
	if (f->wt)
		for (size_t l = 0; l < f->w->n_layers; l++)
			weights_destroy(f->wt[l]);
	free(f->wt);
	free(f->wseed);
	if (f->sw)
		for (size_t l = 0; l < 2 * f->w->n_layers; l++)
			free(f->sw[l]);
	free(f->sw);
	free(f->pass);
	free(f->ref_prev);
	free(f->dp_prev);
	free(f->dscratch);
	dlt_destroy(f->dlt);
	cm_destroy(f->cm);
	free(f);
}

/* The directory of the workload file ("." when it has none). */
static void fp_dirname(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/* Pass k of layer l > 0 with an input reads layer l - 1's output (H wide,
 * or 2H when bidirectional); pass p is layer l - 1's last. Either every
 * step of it (equal T), or, with timesteps 1, its final state alone
 * (many-to-one: a classifier reading the last h, fp_out_row); any other T
 * would need a rule for which steps to read, which no network here has. */
static int fp_check_stack(const workload_t *w, const fpipe_pass_t *pass, size_t k, size_t p, sim_err_t *err)
{
	const layer_cfg_t *c = &w->layers[k], *pl = &w->layers[p];
	uint32_t width = workload_layer_h(pl) * (pass[p].bidir ? 2 : 1);
	if (c->skip_input || (c->input_size == width && c->batch_size == pl->batch_size &&
			      (c->timesteps == pl->timesteps || c->timesteps == 1)))
		return SIM_OK;
	return sim_err_at(err, SIM_EINPUT, w->path, c->line, c->col,
			  "layer %u has input_size %u, timesteps %u, batch_size %u; a functional run feeds it "
			  "layer %u's %s, expected input_size %u, batch_size %u and timesteps %u (every step) "
			  "or 1 (the last step)",
			  pass[k].layer + 1, c->input_size, c->timesteps, c->batch_size, pass[p].layer + 1,
			  pass[p].bidir ? "[h_fwd; h_bwd]" : "h", width, pl->batch_size, pl->timesteps);
}

/* Whether a layer's parameters are drawn at its begin_layer, straight into
 * the tile layout (fp_draw): random ones without the double reference,
 * used as drawn (not pruned or quantized), with weights (not a softmax)
 * and no projection. */
static bool fp_drawn(const fpipe_t *f, const layer_cfg_t *lc)
{
	return !lc->weights[0] && !f->refon && !cmp_layer_changes(lc) &&
	       !(cell_get(lc->cell)->flags & CELL_F_SOFTMAX) &&
	       workload_layer_h(lc) == lc->hidden_size; /* LSTMP's W_proj tiles come from fp_layout */
}

/* Pass k's W and U as stored (cmp_layer.h), when they differ from its
 * weights: the same zero mask as the timing's program (drawn from the
 * layer's sparsity_seed and the pass index), then weight_bits' symmetric
 * integers times their scales. The datapath multiplies these (rounded to
 * its weight format by cm_weight, as the decompression unit hands fp16
 * weights to the array); the reference keeps the dense weights, so the
 * reported error is what the storage costs plus the datapath's own. */
static int fp_stored(fpipe_t *f, size_t k, sim_err_t *err)
{
	const layer_cfg_t *lc = &f->w->layers[k];
	const weights_t *wt = f->wt[k];
	if (!cmp_layer_changes(lc))
		return SIM_OK;
	size_t rows = (size_t)wt->G * wt->H, n[2] = { wt->W ? rows * wt->I : 0, wt->U ? rows * wt->H : 0 };
	const double *src[2] = { wt->W, wt->U };
	for (int m = 0; m < 2; m++) {
		if (!n[m])
			continue;
		if (!(f->sw[2 * k + m] = malloc(n[m] * sizeof(double))))
			return sim_err(err, SIM_ENOMEM, "out of memory");
		memcpy(f->sw[2 * k + m], src[m], n[m] * sizeof(double));
	}
	return cmp_layer_apply(lc, k, f->sw[2 * k], f->sw[2 * k + 1], err);
}

fpipe_t *fpipe_create(const hw_cfg_t *hw, const workload_t *w, const fpipe_pass_t *pass, const fpipe_opts_t *o,
		      stats_t *st, sim_err_t *err)
{
	const char *dump_dir = o->dump_dir;
	uint64_t seed = o->seed;
	if (dump_dir) {
		struct stat sb;
		if (stat(dump_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			sim_err(err, SIM_EIO,
				"--dump-outputs %s: not an existing directory, expected one to "
				"write layer<N>_h.npy into",
				dump_dir);
			return NULL;
		}
	}
	fpipe_t *f = calloc(1, sizeof *f);
	if (!f) {
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	f->w = w;
	f->pass = malloc(w->n_layers * sizeof *f->pass);
	if (f->pass)
		memcpy(f->pass, pass, w->n_layers * sizeof *f->pass);
	f->dump_dir = dump_dir;
	f->refon = o->reference;
	f->prec = hw->precision.mul;
	f->acc_bits = hw->precision.acc_bits;
	f->fixed = f->prec == PREC_FIX16X8 || f->prec == PREC_FIX16X16;
	f->fl = !f->fixed;
	f->w16 = f->prec != PREC_FP32;
	f->words = f->w16 && (o->words || f->fixed);
	f->pw = cu_panel(isa_best()); /* the compute unit's: accel.c leaves cu_cfg_t.panel 0 (cu_panel_of) */
	f->inter_values = resolve_inter_values(hw);
	f->mults = stats_counter(st, "func.multiplies", STATS_MACS,
				 "datapath multiplies of a real weight by a real operand");
	f->wt = calloc(w->n_layers, sizeof *f->wt);
	f->wseed = calloc(w->n_layers, sizeof *f->wseed);
	f->sw = calloc(2 * w->n_layers, sizeof *f->sw);
	if (!f->mults || !f->wt || !f->wseed || !f->sw || !f->pass) {
		sim_err(err, SIM_ENOMEM, "out of memory");
		fpipe_destroy(f);
		return NULL;
	}
	if (!(f->cm = cm_create(&hw->precision, &hw->activation, err))) {
		fpipe_destroy(f);
		return NULL;
	}
	bool delta = false;
	for (size_t k = 0; k < w->n_layers; k++)
		delta |= w->layers[k].delta;
	if (delta) {
		f->dcc = (cu_cfg_t){ .vs_units = hw->compute.vs_units,
				     .vs_width = hw->compute.vs_width,
				     .mult_latency = 1,
				     .acc_latency = 1,
				     .accumulators = 1,
				     .functional = true,
				     .prec = hw->precision.mul,
				     .acc_bits = hw->precision.acc_bits };
		f->dlt = dlt_create(st);
		f->dscratch = malloc(hw->compute.vs_units * sizeof *f->dscratch);
		f->dmem_reads =
			stats_counter(st, "delta.mem_reads", STATS_VALUES,
				      "delta: partial sums read from the delta memory (a block's rows, each step)");
		f->dmem_writes = stats_counter(st, "delta.mem_writes", STATS_VALUES,
					       "delta: partial sums written back to the delta memory");
		if (!f->dlt || !f->dscratch || !f->dmem_reads || !f->dmem_writes) {
			sim_err(err, SIM_ENOMEM, "out of memory");
			fpipe_destroy(f);
			return NULL;
		}
	}
	char dir[1024], path[1536];
	fp_dirname(w->path, dir, sizeof dir);
	size_t prev = 0; /* the last pass of the layer before pass k's */
	for (size_t k = 0; k < w->n_layers; k++) {
		const layer_cfg_t *lc = &w->layers[k];
		uint32_t l = f->pass[k].layer;
		bool back = f->pass[k].backward && f->pass[k].bidir; /* a reverse layer has no second set */
		if (k > 0 && f->pass[k - 1].layer != l)
			prev = k - 1;
		if (l > 0 && fp_check_stack(w, f->pass, k, prev, err)) {
			fpipe_destroy(f);
			return NULL;
		}
		if (lc->weights[0]) {
			if (lc->weights[0] == '/')
				snprintf(path, sizeof path, "%s", lc->weights);
			else
				snprintf(path, sizeof path, "%s/%s", dir, lc->weights);
			f->wt[k] = weights_load_dir(lc, path, back, err);
		} else {
			f->wseed[k] = seed + l * FP_SEED_STRIDE + (back ? FP_SEED_BACKWARD : 0);
			if (fp_drawn(f, lc))
				continue; /* drawn at its begin_layer (fp_draw) */
			f->wt[k] = weights_random_rows(lc, f->wseed[k], back, NULL, NULL, true, err);
		}
		if (!f->wt[k] || fp_stored(f, k, err)) {
			fpipe_destroy(f);
			return NULL;
		}
	}
	return f;
}

/* A floating-point data or weight word as a float, exactly. */
static float fp_widen(const fpipe_t *f, uint32_t d)
{
	switch (f->prec) {
	case PREC_BF16:
		return arith_bf16_to_float((uint16_t)d);
	case PREC_FP32:
		return arith_bits_to_float(d);
	default:
		return arith_f16_to_float((uint16_t)d);
	}
}

/* The data word at index i of an I/H buffer vector (v16 the words, vf
 * their float copies): fp32 keeps only the floats, whose bits are the
 * word. */
static uint32_t fp_word(const fpipe_t *f, const uint16_t *v16, const float *vf, size_t i)
{
	return f->w16 ? v16[i] : arith_float_to_bits(vf[i]);
}

/* The slot of the h vector of step t (t = -1: h0). */
static uint32_t fp_hslot(int64_t t)
{
	return (uint32_t)((t + 1) % FP_HRING);
}

static void fp_put_h(fpipe_t *f, uint32_t slot, uint32_t b, uint32_t j, uint32_t h)
{
	size_t i = (size_t)slot * f->B * f->ph + (size_t)b * f->ph + j;
	if (f->w16)
		f->hv[i] = (uint16_t)h;
	if (f->fl)
		f->hvf[i] = fp_widen(f, h);
}

/* Whether segment s multiplies the input x_t: a W.x segment, or an fc
 * layer's one partition, issued as the H partition (sched.c). */
static bool fp_reads_x(const fpipe_t *f, const sched_seg_t *s)
{
	return s->part == SCHED_PART_X || !f->rec;
}

/* n weight words widened exactly to float into dst[0], dst[ld], ...
 * (a tile row's float copy, ld its panel's width), the format's widening chosen once
 * for the row. */
static void fp_widen_col(const fpipe_t *f, const uint32_t *w, uint32_t n, float *dst, size_t ld)
{
	switch (f->prec) {
	case PREC_BF16:
		for (uint32_t k = 0; k < n; k++)
			dst[k * ld] = arith_bf16_to_float((uint16_t)w[k]);
		break;
	case PREC_FP32:
		for (uint32_t k = 0; k < n; k++)
			dst[k * ld] = arith_bits_to_float(w[k]);
		break;
	default:
		for (uint32_t k = 0; k < n; k++)
			dst[k * ld] = arith_f16_to_float((uint16_t)w[k]);
		break;
	}
}

/* One tile row of fp16 or bf16 weights (n doubles at src) rounded, stored
 * as the interface's words at w16 (NULL: not kept, and not formed) and
 * widened to float into dst[0], dst[ld], ...: the words are the ones
 * cm_weights gives (the same single rounding, arith_double_to_f16 /
 * _bf16), the floats the ones fp_widen_col gives. fp16 rounds eight at a
 * time (arith_double_to_f16_row), bf16 one by one. */
static void fp_round_row16(const fpipe_t *f, const double *src, uint32_t n, uint16_t *w16, float *dst, size_t ld)
{
	if (f->prec == PREC_BF16) {
		for (uint32_t k = 0; k < n; k++) {
			uint16_t h = arith_double_to_bf16(src[k]);
			if (w16)
				w16[k] = h;
			dst[k * ld] = arith_bf16_to_float(h);
		}
	} else {
		arith_double_to_f16_row(src, n, w16, dst, ld);
	}
}

/* Scratch of one tile row for the layout: the widest segment's Kc words. */
typedef struct fp_rowbuf {
	uint32_t *words;
} fp_rowbuf_t;

/* Row r of segment i's column tile c from src (its real columns): rounded
 * to the weight format at once (fp16 and bf16: fp_round_row16; the others:
 * cm_weights), then stored as the interface's words (row-major, when kept)
 * and widened to float (panels of column-major rows, cu.h). */
static void fp_lay_row(fpipe_t *f, uint32_t i, uint32_t c, uint32_t r, const double *src, fp_rowbuf_t *rb)
{
	const sched_seg_t *s = &f->prog->seg[i];
	size_t off = f->seg_off[i] + (size_t)c * s->kr * s->kc;
	uint16_t *wt16 = f->wl ? f->wl + off + (size_t)r * s->kc : NULL;
	uint32_t ld;
	size_t at = cu_wf_row(s->kr, s->kc, r, f->pw, &ld);
	float *wtf = f->fl ? f->wlf + off + at : NULL;
	uint32_t real_cols = sched_tile(f->prog, s, c)->cols;
	if (f->w16 && wtf) { /* fp16, bf16: the floats, and the words when kept */
		fp_round_row16(f, src, real_cols, wt16, wtf, ld);
		return;
	}
	cm_weights(f->cm, src, real_cols, rb->words);
	for (uint32_t k = 0; wt16 && k < real_cols; k++)
		wt16[k] = (uint16_t)rb->words[k];
	if (wtf)
		fp_widen_col(f, rb->words, real_cols, wtf, ld);
}

/* The matrix row that row r of segment s holds (tile row layout of
 * sched.h), or -1 for a padding row (which stays +0). */
static int64_t fp_tile_row(const fpipe_t *f, const sched_seg_t *s, uint32_t r)
{
	uint32_t slot = r / s->rpg, off = r % s->rpg;
	if (slot >= s->ngates || off >= s->valid_pg)
		return -1;
	return (int64_t)s->gate[slot] * f->H + s->j0 + off;
}

/* The layout's tiles from the layer's matrices (wt's, or as stored). */
static int fp_layout_tiles(fpipe_t *f, const weights_t *wt, fp_rowbuf_t *rb)
{
	const sched_prog_t *p = f->prog;
	for (uint32_t i = 0; i < p->n; i++) {
		const sched_seg_t *s = &p->seg[i];
		bool x = fp_reads_x(f, s), proj = s->phase == CELL_PHASE_PROJ;
		/* the weights as stored (a projection's are dense fp16: plan.c) */
		const double *stored = proj ? NULL : f->sw[2 * (size_t)f->layer + !x];
		/* the projection's one gate: row j of W_proj is row 0*H + j */
		const double *M = stored ? stored : x ? wt->W : proj ? wt->Wp : wt->U;
		uint32_t ncols = x ? f->I : proj ? f->H : f->HP;
		if (s->ncols != ncols)
			return SIM_EINTERNAL;
		for (uint32_t c = 0; c < s->ntiles; c++)
			for (uint32_t r = 0; r < s->kr; r++) {
				int64_t row = fp_tile_row(f, s, r);
				if (row >= 0)
					fp_lay_row(f, i, c, r,
						   M + (size_t)row * ncols + (size_t)sched_tile(p, s, c)->col * s->kc,
						   rb);
			}
	}
	return SIM_OK;
}

/* Allocates the weight buffer's tile layout and its row scratch, and counts
 * each tile's multiplies. */
static int fp_layout_alloc(fpipe_t *f, fp_rowbuf_t *rb)
{
	const sched_prog_t *p = f->prog;
	size_t nw = 0, tiles = 0;
	f->seg_off = fp_calloc(f, p->n, sizeof *f->seg_off);
	f->tile_base = fp_calloc(f, p->n, sizeof *f->tile_base);
	if (!f->seg_off || !f->tile_base)
		return SIM_ENOMEM;
	uint32_t kc = 1; /* one tile row's words, converted together */
	for (uint32_t i = 0; i < p->n; i++) {
		const sched_seg_t *s = &p->seg[i];
		f->seg_off[i] = nw;
		f->tile_base[i] = (uint32_t)tiles;
		nw += (size_t)s->ntiles * s->kr * s->kc;
		tiles += s->ntiles;
		kc = s->kc > kc ? s->kc : kc;
	}
	f->wl = f->words ? fp_calloc_big(f, nw, sizeof *f->wl) : NULL;
	f->wlf = f->fl ? fp_calloc_big(f, nw, sizeof *f->wlf) : NULL;
	f->tile_mults = fp_calloc(f, tiles, sizeof *f->tile_mults);
	rb->words = malloc(kc * sizeof *rb->words);
	if ((f->words && !f->wl) || (f->fl && !f->wlf) || !f->tile_mults || !rb->words)
		return SIM_ENOMEM;
	for (uint32_t i = 0; i < p->n; i++)
		for (uint32_t c = 0; c < p->seg[i].ntiles; c++)
			f->tile_mults[f->tile_base[i] + c] = sched_tile(p, &p->seg[i], c)->useful_lanes;
	return SIM_OK;
}

static void fp_rowbuf_free(fp_rowbuf_t *rb)
{
	free(rb->words);
}

/* Builds the weight buffer's tile layout and the per-tile multiply counts. */
static int fp_layout(fpipe_t *f, const weights_t *wt)
{
	fp_rowbuf_t rb = { 0 };
	int rc = fp_layout_alloc(f, &rb);
	if (!rc)
		rc = fp_layout_tiles(f, wt, &rb);
	fp_rowbuf_free(&rb);
	return rc;
}

/*
 * Random weights without the double reference (fp_drawn): the layer's
 * parameters are drawn when it begins, W and U a row at a time straight
 * into the tile layout (weights_random_rows), so that they never exist
 * whole in double (8 bytes a weight, first touched page by page). The
 * draws and each row's rounding are the ones fp_layout makes from whole
 * matrices, so the tiles are bit for bit the same. `at` lists, per matrix
 * (W, U) and row, the (segment, tile row) pairs that hold it: a linked
 * list from head[m][row] through next.
 */
typedef struct fp_draw {
	fpipe_t *f;
	fp_rowbuf_t rb;
	int32_t *head[2];
	uint32_t *seg, *r;
	int32_t *next;
	bool bad; /* a row's width is not its segments' */
} fp_draw_t;

static void fp_draw_row(void *ctx, bool u, size_t row, const double *v, size_t n)
{
	fp_draw_t *d = ctx;
	fpipe_t *f = d->f;
	for (int32_t e = d->head[u][row]; e >= 0; e = d->next[e]) {
		const sched_seg_t *s = &f->prog->seg[d->seg[e]];
		if (s->ncols != n) {
			d->bad = true;
			continue;
		}
		for (uint32_t c = 0; c < s->ntiles; c++)
			fp_lay_row(f, d->seg[e], c, d->r[e], v + (size_t)sched_tile(f->prog, s, c)->col * s->kc,
				   &d->rb);
	}
}

static int fp_draw(fpipe_t *f, uint32_t layer, sim_err_t *err)
{
	const layer_cfg_t *lc = &f->w->layers[layer];
	const sched_prog_t *p = f->prog;
	size_t gh = (size_t)workload_gates(lc->cell) * lc->hidden_size, pairs = 0;
	/* fp_tile_row's and fp_reads_x's; begin_layer sets them again from the weights */
	f->H = lc->hidden_size;
	f->rec = cell_get(lc->cell)->flags & CELL_F_RECURRENT;
	for (uint32_t i = 0; i < p->n; i++)
		pairs += p->seg[i].kr;
	fp_draw_t d = { .f = f };
	d.head[0] = malloc(2 * gh * sizeof *d.head[0] + 1);
	d.seg = malloc(pairs * sizeof *d.seg + 1);
	d.r = malloc(pairs * sizeof *d.r + 1);
	d.next = malloc(pairs * sizeof *d.next + 1);
	int rc = d.head[0] && d.seg && d.r && d.next ? fp_layout_alloc(f, &d.rb) : SIM_ENOMEM;
	if (!rc) {
		d.head[1] = d.head[0] + gh;
		for (size_t j = 0; j < 2 * gh; j++)
			d.head[0][j] = -1;
		int32_t e = 0;
		for (uint32_t i = 0; i < p->n; i++) {
			const sched_seg_t *s = &p->seg[i];
			int32_t *head = d.head[!fp_reads_x(f, s)];
			for (uint32_t r = 0; r < s->kr; r++) {
				int64_t row = fp_tile_row(f, s, r);
				if (row < 0)
					continue;
				if ((size_t)row >= gh) {
					rc = SIM_EINTERNAL;
					break;
				}
				d.seg[e] = i, d.r[e] = r, d.next[e] = head[row];
				head[row] = e++;
			}
		}
	}
	if (!rc) {
		uint64_t s = f->wseed[layer];
		bool back = f->pass[layer].backward && f->pass[layer].bidir;
		if (!(f->wt[layer] = weights_random_rows(lc, s, back, fp_draw_row, &d, true, err)))
			rc = err->code;
		else if (d.bad)
			rc = SIM_EINTERNAL;
	}
	free(d.head[0]);
	free(d.seg);
	free(d.r);
	free(d.next);
	fp_rowbuf_free(&d.rb);
	if (rc && rc != err->code)
		sim_err(err, rc, "functional mode: %s for layer %u",
			rc == SIM_ENOMEM ? "out of memory" : "a segment's width is not its weights'",
			f->pass[layer].layer);
	return rc;
}

/* The I/H buffer: the h ring (h0 in the slot of step -1), the r*h ring, c
 * from c0 (the x ring: fp_xvec, once the intermediate buffer's depth is
 * known). */
static int fp_vectors(fpipe_t *f, const weights_t *wt)
{
	const sched_prog_t *p = f->prog;
	/* h vectors hold H words even when no segment reads them (fc) */
	f->px = 1;
	f->ph = f->HP ? f->HP : 1;
	f->pm = 1;
	for (uint32_t i = 0; i < p->n; i++) {
		const sched_seg_t *s = &p->seg[i];
		/* the dense column tiles: a sparse segment's program leaves its
		 * zero tiles out, but the vector is whole */
		uint32_t len = (s->ncols + s->kc - 1) / s->kc * s->kc;
		uint32_t *m = fp_reads_x(f, s) ? &f->px : s->phase == CELL_PHASE_PROJ ? &f->pm : &f->ph;
		*m = len > *m ? len : *m;
	}
	size_t nh = (size_t)FP_HRING * f->B * f->ph, nr = 2 * (size_t)f->B * f->ph;
	if (f->HP != f->H) {
		size_t nm = 2 * (size_t)f->B * f->pm;
		f->pst = fp_calloc(f, 2 * (size_t)f->EH, sizeof *f->pst);
		f->mv = f->w16 ? fp_calloc(f, nm, sizeof *f->mv) : NULL;
		f->mvf = f->fl ? fp_calloc(f, nm, sizeof *f->mvf) : NULL;
		if (!f->pst || (f->w16 && !f->mv) || (f->fl && !f->mvf))
			return SIM_ENOMEM;
	}
	f->mv_step[0] = f->mv_step[1] = INT64_MIN;
	f->mv_count[0] = f->mv_count[1] = 0;
	if (f->w16) {
		f->hv = fp_calloc(f, nh, sizeof *f->hv);
		f->rv = fp_calloc(f, nr, sizeof *f->rv);
	}
	if (f->fl) {
		f->hvf = fp_calloc(f, nh, sizeof *f->hvf);
		f->rvf = fp_calloc(f, nr, sizeof *f->rvf);
	}
	f->cst = fp_calloc(f, f->E, sizeof *f->cst);
	if (!f->cst || (f->w16 && (!f->hv || !f->rv)) || (f->fl && (!f->hvf || !f->rvf)))
		return SIM_ENOMEM;
	for (uint32_t i = 0; i < p->n; i++)
		if (fp_reads_x(f, &f->prog->seg[i]))
			f->xreads_step += (uint64_t)f->prog->seg[i].ntiles * f->B;
	for (uint32_t s = 0; s < FP_HRING; s++) {
		f->hv_step[s] = INT64_MIN;
		f->hv_count[s] = 0;
	}
	/* fc has no initial state (weights.c): zeros, never read */
	for (uint32_t b = 0; b < f->B; b++)
		for (uint32_t j = 0; j < f->HP; j++)
			fp_put_h(f, fp_hslot(-1), b, j, cm_data(f->cm, wt->h0 ? wt->h0[(size_t)b * f->HP + j] : 0.0));
	for (uint32_t b = 0; b < f->B; b++)
		for (uint32_t j = 0; j < f->H; j++)
			f->cst[(size_t)j * f->B + b] = cm_state(f->cm, wt->c0 ? wt->c0[(size_t)b * f->H + j] : 0.0);
	f->hv_step[fp_hslot(-1)] = -1;
	f->hv_count[fp_hslot(-1)] = f->EH;
	f->rv_step[0] = f->rv_step[1] = INT64_MIN;
	f->rv_count[0] = f->rv_count[1] = 0;
	return SIM_OK;
}

/*
 * The intermediate buffer's X sums. X sums of step t' are written into slot
 * t' % xdepth when their block leaves the accumulators; they are read by the
 * H partner's first tile (or, GRU linear_before_reset, when the MFU finishes
 * the H block). The controller allocates an X segment's values in the
 * intermediate buffer (capacity V values) when it starts the segment and
 * frees them no earlier than that read is issued; H segments (hence reads)
 * go in program order. If an X segment of step t'-D were still unread when
 * one of step t' starts, every X segment of steps t'-D+1 .. t'-1 would be
 * allocated too: (D-1) * S + 2 > V values for S values per step and
 * D = floor(V / S) + 2. So that depth never overwrites an unread slot.
 * With sequence_lens a step allocates only its active sequences' values,
 * so S is taken at the step with the fewest (the last): a ring sized by
 * all B sequences would let the shorter steps run further ahead than it
 * holds.
 */
static int fp_xring(fpipe_t *f)
{
	const sched_prog_t *p = f->prog;
	uint64_t step_values = 0;
	f->xseg_off = fp_calloc(f, p->n, sizeof *f->xseg_off);
	if (!f->xseg_off)
		return SIM_ENOMEM;
	f->xslot = 0;
	for (uint32_t i = 0; i < p->n; i++) {
		const sched_seg_t *s = &p->seg[i];
		if (s->part != SCHED_PART_X)
			continue;
		f->xseg_off[i] = f->xslot;
		f->xslot += (size_t)s->kr * f->B;
		step_values += (uint64_t)s->valid_rows * fp_active(f, (int64_t)f->T - 1);
	}
	if (!f->xslot) {
		f->xdepth = 0;
		return SIM_OK;
	}
	uint64_t d = f->inter_values / step_values + 2;
	f->xdepth = d < f->T ? (uint32_t)d : f->T;
	f->xsum = fp_calloc(f, (size_t)f->xdepth * f->xslot, sizeof *f->xsum);
	f->xtag = fp_calloc(f, (size_t)f->xdepth * p->n * f->B, sizeof *f->xtag);
	if (!f->xsum || !f->xtag)
		return SIM_ENOMEM;
	for (size_t i = 0; i < (size_t)f->xdepth * p->n * f->B; i++)
		f->xtag[i] = -1;
	return SIM_OK;
}

/*
 * The I/H buffer's x: a ring of `xring` step vectors, step t's filled when
 * its first x tile arrives (fp_xload). Tiles compute as they enter the VS
 * array (cu_in_push), so a slot is free once every x tile of its step has
 * entered. X segments: a segment of step t' starts only when no X segment of
 * a step <= t' - xdepth holds intermediate-buffer space (fp_xring's argument),
 * i.e. all of those steps' X tiles have entered (issue is in order within a
 * step's segment, and the weight-read line is FIFO). fc (its one partition
 * reads x): step t starts only once step t - 2's outputs are written
 * (ctrl_barrier_ok). So max(xdepth, 2) steps are ever being read; one more
 * slot is margin. Eviction checks that its step's reads are all done.
 */
static int fp_xvec(fpipe_t *f)
{
	if (!f->xreads_step)
		return SIM_OK; /* no segment reads x (the layer skips its input) */
	uint32_t d = (f->xdepth > 2 ? f->xdepth : 2) + 1;
	f->xring = d < f->T ? d : f->T;
	size_t nx = (size_t)f->xring * f->B * f->px;
	if (f->w16 && !(f->xv = fp_calloc(f, nx, sizeof *f->xv)))
		return SIM_ENOMEM;
	if (f->fl && !(f->xvf = fp_calloc(f, nx, sizeof *f->xvf)))
		return SIM_ENOMEM;
	f->xv_step = fp_calloc(f, f->xring, sizeof *f->xv_step);
	f->xv_reads = fp_calloc(f, f->xring, sizeof *f->xv_reads);
	if (!f->xv_step || !f->xv_reads)
		return SIM_ENOMEM;
	for (uint32_t i = 0; i < f->xring; i++)
		f->xv_step[i] = -1;
	return SIM_OK;
}

/*
 * Readers of layer 0's deferred x (xseq.h): the datapath's, and the
 * reference's when it runs. Each walks the pass's time order, so a block
 * of FP_XBLOCK_VALUES is drawn once per reader; a backward pass with
 * sequence_lens reads each sequence at its own time (fp_seq_time), far
 * apart, so its readers hold the whole sequence, drawn once. Like x held
 * in the weights, the readers are the input, not the layer's state: not
 * counted in `bytes` (state_peak_bytes).
 */
static int fp_xreaders(fpipe_t *f, const weights_t *xw)
{
	size_t k = FP_XBLOCK_VALUES / ((size_t)f->B * f->I);
	if (k > f->T || (f->back && f->len))
		k = f->T;
	if (k < 1)
		k = 1;
	if (!(f->xdp = xseq_create(&xw->x_gen, f->T, f->B, f->I, (uint32_t)k)) ||
	    (f->refon && !(f->xref = xseq_create(&xw->x_gen, f->T, f->B, f->I, (uint32_t)k))))
		return SIM_ENOMEM;
	return SIM_OK;
}

/* The time a step of the current pass computes: the step itself, or
 * T - 1 - step for a backward pass. */
static uint32_t fp_time(const fpipe_t *f, uint32_t step)
{
	return f->back ? f->T - 1 - step : step;
}

/* Row (t, b) of layer 0's input in double (I values): held, or drawn by
 * reader rd (xseq.h: valid until rd's next row). */
static const double *fp_x0row(const fpipe_t *f, xseq_t *rd, uint32_t t, uint32_t b)
{
	return rd ? xseq_row(rd, t, b) : f->x0 + ((size_t)t * f->B + b) * f->I;
}

/* Row (t, b) of the pass's x: layer 0's doubles (d), which fp_xword
 * rounds, or a stacked layer's h words (w), as they are. */
typedef struct fp_xrow {
	const double *d;
	const uint32_t *w;
} fp_xrow_t;

static fp_xrow_t fp_xrow(const fpipe_t *f, uint32_t t, uint32_t b)
{
	if (f->wlayer)
		return (fp_xrow_t){ .w = f->dp_prev + ((size_t)t * f->B + b) * f->I };
	return (fp_xrow_t){ .d = fp_x0row(f, f->xdp, t, b) };
}

/* The data word of element i of an x row. */
static uint32_t fp_xword(const fpipe_t *f, fp_xrow_t r, uint32_t i)
{
	return r.w ? r.w[i] : cm_data(f->cm, r.d[i]);
}

/* Whether segment s's partition is delta-encoded in this layer. */
static bool fp_seg_delta(const fpipe_t *f, const sched_seg_t *s)
{
	return fp_reads_x(f, s) ? f->dlx : f->dlh;
}

/* The tiles a segment issues at a step: its program's, or for a delta
 * partition ceil(used / Kc), at least one (the controller's rule, ctrl.c). */
static uint32_t fp_seg_tiles(const fpipe_t *f, const sched_seg_t *s, uint32_t step)
{
	if (!fp_seg_delta(f, s))
		return s->ntiles;
	uint32_t u = dlt_cols(f->dlt, fp_reads_x(f, s) ? DLT_X : DLT_H, step);
	uint32_t n = u == DLT_UNKNOWN ? s->ntiles : (u + s->kc - 1) / s->kc;
	return n ? n : 1;
}

/* The time sequence b's step `step` computes (an active step): fp_time,
 * except that with lengths a backward pass starts each sequence at its own
 * last element, len[b] - 1 - step (ONNX's reverse direction). */
static uint32_t fp_seq_time(const fpipe_t *f, uint32_t step, uint32_t b)
{
	return f->back && f->len ? f->len[b] - 1 - step : fp_time(f, step);
}

/* Steps of the layer's output the next layer reads: T, or 1 (`last`). */
static uint32_t fp_out_rows(const fpipe_t *f)
{
	return f->last ? 1 : f->T;
}

/* The row of the held outputs (hwords, ref_seq) that sequence b's h of
 * `step` goes to, or -1 when the next layer does not read it. Every step:
 * its time (fp_seq_time). `last`: row 0 takes the direction's final
 * state, the pass's last step of the sequence (len[b] - 1 with lengths,
 * its own last valid step), which is time T - 1 (len[b] - 1) forward and
 * time 0 backward, ONNX's Y_h; a bidirectional layer's two passes fill the
 * two halves of the row, [h_fwd(T - 1); h_bwd(0)]. */
static int64_t fp_out_row(const fpipe_t *f, uint32_t step, uint32_t b)
{
	if (!f->last)
		return fp_seq_time(f, step, b);
	return step + 1 == (f->len ? f->len[b] : f->T) ? 0 : -1;
}

/* x tiles step t reads: every x segment's tiles for each active sequence
 * (a delta layer, which has no lengths: its compacted tiles, times B). */
static uint64_t fp_xreads(const fpipe_t *f, int64_t t)
{
	if (!f->dlx)
		return f->xreads_step / f->B * fp_active(f, t);
	uint64_t n = 0;
	for (uint32_t i = 0; i < f->prog->n; i++)
		if (fp_reads_x(f, &f->prog->seg[i]))
			n += (uint64_t)fp_seg_tiles(f, &f->prog->seg[i], (uint32_t)t) * f->B;
	return n;
}

/* Word d of x into element dst of the x ring. */
static void fp_xput(fpipe_t *f, size_t dst, uint32_t d)
{
	if (f->w16)
		f->xv[dst] = (uint16_t)d;
	if (f->fl)
		f->xvf[dst] = fp_widen(f, d);
}

/* A delta layer's x^ of `step` into its slot, step order (dxnext): the
 * encoder's replay (dlt_replay) decides the columns again as fp_delta_begin
 * did; a used column takes x, a skipped one keeps x^ of the step before,
 * which the slot of step - 1 holds. */
static void fp_delta_x(fpipe_t *f, uint32_t step, uint32_t slot)
{
	for (uint32_t b = 0; b < f->B; b++) {
		fp_xrow_t r = fp_xrow(f, fp_time(f, step), b);
		for (uint32_t i = 0; i < f->I; i++)
			f->dvec[(size_t)b * f->I + i] = cm_data_value(f->cm, fp_xword(f, r, i));
	}
	if (!dlt_replay(f->dlt, DLT_X, step, f->dvec, f->duse))
		fp_fail(f, "step %u: the delta encoder's columns of x differ from its first encoding", step);
	uint32_t ps = (step + f->xring - 1) % f->xring;
	if (step > 0 && f->xv_step[ps] != (int64_t)step - 1)
		fp_fail(f, "step %u: x^ of step %u left the I/H buffer before step %u was encoded", step, step - 1,
			step);
	for (uint32_t b = 0; b < f->B; b++) {
		fp_xrow_t r = fp_xrow(f, fp_time(f, step), b);
		for (uint32_t i = 0; i < f->I; i++) {
			size_t dst = ((size_t)slot * f->B + b) * f->px + i;
			size_t prev = ((size_t)ps * f->B + b) * f->px + i;
			fp_xput(f, dst, f->duse[i] ? fp_xword(f, r, i) : fp_word(f, f->xv, f->xvf, prev));
		}
	}
}

/* Step `step`'s x into its ring slot, if it is not there yet; returns the
 * slot. Layer 0 rounds the weights' x; a stacked layer reads the previous
 * layer's h words as they are. Either at the step's time (fp_time). A
 * delta layer's slots hold x^, encoded in step order up to `step`. */
static uint32_t fp_xload(fpipe_t *f, uint32_t step)
{
	uint32_t slot = step % f->xring;
	if (f->xv_step[slot] == step)
		return slot;
	if (f->xv_step[slot] > (int64_t)step) {
		fp_fail(f, "step %u: an x tile arrived after its I/H buffer slot moved on to step %" PRId64, step,
			f->xv_step[slot]);
		return slot;
	}
	for (uint32_t st = f->dlx ? f->dxnext : step; st <= step; st++) {
		uint32_t sl = st % f->xring;
		if (f->xv_step[sl] >= 0 && f->xv_reads[sl] != fp_xreads(f, f->xv_step[sl]))
			fp_fail(f,
				"step %u: x of step %" PRId64 " left the I/H buffer after %" PRIu64 " of its %" PRIu64
				" tiles",
				st, f->xv_step[sl], f->xv_reads[sl], fp_xreads(f, f->xv_step[sl]));
		if (f->dlx) {
			fp_delta_x(f, st, sl);
		} else {
			for (uint32_t b = 0; b < f->B; b++) {
				if (f->len && st >= f->len[b])
					continue;
				fp_xrow_t r = fp_xrow(f, fp_seq_time(f, st, b), b);
				for (uint32_t i = 0; i < f->I; i++)
					fp_xput(f, ((size_t)sl * f->B + b) * f->px + i, fp_xword(f, r, i));
			}
		}
		f->xv_step[sl] = st;
		f->xv_reads[sl] = 0;
	}
	if (f->dlx)
		f->dxnext = step + 1;
	return slot;
}

/* A delta layer's encoder (delta.h). x is known before the layer starts,
 * so every step's x^ is encoded here, in step order (the counts decide the
 * controller's X tiles); h_{-1}, the initial state, is encoded as step 0's
 * (the first encode: every column); h_t when it is complete (fpipe_update). */
static int fp_delta_begin(fpipe_t *f)
{
	const layer_cfg_t *lc = &f->w->layers[f->layer];
	if (!lc->delta)
		return SIM_OK;
	const sched_prog_t *p = f->prog;
	f->dlx = f->xreads_step > 0;
	f->dlh = f->rec;
	uint32_t n = f->I > f->H ? f->I : f->H, kr = 1;
	for (uint32_t i = 0; i < p->n; i++)
		kr = p->seg[i].kr > kr ? p->seg[i].kr : kr;
	dlt_layer_t dl = { .T = f->T,
			   .B = f->B,
			   .n = { f->dlx ? f->I : 0, f->dlh ? f->H : 0 },
			   .theta = { lc->delta_threshold_x, lc->delta_threshold_h } };
	f->duse = fp_calloc(f, n ? n : 1, 1);
	f->dvec = fp_calloc(f, (size_t)f->B * (n ? n : 1), sizeof *f->dvec);
	f->dtiles = fp_calloc(f, p->ntile, sizeof *f->dtiles);
	f->dsums = fp_calloc(f, kr, sizeof *f->dsums);
	f->dmerge = fp_calloc(f, p->n, sizeof *f->dmerge);
	f->dinit = fp_calloc(f, p->n, sizeof *f->dinit);
	if (!f->duse || !f->dvec || !f->dtiles || !f->dsums || !f->dmerge || !f->dinit || !dlt_begin_layer(f->dlt, &dl))
		return SIM_ENOMEM;
	/* the counts of every step, which the controller reads before the
	 * step's x tiles issue; fp_xload forms each step's x^ again */
	for (uint32_t st = 0; f->dlx && st < f->T; st++) {
		for (uint32_t b = 0; b < f->B; b++) {
			fp_xrow_t r = fp_xrow(f, fp_time(f, st), b);
			for (uint32_t i = 0; i < f->I; i++)
				f->dvec[(size_t)b * f->I + i] = cm_data_value(f->cm, fp_xword(f, r, i));
		}
		dlt_encode(f->dlt, DLT_X, st, f->dvec, f->duse);
	}
	if (f->dlh) {
		size_t nh = (size_t)FP_HRING * f->B * f->ph, h0 = (size_t)fp_hslot(-1) * f->B * f->ph;
		if ((f->w16 && !(f->hd = fp_calloc(f, nh, sizeof *f->hd))) ||
		    (f->fl && !(f->hdf = fp_calloc(f, nh, sizeof *f->hdf))))
			return SIM_ENOMEM;
		if (f->w16)
			memcpy(f->hd + h0, f->hv + h0, (size_t)f->B * f->ph * sizeof *f->hd);
		if (f->fl)
			memcpy(f->hdf + h0, f->hvf + h0, (size_t)f->B * f->ph * sizeof *f->hdf);
		for (uint32_t b = 0; b < f->B; b++)
			for (uint32_t j = 0; j < f->H; j++)
				f->dvec[(size_t)b * f->H + j] =
					cm_data_value(f->cm, fp_word(f, f->hv, f->hvf, h0 + (size_t)b * f->ph + j));
		dlt_encode(f->dlt, DLT_H, 0, f->dvec, f->duse);
	}
	return SIM_OK;
}

/* h_step is complete: encode it as step + 1's operand. A used column's
 * held value takes h, a skipped one keeps the held value of before. */
static void fp_delta_h(fpipe_t *f, uint32_t step)
{
	uint32_t hs = fp_hslot(step), hp = fp_hslot((int64_t)step - 1);
	dlt_encode(f->dlt, DLT_H, step + 1, f->dh + (size_t)hs * f->E, f->duse);
	for (uint32_t b = 0; b < f->B; b++)
		for (uint32_t j = 0; j < f->H; j++) {
			size_t i = (size_t)hs * f->B * f->ph + (size_t)b * f->ph + j;
			size_t from = f->duse[j] ? i : (size_t)hp * f->B * f->ph + (size_t)b * f->ph + j;
			if (f->w16)
				f->hd[i] = f->duse[j] ? f->hv[from] : f->hd[from];
			if (f->fl)
				f->hdf[i] = f->duse[j] ? f->hvf[from] : f->hdf[from];
		}
}

int fpipe_begin_layer(fpipe_t *f, uint32_t layer, const sched_prog_t *prog, sim_err_t *err)
{
	fp_free_layer(f);
	f->prog = prog;
	bool drawn = !f->wt[layer]; /* fp_drawn: its weights go straight into the layout */
	if (drawn && fp_draw(f, layer, err))
		return err->code;
	const weights_t *wt = f->wt[layer];
	f->layer = layer;
	f->wlayer = f->pass[layer].layer;
	f->back = f->pass[layer].backward;
	f->bidir = f->pass[layer].bidir;
	/* the forward pass's weights hold the layer's input (weights.h) */
	const weights_t *xw = f->wt[f->back && f->bidir ? layer - 1 : layer];
	f->x0 = xw->x;
	f->bad = false;
	f->prog = prog;
	f->cd = cell_get(wt->cell);
	f->rec = f->cd->flags & CELL_F_RECURRENT;
	f->cv = cell_variant(f->cd, wt->gru_form);
	f->G = wt->G, f->I = wt->I, f->H = wt->H, f->T = wt->T, f->B = wt->B;
	cm_set_acts(f->cm, wt->act);
	f->E = f->H * f->B;
	f->HP = wt->HP;
	f->EH = f->HP * f->B;
	f->NG = f->G + 1; /* GRU linear_before_reset keeps W_n x beside U_n h */
	f->peak = f->bytes;
	f->fin = 0;
	f->xreads_step = 0;
	f->dxnext = 0;
	memset(&f->eh, 0, sizeof f->eh);
	memset(&f->ec, 0, sizeof f->ec);
	memset(&f->hacc, 0, sizeof f->hacc);
	memset(&f->hlast, 0, sizeof f->hlast);
	f->smx = f->cd->flags & CELL_F_SOFTMAX;
	f->head = !f->rec && !f->smx && layer + 1 == f->w->n_layers;
	if (f->smx && f->fixed)
		return sim_err(err, SIM_EINPUT,
			       "functional mode computes a softmax (layer %u) in floating point, expected "
			       "precision.mul fp16, bf16 or fp32 (or a run without --functional)",
			       f->wlayer + 1);
	/* only a next layer that reads its input needs this layer's h sequence;
	 * the layer's first pass allocates it (and a bidirectional layer's
	 * dumps), its last hands it on (fpipe_end_layer) */
	uint32_t next = layer + (f->bidir && !f->back ? 2 : 1);
	bool keep = next < f->w->n_layers && !f->w->layers[next].skip_input;
	/* a next layer of fewer steps reads the final state alone (fp_check_stack) */
	f->last = keep && f->w->layers[next].timesteps < f->T;
	bool state = f->cd->flags & CELL_F_STATE;
	f->ow = f->bidir ? 2 * f->HP : f->HP;
	f->ooff = f->back && f->bidir ? f->HP : 0;
	bool first = !(f->back && f->bidir); /* the layer's first pass */
	if (first) {
		size_t n = (size_t)f->T * f->B * f->ow, no = (size_t)fp_out_rows(f) * f->B * f->ow, before = f->bytes;
		f->hwords = keep ? fp_calloc(f, no, sizeof *f->hwords) : NULL;
		f->ref_seq = keep && f->refon ? fp_calloc(f, no, sizeof *f->ref_seq) : NULL;
		bool dump = (f->bidir || f->back) && f->dump_dir; /* held: written at the end */
		f->ydump = dump ? fp_calloc(f, n, sizeof *f->ydump) : NULL;
		size_t nc = (size_t)f->T * f->B * (f->bidir ? 2 : 1) * f->H;
		f->cdump = dump && state ? fp_calloc(f, nc, sizeof *f->cdump) : NULL;
		f->out_bytes = f->bytes - before;
		if ((keep && (!f->hwords || (f->refon && !f->ref_seq))) ||
		    (dump && (!f->ydump || (state && !f->cdump))))
			return sim_err(err, SIM_ENOMEM, "functional mode: out of memory for layer %u", f->wlayer);
	}
	f->bias = fp_calloc(f, (size_t)f->G * f->H, sizeof *f->bias);
	f->b_hn = fp_calloc(f, f->H, sizeof *f->b_hn);
	f->gst = fp_calloc(f, 2 * (size_t)f->E * f->NG, sizeof *f->gst);
	f->dh = fp_calloc(f, (size_t)FP_HRING * f->EH, sizeof *f->dh);
	f->dc = state ? fp_calloc(f, (size_t)FP_HRING * f->E, sizeof *f->dc) : NULL;
	f->rh = f->refon ? fp_calloc(f, f->EH, sizeof *f->rh) : NULL;
	f->rc = state && f->refon ? fp_calloc(f, f->E, sizeof *f->rc) : NULL;
	f->peep = wt->P ? fp_calloc(f, 3 * (size_t)f->H, sizeof *f->peep) : NULL;
	int rc = SIM_ENOMEM;
	if (f->bias && f->b_hn && f->gst && f->dh && (!f->refon || (f->rh && (!state || f->rc))) && (!state || f->dc) &&
	    (!wt->P || f->peep))
		rc = SIM_OK;
	for (uint32_t j = 0; !rc && wt->P && j < f->H; j++)
		for (uint32_t k = 0; k < 3; k++)
			f->peep[3 * (size_t)j + k] = cm_weight(f->cm, wt->P[(size_t)k * f->H + j]);
	for (size_t i = 0; !rc && i < (size_t)f->G * f->H; i++)
		f->bias[i] = cm_bias(f->cm, wt->b ? wt->b[i] : 0.0); /* a softmax has none */
	for (uint32_t j = 0; !rc && wt->b_hn && j < f->H; j++)
		f->b_hn[j] = cm_bias(f->cm, wt->b_hn[j]);
	if (!rc)
		rc = fp_perm(f, wt);
	if (!rc && !f->wlayer && f->I && xw->x_deferred)
		rc = fp_xreaders(f, xw);
	if (!rc && f->back && wt->len && f->I && !(f->xg = fp_calloc(f, (size_t)f->B * f->I, sizeof *f->xg)))
		rc = SIM_ENOMEM;
	if (!rc && f->smx) /* no weights: a whole vector's values at its blocks (fpipe_block) */
		rc = (f->smx_z = fp_calloc(f, f->I, sizeof *f->smx_z)) &&
				     (f->smx_p = fp_calloc(f, f->H, sizeof *f->smx_p)) &&
				     (f->smx_s = fp_calloc(f, f->prog->seg[0].kc, sizeof *f->smx_s))
			     ? SIM_OK
			     : SIM_ENOMEM;
	else if (!rc && !drawn)
		rc = fp_layout(f, wt);
	if (!rc)
		rc = fp_vectors(f, wt);
	if (!rc)
		rc = fp_xring(f);
	if (!rc)
		rc = fp_xvec(f);
	if (!rc)
		rc = fp_delta_begin(f);
	if (!rc && f->refon) {
		if (!(f->rs = ref_state_create(wt, err)))
			return err->code;
		f->bytes += ref_state_bytes(f->rs);
		f->peak = f->bytes > f->peak ? f->bytes : f->peak;
	}
	/* h of fp16/bf16/fp32 and Q(df) int16 data are exact in <f4; fixed-point c
	 * (int32 at 2^-df) needs <f8. The shape goes out first; fp_finish appends
	 * each step. */
	if (!rc && f->dump_dir && !f->bidir && !f->back) {
		char path[1536];
		size_t shape[3] = { f->T, f->B, f->HP }, cshape[3] = { f->T, f->B, f->H };
		snprintf(path, sizeof path, "%s/layer%u_h.npy", f->dump_dir, f->wlayer);
		if (!(f->dump_h = npy_writer_open(path, NPY_F4, 3, shape, err)))
			return err->code;
		snprintf(path, sizeof path, "%s/layer%u_c.npy", f->dump_dir, f->wlayer);
		if (state && !(f->dump_c = npy_writer_open(path, f->fixed ? NPY_F8 : NPY_F4, 3, cshape, err)))
			return err->code;
	}
	if (rc == SIM_EINTERNAL)
		return sim_err(err, rc,
			       "functional mode, layer %u: a segment's columns differ from the layer's "
			       "matrix, expected I = %u for W, %u for U and H = %u for W_proj",
			       layer, f->I, f->HP, f->H);
	return rc ? sim_err(err, rc, "functional mode: out of memory for layer %u", layer) : SIM_OK;
}

static uint32_t *fp_xsums(fpipe_t *f, uint32_t seg, uint32_t step, uint32_t seq)
{
	uint32_t slot = step % f->xdepth;
	return f->xsum + (size_t)slot * f->xslot + f->xseg_off[seg] + (size_t)seq * f->prog->seg[seg].kr;
}

static int64_t *fp_xtag(fpipe_t *f, uint32_t seg, uint32_t step, uint32_t seq)
{
	return &f->xtag[((size_t)(step % f->xdepth) * f->prog->n + seg) * f->B + seq];
}

/* The X partner's sums of (step, seq), checked to be that step's. */
static const uint32_t *fp_partner_sums(fpipe_t *f, uint32_t xseg, uint32_t step, uint32_t seq)
{
	if (*fp_xtag(f, xseg, step, seq) != step) {
		fp_fail(f,
			"step %u, sequence %u: the W.x sums of segment %u were not in the intermediate buffer "
			"when read",
			step, seq, xseg);
	}
	return fp_xsums(f, xseg, step, seq);
}

/* Out of line, like fpipe_block: the engine's cycle calls it only in
 * functional runs, and inlined (link-time optimisation does) it took the
 * registers of every timing run's stepped cycle (docs/performance.md). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void
fpipe_tile(fpipe_t *f, uint32_t seg, uint32_t col, cu_tile_t *t)
{
	if (f->smx) { /* its values are formed whole when its blocks leave (fpipe_block) */
		t->w = NULL, t->wf = NULL, t->x = NULL, t->xf = NULL, t->init = NULL;
		*f->mults += t->useful_lanes;
		return;
	}
	const sched_seg_t *s = &f->prog->seg[seg];
	uint32_t step = t->tag.step, b = fp_seq(f, t->tag.seq);
	size_t w = f->seg_off[seg] + (size_t)col * s->kr * s->kc, x;
	/* the operands of the tile's dense column tile (a sparse segment
	 * leaves its zero tiles out of the program, tile.h) */
	uint32_t dcol = sched_tile(f->prog, s, col)->col;
	t->w = f->wl ? f->wl + w : NULL;
	t->wf = f->fl ? f->wlf + w : NULL;
	const uint16_t *v16;
	const float *vf;
	if (fp_reads_x(f, s)) {
		uint32_t slot = fp_xload(f, step);
		f->xv_reads[slot]++;
		x = ((size_t)slot * f->B + b) * f->px + (size_t)dcol * s->kc;
		v16 = f->xv, vf = f->xvf;
	} else if (s->phase == CELL_PHASE_PROJ) {
		uint32_t slot = step & 1;
		if (f->mv_step[slot] != step || f->mv_count[slot] != f->H * fp_active(f, step))
			fp_fail(f, "step %u: a projection tile read o*tanh(c) before all of it was written", step);
		x = (size_t)slot * f->B * f->pm + (size_t)b * f->pm + (size_t)col * s->kc;
		v16 = f->mv, vf = f->mvf;
	} else if (s->phase == 1) {
		uint32_t slot = step & 1;
		if (f->rv_step[slot] != step || f->rv_count[slot] != f->H * fp_active(f, step))
			fp_fail(f, "step %u: an n tile read r*h before all of it was written", step);
		x = (size_t)slot * f->B * f->ph + (size_t)b * f->ph + (size_t)dcol * s->kc;
		v16 = f->rv, vf = f->rvf;
	} else {
		uint32_t slot = fp_hslot((int64_t)step - 1);
		uint32_t hi = (dcol + 1) * s->kc < f->HP ? (dcol + 1) * s->kc : f->HP;
		if (f->hv_step[slot] != (int64_t)step - 1 || f->hv_count[slot] < hi * fp_active(f, (int64_t)step - 1))
			fp_fail(f, "step %u: a U.h tile read h elements below %u before they were written", step, hi);
		x = (size_t)slot * f->B * f->ph + (size_t)b * f->ph + (size_t)dcol * s->kc;
		v16 = f->hv, vf = f->hvf;
	}
	t->x = f->w16 ? v16 + x : NULL;
	t->xf = f->fl ? vf + x : NULL;
	t->init = t->has_init ? fp_partner_sums(f, (uint32_t)s->partner, step, t->tag.seq) : NULL;
	if (f->dlx || f->dlh) {
		/* Delta: the timed array takes the compacted tile; the block's value
		 * is formed when it leaves the accumulators (fp_delta_block). */
		if (col == 0 && s->part == SCHED_PART_H) {
			f->dmerge[seg] = !t->first;
			f->dinit[seg] = t->has_init;
		}
		t->w = NULL, t->wf = NULL;
		*f->mults += t->useful_lanes;
		return;
	}
	*f->mults += f->tile_mults[f->tile_base[seg] + col];
}

/* Appends segment seg's dense tiles for (step, b), over the held operands,
 * to the block being formed (from dtiles[n]); returns the new count. */
static uint32_t fp_delta_tiles(fpipe_t *f, uint32_t seg, uint32_t step, uint32_t b, uint32_t n)
{
	const sched_seg_t *s = &f->prog->seg[seg];
	bool x = fp_reads_x(f, s);
	for (uint32_t c = 0; c < s->ntiles; c++) {
		cu_tile_t *t = &f->dtiles[n++];
		memset(t, 0, sizeof *t);
		t->cfg = s->cfg;
		size_t w = f->seg_off[seg] + (size_t)c * s->kr * s->kc, v;
		t->w = f->wl ? f->wl + w : NULL;
		t->wf = f->fl ? f->wlf + w : NULL;
		if (x) {
			uint32_t slot = step % f->xring;
			if (f->xv_step[slot] != step)
				fp_fail(f, "step %u: x^ left the I/H buffer before the step's block was formed", step);
			v = ((size_t)slot * f->B + b) * f->px + (size_t)c * s->kc;
			t->x = f->w16 ? f->xv + v : NULL;
			t->xf = f->fl ? f->xvf + v : NULL;
		} else {
			v = (size_t)fp_hslot((int64_t)step - 1) * f->B * f->ph + (size_t)b * f->ph + (size_t)c * s->kc;
			t->x = f->w16 ? f->hd + v : NULL;
			t->xf = f->fl ? f->hdf + v : NULL;
		}
	}
	return n;
}

/* The value of a delta layer's block (step, b): the dense block over the
 * held operands x^ and h^, in the compute unit's own arithmetic and tile
 * order. It is what the delta memory holds, M_t = M_{t-1} + W (x^_t -
 * x^_{t-1}), when that sum is exact (docs/numerics.md, Delta networks).
 * The block's rows are read from and written back to the delta memory. */
static const uint32_t *fp_delta_block(fpipe_t *f, uint32_t seg, uint32_t step, uint32_t b)
{
	const sched_seg_t *s = &f->prog->seg[seg];
	bool merged = s->part == SCHED_PART_H && s->partner >= 0 && f->dmerge[seg];
	uint32_t n = merged ? fp_delta_tiles(f, (uint32_t)s->partner, step, b, 0) : 0;
	n = fp_delta_tiles(f, seg, step, b, n);
	f->dtiles[0].first = true;
	f->dtiles[n - 1].last = true;
	if (!merged && s->part == SCHED_PART_H && f->dinit[seg]) {
		f->dtiles[0].has_init = true;
		f->dtiles[0].init = fp_partner_sums(f, (uint32_t)s->partner, step, b);
	}
	cu_block_values(&f->dcc, f->dtiles, n, f->dsums, f->dscratch);
	*f->dmem_reads += s->valid_rows;
	*f->dmem_writes += s->valid_rows;
	return f->dsums;
}

const dlt_t *fpipe_delta(const fpipe_t *f)
{
	return f->dlt;
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
void
fpipe_block(fpipe_t *f, uint32_t seg, uint32_t step, const cu_out_t *o)
{
	const sched_seg_t *s = &f->prog->seg[seg];
	uint32_t p = o->tag.seq, b = fp_seq(f, p); /* X sums by packed index, the rest by sequence */
	if (o->kr != s->kr || !o->sums) {
		fp_fail(f, "step %u: segment %u's block came out with %u sums, expected %u", step, seg, o->kr, s->kr);
		return;
	}
	const uint32_t *sums = f->dlx || f->dlh ? fp_delta_block(f, seg, step, b) : o->sums;
	if (s->part == SCHED_PART_X) {
		memcpy(fp_xsums(f, seg, step, p), sums, sizeof *sums * s->kr);
		*fp_xtag(f, seg, step, p) = step;
		return;
	}
	if (s->phase == CELL_PHASE_PROJ) {
		uint32_t *ps = f->pst + (size_t)(step & 1) * f->EH + (size_t)b * f->HP;
		memcpy(ps + s->j0, sums, sizeof *sums * s->valid_pg);
		return;
	}
	if (f->smx) { /* the VS update's products p_j of the block's rows (cm_softmax) */
		fp_xrow_t r = fp_xrow(f, fp_time(f, step), b);
		for (uint32_t i = 0; i < f->I; i++)
			f->smx_z[i] = fp_xword(f, r, i);
		cm_softmax(f->cm, f->smx_z, f->I, s->kc, f->smx_s, f->smx_p);
		sums = f->smx_p + s->j0; /* one gate: row k of the block is j0 + k */
	}
	uint32_t *g = f->gst + (size_t)(step & 1) * f->E * f->NG;
	for (uint32_t q = 0; q < s->ngates; q++)
		for (uint32_t k = 0; k < s->valid_pg; k++) {
			size_t e = (size_t)(s->j0 + k) * f->B + b;
			g[e * f->NG + s->gate[q]] = sums[q * s->rpg + k];
		}
}

/* An MFU add of two sum words: fp32, or the saturating accumulator add. */
static uint32_t fp_sum_add(const fpipe_t *f, uint32_t a, uint32_t b)
{
	if (f->fixed)
		return (uint32_t)fix_acc_add((int32_t)a, (int32_t)b, f->acc_bits);
	return arith_f32_add(a, b);
}

static void fp_finish(fpipe_t *f);

/* The MFU passes a projection block's sums on as h words (cm_narrow: no
 * bias, no activation) into the I/H buffer's h ring. */
static void fp_project(fpipe_t *f, const sched_seg_t *s, uint32_t step, uint32_t b)
{
	uint32_t hs = fp_hslot(step);
	if (f->hv_step[hs] != step) {
		f->hv_step[hs] = step;
		f->hv_count[hs] = 0;
		if (f->len) /* a finished sequence's h is 0 (ONNX's Y) */
			memset(f->dh + (size_t)hs * f->EH, 0, sizeof *f->dh * f->EH);
	}
	const uint32_t *ps = f->pst + (size_t)(step & 1) * f->EH + (size_t)b * f->HP;
	int64_t row = f->hwords ? fp_out_row(f, step, b) : -1;
	for (uint32_t j = s->j0; j < s->j0 + s->valid_pg; j++) {
		uint32_t h = cm_narrow(f->cm, ps[j]);
		fp_put_h(f, hs, b, j, h);
		if (row >= 0)
			f->hwords[((size_t)row * f->B + b) * f->ow + f->ooff + j] = h;
		f->dh[(size_t)hs * f->EH + (size_t)b * f->HP + j] = cm_data_value(f->cm, h);
	}
	f->hv_count[hs] += s->valid_pg;
	fp_finish(f);
}

void fpipe_activate(fpipe_t *f, uint32_t seg, uint32_t step, uint32_t seq)
{
	const sched_seg_t *s = &f->prog->seg[seg];
	if (s->phase == CELL_PHASE_PROJ) {
		fp_project(f, s, step, fp_seq(f, seq));
		return;
	}
	uint32_t b = fp_seq(f, seq);
	uint32_t *gs = f->gst + (size_t)(step & 1) * f->E * f->NG;
	bool apart = f->cv->x_apart >= 0;
	const uint32_t *xs = apart && s->partner >= 0 ? fp_partner_sums(f, (uint32_t)s->partner, step, seq) : NULL;
	uint32_t hprev = fp_hslot((int64_t)step - 1), rslot = step & 1;
	for (uint32_t q = 0; q < s->ngates; q++) {
		unsigned g = s->gate[q], act = f->cv->act[g];
		for (uint32_t k = 0; k < s->valid_pg; k++) {
			uint32_t j = s->j0 + k;
			uint32_t *gw = gs + ((size_t)j * f->B + b) * f->NG;
			uint32_t bias = f->bias[(size_t)g * f->H + j];
			uint32_t xw = xs ? xs[q * s->rpg + k] : cm_sum_zero(f->cm);
			if ((int)g == f->cv->x_apart) {
				gw[f->G] = xw; /* the cell updater combines W.x and U.h of this gate */
				continue;
			}
			/* W.x kept apart arrives here unmerged: add it before the bias */
			uint32_t sum = xs ? fp_sum_add(f, xw, gw[g]) : gw[g];
			if (act == CELL_ACT_NONE)
				gw[g] = cm_pre(f->cm, sum, bias); /* the cell updater activates it */
			else
				gw[g] = cm_gate(f->cm, act == CELL_ACT_TANH ? CM_ROLE_G : CM_ROLE_F, sum, bias);
			if ((int)g == f->cv->rh_gate) {
				if (f->rv_step[rslot] != step) {
					f->rv_step[rslot] = step;
					f->rv_count[rslot] = 0;
				}
				uint32_t h =
					fp_word(f, f->hv, f->hvf, (size_t)hprev * f->B * f->ph + (size_t)b * f->ph + j);
				uint32_t rh = cm_gru_rh(f->cm, gw[g], h);
				size_t i = (size_t)rslot * f->B * f->ph + (size_t)b * f->ph + j;
				if (f->w16)
					f->rv[i] = (uint16_t)rh;
				if (f->fl)
					f->rvf[i] = fp_widen(f, rh);
				f->rv_count[rslot]++;
			}
		}
	}
}

/* Step t of the double reference beside the datapath's h (dh) and c (dc,
 * NULL without c) of that step: the reference advances one step, the
 * error statistics and the classifier head's decisions take the step. */
static void fp_reference(fpipe_t *f, uint32_t t, const double *dh, const double *dc)
{
	uint32_t tt = fp_time(f, t);
	size_t xo = (size_t)tt * f->B * f->I;
	const double *x = !f->I ? NULL : f->wlayer ? f->ref_prev + xo : fp_x0row(f, f->xref, tt, 0);
	if (f->xg) {
		/* each sequence's x at its own time (fp_seq_time) */
		for (uint32_t b = 0; b < f->B; b++) {
			if (t >= f->len[b])
				continue;
			uint32_t ts = fp_seq_time(f, t, b);
			memcpy(f->xg + (size_t)b * f->I,
			       f->wlayer ? f->ref_prev + ((size_t)ts * f->B + b) * f->I : fp_x0row(f, f->xref, ts, b),
			       sizeof *f->xg * f->I);
		}
		x = f->xg;
	}
	ref_state_step(f->rs, x, f->rh, f->rc);
	ref_acc_add(&f->eh, dh, f->rh, f->EH);
	if (f->head)
		head_acc_add(t + 1 == f->T ? &f->hlast : &f->hacc, dh, f->rh, f->B, f->HP);
	if (dc)
		ref_acc_add(&f->ec, dc, f->rc, f->E);
	if (t + 1 == f->T) {
		ref_diff(dh, f->rh, f->EH, &f->eh_last);
		if (dc)
			ref_diff(dc, f->rc, f->E, &f->ec_last);
	}
}

/*
 * Finishes, in step order, every step whose h is complete: advances the
 * reference one step and adds the step to the error statistics (when the
 * reference runs: fp_reference), appends it to
 * the dumps, keeps it for the next layer. A step's dh/dc slot is read here,
 * in the update call that completed it or (fc, whose steps may complete out
 * of order) in the one that completed the steps before it; either way before
 * the slot's step + FP_HRING is written, which the ring's own check
 * (hv_step) would report.
 */
static void fp_finish(fpipe_t *f)
{
	while (f->fin < f->T && !f->bad) {
		uint32_t t = f->fin, slot = fp_hslot(t);
		if (f->hv_step[slot] != (int64_t)t || f->hv_count[slot] != f->HP * fp_active(f, t))
			return;
		const double *dh = f->dh + (size_t)slot * f->EH, *dc = f->dc ? f->dc + (size_t)slot * f->E : NULL;
		if (f->refon)
			fp_reference(f, t, dh, dc);
		/* Each sequence's row at its time (a finished one's rows stay 0):
		 * ref_seq (T, B, OW), or its final state alone (fp_out_row); the
		 * held dumps (T, 2, B, HP) with direction back, a reverse layer's
		 * (T, B, HP); c likewise H wide. */
		for (uint32_t b = 0; b < f->B; b++) {
			if (f->len && t >= f->len[b])
				continue;
			size_t tb = fp_seq_time(f, t, b), yo = (f->bidir ? tb * 2 + f->back : tb) * f->B + b;
			int64_t row = f->ref_seq ? fp_out_row(f, t, b) : -1;
			if (row >= 0)
				memcpy(f->ref_seq + ((size_t)row * f->B + b) * f->ow + f->ooff,
				       f->rh + (size_t)b * f->HP, sizeof *f->rh * f->HP);
			if (f->ydump)
				memcpy(f->ydump + yo * f->HP, dh + (size_t)b * f->HP, sizeof *dh * f->HP);
			if (f->cdump)
				memcpy(f->cdump + yo * f->H, dc + (size_t)b * f->H, sizeof *dc * f->H);
		}
		sim_err_t e = { 0 };
		if ((f->dump_h && npy_writer_put(f->dump_h, dh, f->EH, &e)) ||
		    (f->dump_c && npy_writer_put(f->dump_c, dc, f->E, &e)))
			fp_fail_err(f, &e);
		f->fin++;
	}
}

void fpipe_update(fpipe_t *f, uint32_t step, uint32_t e0, uint32_t n)
{
	uint32_t hs = fp_hslot(step), hp = fp_hslot((int64_t)step - 1);
	const uint32_t *gs = f->gst + (size_t)(step & 1) * f->E * f->NG;
	/* fc reads no h_{t-1}; its steps only share the gate buffer's parity,
	 * which the two-step barrier (ctrl_barrier_ok) guards */
	if (f->rec &&
	    (f->hv_step[hp] != (int64_t)step - 1 || f->hv_count[hp] != f->HP * fp_active(f, (int64_t)step - 1)))
		fp_fail(f, "step %u: the cell updater ran before h of the previous step was complete", step);
	/* LSTMP: the cell's output is m, for the projection (fp_project writes h) */
	bool proj = f->HP != f->H;
	uint32_t ms = step & 1;
	bool first = proj ? f->mv_step[ms] != step : f->hv_step[hs] != step;
	if (proj && f->mv_step[ms] != step) {
		f->mv_step[ms] = step;
		f->mv_count[ms] = 0;
	}
	if (!proj && f->hv_step[hs] != step) {
		f->hv_step[hs] = step;
		f->hv_count[hs] = 0;
	}
	if (first && f->len) {
		/* a finished sequence's h and c of this step are 0 (ONNX's Y) */
		if (!proj)
			memset(f->dh + (size_t)hs * f->EH, 0, sizeof *f->dh * f->EH);
		if (f->dc)
			memset(f->dc + (size_t)hs * f->E, 0, sizeof *f->dc * f->E);
	}
	/* the cell updater's element e is j*n + p (n active sequences) */
	uint32_t na = fp_active(f, step);
	for (uint32_t e = e0; e < e0 + n; e++) {
		uint32_t j = e / na, b = fp_seq(f, e % na);
		size_t ef = (size_t)j * f->B + b; /* the element in the full batch */
		const uint32_t *gw = gs + ef * f->NG;
		/* h_{t-1} element j: the GRU reads it (an LSTMP's h is P wide) */
		uint32_t hprev = proj ? 0
				      : fp_word(f, f->hv, f->hvf, (size_t)hp * f->B * f->ph + (size_t)b * f->ph + j),
			 h;
		size_t out = (size_t)hs * f->E + (size_t)b * f->H + j;
		uint32_t bias[CELL_MAX_GATES];
		for (uint32_t g = 0; g < f->G; g++)
			bias[g] = f->bias[(size_t)g * f->H + j];
		cell_elem_t in = { .gate = gw,
				   .h_prev = hprev,
				   .c = &f->cst[ef],
				   .bias = bias,
				   .b_hn = f->b_hn[j],
				   .peep = f->peep ? &f->peep[3 * (size_t)j] : NULL };
		h = f->cd->step(f->cm, f->cv, &in);
		if (f->dc)
			f->dc[out] = cm_state_value(f->cm, f->cst[ef]);
		if (proj) {
			size_t i = (size_t)ms * f->B * f->pm + (size_t)b * f->pm + j;
			if (f->w16)
				f->mv[i] = (uint16_t)h;
			if (f->fl)
				f->mvf[i] = fp_widen(f, h);
			continue;
		}
		fp_put_h(f, hs, b, j, h);
		int64_t row = f->hwords ? fp_out_row(f, step, b) : -1;
		if (row >= 0)
			f->hwords[((size_t)row * f->B + b) * f->ow + f->ooff + j] = h;
		f->dh[out] = cm_data_value(f->cm, h);
	}
	if (proj) {
		f->mv_count[ms] += n;
		return;
	}
	f->hv_count[hs] += n;
	if (f->dlh && f->hv_count[hs] == f->E && step + 1 < f->T)
		fp_delta_h(f, step);
	fp_finish(f);
}

/* A delta layer's counts for the report and the run's check: used and
 * skipped columns, the compacted tiles' useful MACs (valid rows x used
 * columns of a delta partition, the program's lanes otherwise, x B). */
static bool fp_delta_out(const fpipe_t *f, func_layer_err_t *out)
{
	out->delta = true;
	out->delta_nx = dlt_width(f->dlt, DLT_X);
	out->delta_nh = dlt_width(f->dlt, DLT_H);
	if (!(out->delta_used_step = calloc(f->T ? f->T : 1, sizeof *out->delta_used_step)))
		return false;
	for (uint32_t t = 0; t < f->T; t++) {
		uint32_t ux = out->delta_nx ? dlt_cols(f->dlt, DLT_X, t) : 0;
		uint32_t uh = out->delta_nh ? dlt_cols(f->dlt, DLT_H, t) : 0;
		out->delta_used_step[t] = ux + uh;
		out->delta_x_used += ux;
		out->delta_x_skipped += out->delta_nx - ux;
		out->delta_h_used += uh;
		out->delta_h_skipped += out->delta_nh - uh;
		for (uint32_t i = 0; i < f->prog->n; i++) {
			const sched_seg_t *s = &f->prog->seg[i];
			uint64_t m = 0;
			if (fp_seg_delta(f, s))
				m = (uint64_t)s->valid_rows * (fp_reads_x(f, s) ? ux : uh);
			else
				for (uint32_t c = 0; c < s->ntiles; c++)
					m += sched_tile(f->prog, s, c)->useful_lanes;
			out->delta_macs += m * f->B;
		}
	}
	return true;
}

static void fp_err(const ref_diff_t *d, func_err_t *out)
{
	out->max_abs = d->nonfinite ? INFINITY : d->max_abs;
	out->max_rel = d->nonfinite ? INFINITY : d->max_rel;
	out->rms = d->nonfinite ? INFINITY : d->rms;
}

int fpipe_end_layer(fpipe_t *f, uint32_t layer, func_layer_err_t *out, sim_err_t *err)
{
	if (f->bad) {
		*err = f->bad_err;
		return err->code;
	}
	uint32_t last = fp_hslot((int64_t)f->T - 1);
	if (f->hv_step[last] != (int64_t)f->T - 1 || f->hv_count[last] != f->HP * fp_active(f, (int64_t)f->T - 1) ||
	    f->fin != f->T)
		return sim_err(err, SIM_EINTERNAL,
			       "functional mode, layer %u: the last step's h is incomplete "
			       "(%u of %u elements, %u of %u steps finished)",
			       layer, f->hv_count[last], f->EH, f->fin, f->T);
	memset(out, 0, sizeof *out);
	ref_diff_t d;
	ref_acc_done(&f->eh, &d);
	fp_err(&d, &out->h);
	fp_err(&f->eh_last, &out->h_last);
	out->has_c = f->dc != NULL;
	if (f->dc) {
		ref_acc_done(&f->ec, &d);
		fp_err(&d, &out->c);
		fp_err(&f->ec_last, &out->c_last);
	}
	out->state_peak_bytes = f->peak;
	out->head = f->head && f->refon; /* its decisions are judged against the reference */
	out->head_decisions = f->hacc.decisions + f->hlast.decisions;
	out->head_changed = f->hacc.changed + f->hlast.changed;
	out->head_kl_mean = out->head_decisions ? (f->hacc.kl_sum + f->hlast.kl_sum) / (double)out->head_decisions : 0;
	out->head_last_changed = f->hlast.changed;
	out->head_last_kl_mean = f->hlast.decisions ? f->hlast.kl_sum / (double)f->hlast.decisions : 0;
	if ((f->dlx || f->dlh) && !fp_delta_out(f, out))
		return sim_err(err, SIM_ENOMEM, "functional mode: out of memory for layer %u", layer);
	int code = SIM_OK;
	if (f->dump_h) {
		code = npy_writer_commit(f->dump_h, err);
		f->dump_h = NULL;
	}
	if (!code && f->dump_c) {
		code = npy_writer_commit(f->dump_c, err);
		f->dump_c = NULL;
	}
	/* A bidirectional layer's forward pass: the backward pass reads the
	 * same input and fills the other half of the outputs. */
	if (f->bidir && !f->back) {
		f->carry += f->out_bytes;
		return code;
	}
	if (!code && f->ydump) {
		char path[1536];
		size_t s4[4] = { f->T, 2, f->B, f->HP }, s3[3] = { f->T, f->B, f->HP };
		size_t c4[4] = { f->T, 2, f->B, f->H }, c3[3] = { f->T, f->B, f->H };
		unsigned nd = f->bidir ? 4 : 3;
		snprintf(path, sizeof path, "%s/layer%u_h.npy", f->dump_dir, f->wlayer);
		code = npy_write(path, NPY_F4, nd, f->bidir ? s4 : s3, f->ydump, err);
		snprintf(path, sizeof path, "%s/layer%u_c.npy", f->dump_dir, f->wlayer);
		if (!code && f->cdump)
			code = npy_write(path, f->fixed ? NPY_F8 : NPY_F4, nd, f->bidir ? c4 : c3, f->cdump, err);
	}
	/* the next layer's input, when it reads one; this layer's is done */
	free(f->ref_prev);
	free(f->dp_prev);
	f->ref_prev = f->ref_seq;
	f->dp_prev = f->hwords;
	f->carry = f->hwords ? (size_t)fp_out_rows(f) * f->B * f->ow *
				       (sizeof *f->hwords + (f->ref_seq ? sizeof *f->ref_seq : 0))
			     : 0;
	f->ref_seq = NULL;
	f->hwords = NULL;
	fp_free_out(f);
	return code;
}
