/*
 * snap.h - normalized state snapshots for the exact steady-state jump.
 *
 * At the start of each time step the core asks every unit to write its
 * complete state into a snapshot, with absolute times written relative to
 * the current cycle, step numbers relative to the current step and block
 * ids relative to the controller's id counter. Two equal snapshots one step
 * apart mean the machine is in the same state up to those offsets, so the
 * next step repeats the last one exactly (core/ff.c). A unit that leaves
 * a field out of its snapshot breaks that argument, so units declare their
 * state once, as a field table (below), from which both the snapshot and
 * the shift are taken; tests/test_fastforward.c and tests/test_stress.c
 * compare every counter against stepping.
 */
#ifndef SHARPSIM_SNAP_H
#define SHARPSIM_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct snap {
	uint64_t *v;
	size_t n, cap;
	bool oom;
	uint64_t now;  /* cycle of the snapshot */
	uint64_t step; /* step it is taken at */
	uint64_t id;   /* the controller's next block id */
} snap_t;

void snap_reset(snap_t *s, uint64_t now, uint64_t step, uint64_t id);
/* Room for k more words: the next k words at s->v + s->n, or NULL (and
 * s->oom) when out of memory. The storage is kept across snap_reset, so
 * once a snapshot has reached its size no later one allocates. */
uint64_t *snap_room(snap_t *s, size_t k);
/* Inline: a snapshot is thousands of words, most written one at a time. */
static inline void snap_put(snap_t *s, uint64_t v)
{
	if (s->n < s->cap || snap_room(s, 1))
		s->v[s->n++] = v;
}
/* Relative encodings (two's complement in a uint64). */
static inline void snap_time(snap_t *s, uint64_t t)
{
	snap_put(s, t - s->now);
}
static inline void snap_step(snap_t *s, uint64_t t)
{
	snap_put(s, t - s->step);
}
static inline void snap_id(snap_t *s, uint64_t id)
{
	snap_put(s, id - s->id);
}
bool snap_equal(const snap_t *a, const snap_t *b);

/*
 * Declarative state. A unit lists its state fields once, in a table; the
 * same table takes the snapshot (each field normalized by its kind) and
 * applies the shift (times move by the jump's cycles, steps by its steps,
 * ids by its ids, plain fields not at all), so the two cannot disagree.
 */
typedef enum { SNAP_PLAIN = 0, SNAP_TIME, SNAP_STEP, SNAP_ID } snap_kind_t;
enum {
	SNAP_F_NONE_MAX = 1, /* all ones means "none": recorded as such, never shifted */
	SNAP_F_COND = 2,     /* present only while the bool at `cond` is true */
	SNAP_F_COND_NOT = 4, /* present only while the bool at `cond` is false */
	SNAP_F_COND_SET = 8, /* present only while the uint32 at `cond` is not UINT32_MAX */
};
typedef struct snap_field {
	size_t off;    /* offsetof the field in its struct */
	uint8_t size;  /* 1, 2, 4 or 8 bytes, unsigned (or int64 for a step) */
	uint8_t kind;  /* snap_kind_t */
	uint8_t flags; /* SNAP_F_* */
	size_t cond;   /* SNAP_F_COND*: offsetof the gating field */
} snap_field_t;

#define SNAP_FIELD(type, member, kind)                                            \
	{                                                                         \
		offsetof(type, member), sizeof(((type *)0)->member), (kind), 0, 0 \
	}
#define SNAP_FIELD_NONE_MAX(type, member, kind)                                                 \
	{                                                                                       \
		offsetof(type, member), sizeof(((type *)0)->member), (kind), SNAP_F_NONE_MAX, 0 \
	}
#define SNAP_FIELD_IF(type, member, kind, flag)                                                                \
	{                                                                                                      \
		offsetof(type, member), sizeof(((type *)0)->member), (kind), SNAP_F_COND, offsetof(type, flag) \
	}
#define SNAP_FIELD_UNLESS(type, member, kind, flag)                                                                \
	{                                                                                                          \
		offsetof(type, member), sizeof(((type *)0)->member), (kind), SNAP_F_COND_NOT, offsetof(type, flag) \
	}
#define SNAP_FIELD_IF_SET(type, member, kind, other)                                                                \
	{                                                                                                           \
		offsetof(type, member), sizeof(((type *)0)->member), (kind), SNAP_F_COND_SET, offsetof(type, other) \
	}

/* A table and its length. */
typedef struct snap_table {
	const snap_field_t *f;
	size_t n;
} snap_table_t;
#define SNAP_TABLE(a)                           \
	{                                       \
		(a), sizeof(a) / sizeof((a)[0]) \
	}

void snap_fields(snap_t *s, const void *obj, snap_table_t t);
void snap_fields_shift(void *obj, snap_table_t t, uint64_t cycles, uint32_t steps, uint32_t ids);
/* The `count` live elements of a ring of `cap` elements of `size` bytes,
 * from `head`, each by the element table (the count is recorded too). */
void snap_ring(snap_t *s, const void *base, size_t size, uint32_t head, uint32_t count, uint32_t cap, snap_table_t t);
void snap_ring_shift(void *base, size_t size, uint32_t head, uint32_t count, uint32_t cap, snap_table_t t,
		     uint64_t cycles, uint32_t steps, uint32_t ids);
void snap_free(snap_t *s);

#endif
