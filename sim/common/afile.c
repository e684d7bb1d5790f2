#include "afile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct afile {
	FILE *f;
	char *path, *tmp;
};

afile_t *afile_open(const char *path, sim_err_t *err)
{
	afile_t *a = calloc(1, sizeof *a);
	if (!a) {
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	if (!path || strcmp(path, "-") == 0) {
		a->f = stdout;
		return a;
	}
	size_t n = strlen(path);
	a->path = malloc(n + 1);
	a->tmp = malloc(n + 32);
	if (!a->path || !a->tmp) {
		afile_abort(a);
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(a->path, path, n + 1);
	snprintf(a->tmp, n + 32, "%s.tmp.%ld", path, (long)getpid());
	a->f = fopen(a->tmp, "w");
	if (!a->f) {
		sim_err(err, SIM_EIO, "%s: cannot write: %s", path, strerror(errno));
		afile_abort(a);
		return NULL;
	}
	return a;
}

FILE *afile_stream(afile_t *a)
{
	return a->f;
}

int afile_commit(afile_t *a, sim_err_t *err)
{
	int rc = SIM_OK;
	if (!a->path) {
		if (fflush(stdout) != 0)
			rc = sim_err(err, SIM_EIO, "stdout: write failed: %s", strerror(errno));
		free(a);
		return rc;
	}
	if (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0)
		rc = sim_err(err, SIM_EIO, "%s: write failed: %s", a->path, strerror(errno));
	if (fclose(a->f) != 0 && !rc)
		rc = sim_err(err, SIM_EIO, "%s: write failed: %s", a->path, strerror(errno));
	a->f = NULL;
	if (!rc && rename(a->tmp, a->path) != 0)
		rc = sim_err(err, SIM_EIO, "%s: cannot rename into place: %s", a->path, strerror(errno));
	if (rc)
		remove(a->tmp);
	free(a->path);
	free(a->tmp);
	free(a);
	return rc;
}

void afile_abort(afile_t *a)
{
	if (!a)
		return;
	if (a->path) {
		if (a->f)
			fclose(a->f);
		if (a->tmp)
			remove(a->tmp);
	}
	free(a->path);
	free(a->tmp);
	free(a);
}
