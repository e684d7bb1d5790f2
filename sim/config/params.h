/*
 * params.h - the parameter tables: every hardware key and every workload
 * layer key, declared once with its type, place in the struct, default,
 * range and description (gem5's Param.X('default', "description") idea).
 *
 * The same tables drive YAML validation (config.c walks a file against the
 * hardware table), -p and -w overrides, `--help` (param_help) and the dump of
 * the effective config (param_dump), so a key added here is accepted, range-
 * checked, documented and dumped without any other edit.
 *
 * Contract of the tables:
 *   - keys are dotted paths ("memory.weight_buffer.bytes"); the keys of one
 *     section are contiguous, in the order the dump prints them;
 *   - `def` is the default written as YAML text, parsed by the same code as a
 *     file value (NULL: the key is required, layer table only);
 *   - integer types take min..max; with `has_auto`, "auto" stores 0 (the
 *     "0 = auto" fields of hw_cfg.h); PARAM_DOUBLE takes (dmin, dmax]: the
 *     minimum is excluded (clock, bandwidth and range must be positive);
 *   - PARAM_ENUM stores the index of its name in `names` as an int.
 */
#ifndef SHARPSIM_PARAMS_H
#define SHARPSIM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/err.h"
#include "workload.h"
#include "ydoc.h"

/* Room for any formatted value: a string field (512 bytes, quoted and
 * escaped) or a full sequence_lens list (1024 lengths of up to 8 digits). */
#define PARAM_VALUE_MAX 12288

typedef enum {
	PARAM_U32,
	PARAM_U64,
	PARAM_SIZE, /* uint64_t bytes; KiB/MiB/GiB/KB/MB/GB suffixes */
	PARAM_DOUBLE,
	PARAM_BOOL,
	PARAM_ENUM,
	PARAM_STRING,  /* char[size] */
	PARAM_U32_LIST /* layer_lens_t: a YAML list of min..max integers, at most LAYER_MAX_BATCH */
} param_type_t;

/* Where a default comes from (configs/README.md explains each). */
typedef enum {
	PARAM_SRC_PAPER, /* published value (docs/hardware.md §2, Table 1 of the SHARP paper) */
	PARAM_SRC_MODEL, /* docs/hardware.md's reading of the paper */
	PARAM_SRC_CHOICE /* engineering choice where the papers are silent */
} param_src_t;

typedef struct param {
	const char *key;
	param_type_t type;
	size_t offset;		  /* of the field in hw_cfg_t or layer_cfg_t */
	size_t size;		  /* of the field, bytes */
	const char *def;	  /* YAML text; NULL = required */
	uint64_t min, max;	  /* integer types */
	double dmin, dmax;	  /* PARAM_DOUBLE: (dmin, dmax], or [dmin, dmax) with closed_open */
	bool closed_open;	  /* PARAM_DOUBLE: the range is [dmin, dmax) (a fraction) */
	bool has_auto;		  /* integer types: "auto" stores 0 */
	const char *const *names; /* PARAM_ENUM: NULL-terminated, index = value */
	const char *kind;	  /* PARAM_ENUM over a registry: a value not in it is an
				      "unknown <kind> 'x', expected one of ..." */
	bool quiet_default;	  /* left out of config_hash while at its default: a key
				      added after results were pinned to hashes (goldens,
				      sweep tables), which must keep theirs */
	bool untimed;		  /* left out of the timing key (param_timing_key): the key
				      moves no simulated cycle (names, the tile choice and
				      its table, functional-only values, the watchdog) or
				      is a field of every tile-table entry (scheduler).
				      Default false, so a new key counts as timing: a
				      table wrongly called stale costs an exploration, one
				      wrongly called current costs a wrong result */
	param_src_t src;
	const char *desc;
} param_t;

