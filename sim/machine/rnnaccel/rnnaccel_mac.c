#include "rnnaccel_mac.h"

#include <stdlib.h>

/* Bytes of the operand (one 16-bit x or h element) per column. */
#define RNNACCEL_OPERAND_BYTES 2

struct rnnaccel_mac {
	uint32_t units; /* 16x8 MAC units */
	uint32_t per;	/* units per lane: 1 (8-bit weights) or 2 (16-bit) */
	uint32_t lanes;
	uint32_t store_bits; /* bits of a stored weight */
	bool has_tile;
	rnnaccel_tile_t tile;
	uint32_t col;
	uint64_t got; /* weight bytes of the current column arrived */
	uint64_t *busy, *pad, *dep, *wbw, *bp, *drain, *load, *useful, *issued, *cols;
};

int rnnaccel_mac_create(uint32_t macs, uint32_t weight_bits, uint32_t store_bits, stats_t *st, rnnaccel_mac_t **out,
			sim_err_t *err)
{
	rnnaccel_mac_t *m = calloc(1, sizeof *m);
	if (!m)
		return sim_err(err, SIM_ENOMEM, "rnnaccel: out of memory");
	m->units = macs;
	m->per = weight_bits == 16 ? 2 : 1;
	m->lanes = macs / m->per;
	m->store_bits = store_bits;
	m->busy = stats_counter(st, "mac.busy", STATS_LANE_CYCLES, "16x8 MAC unit-cycles spent on a useful MAC");
	m->pad = stats_counter(st, "idle.padding", STATS_LANE_CYCLES,
			       "unit-cycles of lanes with no gate row in a short (last) tile");
	m->dep = stats_counter(st, "idle.dependency", STATS_LANE_CYCLES,
			       "unit-cycles waiting for h of the previous step (or r*h of a GRU step)");
	m->wbw = stats_counter(st, "idle.weight_bandwidth", STATS_LANE_CYCLES,
			       "unit-cycles waiting for a column's weights from the banks or the stream");
	m->bp = stats_counter(st, "idle.act_backpressure", STATS_LANE_CYCLES,
			      "unit-cycles of a finished tile waiting for the activation unit's input buffer");
	m->drain = stats_counter(st, "idle.fill_drain", STATS_LANE_CYCLES,
				 "unit-cycles with no tile left in the pass while the activation pipeline drains");
	m->load = stats_counter(st, "idle.weight_load", STATS_LANE_CYCLES,
				"unit-cycles of the cold initial load of resident weights");
	m->useful = stats_counter(st, "mac.useful", STATS_MACS, "MACs of the workload (one weight by one operand)");
	m->issued = stats_counter(st, "mac.issued", STATS_MACS, "MAC slots spent, padding lanes included");
	m->cols = stats_counter(st, "mac.columns", STATS_EVENTS, "tile columns executed");
	if (!m->busy || !m->pad || !m->dep || !m->wbw || !m->bp || !m->drain || !m->load || !m->useful || !m->issued ||
	    !m->cols) {
		free(m);
		return sim_err(err, SIM_EINTERNAL, "rnnaccel: MAC counters already registered");
	}
	*out = m;
	return SIM_OK;
}

void rnnaccel_mac_destroy(rnnaccel_mac_t *m)
{
	free(m);
}

bool rnnaccel_mac_idle(const rnnaccel_mac_t *m)
{
	return !m->has_tile;
}

static uint64_t column_bytes(const rnnaccel_mac_t *m, uint32_t rows)
{
	return ((uint64_t)rows * m->store_bits + 7) / 8;
}

static void mac_columns(rnnaccel_mac_t *m, rnnaccel_lmem_t *lm, uint64_t n)
{
	*m->busy += n * m->tile.rows * m->per;
	*m->pad += n * (m->lanes - m->tile.rows) * m->per;
	*m->useful += n * m->tile.rows;
	*m->issued += n * m->lanes;
	*m->cols += n;
	rnnaccel_lmem_operand(lm, n * RNNACCEL_OPERAND_BYTES);
}

bool rnnaccel_mac_tick(rnnaccel_mac_t *m, rnnaccel_seq_t *s, rnnaccel_lmem_t *lm, rnnaccel_act_t *a)
{
	if (!m->has_tile) {
		if (!rnnaccel_seq_next(s, &m->tile)) {
			*m->drain += m->units;
			return false;
		}
		m->has_tile = true;
		m->col = 0;
		m->got = 0;
	}
	rnnaccel_tile_t *t = &m->tile;
	if (m->col >= t->hcol && !rnnaccel_seq_ready(s, t)) {
		*m->dep += m->units;
		return false;
	}
	uint64_t need = column_bytes(m, t->rows);
	if (m->got < need) {
		m->got += rnnaccel_lmem_deliver(lm, need - m->got);
		if (m->got < need) {
			*m->wbw += m->units;
			return false;
		}
	}
	if (m->col + 1 == t->k && !rnnaccel_act_inbuf_free(a)) {
		*m->bp += m->units;
		return false;
	}
	mac_columns(m, lm, 1);
	m->got = 0;
	if (++m->col == t->k) {
		rnnaccel_act_push(a, t->rows, t->ev, t->n_ev);
		rnnaccel_lmem_result(lm, (uint64_t)t->rows * RNNACCEL_OPERAND_BYTES);
		m->has_tile = false;
	}
	return true;
}

uint64_t rnnaccel_mac_jump(rnnaccel_mac_t *m, const rnnaccel_seq_t *s, rnnaccel_lmem_t *lm, const rnnaccel_act_t *a)
{
	if (!m->has_tile || m->got != 0 || m->col + 1 >= m->tile.k || !rnnaccel_act_empty(a))
		return 0;
	if (!rnnaccel_seq_ready(s, &m->tile))
		return 0;
	uint64_t need = column_bytes(m, m->tile.rows);
	uint32_t bw = rnnaccel_lmem_bandwidth(lm);
	uint64_t cpc = (need + bw - 1) / bw;
	uint64_t n = m->tile.k - 1 - m->col;
	mac_columns(m, lm, n);
	rnnaccel_lmem_deliver_bulk(lm, n * need);
	*m->wbw += n * (cpc - 1) * m->units;
	m->col += (uint32_t)n;
	return n * cpc;
}

void rnnaccel_mac_load_idle(rnnaccel_mac_t *m, uint64_t cycles)
{
	*m->load += cycles * m->units;
}
