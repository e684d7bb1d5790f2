/*
 * datadir.h - where sharpsim finds the files it ships: hardware presets,
 * workloads, tile tables, technology tables and data.
 *
 * Contract: datadir_find(path) returns the first readable candidate of
 *   1. path as given (an absolute path, or a path relative to the working
 *      directory; an absolute path is never looked up anywhere else);
 *   2. $SHARPSIM_DATA/path, when the variable is set and not empty;
 *   3. <datadir>/path, the installed data directory compiled in as
 *      SHARPSIM_DATADIR ($(PREFIX)/share/sharpsim);
 *   4. <exe>/../share/sharpsim/path, an installation moved as a whole;
 *   5. <exe>/../path, the source tree of a build/sharpsim (<exe> is the
 *      executable's directory, from /proc/self/exe).
 * When no candidate is readable it returns path itself, so that the caller's
 * error names what the user wrote. The result is path or buf; nothing is
 * allocated and nothing is printed. The order makes a run the same from any
 * directory, while a file in the working directory always wins.
 */
#ifndef SHARPSIM_DATADIR_H
#define SHARPSIM_DATADIR_H

#include <stddef.h>

/* Room for a found path (buf of datadir_find). */
#define DATADIR_PATH_MAX 4096

const char *datadir_find(const char *path, char *buf, size_t size);

/* The compiled-in installed data directory ($(PREFIX)/share/sharpsim). */
const char *datadir_installed(void);

#endif
