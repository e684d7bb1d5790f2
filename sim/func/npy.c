/*
 * npy.c - .npy reader and writer.
 *
 * File layout: "\x93NUMPY", major, minor, header length (uint16 LE for 1.0,
 * uint32 LE for 2.0), an ASCII Python dict literal
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and a final '\n' so that the data starts at a multiple
 * of 64 bytes, then the raw little-endian values in C order. The dict parser
 * below accepts exactly the three keys, in any order, with single or double
 * quotes and optional trailing commas, which covers every writer we know of
 * (numpy's own) without evaluating arbitrary Python.
 */
#include "npy.h"

#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../arith/fp.h"
#include "../common/afile.h"

static const unsigned char MAGIC[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };

static size_t dtype_size(npy_dtype_t t)
{
	return t == NPY_F2 ? 2 : t == NPY_F4 ? 4 : 8;
}

const char *npy_dtype_name(npy_dtype_t t)
{
	return t == NPY_F2 ? "<f2" : t == NPY_F4 ? "<f4" : "<f8";
}

const char *npy_shape_str(unsigned ndim, const size_t *shape, char *buf, size_t len)
{
	size_t n = 0;
	n += (size_t)snprintf(buf + n, len > n ? len - n : 0, "(");
	for (unsigned i = 0; i < ndim; i++)
		n += (size_t)snprintf(buf + n, len > n ? len - n : 0, "%s%zu", i ? ", " : "", shape[i]);
	snprintf(buf + n, len > n ? len - n : 0, ndim == 1 ? ",)" : ")");
	return buf;
}

/* ---- header dict parser --------------------------------------------------- */

typedef struct hdr {
	const char *p, *end;
	const char *path;
	sim_err_t *err;
} hdr_t;

static void skip_ws(hdr_t *h)
{
	while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' || *h->p == '\n' || *h->p == '\r'))
		h->p++;
}

static int bad(hdr_t *h, const char *what)
{
	return sim_err(h->err, SIM_EINPUT, "%s: malformed .npy header: %s", h->path, what);
}

static int expect(hdr_t *h, char c)
{
	skip_ws(h);
	if (h->p >= h->end || *h->p != c) {
		char msg[32];
		snprintf(msg, sizeof msg, "expected '%c'", c);
		return bad(h, msg);
	}
	h->p++;
	return SIM_OK;
}

static int parse_str(hdr_t *h, char *out, size_t len)
{
	skip_ws(h);
	if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
		return bad(h, "expected a quoted string");
	char q = *h->p++;
	size_t n = 0;
	while (h->p < h->end && *h->p != q) {
		if (n + 1 < len)
			out[n++] = *h->p;
		h->p++;
	}
	if (h->p >= h->end)
		return bad(h, "unterminated string");
	h->p++;
	out[n] = '\0';
	return SIM_OK;
}

static int parse_shape(hdr_t *h, npy_array_t *a)
{
	int rc = expect(h, '(');
	if (rc)
		return rc;
	a->ndim = 0;
	for (;;) {
		skip_ws(h);
		if (h->p < h->end && *h->p == ')') {
			h->p++;
			return SIM_OK;
		}
		if (h->p >= h->end || *h->p < '0' || *h->p > '9')
			return bad(h, "shape must be a tuple of non-negative integers");
		uint64_t v = 0;
		while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return bad(h, "dimension too large");
			v = v * 10 + (uint64_t)(*h->p++ - '0');
		}
		if (a->ndim == NPY_MAX_DIMS)
			return bad(h, "too many dimensions");
		a->shape[a->ndim++] = (size_t)v;
		skip_ws(h);
		if (h->p < h->end && *h->p == ',')
			h->p++;
		else if (h->p >= h->end || *h->p != ')')
			return bad(h, "expected ',' or ')' in shape");
	}
}

