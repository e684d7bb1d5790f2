/*
 * afile.h - results files written atomically: everything goes to a
 * temporary file beside the target, which replaces the target only when it
 * is complete (rename is atomic on POSIX file systems). A run that fails
 * halfway leaves the previous file, or none, never half of one.
 */
#ifndef SHARPSIM_AFILE_H
#define SHARPSIM_AFILE_H

#include <stdio.h>

#include "err.h"

typedef struct afile afile_t;

/* path "-" or NULL means stdout (nothing to rename). */
afile_t *afile_open(const char *path, sim_err_t *err);
FILE *afile_stream(afile_t *a);
/* Flushes, syncs and renames into place; frees a. */
int afile_commit(afile_t *a, sim_err_t *err);
/* Removes the temporary file; frees a. */
void afile_abort(afile_t *a);

#endif
