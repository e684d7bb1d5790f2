// sharp_tlm - the accelerator as a SystemC TLM-2.0 loosely-timed model for
// virtual platforms: a memory-mapped register file on a target socket, a
// DMA engine on an initiator socket, an interrupt line.
//
// The model is a thin layer over the C library: a started layer is run by
// accel_run() (sim/core/run.h) in functional mode on the parameters the DMA
// fetched, so the values are the functional C model's (bit-accurate
// datapath) and the compute time is the cycle model's count at the hardware
// config's clock. Register map and protocol: docs/vp.md.
//
// Timing (loosely timed, no quantum keeper): a register access costs one
// accelerator clock (annotated on the transaction). START at time t: the
// DMA reads every array of the layer in bursts of kBurst bytes, each burst
// annotated with the target's delay; the layer then computes for
// cycles / clock_mhz microseconds; h is written back the same way; the
// interrupt rises at
//   t + (DMA read delays) + cycles * period + (DMA write delays).
// The data moves at its transaction's start (loosely timed: the model never
// reads a buffer the driver could still be writing, because the driver only
// writes again after the interrupt).
#ifndef SHARPSIM_SHARP_TLM_H
#define SHARPSIM_SHARP_TLM_H

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace sharp_vp
{

// Register offsets (bytes from the target socket's base), all 32 bits.
enum Reg : uint32_t {
	kRegId = 0x000,		 // RO "SHRP"
	kRegVersion = 0x004,	 // RO major << 16 | minor
	kRegCtrl = 0x008,	 // WO bit0 START, bit1 RESET (clears status, irq, error)
	kRegStatus = 0x00c,	 // RO bit0 BUSY, bit1 DONE, bit2 ERROR
	kRegIrqStatus = 0x010,	 // R/W1C bit0 DONE, bit1 ERROR
	kRegIrqEnable = 0x014,	 // RW  bit0 DONE, bit1 ERROR
	kRegError = 0x018,	 // RO  Error
	kRegCfgVsUnits = 0x020,	 // RW  N (0: the hardware config's)
	kRegCfgVsWidth = 0x024,	 // RW  K (0: the hardware config's)
	kRegCfgClockKhz = 0x028, // RO  the clock the cycles are converted at
	kRegLayerCell = 0x100,	 // RW  0 LSTM, 1 GRU, 2 vanilla RNN
	kRegLayerInput = 0x104,	 // RW  I
	kRegLayerHidden = 0x108, // RW  H
	kRegLayerSteps = 0x10c,	 // RW  T
	kRegLayerBatch = 0x110,	 // RW  B
	kRegLayerFlags = 0x114,	 // RW  bit0 GRU reset_before_matmul (else linear_before_reset)
	kRegAddrW = 0x120,	 // RW  64-bit system addresses, low word first
	kRegAddrU = 0x128,
	kRegAddrB = 0x130,
	kRegAddrBhn = 0x138,
	kRegAddrX = 0x140,
	kRegAddrH = 0x148,    // where h (T, B, H) is written
	kRegCyclesLo = 0x180, // RO  cycles of the last layer (cycle model)
	kRegCyclesHi = 0x184,
	kRegDmaBytes = 0x188, // RO  bytes moved by the last layer's DMA
	kRegEnd = 0x200
};

enum Error : uint32_t {
	kErrNone = 0,
	kErrDescriptor = 1, // the layer descriptor or configuration is invalid
	kErrDma = 2,	    // a DMA transaction returned an error response
	kErrModel = 3	    // the simulator library failed (message on stderr)
};

constexpr uint32_t kId = 0x53485250; // "SHRP"
constexpr uint32_t kVersion = 0x00010000;
constexpr unsigned kBurst = 256; // DMA burst, bytes

class Accel : public sc_core::sc_module
{
      public:
	tlm_utils::simple_target_socket<Accel> regs;
	tlm_utils::simple_initiator_socket<Accel> dma;
	sc_core::sc_out<bool> irq;

	// hw_path: hardware config YAML ("" = built-in defaults); overrides:
	// "key=value" as `sharpsim run -p`; scratch: an existing directory for
	// the parameters handed to the library as .npy files.
	Accel(sc_core::sc_module_name name, const std::string &hw_path, const std::vector<std::string> &overrides,
	      const std::string &scratch);

	// The library's message when ERROR is kErrModel or kErrDescriptor.
	const std::string &last_error() const
	{
		return error_msg_;
	}

      private:
	SC_HAS_PROCESS(Accel);
	void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
	void write_reg(uint32_t off, uint32_t v);
	uint32_t read_reg(uint32_t off) const;
	void run_thread();
	bool dma_bursts(tlm::tlm_command cmd, uint64_t addr, uint8_t *ptr, size_t bytes, sc_core::sc_time &delay);
	bool dma_read(uint64_t addr, std::vector<float> &out, size_t n, sc_core::sc_time &delay);
	bool dma_write(uint64_t addr, const std::vector<float> &v, sc_core::sc_time &delay);
	uint32_t run_layer(sc_core::sc_time &delay);
	void finish(uint32_t error);
	void update_irq();
	void drive_irq();
	uint64_t addr(uint32_t reg) const;

	std::string hw_path_, scratch_;
	std::vector<std::string> overrides_;
	double clock_mhz_ = 0;
	sc_core::sc_time period_;
	std::vector<uint32_t> r_; // the register file, one word per 4 bytes
	sc_core::sc_event start_;
	sc_core::sc_event irq_changed_; // irq has one driver: drive_irq()
	std::string error_msg_;
};

} // namespace sharp_vp

#endif
