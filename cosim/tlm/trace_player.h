// trace_player - drives the accelerator from a text file, in the style of
// NVDLA's trace player: the driver's register writes and reads, memory
// loads and checks, interrupt waits. One command per line, '#' starts a
// comment, numbers are decimal or 0x hex:
//
//   write_reg ADDR VALUE         32-bit register write
//   read_reg  ADDR MASK VALUE    read; fails unless (read & MASK) == VALUE
//   load_mem  ADDR FILE          FILE into memory at ADDR (backdoor): a .npy
//                                file as little-endian fp32, anything else raw
//   check_mem ADDR FILE          memory at ADDR must equal FILE (as load_mem
//                                would lay it out), byte for byte
//   dump_mem  ADDR BYTES FILE    memory to a raw file
//   wait_irq  [TIMEOUT_US]       until the interrupt line is high (default
//                                timeout 1 s of simulated time)
//
// ADDR of a register is its offset on the accelerator's target socket; of
// memory, a system address. Relative FILE paths resolve against the data
// directory. The whole file is parsed before simulation starts, so a typo
// is reported (file:line:col) before anything runs. Every command prints
// one line with the simulated time; a failed check is reported and the
// trace goes on, and failures() counts them.
#ifndef SHARPSIM_VP_TRACE_PLAYER_H
#define SHARPSIM_VP_TRACE_PLAYER_H

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "memory.h"

namespace sharp_vp
{

class TracePlayer : public sc_core::sc_module
{
      public:
	tlm_utils::simple_initiator_socket<TracePlayer> mmio;
	sc_core::sc_in<bool> irq;

	// Throws std::runtime_error with "file:line:col: ..." on a bad trace.
	TracePlayer(sc_core::sc_module_name name, const std::string &trace, const std::string &data_dir, Memory &mem);
	unsigned failures() const
	{
		return failures_;
	}
	bool finished() const
	{
		return finished_;
	}

      private:
	SC_HAS_PROCESS(TracePlayer);
	enum Op { kWriteReg, kReadReg, kLoadMem, kCheckMem, kDumpMem, kWaitIrq };
	struct Cmd {
		Op op;
		int line;
		uint64_t a = 0, b = 0, c = 0;
		std::string file;
	};
	void run();
	bool access(bool write, uint64_t addr, uint32_t &v);
	bool file_bytes(const std::string &path, std::vector<uint8_t> &out, std::string &why) const;
	void fail(const Cmd &c, const std::string &what);

	std::string trace_, dir_;
	Memory &mem_;
	std::vector<Cmd> cmds_;
	unsigned failures_ = 0;
	bool finished_ = false;
};

} // namespace sharp_vp

#endif