static int parse_dict(hdr_t *h, npy_array_t *a)
{
	bool have_descr = false, have_order = false, have_shape = false;
	int rc = expect(h, '{');
	if (rc)
		return rc;
	for (;;) {
		skip_ws(h);
		if (h->p < h->end && *h->p == '}') {
			h->p++;
			break;
		}
		char key[32];
		if ((rc = parse_str(h, key, sizeof key)) || (rc = expect(h, ':')))
			return rc;
		if (strcmp(key, "descr") == 0) {
			char d[32];
			if ((rc = parse_str(h, d, sizeof d)))
				return rc;
			if (strcmp(d, "<f2") == 0)
				a->dtype = NPY_F2;
			else if (strcmp(d, "<f4") == 0)
				a->dtype = NPY_F4;
			else if (strcmp(d, "<f8") == 0)
				a->dtype = NPY_F8;
			else if (d[0] == '>')
				return sim_err(h->err, SIM_EINPUT,
					       "%s: dtype '%s' is big-endian, expected "
					       "little-endian '<f2', '<f4' or '<f8' (use arr.astype('<f4'))",
					       h->path, d);
			else
				return sim_err(h->err, SIM_EINPUT,
					       "%s: dtype '%s' is not supported, "
					       "expected '<f2', '<f4' or '<f8'",
					       h->path, d);
			have_descr = true;
		} else if (strcmp(key, "fortran_order") == 0) {
			skip_ws(h);
			if ((size_t)(h->end - h->p) >= 5 && memcmp(h->p, "False", 5) == 0) {
				h->p += 5;
			} else if ((size_t)(h->end - h->p) >= 4 && memcmp(h->p, "True", 4) == 0) {
				return sim_err(h->err, SIM_EINPUT,
					       "%s: array is in Fortran order, expected "
					       "C order (save np.ascontiguousarray(arr))",
					       h->path);
			} else {
				return bad(h, "fortran_order must be True or False");
			}
			have_order = true;
		} else if (strcmp(key, "shape") == 0) {
			if ((rc = parse_shape(h, a)))
				return rc;
			have_shape = true;
		} else {
			return bad(h, "unknown key (expected descr, fortran_order, shape)");
		}
		skip_ws(h);
		if (h->p < h->end && *h->p == ',')
			h->p++;
		else if (h->p >= h->end || *h->p != '}')
			return bad(h, "expected ',' or '}'");
	}
	if (!have_descr || !have_order || !have_shape)
		return bad(h, "missing descr, fortran_order or shape");
	return SIM_OK;
}

/* ---- reading ------------------------------------------------------------- */

static uint64_t load_le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

static void store_le(unsigned char *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xFF);
}

/* Reads exactly n bytes; false at end of file or on an error. */
static bool read_n(FILE *f, unsigned char *p, size_t n)
{
	return fread(p, 1, n, f) == n;
}

/* The C-order index of element i ("(1, 2)"), for messages. */
static const char *index_str(const npy_array_t *a, size_t i, char *buf, size_t len)
{
	size_t idx[NPY_MAX_DIMS];
	for (unsigned k = a->ndim; k-- > 0;) {
		idx[k] = a->shape[k] ? i % a->shape[k] : 0;
		i = a->shape[k] ? i / a->shape[k] : 0;
	}
	return npy_shape_str(a->ndim, idx, buf, len);
}

/* Streams the header, then the data in chunks, so that an endless or huge
 * input (/dev/zero, a header announcing terabytes) is refused after reading
 * at most what the header promised and never allocates more than it read. */
