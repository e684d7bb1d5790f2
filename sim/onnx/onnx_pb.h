/*
 * onnx_pb.h - reading ONNX protobuf files (a ModelProto, or one TensorProto
 * as the backend tests' input_N.pb / output_N.pb) with bounded cost, and
 * turning a TensorProto into doubles.
 *
 * Internal to sim/onnx: it exposes the protobuf-c types generated from
 * onnx.proto (build/gen/onnx/onnx.pb-c.h).
 *
 * Hostile files (docs/hostile-input.md): only regular files are read, and
 * only up to ONNX_PB_MAX_FILE_BYTES (refused from the size, before
 * reading); the wire format is pre-scanned against the schema so that
 * messages nested deeper than ONNX_PB_MAX_DEPTH are refused before
 * protobuf-c's recursive unpacker sees them; unpacking allocates through a
 * counting allocator with a budget of 4 x the file size + 16 MiB (a varint
 * dimension of 1 byte becomes an 8-byte int64, an empty 2-byte submessage a
 * struct of about a hundred bytes: the budget bounds that blow-up).
 */
#ifndef SHARPSIM_ONNX_PB_H
#define SHARPSIM_ONNX_PB_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "onnx.pb-c.h"

/* An array of NPY_MAX_DATA_BYTES doubles is the largest the simulator
 * reads; a model of up to 1 GiB holds float32 arrays of half that. */
#define ONNX_PB_MAX_FILE_BYTES ((size_t)1 << 30)
/* Real models nest a few levels (model, graph, node, attribute, tensor,
 * type, shape, dimension); If/Loop subgraphs add a few per level. */
#define ONNX_PB_MAX_DEPTH 32
#define ONNX_PB_MAX_DIMS 8

typedef struct onnx_pb onnx_pb_t;

/* Reads and unpacks path as a message of type desc. NULL with err set
 * (SIM_EINPUT: the file is missing, not regular, too large, malformed or
 * over a limit; the message starts with the path). */
onnx_pb_t *onnx_pb_read(const char *path, const ProtobufCMessageDescriptor *desc, sim_err_t *err);
const ProtobufCMessage *onnx_pb_msg(const onnx_pb_t *p);
void onnx_pb_free(onnx_pb_t *p);

/* A dense float tensor as doubles (exact: every float32 is a double). */
typedef struct onnx_tensor {
	unsigned ndim;
	size_t dims[ONNX_PB_MAX_DIMS];
	size_t count;
	double *data; /* owned */
} onnx_tensor_t;

/* Converts t: data_type FLOAT (1), stored in raw_data (little-endian) or
 * float_data, no external data, no segment; every value finite. `file` and
 * `what` prefix messages ("model.onnx: initializer 'W': ..."). Allocation
 * is the element count, checked against the bytes actually present. */
int onnx_pb_tensor(const Onnx__TensorProto *t, const char *file, const char *what, onnx_tensor_t *out, sim_err_t *err);
/* Converts an int32 or int64 tensor (sequence_lens) to int64 values. */
int onnx_pb_tensor_ints(const Onnx__TensorProto *t, const char *file, const char *what, int64_t **vals, size_t *count,
			sim_err_t *err);
void onnx_tensor_free(onnx_tensor_t *t);
/* "(3, 1, 2)". Returns buf. */
const char *onnx_dims_str(unsigned ndim, const size_t *dims, char *buf, size_t len);

#endif
