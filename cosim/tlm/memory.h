// memory - system memory for the virtual platform: a TLM-2.0 target of
// `size` bytes at `base`, with a fixed cost per transaction plus a cost per
// byte (annotated on the transaction), and a backdoor for the trace player's
// load_mem / check_mem (NVDLA's trace player loads memory the same way,
// outside simulated time).
#ifndef SHARPSIM_VP_MEMORY_H
#define SHARPSIM_VP_MEMORY_H

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace sharp_vp
{

class Memory : public sc_core::sc_module
{
      public:
	tlm_utils::simple_target_socket<Memory> socket;

	// Each transaction costs latency + bytes * ns_per_byte ns (the product
	// rounded once, to the time resolution of 1 ps).
	Memory(sc_core::sc_module_name name, uint64_t base, uint64_t size, sc_core::sc_time latency,
	       double ns_per_byte);

	uint64_t base() const
	{
		return base_;
	}
	uint64_t size() const
	{
		return data_.size();
	}
	// Backdoor: false when [addr, addr + n) is outside the memory.
	bool write(uint64_t addr, const void *src, size_t n);
	bool read(uint64_t addr, void *dst, size_t n) const;

      private:
	void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
	bool inside(uint64_t addr, size_t n) const;

	uint64_t base_;
	std::vector<uint8_t> data_;
	sc_core::sc_time latency_;
	double ns_per_byte_;
};

} // namespace sharp_vp

#endif