/* Enum names, index = enum value, NULL-terminated. */
extern const char *const param_tile_names[];	       /* tile_sel_t */
extern const char *const param_weights_names[];	       /* weight_policy_t */
extern const char *const param_deps_names[];	       /* deps_kind_t */
extern const char *const param_cell_update_names[];    /* cell_update_t */
extern const char *const param_prec_names[];	       /* prec_mul_t */
extern const char *const param_act_names[];	       /* act_mode_t */
extern const char *const param_gru_names[];	       /* gru_form_t */
extern const char *const param_dir_names[];	       /* direction_t */
extern const char *const param_sparse_pattern_names[]; /* sparse_pattern_t */
extern const char *const param_wcb_names[];	       /* weight_codebook_t */
extern const char *const param_sparse_format_names[];  /* sparse_format_t */

const param_t *param_hw_table(size_t *n);    /* fields of hw_cfg_t */
const param_t *param_layer_table(size_t *n); /* fields of layer_cfg_t */

const param_t *param_find(const param_t *t, size_t n, const char *key);
/* The table key nearest to `key` by edit distance, or NULL if none is close
 * enough to be a plausible typo. */
const char *param_suggest(const param_t *t, size_t n, const char *key);

/* Sets p's field in base from node v of document d (NULL v: an empty value).
 * Errors are located at v and name the key and its accepted range. */
int param_set(const param_t *p, void *base, const ydoc_t *d, const ydoc_node_t *v, sim_err_t *err);
/* Sets p's field from YAML text; `name` names the text in errors
 * (e.g. "option -p 'compute.vs_units=abc'"). */
int param_set_text(const param_t *p, void *base, const char *name, const char *text, sim_err_t *err);
/* Sets every field of the table that has a default. A failure is a bad
 * table (SIM_EINTERNAL); the config suite loads every default. */
int param_defaults(const param_t *t, size_t n, void *base, sim_err_t *err);

/* Matches scalar v against a NULL-terminated name list; `what` (or NULL)
 * names the key in the error. */
int param_enum_parse(const ydoc_t *d, const ydoc_node_t *v, const char *what, const char *const *names, int *out,
		     sim_err_t *err);

/* The field's value as YAML text ("auto" for an auto 0, strings quoted). */
void param_format(const param_t *p, const void *base, char *buf, size_t size);
/* The accepted values as text, e.g. "integer 1..65536 or auto". */
void param_range_text(const param_t *p, char *buf, size_t size);
/* Where a dump goes: written to f, or (f NULL) hashed into hash, 64-bit
 * FNV-1a chained over every byte the dump would have written, so a hash
 * is that of the text without the text being formatted whole. */
typedef struct param_out {
	FILE *f;
	uint64_t hash;
} param_out_t;
void param_out_text(param_out_t *o, const char *s, size_t n);
void param_out_str(param_out_t *o, const char *s);
/* Writes the table's fields of base as nested YAML maps, one key a line, in
 * table order (sections open where their first key is). */
void param_dump(FILE *f, const param_t *t, size_t n, const void *base);
/* The same without the quiet_default keys at their default, into o: the
 * text config_hash hashes. */
void param_dump_hash(param_out_t *o, const param_t *t, size_t n, const void *base);
/* The timing key of base: 64-bit FNV-1a over "key: value" of every key
 * not marked untimed (quiet_default keys at their default left out, as in
 * config_hash). Two configs with the same key simulate the same cycles for
 * the same layer, scheduler and tile config, so a tile table explored under
 * one serves the other (docs/architecture.md, "Tile tables"). */
uint64_t param_timing_key(const param_t *t, size_t n, const void *base);
/* One entry per key: key, accepted values, default, source, description. */
void param_help(FILE *f, const param_t *t, size_t n);
/* The same as man(7) source: one .TP entry per key. */
void param_help_man(FILE *f, const param_t *t, size_t n);

/* A layer activation's workload name (act_f, act_g, act_h). */
const char *param_lact_name(layer_act_t a);

#endif
