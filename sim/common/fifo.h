/*
 * fifo.h - a bounded FIFO of fixed-size items between two pipeline stages.
 *
 * Contract: the producer calls fifo_can_push() and then fifo_push(); the
 * consumer fifo_peek()/fifo_pop(). A full FIFO stalls its producer, an empty
 * one starves its consumer; the stages count those cycles. Items are copied
 * in and out, so a FIFO owns no pointers. Push and pop counts are registered
 * as "fifo.<name>.pushes/.pops" for the energy model.
 */
#ifndef SHARPSIM_FIFO_H
#define SHARPSIM_FIFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

typedef struct fifo fifo_t;

fifo_t *fifo_create(const char *name, size_t item_size, uint32_t depth, stats_t *st);
void fifo_destroy(fifo_t *f);

bool fifo_can_push(const fifo_t *f);
void fifo_push(fifo_t *f, const void *item);
bool fifo_empty(const fifo_t *f);
const void *fifo_peek(const fifo_t *f);
void fifo_pop(fifo_t *f);
uint32_t fifo_count(const fifo_t *f);
/* Item i counted from the head (i < fifo_count), for snapshots. */
void *fifo_at(fifo_t *f, uint32_t i);
uint32_t fifo_depth(const fifo_t *f);

#endif
