/*
 * npy.h - NumPy .npy files (format versions 1.0 and 2.0), the interchange
 * format for weights, inputs and functional-run outputs.
 *
 * Supported: dtypes '<f2', '<f4', '<f8', C order, any number of dimensions
 * up to NPY_MAX_DIMS (0-d arrays included). Refused with a one-line message
 * naming the file: Fortran order, big-endian or other dtypes, bad magic,
 * unsupported version, a truncated header or data, a malformed header dict,
 * trailing bytes after the data, a NaN or an infinity (the message names
 * the first one's index), a header over NPY_MAX_HEADER_BYTES or data over
 * NPY_MAX_DATA_BYTES (refused from the header, before reading the data).
 *
 * Values are handed over as doubles: reading widens exactly (every f2/f4
 * value is a double); writing rounds once, to nearest even (f2 straight from
 * double, never via f4). Writes go through afile.h: atomic for a regular
 * file, in place for a device.
 */
#ifndef SHARPSIM_NPY_H
#define SHARPSIM_NPY_H

#include <stddef.h>

#include "../common/err.h"

#define NPY_MAX_DIMS 8
/* numpy writes headers of a few hundred bytes. */
#define NPY_MAX_HEADER_BYTES 65536
/* The largest layer of the studies (H = I = 4096, LSTM, f8) is 1 GiB of W
 * and U together; no single array is larger. */
#define NPY_MAX_DATA_BYTES ((size_t)1 << 30)

typedef enum { NPY_F2 = 0, NPY_F4, NPY_F8 } npy_dtype_t;

typedef struct npy_array {
	npy_dtype_t dtype; /* as stored in the file */
	unsigned ndim;
	size_t shape[NPY_MAX_DIMS];
	size_t count; /* product of shape (1 for 0-d) */
	double *data; /* count values, C order; owned */
} npy_array_t;

/* Reads path into *out (zeroed on failure). SIM_EINPUT when the file cannot
 * be opened or read or its content is not a supported .npy: either way the
 * input is at fault (exit status 2). */
int npy_read(const char *path, npy_array_t *out, sim_err_t *err);
/* Frees out->data and zeroes *out. */
void npy_free(npy_array_t *a);

/* Writes count = prod(shape) doubles as dtype, atomically. */
int npy_write(const char *path, npy_dtype_t dtype, unsigned ndim, const size_t *shape, const double *data,
	      sim_err_t *err);

/* The same file written in pieces, so a T-step sequence never has to be
 * held at once: the header (shape stated up front) goes out on open, each put
 * appends values in C order, commit checks that exactly prod(shape) values
 * came and renames atomically; abort (or any failed call's caller) discards
 * the file. A failed put leaves the writer for the caller to abort. */
typedef struct npy_writer npy_writer_t;
npy_writer_t *npy_writer_open(const char *path, npy_dtype_t dtype, unsigned ndim, const size_t *shape, sim_err_t *err);
int npy_writer_put(npy_writer_t *w, const double *data, size_t n, sim_err_t *err);
/* Frees w whatever the outcome. */
int npy_writer_commit(npy_writer_t *w, sim_err_t *err);
void npy_writer_abort(npy_writer_t *w);

/* NumPy's spelling of a shape: "()", "(5,)", "(3, 4)". Returns buf. */
const char *npy_shape_str(unsigned ndim, const size_t *shape, char *buf, size_t len);
/* "<f2", "<f4", "<f8". */
const char *npy_dtype_name(npy_dtype_t t);

#endif
