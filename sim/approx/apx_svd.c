/*
 * apx_svd.c - the decomposer and evaluator of apx_svd.h. Each step copies
 * the residual (dgesvd overwrites its input) and asks LAPACK for the thin
 * SVD; only the first triple is kept. For the gate shapes of interest
 * (R = 64..4096 rows) a step costs O(R^2 C), which is what an offline tool
 * can afford.
 *
 * LAPACKE is linked. The program links it statically, with everything
 * else (Makefile, BIN_LDLIBS), so a run that never decomposes pays
 * nothing for it at start-up: no shared object is mapped or relocated,
 * and LAPACK's code is only paged in when a decomposition runs. A shared
 * LAPACK would be mapped by every process (about 0.9 ms of a 3.3 ms
 * run when it was), which is why it was once opened with dlopen instead.
 */
#include "apx_svd.h"

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../func/npy.h"

struct apx_factors {
	size_t R, C, nz;
	unsigned steps;
	double *sigma, *u, *v, *resid;
	uint32_t *idx;
};

void apx_factors_destroy(apx_factors_t *f)
{
	if (!f)
		return;
	free(f->sigma);
	free(f->u);
	free(f->v);
	free(f->resid);
	free(f->idx);
	free(f);
}

size_t apx_factors_rows(const apx_factors_t *f)
{
	return f->R;
}
size_t apx_factors_cols(const apx_factors_t *f)
{
	return f->C;
}
unsigned apx_factors_steps(const apx_factors_t *f)
{
	return f->steps;
}
size_t apx_factors_nz(const apx_factors_t *f)
{
	return f->nz;
}
const double *apx_factors_sigma(const apx_factors_t *f)
{
	return f->sigma;
}
const double *apx_factors_u(const apx_factors_t *f)
{
	return f->u;
}
const double *apx_factors_v(const apx_factors_t *f)
{
	return f->v;
}
const uint32_t *apx_factors_index(const apx_factors_t *f)
{
	return f->idx;
}
double apx_factors_residual(const apx_factors_t *f, unsigned k)
{
	return f->resid[k];
}

uint64_t apx_svd_ops(unsigned steps, size_t R, size_t nz)
{
	return (uint64_t)steps * (2 * (uint64_t)R + 2 * (uint64_t)nz + 1);
}

static double frob(const double *e, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		s += e[i] * e[i];
	return sqrt(s);
}

typedef struct mag {
	double a;
	uint32_t j;
} mag_t;

static int by_mag(const void *x, const void *y)
{
	const mag_t *p = x, *q = y;
	if (p->a != q->a)
		return p->a > q->a ? -1 : 1;
	return p->j < q->j ? -1 : p->j > q->j;
}

static int by_index(const void *x, const void *y)
{
	const mag_t *p = x, *q = y;
	return p->j < q->j ? -1 : p->j > q->j;
}

