/*
 * config_memo.h - a sweep worker's hardware configs, workloads and config
 * hashes, each worked out once per distinct input rather than once per
 * point.
 *
 * A worker runs hundreds of points over a few files; parsing the hardware
 * file and the workload again and hashing the pair for each point was
 * about 8 % of a study's CPU. The memo still reads each file for every
 * lookup (where datadir_find finds it, then ydoc_read_file: the same bytes
 * and the same errors as a load), and serves a kept config only when its
 * whole input is identical: the path given, where it was found, the
 * overrides in order and the file's bytes (compared with memcmp). Loading
 * is a function of that input alone (config.c reads no other file), so a
 * kept config is what loading again would give, and a file edited during a
 * sweep is seen by the next point exactly as without the memo.
 *
 * Every kept config has an id, never reused; a config hash is kept under
 * its two ids and the version, so it too is what hashing again would give.
 * Bounded: at most CONFIG_MEMO_ENTRIES configs of each kind and
 * CONFIG_MEMO_HASHES hashes (the oldest goes), no file larger than
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
#include <stdint.h>

#include "../common/err.h"
#include "hw_cfg.h"
#include "workload.h"

#define CONFIG_MEMO_ENTRIES 128
#define CONFIG_MEMO_HASHES 1024
#define CONFIG_MEMO_TEXT_MAX ((size_t)64 << 10)

typedef struct config_memo config_memo_t;

config_memo_t *config_memo_create(void); /* NULL when out of memory */
void config_memo_destroy(config_memo_t *m);
/* config_load_hw(path, overrides, n) (path non-NULL); *id: the kept
 * config's id, 0 when it is not kept. */
int config_memo_hw(config_memo_t *m, const char *path, const char *const *overrides, size_t n, hw_cfg_t *out,
		   uint64_t *id, sim_err_t *err);
/* config_load_workload(path, overrides, n): *out is the caller's own copy
 * (workload_free). *id as for config_memo_hw. */
int config_memo_workload(config_memo_t *m, const char *path, const char *const *overrides, size_t n, workload_t *out,
			 uint64_t *id, sim_err_t *err);
/* config_hash(hw, w, version), where hw and w are the configs the memo
 * returned under hw_id and wl_id (0: not kept; the hash is then computed). */
uint64_t config_memo_hash(config_memo_t *m, uint64_t hw_id, const hw_cfg_t *hw, uint64_t wl_id, const workload_t *w,
			  const char *version);

#endif
