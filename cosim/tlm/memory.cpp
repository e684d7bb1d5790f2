// memory - see memory.h.
#include "memory.h"

#include <cstring>

namespace sharp_vp
{

Memory::Memory(sc_core::sc_module_name name, uint64_t base, uint64_t size, sc_core::sc_time latency, double ns_per_byte)
    : sc_module(name), socket("socket"), base_(base), data_(size, 0), latency_(latency), ns_per_byte_(ns_per_byte)
{
	socket.register_b_transport(this, &Memory::b_transport);
}

bool Memory::inside(uint64_t addr, size_t n) const
{
	return addr >= base_ && addr - base_ <= data_.size() && n <= data_.size() - (addr - base_);
}

bool Memory::write(uint64_t addr, const void *src, size_t n)
{
	if (!inside(addr, n))
		return false;
	std::memcpy(data_.data() + (addr - base_), src, n);
	return true;
}

bool Memory::read(uint64_t addr, void *dst, size_t n) const
{
	if (!inside(addr, n))
		return false;
	std::memcpy(dst, data_.data() + (addr - base_), n);
	return true;
}

void Memory::b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay)
{
	size_t n = p.get_data_length();
	if (p.get_byte_enable_ptr() || p.get_streaming_width() != n) {
		p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
		return;
	}
	bool ok = p.is_write()	? write(p.get_address(), p.get_data_ptr(), n)
		  : p.is_read() ? read(p.get_address(), p.get_data_ptr(), n)
				: true;
	if (!ok) {
		p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	delay += latency_ + sc_core::sc_time(ns_per_byte_ * static_cast<double>(n), sc_core::SC_NS);
	p.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace sharp_vp
