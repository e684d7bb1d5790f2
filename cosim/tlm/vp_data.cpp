// vp_data - test data for the virtual platform: one layer's random
// parameters (weights.h's layouts and draw, as `sharpsim run --functional
// --seed S` would use them) written as fp32 .npy files, and a workload file
// that names them, so that the plain simulator and the virtual platform run
// the very same numbers.
//
//   vp_data DIR lstm|gru|vanilla INPUT HIDDEN STEPS BATCH SEED
//
// Writes DIR/{W,U,b,b_hn,x,h0,c0}.npy (those the cell has) and
// DIR/layer.yaml (`weights: .`, relative to the workload file). Exit status
// 0, or 2 with one line on stderr.
extern "C" {
#include "config/workload.h"
#include "func/weights.h"
}

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char **argv)
{
	const char *usage = "usage: vp_data DIR lstm|gru|vanilla INPUT HIDDEN STEPS BATCH SEED";
	if (argc != 8) {
		std::fprintf(stderr, "%s\n", usage);
		return 2;
	}
	layer_cfg_t l{};
	std::string cell = argv[2];
	if (cell == "lstm")
		l.cell = CELL_LSTM;
	else if (cell == "gru")
		l.cell = CELL_GRU;
	else if (cell == "vanilla")
		l.cell = CELL_VANILLA;
	else {
		std::fprintf(stderr, "vp_data: cell '%s', expected lstm, gru or vanilla\n", argv[2]);
		return 2;
	}
	unsigned long v[5];
	for (int i = 0; i < 5; i++) {
		char *end = nullptr;
		v[i] = std::strtoul(argv[3 + i], &end, 10);
		if (*end || (i > 0 && i < 4 && v[i] == 0)) {
			std::fprintf(stderr, "vp_data: '%s' is not a valid count\n%s\n", argv[3 + i], usage);
			return 2;
		}
	}
	l.input_size = static_cast<uint32_t>(v[0]);
	l.hidden_size = static_cast<uint32_t>(v[1]);
	l.timesteps = static_cast<uint32_t>(v[2]);
	l.batch_size = static_cast<uint32_t>(v[3]);
	l.skip_input = l.input_size == 0;
	l.gru_form = GRU_LBR;
	sim_err_t err{};
	weights_t *w = weights_random(&l, v[4], &err);
	if (!w || weights_save(w, argv[1], NPY_F4, &err) != SIM_OK) {
		std::fprintf(stderr, "vp_data: %s\n", err.msg);
		weights_destroy(w);
		return 2;
	}
	weights_destroy(w);
	std::string yaml = std::string(argv[1]) + "/layer.yaml";
	FILE *f = std::fopen(yaml.c_str(), "w");
	if (!f) {
		std::fprintf(stderr, "vp_data: cannot write %s\n", yaml.c_str());
		return 2;
	}
	std::fprintf(f,
		     "# Written by vp_data: the layer of the virtual platform's test.\nname: vp_%s\nlayers:\n"
		     "  - cell: %s\n    input_size: %u\n    hidden_size: %u\n    timesteps: %u\n    batch_size: %u\n"
		     "    weights: .\n",
		     argv[2], argv[2], l.input_size, l.hidden_size, l.timesteps, l.batch_size);
	bool ok = std::fclose(f) == 0;
	if (!ok) {
		std::fprintf(stderr, "vp_data: cannot write %s\n", yaml.c_str());
		return 2;
	}
	return 0;
}
