#include "datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The Makefile passes $(PREFIX)/share/sharpsim; a build without it (e.g. a
 * foreign build system) still finds data through the other candidates. */
#ifndef SHARPSIM_DATADIR
#define SHARPSIM_DATADIR ""
#endif

const char *datadir_installed(void)
{
	return SHARPSIM_DATADIR;
}

/* Writes dir/path into buf; true if that file is readable. */
static int datadir_try(const char *dir, const char *path, char *buf, size_t size)
{
	if (!dir || !*dir)
		return 0;
	int n = snprintf(buf, size, "%s/%s", dir, path);
	return n > 0 && (size_t)n < size && access(buf, R_OK) == 0;
}

const char *datadir_find(const char *path, char *buf, size_t size)
{
	if (!path || !*path || path[0] == '/' || access(path, R_OK) == 0)
		return path;
	if (datadir_try(getenv("SHARPSIM_DATA"), path, buf, size) || datadir_try(SHARPSIM_DATADIR, path, buf, size))
		return buf;
	char exe[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return path;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return path;
	*slash = '\0';
	char dir[sizeof exe + 32];
	snprintf(dir, sizeof dir, "%s/../share/sharpsim", exe);
	if (datadir_try(dir, path, buf, size))
		return buf;
	snprintf(dir, sizeof dir, "%s/..", exe);
	if (datadir_try(dir, path, buf, size))
		return buf;
	return path;
}
