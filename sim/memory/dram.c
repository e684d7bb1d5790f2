#include "dram.h"

#include <math.h>
#include <stdlib.h>

#define UB_PER_BYTE 1000000ull

struct dram {
	uint64_t bw_ub;	   /* micro-bytes per cycle */
	uint64_t carry_ub; /* unspent fraction of a byte */
	uint32_t latency;
	uint64_t now;
	uint64_t limit[DRAM_NSTREAMS], req[DRAM_NSTREAMS], base[DRAM_NSTREAMS];
	uint64_t *hist; /* (latency+1) x streams: requested totals per cycle */
	/* Ticks since req last changed, saturated at latency + 1: once every
	 * history slot holds req, an idle tick would write the value a slot
	 * already holds, so idle ticks only move the clock (dram_skip). */
	uint64_t settled;
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
	d->read_bytes = stats_counter(st, "dram.read_bytes", STATS_BYTES, "bytes read from main memory");
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
	d->settled = 0;
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

bool dram_settled(const dram_t *d)
{
	return !dram_busy(d) && d->settled > d->latency; /* dram_tick's idle fast path */
}

int dram_busy(const dram_t *d)
{
	return d->req[DRAM_STREAM] < d->limit[DRAM_STREAM] || d->req[DRAM_LOAD] < d->limit[DRAM_LOAD];
}

void dram_tick(dram_t *d)
{
	if (!dram_busy(d)) {
		if (d->settled > d->latency) { /* dram_skip(d, 1), its common case inline */
			d->carry_ub = 0;
			d->now++;
		} else {
			dram_skip(d, 1);
		}
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
	d->settled = 0;
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
	if (d->settled <= d->latency) {
		uint64_t n = k < d->latency + 1 ? k : d->latency + 1;
		for (uint64_t i = k - n; i < k; i++) {
			size_t slot = (size_t)((d->now + i) % (d->latency + 1));
			for (int s = 0; s < DRAM_NSTREAMS; s++)
				d->hist[slot * DRAM_NSTREAMS + (size_t)s] = d->req[s];
		}
		d->settled += n;
	}
	d->now += k;
}

uint64_t dram_now(const dram_t *d)
{
	return d->now;
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

int dram_stream_idle(const dram_t *d, int s)
{
	if (d->req[s] < d->limit[s])
		return 0;
	for (size_t i = 0; d->latency && i <= d->latency; i++)
		if (d->hist[i * DRAM_NSTREAMS + (size_t)s] != d->req[s] && d->req[s] != d->base[s])
			return 0;
	return 1;
}

/* History slot of the tick `age` cycles ago (1 .. latency + 1): a tick at
 * cycle c writes slot c mod (latency + 1). */
static size_t dram_slot(const dram_t *d, uint64_t now, uint64_t age)
{
	uint64_t n = (uint64_t)d->latency + 1;
	return (size_t)((now + n - age % n) % n);
}

void dram_snapshot(const dram_t *d, snap_t *snap, int s, uint64_t base)
{
	snap_put(snap, d->carry_ub);
	snap_put(snap, d->settled > d->latency ? (uint64_t)d->latency + 1 : d->settled);
	for (int k = 0; k < DRAM_NSTREAMS; k++) {
		uint64_t off = k == s ? base : 0;
		snap_put(snap, d->req[k] - off);
		snap_put(snap, d->limit[k] - off);
		snap_put(snap, d->base[k]); /* where the stream started: fixed */
		for (uint64_t age = 1; d->latency && age <= (uint64_t)d->latency + 1; age++)
			snap_put(snap, d->hist[dram_slot(d, d->now, age) * DRAM_NSTREAMS + (size_t)k] - off);
	}
}

void dram_shift_stream(dram_t *d, uint64_t cycles, int s, uint64_t bytes)
{
	/* Every history slot keeps its age: slot j at the new clock holds what
	 * slot j - cycles held (a rotation by cycles mod (latency + 1)). */
	uint64_t n = (uint64_t)d->latency + 1;
	for (uint64_t r = 0; d->latency && r < (cycles % n); r++) {
		/* rotate by one slot: slot i takes slot i - 1's values */
		for (int k = 0; k < DRAM_NSTREAMS; k++) {
			uint64_t last = d->hist[(size_t)(n - 1) * DRAM_NSTREAMS + (size_t)k];
			for (uint64_t i = n - 1; i > 0; i--)
				d->hist[i * DRAM_NSTREAMS + (size_t)k] = d->hist[(i - 1) * DRAM_NSTREAMS + (size_t)k];
			d->hist[(size_t)k] = last;
		}
	}
	for (uint64_t i = 0; d->latency && i < n; i++)
		d->hist[i * DRAM_NSTREAMS + (size_t)s] += bytes;
	d->req[s] += bytes;
	d->limit[s] += bytes;
	d->now += cycles;
}

void dram_shift(dram_t *d, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	(void)steps; /* a DRAM holds no steps or ids; the bytes a jump moves are
			the weight buffer's to say (wbuf.c, dram_shift_stream) */
	(void)ids;
	dram_shift_stream(d, cycles, DRAM_STREAM, 0);
}

/* Bytes both streams have requested m ticks from now (closed form). */
static uint64_t dram_total_after(const dram_t *d, uint64_t m)
{
	uint64_t w = (d->limit[0] - d->req[0]) + (d->limit[1] - d->req[1]);
	uint64_t t = (d->carry_ub + m * d->bw_ub) / UB_PER_BYTE;
	return t < w ? t : w;
}

static uint64_t dram_stream_after(const dram_t *d, int s, uint64_t m)
{
	uint64_t t = dram_total_after(d, m), want0 = d->limit[0] - d->req[0];
	if (s == 0)
		return d->req[0] + (t < want0 ? t : want0);
	uint64_t rest = t > want0 ? t - want0 : 0, want1 = d->limit[1] - d->req[1];
	return d->req[1] + (rest < want1 ? rest : want1);
}

uint64_t dram_ticks_until(const dram_t *d, int s, uint64_t pos)
{
	if (dram_arrived(d, s) >= pos)
		return 0;
	uint64_t L = d->latency, n0 = d->now, t_req;
	/* t_req: the number of ticks (counted from the start) after which the
	 * requests of s first cover pos; arrived() after n ticks shows the
	 * requests after n - L + 1 ticks (n ticks when L = 0). */
	if (d->req[s] >= pos) {
		/* Already requested, still in flight: find when in the history. */
		t_req = n0;
		uint64_t first = n0 > L + 1 ? n0 - (L + 1) : 0;
		for (uint64_t i = n0; L && i-- > first;)
			if (d->hist[(size_t)(i % (L + 1)) * DRAM_NSTREAMS + (size_t)s] >= pos)
				t_req = i + 1;
			else
				break;
	} else {
		if (pos > d->limit[s])
			return UINT64_MAX;
		uint64_t total = s == 0 ? pos - d->req[0] : (d->limit[0] - d->req[0]) + (pos - d->req[1]);
		uint64_t m = total * UB_PER_BYTE > d->carry_ub
				     ? (total * UB_PER_BYTE - d->carry_ub + d->bw_ub - 1) / d->bw_ub
				     : 0;
		if (dram_stream_after(d, s, m) < pos)
			return UINT64_MAX;
		t_req = n0 + m;
	}
	uint64_t n = L ? t_req + L - 1 : t_req;
	return n > n0 ? n - n0 : 0;
}

void dram_advance(dram_t *d, uint64_t k)
{
	uint64_t r0 = d->req[0], r1 = d->req[1];
	uint64_t t = dram_total_after(d, k);
	uint64_t w = (d->limit[0] - d->req[0]) + (d->limit[1] - d->req[1]);
	/* Latency history: the totals after each of the last latency+1 ticks. */
	if (d->latency) {
		uint64_t n = k < d->latency + 1 ? k : d->latency + 1;
		for (uint64_t i = k - n; i < k; i++) {
			size_t slot = (size_t)((d->now + i) % (d->latency + 1));
			d->hist[slot * DRAM_NSTREAMS + 0] = dram_stream_after(d, 0, i + 1);
			d->hist[slot * DRAM_NSTREAMS + 1] = dram_stream_after(d, 1, i + 1);
		}
	}
	uint64_t end_carry = t < w ? d->carry_ub + k * d->bw_ub - t * UB_PER_BYTE : 0;
	uint64_t n0 = dram_stream_after(d, 0, k), n1 = dram_stream_after(d, 1, k);
	d->req[0] = n0;
	d->req[1] = n1;
	*d->read_bytes += (d->req[0] - r0) + (d->req[1] - r1);
	d->carry_ub = end_carry;
	d->settled = 0;
	d->now += k;
}

/* The unit interface (unit.h). */
static void dram_unit_shift(void *u, uint64_t cycles, uint32_t steps, uint32_t ids)
{
	dram_shift(u, cycles, steps, ids);
}

static void dram_unit_skip(void *u, uint64_t k)
{
	dram_skip(u, k);
}

const unit_ops_t dram_unit = {
	.name = "dram",
	.shift = dram_unit_shift,
	.skip = dram_unit_skip,
};
