#include "rnnaccel_lmem.h"

#include <stdlib.h>

struct rnnaccel_lmem {
	uint32_t bank_bw; /* banks x bank_width */
	uint32_t stream_bw;
	bool resident;
	uint64_t *c_read, *c_write, *c_ext;
};

int rnnaccel_lmem_create(const rnnaccel_cfg_t *c, stats_t *st, rnnaccel_lmem_t **out, sim_err_t *err)
{
	rnnaccel_lmem_t *m = calloc(1, sizeof *m);
	if (!m)
		return sim_err(err, SIM_ENOMEM, "rnnaccel: out of memory");
	m->bank_bw = c->lmem_banks * c->lmem_bank_width;
	m->stream_bw = c->stream_bytes;
	m->resident = true;
	m->c_read = stats_counter(st, "lmem.read_bytes", STATS_BYTES,
				  "local-memory bytes read: weights, operands broadcast to the array");
	m->c_write = stats_counter(st, "lmem.write_bytes", STATS_BYTES,
				   "local-memory bytes written: streamed and loaded weights, activation results");
	m->c_ext = stats_counter(st, "ext.read_bytes", STATS_BYTES,
				 "weight bytes read from the external store (streamed layers, initial load)");
	if (!m->c_read || !m->c_write || !m->c_ext) {
		free(m);
		return sim_err(err, SIM_EINTERNAL, "rnnaccel: local-memory counters already registered");
	}
	*out = m;
	return SIM_OK;
}

void rnnaccel_lmem_destroy(rnnaccel_lmem_t *m)
{
	free(m);
}

void rnnaccel_lmem_set_resident(rnnaccel_lmem_t *m, bool resident)
{
	m->resident = resident;
}

uint32_t rnnaccel_lmem_bandwidth(const rnnaccel_lmem_t *m)
{
	if (m->resident)
		return m->bank_bw;
	/* A streamed byte takes a bank-port slot to be written and another to
	 * be read. */
	return m->stream_bw < m->bank_bw / 2 ? m->stream_bw : m->bank_bw / 2;
}

void rnnaccel_lmem_deliver_bulk(rnnaccel_lmem_t *m, uint64_t bytes)
{
	*m->c_read += bytes;
	if (!m->resident) {
		*m->c_ext += bytes;
		*m->c_write += bytes;
	}
}

uint32_t rnnaccel_lmem_deliver(rnnaccel_lmem_t *m, uint64_t need)
{
	uint32_t bw = rnnaccel_lmem_bandwidth(m);
	uint32_t got = need < bw ? (uint32_t)need : bw;
	rnnaccel_lmem_deliver_bulk(m, got);
	return got;
}

void rnnaccel_lmem_operand(rnnaccel_lmem_t *m, uint64_t bytes)
{
	*m->c_read += bytes;
}

void rnnaccel_lmem_result(rnnaccel_lmem_t *m, uint64_t bytes)
{
	*m->c_write += bytes;
}

void rnnaccel_lmem_load(rnnaccel_lmem_t *m, uint64_t bytes)
{
	*m->c_ext += bytes;
	*m->c_write += bytes;
}
