/*
 * bw_pipe.h - BrainWave's sequencer and its one pipeline: register-file
 * read, matrix-vector unit (tile engines, add-reduction), the MFU chain and
 * the write-back, with the accounting of every MAC-unit cycle.
 *
 * Contract: bw_pipe_run() runs one pass (a layer, or one direction of it)
 * from cycle 0 and adds its activity to the counters registered at
 * creation; with `fast` it jumps from event to event and must give the
 * same cycles and counters as stepping one clock at a time (the
 * machine_brainwave suite runs both). After every pass
 *   mvu.busy + idle.* = cycles x tiles x native_dim x lanes.
 */
#ifndef SHARPSIM_BW_PIPE_H
#define SHARPSIM_BW_PIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../common/stats.h"
#include "brainwave.h"
#include "bw_program.h"

typedef struct bw_pipe bw_pipe_t;

/* Registers the counters in st (which must outlive the pipe). */
int bw_pipe_create(const bw_cfg_t *cfg, stats_t *st, bw_pipe_t **out, sim_err_t *err);
void bw_pipe_destroy(bw_pipe_t *p);

/* Runs `steps` steps of prog over `batch` vectors. *cycles: from the first
 * cycle of the pass to its last write-back; *useful: MACs of the workload;
 * *issued: MAC-unit slots spent on tile passes (useful and padding). */
int bw_pipe_run(bw_pipe_t *p, const bw_program_t *prog, uint32_t steps, uint32_t batch, bool fast, uint64_t *cycles,
		uint64_t *useful, uint64_t *issued, sim_err_t *err);

#endif
