/*
 * config_memo.h - a sweep worker's hardware configs, workloads and config
 * hashes, each worked out once per distinct input rather than once per
 * point.
 *
 * A worker runs hundreds of points over a few files; parsing the hardware
 * file and the workload again for each point was most of the 8 % of a
 * study's CPU spent around the runs. The memo still reads each file for every
 * lookup (where datadir_find finds it, then ydoc_read_file: the same bytes
 * and the same errors as a load), and serves a kept config only when its
 * whole input is identical: the path given, where it was found, the
 * overrides in order and the file's bytes (compared with memcmp). Loading
 * is a function of that input alone (config.c reads no other file), so a
 * kept config is what loading again would give, and a file edited during a
 * sweep is seen by the next point exactly as without the memo.
 *
 * The config hash is not kept: a sweep's points are distinct configs, so
 * no point's hash is another's. Bounded: at most CONFIG_MEMO_ENTRIES
 * configs of each kind (the oldest goes), no file larger than
 * CONFIG_MEMO_TEXT_MAX bytes is kept (it is loaded from its bytes each
 * time). Errors are never kept: a file that fails fails again, with the
 * loader's message.
 *
 * Contract: the caller owns the memo (one per process; not shared). No
 * global state.
 */
#ifndef SHARPSIM_CONFIG_MEMO_H
#define SHARPSIM_CONFIG_MEMO_H

#include <stddef.h>

#include "../common/err.h"
#include "hw_cfg.h"
#include "workload.h"

#define CONFIG_MEMO_ENTRIES 128
#define CONFIG_MEMO_TEXT_MAX ((size_t)64 << 10)

typedef struct config_memo config_memo_t;

config_memo_t *config_memo_create(void); /* NULL when out of memory */
void config_memo_destroy(config_memo_t *m);
/* config_load_hw(path, overrides, n) (path non-NULL). */
int config_memo_hw(config_memo_t *m, const char *path, const char *const *overrides, size_t n, hw_cfg_t *out,
		   sim_err_t *err);
/* config_load_workload(path, overrides, n): *out is the caller's own copy
 * (workload_free). */
int config_memo_workload(config_memo_t *m, const char *path, const char *const *overrides, size_t n, workload_t *out,
			 sim_err_t *err);

#endif
