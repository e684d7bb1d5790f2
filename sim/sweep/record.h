/*
 * record.h - one sweep result row: an ordered list of typed key/value
 * fields ("cycles" = 51233, "hw" = "sharp-4k", ...).
 *
 * Rows are self-describing so that result directories written by different
 * specs (different swept parameters) can be merged: the columns of a table
 * are the union of its rows' keys. Values are kept as text exactly as they
 * will be written to CSV and JSON; the type says how JSON spells them.
 *
 * Payload encoding (the journal's record body, see journal.h): one field a
 * line, "key<TAB>type<TAB>value<LF>", type one of
 *   s  string (written quoted in JSON)
 *   n  number (JSON number text, always finite)
 *   b  boolean ("true" / "false")
 *   z  null  (value empty; a number that was not finite)
 * Keys and values never contain TAB, LF or CR: sweep_rec_add replaces them
 * with spaces, so every value round-trips through encode/decode unchanged.
 *
 * A row may carry sub-rows (a point's per-layer rows, in pass order): each
 * is encoded after the row's own fields as the line "<TAB>r<TAB><LF>" (an
 * empty key, which no field has) followed by its fields. A point and its
 * layer rows are thereby one record, journaled and torn as one: there is
 * no state in which a point counts as done with some layer rows missing.
 * A reader that predates sub-rows refuses such a payload as malformed
 * rather than misreading it. Sub-rows have no sub-rows.
 */
#ifndef SHARPSIM_SWEEP_RECORD_H
#define SHARPSIM_SWEEP_RECORD_H

#include <stddef.h>

#include "../common/err.h"

typedef struct sweep_rec sweep_rec_t;

sweep_rec_t *sweep_rec_create(void);
void sweep_rec_free(sweep_rec_t *r);
sweep_rec_t *sweep_rec_copy(const sweep_rec_t *r);

/* Appends a field; a key already present is replaced in place. Returns
 * SIM_ENOMEM or SIM_OK. */
int sweep_rec_add(sweep_rec_t *r, const char *key, char type, const char *value);
/* Formats a number: a finite value as printf(fmt), otherwise a null field. */
int sweep_rec_add_num(sweep_rec_t *r, const char *key, const char *fmt, double v);
int sweep_rec_add_u64(sweep_rec_t *r, const char *key, unsigned long long v);

/* Appends sub-row child (taken over, freed with r; freed on failure too).
 * Returns SIM_ENOMEM or SIM_OK. */
int sweep_rec_add_child(sweep_rec_t *r, sweep_rec_t *child);
size_t sweep_rec_children(const sweep_rec_t *r);
const sweep_rec_t *sweep_rec_child(const sweep_rec_t *r, size_t i);

size_t sweep_rec_len(const sweep_rec_t *r);
const char *sweep_rec_key(const sweep_rec_t *r, size_t i);
const char *sweep_rec_value(const sweep_rec_t *r, size_t i);
char sweep_rec_type(const sweep_rec_t *r, size_t i);
/* Value of key, or NULL when the row has no such field. */
const char *sweep_rec_get(const sweep_rec_t *r, const char *key);
char sweep_rec_get_type(const sweep_rec_t *r, const char *key);

/* The payload text (malloc'd, *len bytes, not NUL-terminated in meaning but
 * NUL-terminated for convenience). NULL when out of memory. */
char *sweep_rec_encode(const sweep_rec_t *r, size_t *len);
/* Parses a payload; a malformed one is SIM_EINPUT naming `where`. */
int sweep_rec_decode(const char *p, size_t len, const char *where, sweep_rec_t **out, sim_err_t *err);

/* "Natural" order: digit runs compare as numbers, so sharp-1k < sharp-4k
 * < sharp-16k and lstm_h512 < lstm_h1024. Ties fall back to strcmp. */
int sweep_natural_cmp(const char *a, const char *b);

#endif
