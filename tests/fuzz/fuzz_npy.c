/* fuzz_npy.c - the .npy reader (npy_read). */
#include "fuzz.h"

#include "../../sim/func/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".npy");
	if (!path)
		return 0;
	sim_err_t err = { 0 };
	npy_array_t a;
	if (npy_read(path, &a, &err) == SIM_OK)
		npy_free(&a);
	return 0;
}
