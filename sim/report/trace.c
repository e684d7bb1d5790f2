#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trace {
	FILE *f;
	char *path, *tmp;
	double mhz;
};

static const char *const track_names[TRACE_NTRACKS] = {
	NULL, "controller", "VS array", "VS array idle (cause)", "accumulators", "A-MFU", "cell updater",
};

trace_t *trace_open(const char *path, double clock_mhz, sim_err_t *err)
{
	trace_t *t = calloc(1, sizeof *t);
	if (!t) {
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	size_t n = strlen(path);
	t->path = malloc(n + 1);
	t->tmp = malloc(n + 5);
	if (!t->path || !t->tmp) {
		free(t->path);
		free(t->tmp);
		free(t);
		sim_err(err, SIM_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(t->path, path, n + 1);
	snprintf(t->tmp, n + 5, "%s.tmp", path);
	t->f = fopen(t->tmp, "w");
	if (!t->f) {
		sim_err(err, SIM_EIO, "%s: cannot write the trace: %s", path, strerror(errno));
		free(t->path);
		free(t->tmp);
		free(t);
		return NULL;
	}
	t->mhz = clock_mhz;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", t->f);
	fprintf(t->f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"sharpsim\"}}");
	for (int i = 1; i < TRACE_NTRACKS; i++)
		fprintf(t->f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":\"%s\"}}"
			",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"sort_index\":%d}}",
			i, track_names[i], i, i);
	return t;
}

void trace_slice(trace_t *t, int track, const char *name, uint64_t start, uint64_t end, const char *args)
{
	double us = 1.0 / t->mhz;
	fprintf(t->f, ",\n{\"name\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%.6f,\"dur\":%.6f,"
		"\"args\":{\"cycle\":%llu,\"cycles\":%llu%s%s}}",
		name, track, (double)start * us, (double)(end - start) * us, (unsigned long long)start,
		(unsigned long long)(end - start), args ? "," : "", args ? args : "");
}

int trace_close(trace_t *t, bool ok, sim_err_t *err)
{
	if (!t)
		return SIM_OK;
	int rc = SIM_OK;
	fputs("\n]}\n", t->f);
	if (fclose(t->f) != 0 && ok)
		rc = sim_err(err, SIM_EIO, "%s: cannot write the trace: %s", t->path, strerror(errno));
	if (ok && rc == SIM_OK && rename(t->tmp, t->path) != 0)
		rc = sim_err(err, SIM_EIO, "%s: cannot rename the trace into place: %s", t->path, strerror(errno));
	if (!ok || rc)
		remove(t->tmp);
	free(t->path);
	free(t->tmp);
	free(t);
	return rc;
}
