/*
 * apx_svd.h - the progressive rank-1 decomposition of Kouris, Venieris,
 * Rizakis and Bouganis ("Approximate LSTMs for time-constrained inference",
 * IEEE Consumer Electronics Magazine, 2020) for one gate matrix A (R x C,
 * the augmented [W_x W_h] of a gate acting on x~ = [x_t; h_{t-1}]).
 *
 * Decomposition (offline): E_0 = A; for n = 1..N:
 *   sigma_n u_n v_n^T = the leading singular triple of E_{n-1} (LAPACK
 *                       dgesvd), signs fixed so that v_n's entry of largest
 *                       magnitude (the first such) is positive;
 *   p_n  = v_n with all but its NZ largest-magnitude entries set to 0 (ties
 *          to the lower index); kept as NZ values and their column indices,
 *          indices ascending;
 *   E_n  = E_{n-1} - sigma_n u_n p_n^T.
 * Invariant: ||E_n||_F^2 = ||E_{n-1}||_F^2 - sigma_n^2 ||p_n||^2, so the
 * residual never grows with N (E^T u = sigma v gives u^T E p = sigma ||p||^2,
 * as p is v restricted to its support). With NZ = C and N = rank(A) the
 * residual is 0 up to rounding, i.e. the product is the dense one.
 *
 * Evaluation (online): y_k = sum_{n<=k} sigma_n u_n (p_n^T x~), usable after
 * any k. Operations per gate and step n, as the paper counts them: NZ
 * multiplies and NZ adds for the sparse dot product s = p_n^T x~, one
 * multiply for t = sigma_n s, R multiplies and R adds for y += u_n t:
 * 2R + 2NZ + 1; N steps cost N (2R + 2NZ + 1) against 2RC dense.
 */
#ifndef SHARPSIM_APX_SVD_H
#define SHARPSIM_APX_SVD_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

typedef struct apx_factors apx_factors_t;

/* Decomposes the row-major R x C matrix a into N steps of NZ non-zeros.
 * SIM_EINPUT when NZ is not in 1..C or N < 1. */
int apx_svd_decompose(const double *a, size_t R, size_t C, unsigned steps, size_t nz, apx_factors_t **out,
		      sim_err_t *err);
void apx_factors_destroy(apx_factors_t *f);

size_t apx_factors_rows(const apx_factors_t *f);
size_t apx_factors_cols(const apx_factors_t *f);
unsigned apx_factors_steps(const apx_factors_t *f);
size_t apx_factors_nz(const apx_factors_t *f);
/* sigma (N), u (N x R), v values (N x NZ), v column indices (N x NZ). */
const double *apx_factors_sigma(const apx_factors_t *f);
const double *apx_factors_u(const apx_factors_t *f);
const double *apx_factors_v(const apx_factors_t *f);
const uint32_t *apx_factors_index(const apx_factors_t *f);
/* ||E_k||_F for k = 0..N (k = 0: ||A||_F). */
double apx_factors_residual(const apx_factors_t *f, unsigned k);

/* Adds refinement step n (0-based) to y (R values): y += sigma_n u_n
 * (p_n^T x). Returns the operations done, counted as they are executed. */
uint64_t apx_svd_step(const apx_factors_t *f, unsigned n, const double *x, double *y);
/* y = the output after the first k steps (y zeroed first); returns the
 * operations done. */
uint64_t apx_svd_eval(const apx_factors_t *f, unsigned k, const double *x, double *y);
/* N (2R + 2NZ + 1), the closed form. */
uint64_t apx_svd_ops(unsigned steps, size_t R, size_t nz);

/* Writes <dir>/<prefix>_sigma.npy (N,), _u.npy (N, R), _v.npy (N, NZ) as
 * <f8 and _vidx.npy (N, NZ) as <f8 holding exact integers (npy.h writes
 * floating-point dtypes only; every index below 2^53 is exact). */
int apx_factors_save(const apx_factors_t *f, const char *dir, const char *prefix, sim_err_t *err);

/* Reads what apx_factors_save wrote, keeping the first `steps` of the
 * stored steps, for a gate of R rows, C columns and NZ kept entries per
 * step. SIM_EINPUT, naming the file, when one cannot be read, its shape
 * disagrees (fewer than `steps` steps, another R or NZ, files of different
 * step counts: the message gives the shape expected), or an index is not
 * an integer in 0..C-1. */
int apx_factors_load(const char *dir, const char *prefix, size_t R, size_t C, unsigned steps, size_t nz,
		     apx_factors_t **out, sim_err_t *err);

#endif
