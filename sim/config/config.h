/*
 * config.h - loading hardware configs and workloads.
 *
 * One table of parameters (params.c: key, type, default, range, description)
 * drives validation of YAML files and -p/-w overrides, `--help`, and the dump
 * of the effective config. Every error names file:line:col (or the option for
 * -p/-w values) and returns SIM_EINPUT.
 */
#ifndef SHARPSIM_CONFIG_H
#define SHARPSIM_CONFIG_H

#include <stdio.h>

#include "../common/err.h"
#include "hw_cfg.h"
#include "workload.h"

/* Built-in defaults: the published 4K-MAC SHARP (configs/sharp-4k.yaml). */
void config_hw_defaults(hw_cfg_t *out);

/* Loads path (NULL: defaults only; a relative path is looked up as
 * common/datadir.h says), then applies "key=value" overrides in
 * order, then checks cross-key consistency (a tile config that N cannot
 * form, and so on). */
int config_load_hw(const char *path, const char *const *overrides, size_t n_overrides, hw_cfg_t *out, sim_err_t *err);
/* The same from YAML text in memory; name stands for the file in messages
 * ("name:line:col: ...") and gives the config its name if it has none. */
int config_load_hw_string(const char *name, const char *text, size_t len, const char *const *overrides,
			  size_t n_overrides, hw_cfg_t *out, sim_err_t *err);
/* config_load_hw(path, ...) on the bytes text[0 .. len) of the file found
 * (datadir_find(path)), read by the caller with ydoc_read_file: the same
 * config and the same messages as config_load_hw reading that file. */
int config_load_hw_read(const char *path, const char *found, const char *text, size_t len, const char *const *overrides,
			size_t n_overrides, hw_cfg_t *out, sim_err_t *err);
/* The machine a hardware file names (its `machine:` key; 0 = SHARP, also
 * for a file without one), read without loading the rest. */
int config_peek_machine(const char *path, int *machine, sim_err_t *err);
/* Whether a file of machine `machine` takes `key` (as a -p override): the
 * keys every machine shares, SHARP's table for SHARP, the machine's own
 * section otherwise. compare applies a -p to the designs that take it. */
bool config_machine_takes(int machine, const char *key);
/* Sets one hardware key from its textual value (as -p does). */
int config_set_hw(hw_cfg_t *hw, const char *key, const char *value, sim_err_t *err);

/* Loads a workload; each "key=value" override applies to every layer. */
int config_load_workload(const char *path, const char *const *overrides, size_t n_overrides, workload_t *out,
			 sim_err_t *err);
/* The same from YAML text in memory (weights: paths are then relative to
 * the working directory). */
int config_load_workload_string(const char *name, const char *text, size_t len, const char *const *overrides,
				size_t n_overrides, workload_t *out, sim_err_t *err);
/* config_load_workload(path, ...) on the bytes of the file found, as
 * config_load_hw_read. */
int config_load_workload_read(const char *path, const char *found, const char *text, size_t len,
			      const char *const *overrides, size_t n_overrides, workload_t *out, sim_err_t *err);

/* Effective config as YAML, every key, "auto" kept as written. The text is
 * also what config_hash covers. */
void config_dump_hw(FILE *f, const hw_cfg_t *hw);
void config_dump_workload(FILE *f, const workload_t *w);
/* The parameter tables as help text. */
void config_help_hw(FILE *f);
void config_help_workload(FILE *f);
/* The manual page sharpsim(1), man(7) source, with both tables. */
void config_help_man(FILE *f, const char *version);

/* 64-bit FNV-1a over the effective config and workload dumps and the
 * version string. */
uint64_t config_hash(const hw_cfg_t *hw, const workload_t *w, const char *version);

/* Tile table written by `sharpsim explore`: the best tile config per
 * (N, K, scheduler, layer key). The layer key hashes every layer key that
 * moves cycles (config_layer_timing_key), so a layer explored at T = 25,
 * batch 1 is never reused for T = 1500 or batch 4, or for other weight
 * formats; the shape fields are written for the reader. */
typedef struct tile_entry {
	uint32_t vs_units, vs_width;
	sched_kind_t scheduler;
	cell_kind_t cell;
	uint32_t input_size, hidden_size;
	uint32_t timesteps, batch;
	uint64_t layer_key;
	tile_sel_t best;
	uint64_t cycles[4]; /* cycles of config1..config4 (0 = cannot form) */
} tile_entry_t;

typedef struct tile_table {
	tile_entry_t *e;
	size_t n;
	/* The timing key (config_timing_key) of the config the table was
	 * explored on; a table written before keys existed has none and is
	 * never used (docs/architecture.md, "Tile tables"). */
	bool has_key;
	uint64_t timing_key;
} tile_table_t;

/* A tile table holds one entry per shape explored; the committed ones are
 * about 125 KB. Larger files are refused unread. */
#define CONFIG_TILE_TABLE_MAX_BYTES ((size_t)4 << 20)

/* The timing key of hw (param_timing_key over the hardware table); hw as
 * the engine builds it, every auto resolved (resolve_timing_key). */
uint64_t config_timing_key(const hw_cfg_t *hw);

/* The table at path: the fast path (config_load_tile_table_plain) when the
 * file is in the writer's form, else the YAML loader, which alone says what
 * is wrong and where (file:line:col). */
int config_load_tile_table(const char *path, tile_table_t *out, sim_err_t *err);
/* The fast path alone: true, with *out filled, when path is a table in
 * exactly the form config_write_tile_table writes; false (nothing said)
 * otherwise. What it accepts the YAML loader reads to the same table
 * (tests/test_config.c, tests/fuzz/fuzz_tiles.c). */
bool config_load_tile_table_plain(const char *path, tile_table_t *out);
/* The YAML loader alone. */
int config_load_tile_table_yaml(const char *path, tile_table_t *out, sim_err_t *err);
/* Writes the table atomically (temp file + rename), with its timing key
 * when it has one. */
int config_write_tile_table(const char *path, const char *hw_name, const tile_table_t *t, sim_err_t *err);
/* The timing key of l (param_timing_key over the layer table): every
 * layer key that moves cycles. Which direction a pass of it runs is the
 * plan's business (resolve_layer_key). */
uint64_t config_layer_timing_key(const layer_cfg_t *l);
/* The entry for (n, k, scheduler, layer_key), or NULL. */
const tile_entry_t *config_tile_lookup(const tile_table_t *t, uint32_t n, uint32_t k, sched_kind_t s,
				       uint64_t layer_key);
void config_tile_table_free(tile_table_t *t);

#endif
