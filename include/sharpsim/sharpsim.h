/*
 * sharpsim.h - the C API of sharpsim, a cycle-level simulator of SHARP-style
 * RNN inference accelerators.
 *
 * One object, sharpsim_t, holds a hardware config, a workload, their
 * overrides and the results of the last run:
 *
 *     sharpsim_t *s = sharpsim_new();
 *     if (sharpsim_load_hw(s, "configs/sharp-1k.yaml") ||
 *         sharpsim_load_workload(s, "workloads/paper/lstm_h512_t25.yaml") ||
 *         sharpsim_override_hw(s, "scheduler=intergate") ||
 *         sharpsim_run(s, NULL))
 *             fprintf(stderr, "%s\n", sharpsim_error(s));
 *     else
 *             printf("%llu cycles\n", (unsigned long long)sharpsim_cycles(s));
 *     sharpsim_free(s);
 *
 * Contract:
 * - Every function that can fail returns a sharpsim_status (0 = success)
 *   and leaves one line in sharpsim_error(): "file:line:col: what is wrong,
 *   what was expected" for bad input. Nothing prints and nothing exits.
 * - Loading and each override are checked at once; a rejected override is
 *   not kept. Overrides apply in order on top of the file or string, as the
 *   command line's -p and -w do, and survive a later load.
 * - Relative paths (configs, workloads, tile and technology tables) are
 *   found as the sharpsim command finds them: as given, then under
 *   $SHARPSIM_DATA, then in the installed data directory.
 * - Without a load, the hardware is configs/sharp-4k.yaml and the workload
 *   workloads/deepbench/lstm_h1024_b1_t25.yaml, as for `sharpsim run`.
 * - Results read after a successful sharpsim_run() describe that run until
 *   the next run, load or override; before one they read 0 / NULL.
 * - Same inputs, same results: a run depends on nothing but its inputs.
 * - An object is used by one thread at a time; separate objects are
 *   independent.
 */
#ifndef SHARPSIM_SHARPSIM_H
#define SHARPSIM_SHARPSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes; also the `sharpsim` command's exit statuses. */
enum sharpsim_status {
	SHARPSIM_OK = 0,
	SHARPSIM_EINPUT = 2,	/* bad config, workload, override or file */
	SHARPSIM_EIO = 3,	/* a file cannot be read or written */
	SHARPSIM_EDEADLOCK = 4, /* the simulated machine stopped moving */
	SHARPSIM_EINTERNAL = 5, /* an invariant of the model broke */
	SHARPSIM_ENOMEM = 6
};

typedef struct sharpsim sharpsim_t;

/* Run options; sharpsim_run(s, NULL) uses the defaults below. */
typedef struct sharpsim_opts {
	int cold;	     /* 1: count the initial weight load (default 0) */
	int functional;	     /* 1: compute values bit for bit (default 0) */
	uint64_t seed;	     /* functional: weights and inputs (default 1) */
	int no_fast_forward; /* 1: step every cycle (results are identical) */
	int no_energy;	     /* 1: do not price the run */
	const char *tech;    /* technology table; NULL: configs/tech/sharp-32nm.yaml */
} sharpsim_opts_t;

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *sharpsim_version(void);

/* NULL when out of memory. */
sharpsim_t *sharpsim_new(void);
void sharpsim_free(sharpsim_t *s);

/* The last error as one line; "" after a success. */
const char *sharpsim_error(const sharpsim_t *s);

/* Hardware config and workload from a YAML file, or from YAML text in
 * memory; `name` stands for the file in error messages and names the
 * config or workload when the text does not. */
int sharpsim_load_hw(sharpsim_t *s, const char *path);
int sharpsim_load_hw_string(sharpsim_t *s, const char *name, const char *yaml);
int sharpsim_load_workload(sharpsim_t *s, const char *path);
int sharpsim_load_workload_string(sharpsim_t *s, const char *name, const char *yaml);

/* "key=value" on the hardware (e.g. "compute.vs_units=64", as -p), or on
 * every layer of the workload (e.g. "timesteps=10", as -w). Keys:
 * `sharpsim --help-hw`, `sharpsim --help-workload`, man sharpsim. */
int sharpsim_override_hw(sharpsim_t *s, const char *key_value);
int sharpsim_override_workload(sharpsim_t *s, const char *key_value);

/* Resolves every `auto`, runs the workload on the hardware to its last
 * hidden state and, unless opts->no_energy, prices it. */
int sharpsim_run(sharpsim_t *s, const sharpsim_opts_t *opts);

/* Results of the last run. */
uint64_t sharpsim_cycles(const sharpsim_t *s);	    /* main cycle count */
uint64_t sharpsim_load_cycles(const sharpsim_t *s); /* initial weight load */
double sharpsim_latency_us(const sharpsim_t *s);
double sharpsim_utilization(const sharpsim_t *s); /* useful MACs / (cycles N K) */
uint64_t sharpsim_useful_macs(const sharpsim_t *s);
uint64_t sharpsim_issued_macs(const sharpsim_t *s);
int sharpsim_weights_fit(const sharpsim_t *s); /* 1 if every layer fits */
/* Energy in microjoules, average power in W, area in mm²; 0 if not priced. */
double sharpsim_energy_uj(const sharpsim_t *s);
double sharpsim_power_w(const sharpsim_t *s);
double sharpsim_area_mm2(const sharpsim_t *s);

/* Counters of the last run, in the reports' order: name (e.g.
 * "idle.padding"), what it counts, its unit (one of "cycles",
 * "lane-cycles", "bytes", "MACs", "ops", "values", "events"; see
 * docs/outputs.md) and its value. i < sharpsim_counter_count; a bad i gives
 * NULL / 0. */
size_t sharpsim_counter_count(const sharpsim_t *s);
const char *sharpsim_counter_name(const sharpsim_t *s, size_t i);
const char *sharpsim_counter_desc(const sharpsim_t *s, size_t i);
const char *sharpsim_counter_unit(const sharpsim_t *s, size_t i);
uint64_t sharpsim_counter_value(const sharpsim_t *s, size_t i);
/* By name: SHARPSIM_OK and *value, or SHARPSIM_EINPUT for an unknown name. */
int sharpsim_counter(sharpsim_t *s, const char *name, uint64_t *value);

/* The last run's report as `sharpsim run --format FORMAT` writes it:
 * format "text", "json" or "csv". */
int sharpsim_write_report(sharpsim_t *s, FILE *f, const char *format);

#ifdef __cplusplus
}
#endif

#endif
