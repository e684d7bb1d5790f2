#include "onnx_pb.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct onnx_pb {
	ProtobufCAllocator alloc;
	size_t used, budget;
	bool over;
	ProtobufCMessage *msg;
};

/* protobuf-c's allocator hooks: malloc/free, counted against the budget.
 * The count only grows (frees are not subtracted): unpacking frees only on
 * failure, and a bound on the total is what the budget promises. */
static void *pb_alloc(void *data, size_t size)
{
	onnx_pb_t *p = data;
	if (size > p->budget - p->used) {
		p->over = true;
		return NULL;
	}
	p->used += size;
	return malloc(size ? size : 1);
}

static void pb_release(void *data, void *ptr)
{
	(void)data;
	free(ptr);
}

/* ---- wire-format pre-scan ------------------------------------------------ */

typedef struct scan {
	const char *path;
	sim_err_t *err;
} scan_t;

static bool varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

/* Walks one message's fields; recurses into fields the schema says are
 * messages, refusing nesting beyond ONNX_PB_MAX_DEPTH. Linear in the bytes
 * per level, so at most ONNX_PB_MAX_DEPTH passes over the file. */
static int scan_msg(const scan_t *s, const uint8_t *base, const uint8_t *p, const uint8_t *end,
		    const ProtobufCMessageDescriptor *d, unsigned depth)
{
	while (p < end) {
		const uint8_t *at = p;
		uint64_t tag, v;
		if (!varint(&p, end, &tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
			return sim_err(s->err, SIM_EINPUT,
				       "%s: malformed protobuf at byte %zu (bad field tag), expected "
				       "an ONNX protobuf file",
				       s->path, (size_t)(at - base));
		unsigned wt = (unsigned)(tag & 7);
		size_t left = (size_t)(end - p);
		if (wt == 0) {
			if (!varint(&p, end, &v))
				goto truncated;
		} else if (wt == 1 || wt == 5) {
			size_t n = wt == 1 ? 8 : 4;
			if (left < n)
				goto truncated;
			p += n;
		} else if (wt == 2) {
			if (!varint(&p, end, &v) || v > (uint64_t)(end - p))
				goto truncated;
			const ProtobufCFieldDescriptor *f =
				protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3));
			if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (depth + 1 > ONNX_PB_MAX_DEPTH)
					return sim_err(s->err, SIM_EINPUT,
						       "%s: messages nested deeper than %d levels at "
						       "byte %zu, expected an ONNX model of ordinary depth",
						       s->path, ONNX_PB_MAX_DEPTH, (size_t)(at - base));
				int rc = scan_msg(s, base, p, p + v, f->descriptor, depth + 1);
				if (rc)
					return rc;
			}
			p += v;
		} else {
			return sim_err(s->err, SIM_EINPUT,
				       "%s: malformed protobuf at byte %zu (wire type %u), expected "
				       "an ONNX protobuf file",
				       s->path, (size_t)(at - base), wt);
		}
	}
	return SIM_OK;
truncated:
	return sim_err(s->err, SIM_EINPUT,
		       "%s: truncated or malformed protobuf (a field at byte %zu runs past its "
		       "end), expected a whole ONNX protobuf file",
		       s->path, (size_t)(p - base));
}

/* ---- reading --------------------------------------------------------------- */

static int read_file(const char *path, uint8_t **buf, size_t *len, sim_err_t *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sim_err(err, SIM_EINPUT, "%s: cannot open: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		/* A device or FIFO has no size to check up front; models are files. */
		return sim_err(err, SIM_EINPUT, "%s: not a regular file, expected an ONNX protobuf file", path);
	}
	if ((uint64_t)st.st_size > ONNX_PB_MAX_FILE_BYTES) {
		close(fd);
		return sim_err(err, SIM_EINPUT, "%s: larger than %zu bytes, expected an ONNX file of at most that",
			       path, ONNX_PB_MAX_FILE_BYTES);
	}
	size_t n = (size_t)st.st_size;
	uint8_t *b = malloc(n ? n : 1);
	if (!b) {
		close(fd);
		return sim_err(err, SIM_ENOMEM, "%s: out of memory for %zu bytes", path, n);
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : 0;
			free(b);
			close(fd);
			return sim_err(err, SIM_EINPUT, "%s: %s after %zu of %zu bytes, expected the whole file", path,
				       e ? strerror(e) : "end of file", got, n);
		}
		got += (size_t)r;
	}
	close(fd);
	*buf = b;
	*len = n;
	return SIM_OK;
}

