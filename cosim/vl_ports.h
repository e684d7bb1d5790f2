// vl_ports.h - moving bytes in and out of Verilated ports, for the harnesses
// that drive cu_top (cu_cosim.cpp, rtl_backend.cpp).
//
// Verilated ports are little-endian word arrays (VlWide) or plain integers:
// bit i of the SystemVerilog vector is bit i%32 of word i/32, so a
// little-endian byte copy of the C arrays is the packed layout. put() clears
// the whole port first, so a copy shorter than the port leaves its upper
// bits 0 rather than last cycle's.
#ifndef SHARPSIM_VL_PORTS_H
#define SHARPSIM_VL_PORTS_H

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "verilated.h"

template <std::size_t W> inline void put(VlWide<W> &p, const void *src, size_t bytes)
{
	std::memset(p.data(), 0, sizeof(WData) * W);
	std::memcpy(p.data(), src, bytes);
}
inline void put(QData &p, const void *src, size_t bytes)
{
	p = 0;
	std::memcpy(&p, src, bytes);
}
inline void put(IData &p, const void *src, size_t bytes)
{
	p = 0;
	std::memcpy(&p, src, bytes);
}
template <std::size_t W> inline const WData *words(const VlWide<W> &p)
{
	return p.data();
}
inline const uint32_t *words(const IData &p)
{
	return &p;
}

#endif
