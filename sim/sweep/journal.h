/*
 * journal.h - the append-only file that is a sweep's source of truth.
 *
 * Every finished point is one record, appended with a single write() and
 * made durable with fsync() before the point counts as done; results.csv
 * and results.jsonl are derived from the journal and can always be rebuilt
 * from it. File layout:
 *
 *   "sharpsim-sweep-journal 1\n"                       (file header)
 *   "R " <len: 8 hex> " " <crc32: 8 hex> "\n"           (record header, 20 bytes)
 *   <payload: len bytes, sweep_rec_encode()> "\n"
 *   ... more records ...
 *
 * crc32 is the IEEE CRC-32 (zlib's) of the payload. A crash can leave only
 * the last record incomplete (records are appended, never rewritten): on
 * open for writing, the first record whose header, length, checksum or
 * trailing newline does not verify starts a torn tail, which is truncated
 * (ftruncate + fsync) so that the points it held are simply run again.
 * A bad record with complete records after it cannot come from a crash:
 * it is reported as corruption, with its byte offset, and nothing is cut.
 * Contract: after sweep_journal_append() returns SIM_OK the record survives
 * any crash; before it returns, the record either survives whole or is cut
 * off on the next open. Nothing is ever half-counted.
 *
 * One writer at a time: the writer holds a POSIX record lock (fcntl) on the
 * whole file; a second sweep on the same directory is refused.
 */
#ifndef SHARPSIM_SWEEP_JOURNAL_H
#define SHARPSIM_SWEEP_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "record.h"

#define SWEEP_JOURNAL_MAGIC "sharpsim-sweep-journal 1\n"

typedef struct sweep_journal sweep_journal_t;

/* Opens (creating if absent) and locks path for appending, truncating a torn
 * tail; *dropped gets the number of bytes cut off (0 normally). */
int sweep_journal_open(const char *path, sweep_journal_t **out, size_t *dropped, sim_err_t *err);
/* Reads path without modifying it; a torn tail is ignored (*dropped counts
 * its bytes). The journal returned cannot be appended to. */
int sweep_journal_read(const char *path, sweep_journal_t **out, size_t *dropped, sim_err_t *err);
void sweep_journal_close(sweep_journal_t *j);

size_t sweep_journal_count(const sweep_journal_t *j);
const sweep_rec_t *sweep_journal_rec(const sweep_journal_t *j, size_t i);

/* Appends r durably (see the contract above) and keeps a copy in memory. */
int sweep_journal_append(sweep_journal_t *j, const sweep_rec_t *r, sim_err_t *err);

/* Writes a complete journal of recs to path atomically (temp + rename). */
int sweep_journal_write_all(const char *path, const sweep_rec_t *const *recs, size_t n, sim_err_t *err);

uint32_t sweep_crc32(const void *data, size_t len);

#endif
