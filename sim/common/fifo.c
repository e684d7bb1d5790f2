#include "fifo.h"

#include <stdio.h>
#include <stdlib.h>

struct fifo {
	char name[32];
	size_t item;
	uint32_t depth, head, count;
	unsigned char *buf;
	uint64_t *pushes, *pops;
};

fifo_t *fifo_create(const char *name, size_t item_size, uint32_t depth, stats_t *st)
{
	if (depth == 0 || item_size == 0)
		return NULL;
	fifo_t *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	snprintf(f->name, sizeof f->name, "%s", name);
	f->item = item_size;
	f->depth = depth;
	f->buf = malloc(item_size * depth);
	char key[64];
	snprintf(key, sizeof key, "fifo.%s.pushes", name);
	f->pushes = stats_counter(st, key, STATS_EVENTS, "items pushed");
	snprintf(key, sizeof key, "fifo.%s.pops", name);
	f->pops = stats_counter(st, key, STATS_EVENTS, "items popped");
	if (!f->buf || !f->pushes || !f->pops) {
		fifo_destroy(f);
		return NULL;
	}
	return f;
}

void fifo_destroy(fifo_t *f)
{
	if (!f)
		return;
	free(f->buf);
	free(f);
}

bool fifo_can_push(const fifo_t *f)
{
	return f->count < f->depth;
}
bool fifo_empty(const fifo_t *f)
{
	return f->count == 0;
}
uint32_t fifo_count(const fifo_t *f)
{
	return f->count;
}
uint32_t fifo_depth(const fifo_t *f)
{
	return f->depth;
}

void *fifo_push_slot(fifo_t *f)
{
	uint32_t tail = f->head + f->count;
	if (tail >= f->depth)
		tail -= f->depth;
	f->count++;
	(*f->pushes)++;
	return f->buf + (size_t)tail * f->item;
}

const void *fifo_peek(const fifo_t *f)
{
	return f->count ? f->buf + (size_t)f->head * f->item : NULL;
}

void fifo_pop(fifo_t *f)
{
	f->head = f->head + 1 == f->depth ? 0 : f->head + 1;
	f->count--;
	(*f->pops)++;
}

void *fifo_at(fifo_t *f, uint32_t i)
{
	uint32_t k = f->head + i;
	if (k >= f->depth)
		k -= f->depth;
	return f->buf + (size_t)k * f->item;
}
