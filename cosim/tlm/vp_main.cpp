// vp_main - sc_main of build/vp/sharpsim-vp: a minimal virtual platform
// (trace player as the CPU, the accelerator, system memory) that plays one
// driver trace.
//
//   sharpsim-vp [--hw FILE] [-p key=value]... [--data DIR] [--mem-base ADDR]
//               [--mem-bytes N] [--mem-latency-ns NS] [--mem-ns-per-16b NS] TRACE
//
// Wiring: player.mmio -> accel.regs (registers at offset 0), accel.dma ->
// memory (system addresses from --mem-base, default 0x80000000), accel.irq ->
// player.irq. The memory costs --mem-latency-ns (default 50) per
// transaction plus --mem-ns-per-16b (default 1) per 16 bytes.
// Exit status: 0 every check passed, 1 a check failed, 2 bad usage, config
// or trace (one line on stderr). SystemC prints its banner on stdout before
// sc_main runs; SC_COPYRIGHT_MESSAGE=DISABLE in the environment silences it.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <systemc>

#include "memory.h"
#include "sharp_tlm.h"
#include "trace_player.h"

namespace
{

struct Args {
	std::string hw, data, trace;
	std::vector<std::string> overrides;
	uint64_t mem_base = 0x80000000ull, mem_bytes = 16ull << 20;
	double mem_latency_ns = 50, mem_ns_per_16b = 1;
};

const char kUsage[] = "usage: sharpsim-vp [--hw FILE] [-p key=value]... [--data DIR] [--mem-base ADDR] "
		      "[--mem-bytes N] [--mem-latency-ns NS] [--mem-ns-per-16b NS] TRACE";

bool parse(int argc, char **argv, Args &a, std::string &why)
{
	for (int i = 1; i < argc; i++) {
		std::string o = argv[i];
		bool has = i + 1 < argc;
		auto num = [&](uint64_t &out) {
			char *end = nullptr;
			out = std::strtoull(argv[++i], &end, 0);
			return *end == '\0';
		};
		auto real = [&](double &out) {
			char *end = nullptr;
			out = std::strtod(argv[++i], &end);
			return *end == '\0' && out >= 0;
		};
		if (o == "--hw" && has)
			a.hw = argv[++i];
		else if (o == "-p" && has)
			a.overrides.push_back(argv[++i]);
		else if (o == "--data" && has)
			a.data = argv[++i];
		else if (o == "--mem-base" && has) {
			if (!num(a.mem_base)) {
				why = "option --mem-base: expected a number";
				return false;
			}
		} else if (o == "--mem-bytes" && has) {
			if (!num(a.mem_bytes) || a.mem_bytes == 0 || a.mem_bytes > (1ull << 32)) {
				why = "option --mem-bytes: expected 1..4294967296";
				return false;
			}
		} else if (o == "--mem-latency-ns" && has) {
			if (!real(a.mem_latency_ns)) {
				why = "option --mem-latency-ns: expected a number >= 0";
				return false;
			}
		} else if (o == "--mem-ns-per-16b" && has) {
			if (!real(a.mem_ns_per_16b)) {
				why = "option --mem-ns-per-16b: expected a number >= 0";
				return false;
			}
		} else if (o[0] != '-' && a.trace.empty())
			a.trace = o;
		else {
			why = "unknown or incomplete option '" + o + "'";
			return false;
		}
	}
	if (a.trace.empty()) {
		why = "no trace file given";
		return false;
	}
	if (a.data.empty()) {
		size_t slash = a.trace.rfind('/');
		a.data = slash == std::string::npos ? "." : a.trace.substr(0, slash);
	}
	return true;
}

} // namespace

int sc_main(int argc, char **argv)
{
	Args a;
	std::string why;
	if (!parse(argc, argv, a, why)) {
		std::fprintf(stderr, "sharpsim-vp: %s\n%s\n", why.c_str(), kUsage);
		return 2;
	}
	// The library is handed the parameters as .npy files in a scratch
	// directory of this run, removed at the end.
	const char *tmp = std::getenv("TMPDIR");
	std::string scratch = std::string(tmp && *tmp ? tmp : "/tmp") + "/sharpsim-vp.XXXXXX";
	if (!mkdtemp(&scratch[0])) {
		std::fprintf(stderr, "sharpsim-vp: cannot create a scratch directory %s\n", scratch.c_str());
		return 2;
	}
	int status = 2;
	try {
		sc_core::sc_signal<bool> irq("irq");
		sharp_vp::Memory mem("mem", a.mem_base, a.mem_bytes, sc_core::sc_time(a.mem_latency_ns, sc_core::SC_NS),
				     a.mem_ns_per_16b / 16.0);
		sharp_vp::Accel accel("accel", a.hw, a.overrides, scratch);
		sharp_vp::TracePlayer player("player", a.trace, a.data, mem);
		player.mmio.bind(accel.regs);
		accel.dma.bind(mem.socket);
		accel.irq(irq);
		player.irq(irq);
		sc_core::sc_start();
		if (!accel.last_error().empty())
			std::printf("sharpsim-vp: the accelerator reported: %s\n", accel.last_error().c_str());
		status = player.failures() || !player.finished() ? 1 : 0;
		std::printf("sharpsim-vp: %s, %u failed check(s), simulated time %s\n", status ? "FAIL" : "PASS",
			    player.failures(), sc_core::sc_time_stamp().to_string().c_str());
	} catch (const std::exception &e) {
		std::fprintf(stderr, "%s\n", e.what());
		status = 2;
	}
	std::error_code ec;
	std::filesystem::remove_all(scratch, ec);
	return status;
}
