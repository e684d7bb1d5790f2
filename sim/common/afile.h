/*
 * afile.h - output files that never end up half written.
 *
 * A regular file (or a path that does not exist yet) is written to a
 * temporary file made by mkstemp beside the target, which replaces the target
 * only when complete (rename is atomic on POSIX file systems): a run that
 * fails halfway leaves the previous file, or none. Two runs writing the same
 * path each get their own temporary file; the last to finish wins whole.
 *
 * Anything else is never replaced: "-" (or NULL) is stdout, a character
 * device (/dev/null, a terminal) or a FIFO is written in place, and a
 * directory, socket or block device is refused with an input error, before
 * any work is done.
 *
 * Temporary files still open are removed when the process gets SIGINT,
 * SIGTERM or SIGHUP: afile keeps a small registry of them, and its handler
 * unlinks each and re-raises the signal with the disposition it found.
 */
#ifndef SHARPSIM_AFILE_H
#define SHARPSIM_AFILE_H

#include <stdio.h>

#include "err.h"

typedef struct afile afile_t;

/* Opens path for writing as above. NULL on failure (err filled: SIM_EINPUT
 * for a path that cannot take the data, SIM_EIO when creating fails). */
afile_t *afile_open(const char *path, sim_err_t *err);
FILE *afile_stream(afile_t *a);
/* Flushes, syncs and renames into place (or flushes and closes a device);
 * frees a. */
int afile_commit(afile_t *a, sim_err_t *err);
/* Removes the temporary file; frees a. */
void afile_abort(afile_t *a);

#endif