static int read_npy(FILE *f, const char *path, npy_array_t *a, sim_err_t *err)
{
	unsigned char pre[12];
	if (!read_n(f, pre, sizeof MAGIC) || memcmp(pre, MAGIC, sizeof MAGIC) != 0)
		return sim_err(err, SIM_EINPUT, "%s: not a .npy file (bad magic), expected \\x93NUMPY", path);
	if (!read_n(f, pre + 6, 4))
		return sim_err(err, SIM_EINPUT, "%s: truncated .npy header", path);
	unsigned major = pre[6];
	size_t hlen;
	if (major == 1) {
		hlen = (size_t)load_le(pre + 8, 2);
	} else if (major == 2) {
		if (!read_n(f, pre + 10, 2))
			return sim_err(err, SIM_EINPUT, "%s: truncated .npy header", path);
		hlen = (size_t)load_le(pre + 8, 4);
	} else {
		return sim_err(err, SIM_EINPUT, "%s: .npy format version %u.%u is not supported, expected 1.0 or 2.0",
			       path, major, pre[7]);
	}
	if (hlen > NPY_MAX_HEADER_BYTES)
		return sim_err(err, SIM_EINPUT, "%s: .npy header of %zu bytes, expected at most %d", path, hlen,
			       NPY_MAX_HEADER_BYTES);
	char hbuf[NPY_MAX_HEADER_BYTES];
	size_t got = fread(hbuf, 1, hlen, f);
	if (got != hlen)
		return sim_err(err, SIM_EINPUT, "%s: truncated .npy header (%zu bytes announced, %zu present)", path,
			       hlen, got);
	hdr_t h = { hbuf, hbuf + hlen, path, err };
	int rc = parse_dict(&h, a);
	if (rc)
		return rc;
	size_t isz = dtype_size(a->dtype);
	a->count = 1;
	for (unsigned i = 0; i < a->ndim; i++) {
		if (a->shape[i] && a->count > NPY_MAX_DATA_BYTES / isz / a->shape[i]) {
			char sh[NPY_MAX_DIMS * 24 + 8];
			return sim_err(err, SIM_EINPUT,
				       "%s: shape %s is larger than %llu bytes, expected a smaller array", path,
				       npy_shape_str(a->ndim, a->shape, sh, sizeof sh),
				       (unsigned long long)NPY_MAX_DATA_BYTES);
		}
		a->count *= a->shape[i];
	}
	size_t want = a->count * isz, cap = 0, have = 0;
	unsigned char chunk[1 << 16];
	while (have < a->count) {
		size_t n = a->count - have;
		if (n > sizeof chunk / isz)
			n = sizeof chunk / isz;
		size_t bytes = fread(chunk, 1, n * isz, f);
		if (bytes < n * isz) {
			char sh[NPY_MAX_DIMS * 24 + 8];
			return sim_err(err, SIM_EINPUT,
				       "%s: truncated data: %zu bytes, expected %zu for shape %s of %s", path,
				       have * isz + bytes, want, npy_shape_str(a->ndim, a->shape, sh, sizeof sh),
				       npy_dtype_name(a->dtype));
		}
		if (have + n > cap) {
			size_t nc = cap ? 2 * cap : 4096;
			nc = nc < have + n ? have + n : nc > a->count ? a->count : nc;
			double *p = realloc(a->data, nc * sizeof *p);
			if (!p)
				return sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
			a->data = p;
			cap = nc;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t v = load_le(chunk + i * isz, isz);
			double x;
			if (a->dtype == NPY_F2)
				x = arith_f16_to_double((uint16_t)v);
			else if (a->dtype == NPY_F4)
				x = arith_f32_to_double((uint32_t)v);
			else
				memcpy(&x, &v, sizeof x);
			if (!isfinite(x)) {
				char ix[NPY_MAX_DIMS * 24 + 8];
				return sim_err(err, SIM_EINPUT,
					       "%s: element %zu at index %s is %s, expected finite values", path,
					       have + i, index_str(a, have + i, ix, sizeof ix),
					       isnan(x) ? "nan"
					       : x > 0	? "inf"
							: "-inf");
			}
			a->data[have + i] = x;
		}
		have += n;
	}
	if (fgetc(f) != EOF) {
		char sh[NPY_MAX_DIMS * 24 + 8];
		return sim_err(err, SIM_EINPUT,
			       "%s: trailing bytes after the data, expected exactly %zu bytes for "
			       "shape %s of %s",
			       path, want, npy_shape_str(a->ndim, a->shape, sh, sizeof sh), npy_dtype_name(a->dtype));
	}
	if (ferror(f))
		return sim_err(err, SIM_EINPUT, "%s: cannot read: %s", path, strerror(errno));
	if (!a->data && !(a->data = malloc(sizeof *a->data)))
		return sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
	return SIM_OK;
}

int npy_read(const char *path, npy_array_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "rb");
	if (!f)
		return sim_err(err, SIM_EINPUT, "%s: cannot open: %s, expected a readable .npy file", path,
			       strerror(errno));
	npy_array_t a;
	memset(&a, 0, sizeof a);
	int rc = read_npy(f, path, &a, err);
	fclose(f);
	if (rc) {
		free(a.data);
		return rc;
	}
	*out = a;
	return SIM_OK;
}

