/*
 * ydoc.h - a YAML document as a tree of nodes that remember where they were.
 *
 * This is the only place that includes <yaml.h>: every YAML file sharpsim
 * reads (hardware configs, workloads, tile tables, sweep specs, technology
 * tables) is loaded here and walked through this API. libyaml accepts
 * duplicate keys silently and gives every scalar as a string, so the loader
 * rejects duplicate keys and the ydoc_as_* helpers convert and range-check,
 * each failure formatted "file:line:col: what is wrong, what was expected".
 * Anchors, aliases and multi-document streams are rejected.
 */
#ifndef SHARPSIM_YDOC_H
#define SHARPSIM_YDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

typedef enum { YDOC_SCALAR, YDOC_SEQ, YDOC_MAP } ydoc_kind_t;

typedef struct ydoc ydoc_t;
typedef struct ydoc_node ydoc_node_t;

/* Nesting deeper than this many maps and sequences is refused: no config
 * needs more than a handful, and the depth bounds every walk of the tree. */
#define YDOC_MAX_DEPTH 64
/* The byte cap of ydoc_load_file: hardware configs, workloads, sweep specs
 * and technology tables are a few KB; a megabyte leaves ample room. */
#define YDOC_MAX_BYTES ((size_t)1 << 20)

/* Loads a file of at most YDOC_MAX_BYTES (ydoc_load_file) or max_bytes
 * bytes; a longer file, or an endless one such as /dev/zero, is refused
 * after reading one byte past the cap. */
int ydoc_load_file(const char *path, ydoc_t **out, sim_err_t *err);
int ydoc_load_file_max(const char *path, size_t max_bytes, ydoc_t **out, sim_err_t *err);
/* ydoc_load_file_max in two steps, for a caller that looks at a file's
 * bytes before parsing them (config_memo.h): the file's bytes, read and
 * capped as it does (the same errors; *text is the caller's to free, not
 * NUL-terminated), and the document those bytes give, as it names and
 * parses a file's. */
int ydoc_read_file(const char *path, size_t max_bytes, char **text, size_t *len, sim_err_t *err);
int ydoc_load_file_text(const char *path, const char *text, size_t len, ydoc_t **out, sim_err_t *err);
/* name is used as the file name in error messages (e.g. "option -p"). */
int ydoc_load_string(const char *name, const char *text, size_t len, ydoc_t **out, sim_err_t *err);
void ydoc_free(ydoc_t *d);
/* The two readers behind ydoc_load_string, alone (for the tests that hold
 * them to the same trees): the plain block reader, false when text is not
 * in its subset, and libyaml. ydoc_equal compares two trees node by node:
 * kind, line, column, quoting, text and children in order. */
bool ydoc_load_plain(const char *name, const char *text, size_t len, ydoc_t **out);
int ydoc_load_libyaml(const char *name, const char *text, size_t len, ydoc_t **out, sim_err_t *err);
bool ydoc_equal(const ydoc_t *a, const ydoc_t *b);
/* One UTF-8 character of a code point libyaml reads as printable (not a
 * line break, not C0 or C1), shortest form, ending before end: true and *p
 * past it, else false. */
bool ydoc_utf8_printable(const unsigned char **p, const unsigned char *end);

const char *ydoc_file(const ydoc_t *d);
const ydoc_node_t *ydoc_root(const ydoc_t *d); /* NULL for an empty document */

ydoc_kind_t ydoc_kind(const ydoc_node_t *n);
int ydoc_line(const ydoc_node_t *n);	       /* 1-based */
int ydoc_col(const ydoc_node_t *n);	       /* 1-based */
const char *ydoc_scalar(const ydoc_node_t *n); /* NULL unless a scalar */
bool ydoc_quoted(const ydoc_node_t *n);	       /* scalar written in quotes */
size_t ydoc_len(const ydoc_node_t *n);	       /* items of a sequence, pairs of a map */
const ydoc_node_t *ydoc_item(const ydoc_node_t *seq, size_t i);
const ydoc_node_t *ydoc_key(const ydoc_node_t *map, size_t i);
const ydoc_node_t *ydoc_value(const ydoc_node_t *map, size_t i);
const ydoc_node_t *ydoc_get(const ydoc_node_t *map, const char *key);

/* Formats an error at node n (or at the file if n is NULL). Returns code. */
int ydoc_error(const ydoc_t *d, const ydoc_node_t *n, sim_err_t *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Typed conversions; each fails with a located SIM_EINPUT error naming the
 * expected type and range. Numbers and booleans must be written plain: a
 * quoted "128" is a string in YAML, and taking it as a number would hide a
 * config that other YAML tools read differently. */
int ydoc_as_u64(const ydoc_t *d, const ydoc_node_t *n, uint64_t min, uint64_t max, uint64_t *out, sim_err_t *err);
/* A decimal number as ydoc_as_double reads one: [sign] digits [. digits]
 * [e [sign] digits], or with the digits before the point left out. No hex,
 * inf or nan. For a reader that recognises numbers without a YAML tree and
 * must accept exactly what ydoc_as_double would. */
bool ydoc_is_decimal(const char *s);
/* A decimal (ydoc_is_decimal) to the double strtod gives, bit for bit;
 * false when s is not one or is out of a double's range (ERANGE). */
bool ydoc_decimal(const char *s, double *out);
int ydoc_as_double(const ydoc_t *d, const ydoc_node_t *n, double min, double max, double *out, sim_err_t *err);
int ydoc_as_bool(const ydoc_t *d, const ydoc_node_t *n, bool *out, sim_err_t *err);
int ydoc_as_string(const ydoc_t *d, const ydoc_node_t *n, const char **out, sim_err_t *err);
/* Requires a map whose keys are all in `allowed` (NULL-terminated); an
 * unknown key is an error that suggests the nearest allowed key. */
int ydoc_check_keys(const ydoc_t *d, const ydoc_node_t *map, const char *const *allowed, sim_err_t *err);

/* Edit distance, for "did you mean" suggestions. */
size_t ydoc_edit_distance(const char *a, const char *b);

#endif
