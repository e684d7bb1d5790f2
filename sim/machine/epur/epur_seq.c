#include "epur_seq.h"

#include <stdlib.h>

#include "../../cell/cell.h"
#include "epur_dpu.h"
#include "epur_mfu.h"

#define DATA_BYTES 2 /* x and h are fp16, as in the rest of sharpsim */

int epur_seq_register(stats_t *st, epur_ctr_t *c, sim_err_t *err)
{
	const struct {
		uint64_t **p;
		const char *name;
		stats_unit_t unit;
		const char *desc;
	} reg[] = {
		{ &c->cycles, "cycles", STATS_CYCLES, "cycles of all passes, back to back, and of the load when cold" },
		{ &c->busy, "dpu.busy", STATS_LANE_CYCLES,
		  "DPU lanes multiplying a weight by an operand of the layer" },
		{ &c->padding, "idle.padding", STATS_LANE_CYCLES,
		  "DPU lanes of an issued segment beyond the row's end (row length not a multiple of the width)" },
		{ &c->no_row, "idle.no_row", STATS_LANE_CYCLES,
		  "DPU lanes left without a row in the last slot of a step (G*H not a multiple of units x dpu.rows)" },
		{ &c->dependency, "idle.dependency", STATS_LANE_CYCLES,
		  "DPU lanes waiting for h_{t-1} to be written before step t's U.h" },
		{ &c->fill_drain, "idle.fill_drain", STATS_LANE_CYCLES,
		  "DPU lanes idle from a pass's last issue until its last output is written" },
		{ &c->load, "idle.load", STATS_LANE_CYCLES,
		  "DPU lanes idle while the weights load from DRAM (cold runs)" },
		{ &c->issued, "dpu.issued_macs", STATS_MACS, "MAC slots of issued segments, padding included" },
		{ &c->rows, "dpu.rows", STATS_EVENTS, "row dot products finished (one row against one vector)" },
		{ &c->wbuf_bytes, "wbuf.read_bytes", STATS_BYTES,
		  "weight-buffer reads: each row once per chunk (W) or per step (U), held while the vectors pass" },
		{ &c->ibuf_bytes, "ibuf.read_bytes", STATS_BYTES,
		  "input-buffer reads of x segments, broadcast to the units" },
		{ &c->hbuf_rd_bytes, "hbuf.read_bytes", STATS_BYTES, "hidden-buffer reads of h_{t-1} segments" },
		{ &c->hbuf_wr_bytes, "hbuf.write_bytes", STATS_BYTES, "hidden-buffer writes of h_t" },
		{ &c->pre_writes, "precomp.writes", STATS_VALUES, "W.x sums written to the precompute store" },
		{ &c->pre_reads, "precomp.reads", STATS_VALUES, "W.x sums read back by the MFUs for U.h" },
		{ &c->chunks, "precomp.chunks", STATS_EVENTS,
		  "chunks of steps the W.x phase ran in (one per pass when the store holds the sequence)" },
		{ &c->act, "mfu.activations", STATS_OPS, "gate values activated (bias add and sigmoid/tanh)" },
		{ &c->elem, "mfu.elem_ops", STATS_OPS, "element-wise multiplies, adds and tanh of the cell updates" },
		{ &c->dram_bytes, "dram.read_bytes", STATS_BYTES, "weights loaded from DRAM (cold runs only)" },
		{ &c->jumped, "sim.jumped_cycles", STATS_CYCLES,
		  "cycles covered by exact jumps over repeated steps (not hardware)" },
	};
	_Static_assert(sizeof(((epur_ctr_t *)0)->all) == sizeof(epur_ctr_t), "epur_ctr_t: all covers every counter");
	_Static_assert(sizeof reg / sizeof reg[0] == EPUR_NCTR, "epur_ctr_t: every counter registered");
	for (size_t i = 0; i < sizeof reg / sizeof reg[0]; i++) {
		*reg[i].p = stats_counter(st, reg[i].name, reg[i].unit, reg[i].desc);
		if (!*reg[i].p)
			return sim_err(err, SIM_EINTERNAL, "epur: cannot register counter %s", reg[i].name);
	}
	return SIM_OK;
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static bool seq_recurrent(const layer_cfg_t *l)
{
	const cell_desc_t *d = cell_get(l->cell);
	return d && (d->flags & CELL_F_RECURRENT);
}

uint32_t epur_seq_steps_per_chunk(const epur_cfg_t *cfg, const layer_cfg_t *l)
{
	if (!seq_recurrent(l) || l->skip_input)
		return l->timesteps;
	uint64_t per_step = (uint64_t)cfg->value_bytes * workload_gates(l->cell) * l->hidden_size * l->batch_size;
	uint64_t tc = cfg->precomp_bytes / per_step;
	return tc < l->timesteps ? (uint32_t)tc : l->timesteps;
}

/* Where the issue stream stands. */
typedef enum { PH_X, PH_H, PH_DONE } seq_phase_t;

typedef struct seq {
	const epur_ctr_t *ctr;
	uint32_t engines, width, wbits; /* row engines: units x dpu.rows, of width lanes each */
	bool recurrent, has_x;
	uint64_t rows_per_step; /* G*H */
	uint64_t slots;		/* ceil(G*H / engines) */
	uint32_t len_x, len_h;	/* row lengths: I and H */
	uint32_t seg_x, seg_h;	/* segments per row */
	uint32_t T, B, tc;
	uint32_t elem_ops; /* per hidden element and step */
	/* position */
	seq_phase_t ph;
	uint32_t t0, tn; /* current chunk: steps t0 .. tn-1 */
	uint64_t slot;
	uint32_t vec; /* X: (t - t0) * B + b; H: b */
	uint32_t seg;
	uint32_t t; /* H: the step issuing */
	/* dependency */
	int64_t h_done;	    /* last step whose h is written, -1 before any */
	uint64_t rows_back; /* U.h rows of the step in flight that are written */
	uint64_t issued_macs, useful_macs;
	/* the exact jump: the state at the start of the last step measured */
	bool fast;
	int64_t mark_t; /* that step, or -1 */
	uint64_t mark_now, mark_useful, mark_issued;
	uint64_t mark_ctr[EPUR_NCTR];
	epur_dpu_t **dpu;
	epur_mfu_t **mfu;
} seq_t;

static void seq_chunk_begin(seq_t *s)
{
	s->tn = s->t0 + s->tc < s->T ? s->t0 + s->tc : s->T;
	s->slot = s->vec = s->seg = 0;
	s->t = s->t0;
	s->ph = s->has_x ? PH_X : PH_H;
	(*s->ctr->chunks)++;
}

/* Rows of slot `slot` (engines, or fewer in the last slot). */
static uint32_t seq_slot_rows(const seq_t *s, uint64_t slot)
{
	uint64_t left = s->rows_per_step - slot * s->engines;
	return left < s->engines ? (uint32_t)left : s->engines;
}

/* Issues one segment of the current position on every unit with a row,
 * counts the lanes, and advances the position. */
static void seq_issue(seq_t *s, uint64_t now)
{
	const epur_ctr_t *c = s->ctr;
	bool x = s->ph == PH_X;
	uint32_t len = x ? s->len_x : s->len_h;
	uint32_t nseg = x ? s->seg_x : s->seg_h;
	uint32_t lanes = len - s->seg * s->width < s->width ? len - s->seg * s->width : s->width;
	uint32_t rows = seq_slot_rows(s, s->slot);
	bool last = s->seg + 1 == nseg;
	epur_row_t tag = { .kind = x ? EPUR_ROW_X : EPUR_ROW_H, .step = x ? s->t0 + s->vec / s->B : s->t };
	for (uint32_t u = 0; u < rows; u++)
		epur_dpu_issue(s->dpu[u], now, last, &tag);
	*c->busy += (uint64_t)rows * lanes;
	*c->padding += (uint64_t)rows * (s->width - lanes);
	*c->no_row += (uint64_t)(s->engines - rows) * s->width;
	*c->issued += (uint64_t)rows * s->width;
	s->useful_macs += (uint64_t)rows * lanes;
	s->issued_macs += (uint64_t)rows * s->width;
	/* The row is read from the weight buffer with the first vector it
	 * meets and held while the others pass; the operand segment is read
	 * once and broadcast to the units. */
	if (s->vec == 0)
		*c->wbuf_bytes += ceil_div((uint64_t)rows * lanes * s->wbits, 8);
	if (x)
		*c->ibuf_bytes += (uint64_t)lanes * DATA_BYTES;
	else
		*c->hbuf_rd_bytes += (uint64_t)lanes * DATA_BYTES;

	/* advance: segment, then vector, then slot, then step / phase */
	if (++s->seg < nseg)
		return;
	s->seg = 0;
	uint32_t nvec = x ? (s->tn - s->t0) * s->B : s->B;
	if (++s->vec < nvec)
		return;
	s->vec = 0;
	if (++s->slot < s->slots)
		return;
	s->slot = 0;
	if (x) {
		/* a layer without recurrence has one chunk: no store to bound it */
		s->ph = s->recurrent ? PH_H : PH_DONE;
		return;
	}
	if (++s->t < s->tn)
		return;
	if (s->tn < s->T) {
		s->t0 = s->tn;
		seq_chunk_begin(s);
	} else {
		s->ph = PH_DONE;
	}
}

/* Rows finishing this cycle: W.x sums to the store (or, without
 * recurrence, on to the MFU), U.h sums to the MFU; MFU outputs close
 * rows and steps. */
static void seq_retire(seq_t *s, uint64_t now)
{
	const epur_ctr_t *c = s->ctr;
	for (uint32_t u = 0; u < s->engines; u++) {
		epur_row_t r;
		while (epur_dpu_pop(s->dpu[u], now, &r)) {
			(*c->rows)++;
			if (r.kind == EPUR_ROW_X && s->recurrent) {
				(*c->pre_writes)++;
				continue;
			}
			if (r.kind == EPUR_ROW_H && s->has_x)
				(*c->pre_reads)++;
			(*c->act)++;
			epur_mfu_push(s->mfu[u], now, &r);
		}
		while (epur_mfu_pop(s->mfu[u], now, &r)) {
			if (r.kind != EPUR_ROW_H)
				continue;
			if (++s->rows_back == s->rows_per_step * s->B) {
				s->rows_back = 0;
				s->h_done = r.step;
				*c->hbuf_wr_bytes += (uint64_t)s->len_h * s->B * DATA_BYTES;
				*c->elem += (uint64_t)s->elem_ops * s->len_h * s->B;
			}
		}
	}
}

static bool seq_drained(const seq_t *s)
{
	for (uint32_t u = 0; u < s->engines; u++)
		if (!epur_dpu_empty(s->dpu[u]) || !epur_mfu_empty(s->mfu[u]))
			return false;
	return true;
}

/*
 * Called at the first issue cycle of a step t that is not its chunk's
 * first, with the pipelines empty and h_{t-1} just written: a state that
 * depends on nothing but t. If the step before was measured from the same
 * state (mark_t = t - 1; a chunk's first step is never marked, so the two
 * are in one chunk), steps t .. tn-2 each repeat that measurement: jump
 * over them to the start of step tn-1, the chunk's last, whose successor
 * (the next chunk's W.x, or the end) differs. Otherwise mark this step.
 */
static void seq_jump(seq_t *s, uint64_t *now)
{
	const epur_ctr_t *c = s->ctr;
	if (s->mark_t >= 0 && s->mark_t + 1 == (int64_t)s->t) {
		uint64_t k = s->tn - 1 - s->t, period = *now - s->mark_now;
		for (size_t i = 0; i < EPUR_NCTR; i++)
			*c->all[i] += k * (*c->all[i] - s->mark_ctr[i]);
		s->useful_macs += k * (s->useful_macs - s->mark_useful);
		s->issued_macs += k * (s->issued_macs - s->mark_issued);
		*now += k * period;
		*c->jumped += k * period;
		s->t += (uint32_t)k;
		s->h_done += (int64_t)k;
		s->mark_t = -1;
		return;
	}
	s->mark_t = s->t;
	s->mark_now = *now;
	s->mark_useful = s->useful_macs;
	s->mark_issued = s->issued_macs;
	for (size_t i = 0; i < EPUR_NCTR; i++)
		s->mark_ctr[i] = *c->all[i];
}

int epur_seq_pass(const epur_cfg_t *cfg, const layer_cfg_t *l, uint32_t tc, bool fast, const epur_ctr_t *ctr,
		  machine_pass_t *out, sim_err_t *err)
{
	const cell_desc_t *cd = cell_get(l->cell);
	if (!cd || tc == 0)
		return sim_err(err, SIM_EINTERNAL, "epur: pass of an unknown cell or of no step per chunk");
	const cell_variant_t *v = cell_variant(cd, l->gru_form);
	seq_t s = {
		.ctr = ctr,
		.engines = cfg->units * cfg->rows,
		.width = epur_lanes(cfg),
		.wbits = workload_weight_bits(l),
		.recurrent = (cd->flags & CELL_F_RECURRENT) != 0,
		.len_x = l->input_size,
		.len_h = l->hidden_size,
		.T = l->timesteps,
		.B = l->batch_size,
		.tc = tc,
		.elem_ops = (uint32_t)v->ops.mults + v->ops.adds + v->ops.tanhs,
		.h_done = -1,
		.fast = fast,
		.mark_t = -1,
	};
	s.has_x = !s.recurrent || !l->skip_input;
	s.rows_per_step = (uint64_t)workload_gates(l->cell) * l->hidden_size;
	s.slots = ceil_div(s.rows_per_step, s.engines);
	s.seg_x = (uint32_t)ceil_div(s.len_x, s.width);
	s.seg_h = (uint32_t)ceil_div(s.len_h, s.width);

	uint32_t depth = cfg->mult_latency + epur_tree_latency(cfg) + cfg->acc_latency;
	uint32_t mfu_lat = cfg->act_latency + (s.recurrent ? cfg->elem_latency : 0);
	int rc = SIM_OK;
	s.dpu = calloc(s.engines, sizeof *s.dpu);
	s.mfu = calloc(s.engines, sizeof *s.mfu);
	if (!s.dpu || !s.mfu) {
		rc = sim_err(err, SIM_ENOMEM, "epur: out of memory");
		goto out;
	}
	for (uint32_t u = 0; u < s.engines; u++) {
		s.dpu[u] = epur_dpu_create(depth);
		s.mfu[u] = epur_mfu_create(mfu_lat);
		if (!s.dpu[u] || !s.mfu[u]) {
			rc = sim_err(err, SIM_ENOMEM, "epur: out of memory");
			goto out;
		}
	}

	uint64_t lanes = (uint64_t)s.engines * s.width;
	uint64_t now = 0;
	s.t0 = 0;
	seq_chunk_begin(&s);
	for (;; now++) {
		/* 0. a step that starts as the one before did: jump (fast only) */
		if (s.fast && s.ph == PH_H && s.slot == 0 && s.vec == 0 && s.seg == 0 && s.t > s.t0 &&
		    s.h_done == (int64_t)s.t - 1 && seq_drained(&s))
			seq_jump(&s, &now);
		/* 1. issue, or say why not */
		if (s.ph == PH_DONE)
			*ctr->fill_drain += lanes;
		else if (s.ph == PH_H && s.slot == 0 && s.vec == 0 && s.seg == 0 && (int64_t)s.t - 1 > s.h_done)
			*ctr->dependency += lanes;
		else
			seq_issue(&s, now);
		/* 2. results leave the DPUs and MFUs at the end of the cycle */
		seq_retire(&s, now);
		if (s.ph == PH_DONE && seq_drained(&s))
			break;
	}
	out->cycles = now + 1;
	out->useful_macs = s.useful_macs;
	out->issued_macs = s.issued_macs;
	*ctr->cycles += out->cycles;
out:
	for (uint32_t u = 0; s.dpu && u < s.engines; u++)
		epur_dpu_destroy(s.dpu[u]);
	for (uint32_t u = 0; s.mfu && u < s.engines; u++)
		epur_mfu_destroy(s.mfu[u]);
	free(s.dpu);
	free(s.mfu);
	return rc;
}
