#include "dram.h"

#include <math.h>
#include <stdlib.h>

#define UB_PER_BYTE 1000000ull

struct dram {
	uint64_t bw_ub;        /* micro-bytes per cycle */
	uint64_t carry_ub;     /* unspent fraction of a byte */
	uint32_t latency;
	uint64_t now;
	uint64_t limit[DRAM_NSTREAMS], req[DRAM_NSTREAMS], base[DRAM_NSTREAMS];
	uint64_t *hist;        /* (latency+1) x streams: requested totals per cycle */
	uint64_t *read_bytes;
};

dram_t *dram_create(const dram_cfg_t *cfg, double clock_mhz, stats_t *st)
{
	dram_t *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->bw_ub = (uint64_t)llround(cfg->gbps * 1e9 / (clock_mhz * 1e6) * (double)UB_PER_BYTE);
	if (d->bw_ub == 0)
		d->bw_ub = 1;
	d->latency = cfg->latency;
	d->hist = calloc((size_t)(cfg->latency + 1) * DRAM_NSTREAMS, sizeof(uint64_t));
	d->read_bytes = stats_counter(st, "dram.read_bytes", "bytes read from main memory");
	if (!d->hist || !d->read_bytes) {
		dram_destroy(d);
		return NULL;
	}
	return d;
}

void dram_destroy(dram_t *d)
{
	if (!d)
		return;
	free(d->hist);
	free(d);
}

void dram_set_limit(dram_t *d, int s, uint64_t limit)
{
	if (limit > d->limit[s])
		d->limit[s] = limit;
}

uint64_t dram_requested(const dram_t *d, int s)
{
	return d->req[s];
}

void dram_preload(dram_t *d, int s, uint64_t bytes)
{
	d->base[s] += bytes;
	d->req[s] += bytes;
	if (d->limit[s] < d->req[s])
		d->limit[s] = d->req[s];
}

uint64_t dram_arrived(const dram_t *d, int s)
{
	if (d->latency == 0)
		return d->req[s];
	if (d->now < d->latency)
		return d->base[s];
	size_t slot = (size_t)((d->now - d->latency) % (d->latency + 1));
	uint64_t a = d->hist[slot * DRAM_NSTREAMS + (size_t)s];
	return a > d->base[s] ? a : d->base[s];
}

int dram_busy(const dram_t *d)
{
	return d->req[DRAM_STREAM] < d->limit[DRAM_STREAM] || d->req[DRAM_LOAD] < d->limit[DRAM_LOAD];
}

void dram_tick(dram_t *d)
{
	if (!dram_busy(d)) {
		dram_skip(d, 1);
		return;
	}
	uint64_t budget = d->carry_ub + d->bw_ub;
	int unmet = 0; /* demand left over after the budget ran out */
	for (int s = 0; s < DRAM_NSTREAMS; s++) {
		uint64_t want = d->limit[s] - d->req[s];
		uint64_t can = budget / UB_PER_BYTE;
		uint64_t take = want < can ? want : can;
		d->req[s] += take;
		*d->read_bytes += take;
		budget -= take * UB_PER_BYTE;
		if (want > take)
			unmet = 1;
	}
	/* Keep the fraction only while demand outruns the channel: an idle
	 * channel does not bank bandwidth for later. */
	d->carry_ub = unmet ? budget : 0;
	if (d->latency) {
		size_t slot = (size_t)(d->now % (d->latency + 1));
		for (int s = 0; s < DRAM_NSTREAMS; s++)
			d->hist[slot * DRAM_NSTREAMS + (size_t)s] = d->req[s];
	}
	d->now++;
}

uint64_t dram_transfer_cycles(const dram_t *d, uint64_t bytes)
{
	if (!bytes)
		return 0;
	return (bytes * UB_PER_BYTE + d->bw_ub - 1) / d->bw_ub + d->latency;
}

void dram_skip(dram_t *d, uint64_t k)
{
	d->carry_ub = 0;
	if (d->latency) {
		uint64_t n = k < d->latency + 1 ? k : d->latency + 1;
		for (uint64_t i = k - n; i < k; i++) {
			size_t slot = (size_t)((d->now + i) % (d->latency + 1));
			for (int s = 0; s < DRAM_NSTREAMS; s++)
				d->hist[slot * DRAM_NSTREAMS + (size_t)s] = d->req[s];
		}
	}
	d->now += k;
}

int dram_steady(const dram_t *d)
{
	if (dram_busy(d) || d->carry_ub)
		return 0;
	for (size_t i = 0; d->latency && i <= d->latency; i++)
		for (int s = 0; s < DRAM_NSTREAMS; s++)
			if (d->hist[i * DRAM_NSTREAMS + (size_t)s] != d->req[s] && d->req[s] != d->base[s])
				return 0;
	return 1;
}

void dram_shift(dram_t *d, uint64_t cycles)
{
	for (size_t i = 0; d->latency && i <= d->latency; i++)
		for (int s = 0; s < DRAM_NSTREAMS; s++)
			d->hist[i * DRAM_NSTREAMS + (size_t)s] = d->req[s];
	d->now += cycles;
}