onnx_pb_t *onnx_pb_read(const char *path, const ProtobufCMessageDescriptor *desc, sim_err_t *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	if (read_file(path, &buf, &len, err))
		return NULL;
	if (len == 0) {
		free(buf);
		sim_err(err, SIM_EINPUT, "%s: empty file, expected an ONNX protobuf file", path);
		return NULL;
	}
	scan_t s = { path, err };
	if (scan_msg(&s, buf, buf, buf + len, desc, 0)) {
		free(buf);
		return NULL;
	}
	onnx_pb_t *p = calloc(1, sizeof *p);
	if (!p) {
		free(buf);
		sim_err(err, SIM_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	p->budget = 4 * len + ((size_t)16 << 20);
	p->alloc = (ProtobufCAllocator){ .alloc = pb_alloc, .free = pb_release, .allocator_data = p };
	p->msg = protobuf_c_message_unpack(desc, &p->alloc, len, buf);
	free(buf);
	if (!p->msg) {
		if (p->over)
			sim_err(err, SIM_EINPUT,
				"%s: unpacking needs more than %zu bytes (4 x the file + 16 MiB), "
				"expected an ONNX file without that many empty entries",
				path, p->budget);
		else
			sim_err(err, SIM_EINPUT,
				"%s: not a valid %s (protobuf-c refused it), expected an ONNX "
				"protobuf file",
				path, desc->name);
		free(p);
		return NULL;
	}
	return p;
}

const ProtobufCMessage *onnx_pb_msg(const onnx_pb_t *p)
{
	return p->msg;
}

void onnx_pb_free(onnx_pb_t *p)
{
	if (!p)
		return;
	if (p->msg)
		protobuf_c_message_free_unpacked(p->msg, &p->alloc);
	free(p);
}

/* ---- tensors --------------------------------------------------------------- */

const char *onnx_dims_str(unsigned ndim, const size_t *dims, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "(");
	for (unsigned i = 0; i < ndim; i++)
		n += (size_t)snprintf(buf + n, len > n ? len - n : 0, "%s%zu", i ? ", " : "", dims[i]);
	snprintf(buf + n, len > n ? len - n : 0, ")");
	return buf;
}

static int tensor_shape(const Onnx__TensorProto *t, const char *file, const char *what, size_t elem, onnx_tensor_t *out,
			sim_err_t *err)
{
	if (t->n_external_data || (t->has_data_location && t->data_location != 0))
		return sim_err(err, SIM_EINPUT,
			       "%s: %s: data in an external file is unsupported, expected the "
			       "values inside the model",
			       file, what);
	if (t->segment)
		return sim_err(err, SIM_EINPUT, "%s: %s: a segmented tensor is unsupported, expected a whole tensor",
			       file, what);
	if (t->n_dims > ONNX_PB_MAX_DIMS)
		return sim_err(err, SIM_EINPUT, "%s: %s: %zu dimensions, expected at most %d", file, what, t->n_dims,
			       ONNX_PB_MAX_DIMS);
	out->ndim = (unsigned)t->n_dims;
	out->count = 1;
	for (size_t i = 0; i < t->n_dims; i++) {
		/* The data must be in the file, so a count beyond what the file
		 * can hold is refused before anything is allocated. */
		if (t->dims[i] < 0 || (t->dims[i] && out->count > ONNX_PB_MAX_FILE_BYTES / elem / (uint64_t)t->dims[i]))
			return sim_err(err, SIM_EINPUT,
				       "%s: %s: dimension %zu is %lld, expected 0 to a total under "
				       "%zu elements",
				       file, what, i, (long long)t->dims[i], ONNX_PB_MAX_FILE_BYTES / elem);
		out->dims[i] = (size_t)t->dims[i];
		out->count *= out->dims[i];
	}
	return SIM_OK;
}

int onnx_pb_tensor(const Onnx__TensorProto *t, const char *file, const char *what, onnx_tensor_t *out, sim_err_t *err)
{
	memset(out, 0, sizeof *out);
	if (!t->has_data_type || t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
		return sim_err(err, SIM_EINPUT, "%s: %s: data type %d is unsupported, expected float32 (1)", file, what,
			       t->has_data_type ? t->data_type : 0);
	if (tensor_shape(t, file, what, 4, out, err))
		return SIM_EINPUT;
	size_t have = t->has_raw_data ? t->raw_data.len / 4 : t->n_float_data;
	if ((t->has_raw_data && t->raw_data.len % 4) || have != out->count) {
		char d[ONNX_PB_MAX_DIMS * 24 + 4];
		return sim_err(err, SIM_EINPUT, "%s: %s: %zu bytes of %s for shape %s, expected %zu values", file, what,
			       t->has_raw_data ? t->raw_data.len : 4 * t->n_float_data,
			       t->has_raw_data ? "raw_data" : "float_data",
			       onnx_dims_str(out->ndim, out->dims, d, sizeof d), out->count);
	}
	out->data = malloc((out->count ? out->count : 1) * sizeof(double));
	if (!out->data)
		return sim_err(err, SIM_ENOMEM, "%s: %s: out of memory for %zu values", file, what, out->count);
	for (size_t i = 0; i < out->count; i++) {
		float f;
		if (t->has_raw_data) {
			/* raw_data is little-endian whatever the host is. */
			const uint8_t *b = t->raw_data.data + 4 * i;
			uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
			memcpy(&f, &u, sizeof f);
		} else {
			f = t->float_data[i];
		}
		if (!isfinite(f)) {
			onnx_tensor_free(out);
			return sim_err(err, SIM_EINPUT, "%s: %s: element %zu is %s, expected finite values", file, what,
				       i, isnan(f) ? "nan" : "inf");
		}
		out->data[i] = f;
	}
	return SIM_OK;
}

int onnx_pb_tensor_ints(const Onnx__TensorProto *t, const char *file, const char *what, int64_t **vals, size_t *count,
			sim_err_t *err)
{
	*vals = NULL;
	*count = 0;
	bool i32 = t->has_data_type && t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
	bool i64 = t->has_data_type && t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
	if (!i32 && !i64)
		return sim_err(err, SIM_EINPUT, "%s: %s: data type %d is unsupported, expected int32 (6) or int64 (7)",
			       file, what, t->has_data_type ? t->data_type : 0);
	onnx_tensor_t sh;
	size_t elem = i32 ? 4 : 8;
	if (tensor_shape(t, file, what, elem, &sh, err))
		return SIM_EINPUT;
	size_t have = t->has_raw_data ? t->raw_data.len / elem : i32 ? t->n_int32_data : t->n_int64_data;
	if ((t->has_raw_data && t->raw_data.len % elem) || have != sh.count)
		return sim_err(err, SIM_EINPUT, "%s: %s: %zu values for %zu elements, expected one per element", file,
			       what, have, sh.count);
	int64_t *v = malloc((sh.count ? sh.count : 1) * sizeof *v);
	if (!v)
		return sim_err(err, SIM_ENOMEM, "%s: %s: out of memory", file, what);
	for (size_t i = 0; i < sh.count; i++) {
		if (t->has_raw_data) {
			uint64_t u = 0;
			for (size_t k = 0; k < elem; k++)
				u |= (uint64_t)t->raw_data.data[elem * i + k] << (8 * k);
			v[i] = i32 ? (int64_t)(int32_t)(uint32_t)u : (int64_t)u;
		} else {
			v[i] = i32 ? t->int32_data[i] : t->int64_data[i];
		}
	}
	*vals = v;
	*count = sh.count;
	return SIM_OK;
}

void onnx_tensor_free(onnx_tensor_t *t)
{
	free(t->data);
	memset(t, 0, sizeof *t);
}
