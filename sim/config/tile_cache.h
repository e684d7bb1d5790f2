/*
 * tile_cache.h - tile tables loaded once per process, not once per run.
 *
 * A sweep worker runs hundreds of points of a few presets in one process;
 * loading and checking a preset's 15 KB tile table for each was about a
 * third of a worker's CPU. The cache keeps each table it loaded, keyed by
 * its path, and reloads it when the file is no longer the one it read
 * (device, inode, size or modification time changed), so a table rewritten
 * by `sharpsim explore` mid-sweep is never served stale.
 *
 * Contract: the caller owns the cache (one per process or thread; it is not
 * shared); a table it hands out stays valid until the same path is looked
 * up again or the cache is destroyed. No global state.
 */
#ifndef SHARPSIM_TILE_CACHE_H
#define SHARPSIM_TILE_CACHE_H

#include "../common/err.h"
#include "config.h"

typedef struct tile_cache tile_cache_t;

tile_cache_t *tile_cache_create(void);
void tile_cache_destroy(tile_cache_t *c);
/* The table at path (loaded by config_load_tile_table on a miss or when
 * the file changed). Errors are the loader's. */
int tile_cache_get(tile_cache_t *c, const char *path, const tile_table_t **out, sim_err_t *err);
/* The layers explored on the fly under timing key k (resolve_tile), kept
 * for the process so that a later pass or run under the same key (the two
 * passes of a bidirectional layer, a stack of equal layers, a sweep's
 * points) reuses them: exploring is exact, so a reused entry is what
 * exploring again would give. Valid until the cache is destroyed; NULL when
 * out of memory (the caller then explores without keeping). Not kept on
 * disk: an entry written by another build of the model would be trusted
 * where it no longer holds (docs/architecture.md, "Tile tables"). */
tile_table_t *tile_cache_explored(tile_cache_t *c, uint64_t timing_key);

#endif
