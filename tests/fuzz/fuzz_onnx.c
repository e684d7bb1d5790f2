/* fuzz_onnx.c - the ONNX model reader and importer (onnx_model_load):
 * the wire-format pre-scan, protobuf-c's unpacker under the allocation
 * budget, and the graph mapping. */
#include "fuzz.h"

#include "../../sim/onnx/onnx_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".onnx");
	if (!path)
		return 0;
	sim_err_t err = { 0 };
	/* T and B for a symbolic X, kept small so that a mapped model's
	 * random input stays cheap. */
	onnx_import_opts_t o = { .timesteps = 2, .batch = 1, .seed = 1 };
	onnx_model_destroy(onnx_model_load(path, &o, &err));
	return 0;
}