void npy_free(npy_array_t *a)
{
	free(a->data);
	memset(a, 0, sizeof *a);
}

/* ---- writing ------------------------------------------------------------- */

struct npy_writer {
	afile_t *out;
	npy_dtype_t dtype;
	size_t count, done; /* values the header promised, values written */
	char path[1024];
};

npy_writer_t *npy_writer_open(const char *path, npy_dtype_t dtype, unsigned ndim, const size_t *shape, sim_err_t *err)
{
	if (ndim > NPY_MAX_DIMS) {
		sim_err(err, SIM_EINTERNAL, "%s: %u dimensions, at most %d", path, ndim, NPY_MAX_DIMS);
		return NULL;
	}
	char sh[NPY_MAX_DIMS * 24 + 8];
	npy_shape_str(ndim, shape, sh, sizeof sh);
	char dict[sizeof sh + 96];
	int dl = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
			  npy_dtype_name(dtype), sh);
	/* pad with spaces so that magic + version + length + dict + '\n' is a
	 * multiple of 64 (version 1.0 always suffices for this dict) */
	size_t pre = 10, total = pre + (size_t)dl + 1;
	size_t padded = (total + 63) / 64 * 64;
	size_t hlen = padded - pre;
	unsigned char *head = malloc(padded);
	npy_writer_t *w = calloc(1, sizeof *w);
	if (!head || !w) {
		free(head);
		free(w);
		sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	memcpy(head, MAGIC, sizeof MAGIC);
	head[6] = 1;
	head[7] = 0;
	store_le(head + 8, hlen, 2);
	memcpy(head + pre, dict, (size_t)dl);
	memset(head + pre + dl, ' ', hlen - (size_t)dl - 1);
	head[padded - 1] = '\n';
	w->dtype = dtype;
	w->count = 1;
	for (unsigned i = 0; i < ndim; i++)
		w->count *= shape[i];
	snprintf(w->path, sizeof w->path, "%s", path);
	w->out = afile_open(path, err);
	if (!w->out) {
		free(head);
		free(w);
		return NULL;
	}
	bool ok = fwrite(head, 1, padded, afile_stream(w->out)) == padded;
	free(head);
	if (!ok) {
		sim_err(err, SIM_EIO, "%s: cannot write: %s", path, strerror(errno));
		npy_writer_abort(w);
		return NULL;
	}
	return w;
}

int npy_writer_put(npy_writer_t *w, const double *data, size_t n, sim_err_t *err)
{
	if (w->done + n > w->count)
		return sim_err(err, SIM_EINTERNAL, "%s: %zu values beyond the header's %zu", w->path,
			       w->done + n - w->count, w->count);
	FILE *f = afile_stream(w->out);
	size_t isz = dtype_size(w->dtype);
	unsigned char cell[8];
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		if (w->dtype == NPY_F2)
			v = arith_double_to_f16(data[i]);
		else if (w->dtype == NPY_F4)
			v = arith_double_to_f32(data[i]);
		else
			memcpy(&v, &data[i], sizeof v);
		store_le(cell, v, isz);
		if (fwrite(cell, 1, isz, f) != isz)
			return sim_err(err, SIM_EIO, "%s: cannot write: %s", w->path, strerror(errno));
	}
	w->done += n;
	return SIM_OK;
}

int npy_writer_commit(npy_writer_t *w, sim_err_t *err)
{
	if (w->done != w->count) {
		sim_err(err, SIM_EINTERNAL, "%s: %zu values written, the header states %zu", w->path, w->done,
			w->count);
		npy_writer_abort(w);
		return err->code;
	}
	int rc = afile_commit(w->out, err);
	free(w);
	return rc;
}

void npy_writer_abort(npy_writer_t *w)
{
	if (!w)
		return;
	afile_abort(w->out);
	free(w);
}

int npy_write(const char *path, npy_dtype_t dtype, unsigned ndim, const size_t *shape, const double *data,
	      sim_err_t *err)
{
	npy_writer_t *w = npy_writer_open(path, dtype, ndim, shape, err);
	if (!w)
		return err->code;
	if (npy_writer_put(w, data, w->count, err)) {
		npy_writer_abort(w);
		return err->code;
	}
	return npy_writer_commit(w, err);
}
