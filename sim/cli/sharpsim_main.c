/*
 * sharpsim_main.c - main() of the plain build, which has no RTL in it;
 * build/sharpsim-rtl supplies its own main() that passes the Verilated
 * compute unit in the hooks (cosim/sharpsim_rtl_main.cpp).
 */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, NULL);
}
