/*
 * cli.h - the command-line front end. Only main() and the cli_* commands
 * print to stdout/stderr and choose exit statuses; the kernel returns errors.
 * Exit status: 0 ok, 2 bad input (sim_err_t code SIM_EINPUT), 3 I/O,
 * 4 deadlock, 5 internal error.
 */
#ifndef SHARPSIM_CLI_H
#define SHARPSIM_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../func/npy.h"
#include "../compute/cu_backend.h"

#define CLI_MAX_OVERRIDES 256

/* Options shared by the commands that build a hardware config and workload. */
typedef struct cli_common {
	const char *hw;
	const char *workload;
	const char *p[CLI_MAX_OVERRIDES];
	size_t np;
	const char *wo[CLI_MAX_OVERRIDES];
	size_t nw;
	char opt_text[CLI_MAX_OVERRIDES][64]; /* --scheduler/--deps rewritten as -p */
} cli_common_t;

/* Parses -p/-w/--hw/--workload/--scheduler/--deps at argv[*i]; returns 1 if
 * consumed (advancing *i), 0 if not one of them, -1 on a usage error. */
int cli_common_arg(cli_common_t *c, int argc, char **argv, int *i, sim_err_t *err);
int cli_exit_status(int code);
/* Parses text as a decimal integer from 0 to max: digits only (no sign, no
 * spaces, no hex), no overflow. 0 on success, -1 otherwise. strtoull alone
 * would take " -5" as 2^64 - 5 and clamp 2^64 to 2^64 - 1. */
int cli_parse_u64(const char *text, uint64_t max, uint64_t *out);
void cli_error(const sim_err_t *err);
/* npy_read of a path the user gave: a file that cannot be opened is bad
 * input (exit 2), not an I/O failure of the simulator. */
int cli_read_npy(const char *path, npy_array_t *a, sim_err_t *err);
typedef struct tile_stale tile_stale_t;
/* Says on stderr, once per call, that a tile table was found but not used
 * (resolve_tile_table); nothing when s is not stale. */
void cli_note_stale_tiles(const tile_stale_t *s);

/* What a build adds to the command line: the RTL compute unit of
 * build/sharpsim-rtl (NULL in the plain build). */
typedef struct cli_hooks {
	cu_backend_factory_t rtl_factory;
	const char *rtl_desc; /* e.g. "RTL compute unit N=8 K=8" */
} cli_hooks_t;

int cli_main(int argc, char **argv, const cli_hooks_t *hooks);
int cli_run(int argc, char **argv, const cli_hooks_t *hooks);
int cli_explore(int argc, char **argv);
int cli_config(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_sweep(int, char **);
int cli_merge(int, char **);
int cli_plot(int, char **);
int cli_help_counters(void);
int cli_compress(int argc, char **argv);
int cli_decompose(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_check(int argc, char **argv);

/* `run --workload MODEL.onnx`: imports MODEL (X's values from seed; T and B
 * from X's declared shape, or from timesteps and batch when nonzero) into a
 * new temporary directory, whose name goes into work (len bytes), with
 * *layers for cli_onnx_unstage, which removes it again. */
int cli_onnx_stage(const char *model, uint64_t seed, uint32_t timesteps, uint32_t batch, char *work, size_t len,
		   size_t *layers, sim_err_t *err);
void cli_onnx_unstage(const char *work, size_t layers);

#endif
