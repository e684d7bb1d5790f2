/*
 * fifo.h - a bounded FIFO of fixed-size items between two pipeline stages.
 *
 * Contract: the producer calls fifo_can_push() and then fifo_push_slot(),
 * writing its item into the slot returned; the consumer fifo_peek()/
 * fifo_pop(). A full FIFO stalls its producer, an empty one starves its
 * consumer; the stages count those cycles. Items are held by value, so a
 * FIFO owns no pointers. Push and pop counts are registered
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
/* The tail slot, counted as pushed (fifo_can_push must hold): the producer
 * writes its item there in place, so a push costs no copy through a size
 * known only at run time (the MFU's packet, every cycle at 64K). */
void *fifo_push_slot(fifo_t *f);
bool fifo_empty(const fifo_t *f);
const void *fifo_peek(const fifo_t *f);
void fifo_pop(fifo_t *f);
uint32_t fifo_count(const fifo_t *f);
/* Item i counted from the head (i < fifo_count), for snapshots. */
void *fifo_at(fifo_t *f, uint32_t i);
uint32_t fifo_depth(const fifo_t *f);

#endif
