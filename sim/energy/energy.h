/*
 * energy.h - energy, power and area of a run, priced from its activity.
 *
 * The cycle model only counts events (core/run.h lists the counters). This
 * module prices them with a technology table (a YAML file under configs/tech/):
 *
 *   energy = sum over components of (event count x energy per event)
 *          + leakage power x run time
 *   area   = sum over components of the area of their instances
 *
 * Every number of the model, including the calibration factors, lives in the
 * technology table; the code holds only the structure (which counter is an
 * event of which component, how a buffer's size and banking set its access
 * energy and area). docs/energy.md states the formulas, their sources and the
 * calibration against the published 32 nm SHARP design.
 *
 * Components belong to five classes, the paper's breakdown: the compute unit,
 * the SRAM buffers, the activation MFUs with the cell updater, the
 * controller with the reconfiguration logic, and main memory (DRAM). Each
 * class has one energy calibration factor (on its dynamic energy) and one
 * area calibration factor (its leakage follows its area) in the table.
 *
 * Contract: the hardware config given to energy_eval/energy_area should have
 * every "auto" resolved (run_result_t.hw); 0 banks is still read as auto
 * (banks = N); cell lanes must be set (0 is an error: the cell updater is a
 * fixed unit, docs/hardware.md §2.5). The counters the model
 * prices (core/run.h) must be registered: a missing one is an SIM_EINTERNAL
 * error, because it means the cycle model and the energy model no longer
 * agree on names. Exceptions: fifo.act.* are optional (the cycle model may
 * hand gate values over through the gate buffer) and fifo.wread.* are not
 * priced (the weight staging is priced as the VS operand registers, per
 * wbuf row read).
 */
#ifndef SHARPSIM_ENERGY_H
#define SHARPSIM_ENERGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/err.h"
#include "../common/stats.h"
#include "../config/hw_cfg.h"

typedef enum {
	ENERGY_CLASS_COMPUTE = 0,
	ENERGY_CLASS_SRAM,
	ENERGY_CLASS_ACT,  /* activation MFUs and cell updater */
	ENERGY_CLASS_CTRL, /* controller and reconfiguration logic */
	ENERGY_CLASS_DRAM,
	ENERGY_CLASS_COUNT
} energy_class_t;

/* One priced component: its dynamic and leakage energy over the run, its
 * average power and its area. Energies in microjoules, powers in watts. */
typedef struct energy_item {
	const char *name; /* e.g. "mult", "wbuf" (static storage) */
	energy_class_t cls;
	double dynamic_uj;
	double leakage_uj;
	double energy_uj; /* dynamic + leakage */
	double power_w;	  /* energy / run time; 0 when the run time is 0 */
	double area_mm2;
} energy_item_t;

/* One line of the Accelergy action-count export: `count` actions named
 * `action` on the component `component` (totals over all its instances),
 * and the energy sharpsim charged for one of them. */
typedef struct energy_action {
	const char *component;
	const char *action;
	uint64_t count;
	double pj_each;
} energy_action_t;

#define ENERGY_ITEMS_MAX 24
#define ENERGY_ACTIONS_MAX 64

typedef struct energy_report {
	char tech[128]; /* technology table name (a copy: the report
				* outlives the table) */
	double clock_mhz;
	uint64_t cycles;
	double seconds;
	uint64_t useful_macs;
	double energy_uj;
	double dynamic_uj;
	double leakage_uj;
	double avg_power_w;
	double area_mm2;
	/* 2 FLOP (multiply + add) per useful MAC over the run's energy. */
	double gflops_per_w;
	double class_energy_uj[ENERGY_CLASS_COUNT];
	double class_dynamic_uj[ENERGY_CLASS_COUNT];
	double class_leakage_uj[ENERGY_CLASS_COUNT];
	double class_power_w[ENERGY_CLASS_COUNT];
	double class_area_mm2[ENERGY_CLASS_COUNT];
	/* The calibration factors that priced this report (from the table). */
	double class_energy_scale[ENERGY_CLASS_COUNT];
	double class_area_scale[ENERGY_CLASS_COUNT];
	size_t n_items;
	energy_item_t item[ENERGY_ITEMS_MAX];
	size_t n_actions;
	energy_action_t action[ENERGY_ACTIONS_MAX];
} energy_report_t;

typedef struct energy_tech energy_tech_t;

/* Loads a technology table. Unknown keys, missing keys, wrong types and
 * out-of-range values are SIM_EINPUT errors located "file:line:col:". */
int energy_tech_load(const char *path, energy_tech_t **out, sim_err_t *err);
/* Same from text in memory; name stands for the file in messages. */
int energy_tech_load_string(const char *name, const char *text, size_t len, energy_tech_t **out, sim_err_t *err);
/* The fast path of energy_tech_load alone: true, with *out, when path holds
 * a table in the plain form it reads without a YAML tree; false, with
 * nothing allocated, when the file is anything else (energy_tech_load then
 * gives it to the YAML loader). Exposed so that tests and the fuzzer can
 * hold it to the YAML loader (energy_tech_load_string). */
bool energy_tech_load_plain(const char *path, energy_tech_t **out);
/* True when two tables hold the same numbers (and name), bit for bit. */
bool energy_tech_equal(const energy_tech_t *a, const energy_tech_t *b);
void energy_tech_destroy(energy_tech_t *t);
const char *energy_tech_name(const energy_tech_t *t);
/* True when the SRAM bank table prices a bank of `bytes` with a `bits`-wide
 * port by interpolation (or a row) rather than by extending an end segment:
 * `bits` lies between the smallest and largest tabulated port width and
 * `bytes` between the smallest and largest capacity of each of the two
 * tabulated ports around `bits` (docs/energy.md 1.2). */
bool energy_tech_sram_covers(const energy_tech_t *t, double bytes, double bits);
/* One SRAM bank of `bytes` with a `bits`-wide port, priced from the same
 * bank table as SHARP's buffers (interpolated as energy_tech_sram_covers
 * says): energy of one read and one write of the port's width, leakage and
 * area, at the table's node. For another machine's buffers (machine.h), so
 * that a comparison prices both designs' SRAM alike. */
typedef struct energy_sram {
	double read_pj, write_pj;
	double leak_w;
	double area_mm2;
} energy_sram_t;
energy_sram_t energy_tech_sram(const energy_tech_t *t, double bytes, double bits);

/* Area only (no run needed): fills the area fields, items and class areas;
 * every energy and power is 0. */
int energy_area(const energy_tech_t *t, const hw_cfg_t *hw, energy_report_t *out, sim_err_t *err);

/* Prices the counters of a run of `cycles` cycles at hw->clock_mhz. */
int energy_eval(const energy_tech_t *t, const hw_cfg_t *hw, const stats_t *st, uint64_t cycles, energy_report_t *out,
		sim_err_t *err);

const char *energy_class_name(energy_class_t c);

/* A few human-readable lines: totals, then one line per class and item. */
void energy_report_print_text(FILE *f, const energy_report_t *r);
/* A JSON object (no trailing newline) for the run report's "energy" key:
 * {"tech":..., "energy_uj":..., "avg_power_w":..., "area_mm2":...,
 *  "gflops_per_w":..., "classes": {...}, "components": {...}}. */
void energy_report_print_json(FILE *f, const energy_report_t *r);
/* Accelergy's action_counts YAML (version 0.3, flat "local" list). */
void energy_write_accelergy(FILE *f, const energy_report_t *r, const char *design_name);

#endif