int apx_svd_decompose(const double *a, size_t R, size_t C, unsigned steps, size_t nz, apx_factors_t **out,
		      sim_err_t *err)
{
	*out = NULL;
	if (R == 0 || C == 0)
		return sim_err(err, SIM_EINPUT, "empty gate matrix (%zu x %zu), expected at least one weight", R, C);
	if (nz < 1 || nz > C)
		return sim_err(err, SIM_EINPUT,
			       "NZ %zu is outside 1..%zu, expected at most the %zu columns "
			       "of [W_x W_h]",
			       nz, C, C);
	if (steps < 1)
		return sim_err(err, SIM_EINPUT, "refine_steps %u, expected at least 1", steps);
	if (C > UINT32_MAX)
		return sim_err(err, SIM_EINPUT, "%zu columns, expected at most %u", C, UINT32_MAX);
	size_t m = R < C ? R : C;
	apx_factors_t *f = calloc(1, sizeof *f);
	double *e = malloc(R * C * sizeof *e), *work = malloc(R * C * sizeof *work);
	double *s = malloc(m * sizeof *s), *uu = malloc(R * m * sizeof *uu), *vt = malloc(m * C * sizeof *vt);
	double *superb = malloc((m > 1 ? m - 1 : 1) * sizeof *superb);
	mag_t *mg = malloc(C * sizeof *mg);
	int rc = SIM_OK;
	if (f) {
		f->R = R, f->C = C, f->nz = nz, f->steps = steps;
		f->sigma = malloc(steps * sizeof *f->sigma);
		f->u = malloc((size_t)steps * R * sizeof *f->u);
		f->v = malloc((size_t)steps * nz * sizeof *f->v);
		f->idx = malloc((size_t)steps * nz * sizeof *f->idx);
		f->resid = malloc((steps + 1) * sizeof *f->resid);
	}
	if (!f || !e || !work || !s || !uu || !vt || !superb || !mg || !f->sigma || !f->u || !f->v || !f->idx ||
	    !f->resid) {
		rc = sim_err(err, SIM_ENOMEM, "out of memory decomposing a %zu x %zu gate into %u steps", R, C, steps);
		goto out;
	}
	memcpy(e, a, R * C * sizeof *e);
	f->resid[0] = frob(e, R * C);
	for (unsigned n = 0; n < steps; n++) {
		memcpy(work, e, R * C * sizeof *e);
		lapack_int info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'S', 'S', (lapack_int)R, (lapack_int)C, work,
						 (lapack_int)C, s, uu, (lapack_int)m, vt, (lapack_int)C, superb);
		if (info != 0) {
			rc = sim_err(err, SIM_EINTERNAL, "LAPACK dgesvd failed at refinement step %u (info %d)", n + 1,
				     (int)info);
			goto out;
		}
		/* sign: the first entry of largest magnitude of v is positive */
		size_t jmax = 0;
		for (size_t j = 1; j < C; j++)
			if (fabs(vt[j]) > fabs(vt[jmax]))
				jmax = j;
		double sg = vt[jmax] < 0 ? -1.0 : 1.0;
		double sigma = s[0];
		double *un = f->u + (size_t)n * R;
		for (size_t i = 0; i < R; i++)
			un[i] = sg * uu[i * m];
		for (size_t j = 0; j < C; j++)
			mg[j] = (mag_t){ fabs(vt[j]), (uint32_t)j };
		qsort(mg, C, sizeof *mg, by_mag);
		qsort(mg, nz, sizeof *mg, by_index);
		f->sigma[n] = sigma;
		for (size_t k = 0; k < nz; k++) {
			uint32_t j = mg[k].j;
			double vj = sg * vt[j];
			f->idx[(size_t)n * nz + k] = j;
			f->v[(size_t)n * nz + k] = vj;
			for (size_t i = 0; i < R; i++)
				e[i * C + j] -= sigma * un[i] * vj;
		}
		f->resid[n + 1] = frob(e, R * C);
	}
	*out = f;
	f = NULL;
out:
	apx_factors_destroy(f);
	free(e);
	free(work);
	free(s);
	free(uu);
	free(vt);
	free(superb);
	free(mg);
	return rc;
}

uint64_t apx_svd_step(const apx_factors_t *f, unsigned n, const double *x, double *y)
{
	const double *v = f->v + (size_t)n * f->nz, *u = f->u + (size_t)n * f->R;
	const uint32_t *ix = f->idx + (size_t)n * f->nz;
	uint64_t ops = 0;
	double s = 0.0;
	for (size_t k = 0; k < f->nz; k++, ops += 2)
		s += v[k] * x[ix[k]];
	double t = f->sigma[n] * s;
	ops++;
	for (size_t i = 0; i < f->R; i++, ops += 2)
		y[i] += u[i] * t;
	return ops;
}

uint64_t apx_svd_eval(const apx_factors_t *f, unsigned k, const double *x, double *y)
{
	memset(y, 0, f->R * sizeof *y);
	uint64_t ops = 0;
	for (unsigned n = 0; n < k && n < f->steps; n++)
		ops += apx_svd_step(f, n, x, y);
	return ops;
}

