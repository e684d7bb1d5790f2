/*
 * machine.h - accelerators other than SHARP, each with a datapath of its
 * own, as registered descriptors.
 *
 * A hardware file names its machine with the top-level key `machine:`
 * (default `sharp`, the engine under sim/core/). Any other value selects a
 * descriptor of this registry. Such a machine:
 *   - owns one YAML section, named after it (`epur:`, `brainwave:`, ...),
 *     described by its own parameter table (params.h) whose offsets are into
 *     its own config struct; the config module validates, dumps and hashes
 *     the section with that table, and rejects SHARP's sections in its file;
 *   - builds its own units from that config, and advances them one clock at
 *     a time, or in jumps it proves equal to stepping (a differential test
 *     runs both);
 *   - counts every idle unit-cycle under a named cause, in counters it
 *     registers with descriptions and units (stats.h);
 *   - prices its own energy and area from terms in its own section, each a
 *     parameter with its source.
 * It shares with SHARP the workload (layers, shapes, cells), the top-level
 * keys `name` and `clock_mhz`, and everything downstream of a run: the
 * reports, `compare`, `sweep` and the CSV schema, through run_result_t
 * (core/run.h), which machine_run() fills from a machine_result_t.
 *
 * Contract of a descriptor:
 *   - cfg_size <= MACHINE_CFG_MAX; params() keys all begin "<section>." and
 *     give a default for every key; a config holding only defaults passes
 *     check();
 *   - run() reads no file, keeps no state between calls, is deterministic,
 *     and on error leaves *out holding nothing to free; an input the machine
 *     cannot run (a cell it does not implement, a store too small for one
 *     step) is a SIM_EINPUT error that names the layer as "layer N: ..." and
 *     the key to change;
 *   - useful_macs of a run equals workload_layer_macs() summed over the
 *     workload (checked by machine_run()); issued_macs >= useful_macs;
 *   - macs() is the MAC units the machine has, so that utilization is
 *     useful_macs / (cycles * macs).
 */
#ifndef SHARPSIM_MACHINE_H
#define SHARPSIM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/stats.h"
#include "../config/params.h"
#include "../config/workload.h"
#include "../config/hw_cfg.h"
#include "../energy/energy.h"

/* Room for a machine's config inside hw_cfg_t (hw_cfg.h). */
#define MACHINE_CFG_MAX HW_MACHINE_CFG_MAX

/* One pass over the hardware: a layer, or one direction of a bidirectional
 * layer (forward first). */
typedef struct machine_pass {
	uint32_t layer;	 /* index in the workload */
	bool backward;	 /* the backward pass of a bidirectional layer, or a reverse layer */
	uint64_t cycles; /* from the pass's first issue to its last output written */
	uint64_t useful_macs;
	uint64_t issued_macs; /* MAC-unit slots spent, padding included */
} machine_pass_t;

typedef struct machine_opts {
	bool fast_forward; /* exact jumps allowed (must equal stepping) */
	bool cold;	   /* count the initial weight load in cycles */
} machine_opts_t;

typedef struct machine_result {
	uint64_t cycles;      /* whole workload, passes back to back */
	uint64_t load_cycles; /* initial weight load (in cycles only when cold) */
	uint64_t useful_macs;
	uint64_t issued_macs;
	size_t n_passes;
	machine_pass_t *passes; /* malloc'd, n_passes of them */
	stats_t *stats;		/* every counter of the run (owned) */
	/* One line for the user when the run had to bend the workload to the
	 * machine (e.g. a precompute store split the steps); "" otherwise. */
	char note[256];
} machine_result_t;

typedef struct machine_desc {
	const char *name;	 /* the `machine:` value, and its section's key */
	const char *description; /* one line, for --help and `sharpsim machines` */
	size_t cfg_size;
	/* Its parameter table: keys "<name>.<...>", offsets into its config. */
	const param_t *(*params)(size_t *n);
	/* Rules across keys; messages name the keys ("epur.x: must ..."). */
	int (*check)(const void *cfg, sim_err_t *err);
	/* MAC units: the utilization denominator per cycle. */
	uint64_t (*macs)(const void *cfg);
	int (*run)(const void *cfg, double clock_mhz, const workload_t *w, const machine_opts_t *o,
		   machine_result_t *out, sim_err_t *err);
	/* Energy and area of a finished run (r->cycles 0: area only). Reads
	 * r's cycles, MAC counts and counters only (r->passes may be empty).
	 * tech is the run's technology table (SHARP's, energy.h), or NULL: a
	 * machine compared at SHARP's node prices its SRAM from its bank
	 * table (energy_tech_sram), so that both designs' buffers are priced
	 * alike; a machine of another node ignores it. Fills every field of
	 * energy_report_t it can: tech (the terms' name), totals, classes,
	 * items. */
	int (*price)(const void *cfg, double clock_mhz, const machine_result_t *r, const energy_tech_t *tech,
		     energy_report_t *out, sim_err_t *err);
} machine_desc_t;

/* The built-in machines other than SHARP, NULL-terminated. */
extern const machine_desc_t *const machine_builtin[];
/* "sharp" and then each built-in machine's name, NULL-terminated (the
 * `machine` key's allowed values; index = hw_cfg_t.machine). */
extern const char *const machine_names[];
/* The descriptor for hw_cfg_t.machine index m (m >= 1), or NULL. */
const machine_desc_t *machine_get(unsigned m);

void machine_result_free(machine_result_t *r);

#endif
