// sharpsim_rtl_main - main() of build/sharpsim-rtl: the plain command line
// (sim/cli) with the Verilated RTL compute unit offered to `run --rtl` and
// `run --cosim` (cosim/rtl_backend.cpp, one fixed shape per build).
extern "C" {
#include "cli/cli.h"
}

#include <cstdio>

extern "C" int rtl_backend_create(const cu_cfg_t *cfg, cu_backend_mode_t mode, cu_t *c_model, const char *vcd,
				  cu_backend_t *out, sim_err_t *err);

int main(int argc, char **argv)
{
	char desc[96];
	std::snprintf(desc, sizeof desc, "RTL compute unit N=%u K=%u M=%u A=%u ACCS=%u", RTL_N, RTL_K, RTL_M, RTL_A,
		      RTL_ACCS);
	cli_hooks_t hooks = { rtl_backend_create, desc };
	return cli_main(argc, argv, &hooks);
}