int apx_factors_save(const apx_factors_t *f, const char *dir, const char *prefix, sim_err_t *err)
{
	char path[1536];
	size_t N = f->steps, shape[2];
	double *ix = malloc(N * f->nz * sizeof *ix);
	if (!ix)
		return sim_err(err, SIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < N * f->nz; i++)
		ix[i] = (double)f->idx[i];
	int rc;
	shape[0] = N;
	snprintf(path, sizeof path, "%s/%s_sigma.npy", dir, prefix);
	if ((rc = npy_write(path, NPY_F8, 1, shape, f->sigma, err)))
		goto out;
	shape[1] = f->R;
	snprintf(path, sizeof path, "%s/%s_u.npy", dir, prefix);
	if ((rc = npy_write(path, NPY_F8, 2, shape, f->u, err)))
		goto out;
	shape[1] = f->nz;
	snprintf(path, sizeof path, "%s/%s_v.npy", dir, prefix);
	if ((rc = npy_write(path, NPY_F8, 2, shape, f->v, err)))
		goto out;
	snprintf(path, sizeof path, "%s/%s_vidx.npy", dir, prefix);
	rc = npy_write(path, NPY_F8, 2, shape, ix, err);
out:
	free(ix);
	return rc;
}

/* One factor file, read and its shape checked: n steps (n = 0: sigma's,
 * any count >= steps) by cols (0: one dimension). */
static int load_one(const char *dir, const char *prefix, const char *what, size_t n, unsigned steps, size_t cols,
		    npy_array_t *a, sim_err_t *err)
{
	char path[1536], got[96], want[128];
	snprintf(path, sizeof path, "%s/%s_%s.npy", dir, prefix, what);
	int rc = npy_read(path, a, err);
	if (rc)
		return rc;
	unsigned nd = cols ? 2 : 1;
	if (a->ndim == nd && (n ? a->shape[0] == n : a->shape[0] >= steps) && (!cols || a->shape[1] == cols))
		return SIM_OK;
	npy_shape_str(a->ndim, a->shape, got, sizeof got);
	if (!n)
		snprintf(want, sizeof want, "(N,) with N >= approx_steps = %u", steps);
	else if (cols)
		snprintf(want, sizeof want, "(%zu, %zu)", n, cols);
	else
		snprintf(want, sizeof want, "(%zu,)", n);
	rc = sim_err(err, SIM_EINPUT, "%s: shape %s, expected %s", path, got, want);
	npy_free(a);
	return rc;
}

int apx_factors_load(const char *dir, const char *prefix, size_t R, size_t C, unsigned steps, size_t nz,
		     apx_factors_t **out, sim_err_t *err)
{
	*out = NULL;
	npy_array_t s = { 0 }, u = { 0 }, v = { 0 }, ix = { 0 };
	int rc = load_one(dir, prefix, "sigma", 0, steps, 0, &s, err);
	size_t n = s.ndim ? s.shape[0] : 0;
	if (!rc)
		rc = load_one(dir, prefix, "u", n, steps, R, &u, err);
	if (!rc)
		rc = load_one(dir, prefix, "v", n, steps, nz, &v, err);
	if (!rc)
		rc = load_one(dir, prefix, "vidx", n, steps, nz, &ix, err);
	apx_factors_t *f = NULL;
	if (!rc && !(f = calloc(1, sizeof *f)))
		rc = sim_err(err, SIM_ENOMEM, "out of memory");
	if (!rc) {
		f->R = R, f->C = C, f->nz = nz, f->steps = steps;
		f->sigma = malloc(steps * sizeof *f->sigma);
		f->u = malloc(steps * R * sizeof *f->u);
		f->v = malloc(steps * nz * sizeof *f->v);
		f->idx = malloc(steps * nz * sizeof *f->idx);
		f->resid = calloc(steps + 1, sizeof *f->resid); /* not known for loaded factors */
		if (!f->sigma || !f->u || !f->v || !f->idx || !f->resid)
			rc = sim_err(err, SIM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; !rc && i < (size_t)steps * nz; i++) {
		double x = ix.data[i];
		if (!(x >= 0 && x < (double)C && x == floor(x)))
			rc = sim_err(err, SIM_EINPUT,
				     "%s/%s_vidx.npy: entry %zu is %g, expected an integer from 0 to %zu", dir, prefix,
				     i, x, C - 1);
		else
			f->idx[i] = (uint32_t)x;
	}
	if (!rc) {
		memcpy(f->sigma, s.data, steps * sizeof *f->sigma);
		memcpy(f->u, u.data, steps * R * sizeof *f->u);
		memcpy(f->v, v.data, steps * nz * sizeof *f->v);
		*out = f;
	} else {
		apx_factors_destroy(f);
	}
	npy_free(&s);
	npy_free(&u);
	npy_free(&v);
	npy_free(&ix);
	return rc;
}
