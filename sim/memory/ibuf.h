/*
 * ibuf.h - the intermediate buffer: W.x row blocks waiting for their U.h
 * partner (docs/hardware.md §2.3). Space is claimed when an X segment is issued and
 * returned when its values are read: by the partner H segment's first tile
 * (accumulator init), or, for GRU linear_before_reset, by the MFU. The
 * capacity is therefore the bound on how far Unfolded's W.x runs ahead.
 * With double buffering half the bytes hold run-ahead values.
 */
#ifndef SHARPSIM_IBUF_H
#define SHARPSIM_IBUF_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/stats.h"

typedef struct ibuf ibuf_t;

ibuf_t *ibuf_create(uint64_t capacity_values, stats_t *st);
void ibuf_destroy(ibuf_t *b);
bool ibuf_can_alloc(const ibuf_t *b, uint32_t values);
void ibuf_alloc(ibuf_t *b, uint32_t values);
void ibuf_free(ibuf_t *b, uint32_t values);
/* Values arrived from the accumulators. */
void ibuf_write(ibuf_t *b, uint32_t values);
/* Values read back: an accumulator init, or the MFU (GRU linear_before_reset). */
void ibuf_read(ibuf_t *b, uint32_t values);
uint64_t ibuf_capacity(const ibuf_t *b);
uint64_t ibuf_used(const ibuf_t *b);

#endif
