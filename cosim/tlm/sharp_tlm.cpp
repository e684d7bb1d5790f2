// sharp_tlm - see sharp_tlm.h and docs/vp.md.
//
// The C headers come first: hw_cfg.h's enumerator SCHED_KIND_BATCH is also a
// macro of <sched.h>, which the C++ library pulls in.
extern "C" {
#include "config/config.h"
#include "core/run.h"
#include "func/npy.h"
#include "func/weights.h"
}

#include "sharp_tlm.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace sharp_vp
{

using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace
{

// Loads the hardware config and applies the overrides (as `sharpsim run`
// does). Returns SIM_OK or the library's code with its one-line message.
int load_hw(const std::string &path, const std::vector<std::string> &overrides, hw_cfg_t *hw, sim_err_t *err)
{
	std::vector<const char *> ov;
	for (const std::string &o : overrides)
		ov.push_back(o.c_str());
	return config_load_hw(path.empty() ? nullptr : path.c_str(), ov.data(), ov.size(), hw, err);
}

} // namespace

Accel::Accel(sc_core::sc_module_name name, const std::string &hw_path, const std::vector<std::string> &overrides,
	     const std::string &scratch)
    : sc_module(name), regs("regs"), dma("dma"), irq("irq"), hw_path_(hw_path), scratch_(scratch),
      overrides_(overrides), r_(kRegEnd / 4, 0)
{
	hw_cfg_t hw;
	sim_err_t err{};
	if (load_hw(hw_path_, overrides_, &hw, &err) != SIM_OK)
		throw std::runtime_error(err.msg);
	clock_mhz_ = hw.clock_mhz;
	period_ = sc_time(1000.0 / clock_mhz_, SC_NS);
	r_[kRegId / 4] = kId;
	r_[kRegVersion / 4] = kVersion;
	r_[kRegCfgClockKhz / 4] = static_cast<uint32_t>(std::lround(clock_mhz_ * 1000.0));
	regs.register_b_transport(this, &Accel::b_transport);
	SC_THREAD(run_thread);
	SC_METHOD(drive_irq);
	sensitive << irq_changed_;
}

uint64_t Accel::addr(uint32_t reg) const
{
	return static_cast<uint64_t>(r_[reg / 4 + 1]) << 32 | r_[reg / 4];
}

// Register accesses: 32-bit, aligned, one clock each.
void Accel::b_transport(tlm::tlm_generic_payload &p, sc_time &delay)
{
	uint64_t off = p.get_address();
	if (p.get_data_length() != 4 || off % 4 != 0 || p.get_byte_enable_ptr() || p.get_streaming_width() != 4) {
		p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
		return;
	}
	if (off >= kRegEnd) {
		p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	uint32_t v;
	if (p.is_write()) {
		std::memcpy(&v, p.get_data_ptr(), 4);
		delay += period_;
		write_reg(static_cast<uint32_t>(off), v);
		if (off == kRegCtrl && (v & 1) && (r_[kRegStatus / 4] & 1) == 0) {
			r_[kRegStatus / 4] = 1; // busy from the write's completion
			start_.notify(delay);
		}
	} else if (p.is_read()) {
		v = read_reg(static_cast<uint32_t>(off));
		std::memcpy(p.get_data_ptr(), &v, 4);
		delay += period_;
	}
	p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Accel::write_reg(uint32_t off, uint32_t v)
{
	switch (off) {
	case kRegId:
	case kRegVersion:
	case kRegStatus:
	case kRegError:
	case kRegCfgClockKhz:
	case kRegCyclesLo:
	case kRegCyclesHi:
	case kRegDmaBytes:
		return; // read-only
	case kRegCtrl:
		if (v & 2) { // reset: clears the outcome of the last layer (not while busy)
			if (r_[kRegStatus / 4] & 1)
				return;
			r_[kRegStatus / 4] = 0;
			r_[kRegIrqStatus / 4] = 0;
			r_[kRegError / 4] = kErrNone;
			update_irq();
		}
		return;
	case kRegIrqStatus:
		r_[kRegIrqStatus / 4] &= ~v;
		update_irq();
		return;
	case kRegIrqEnable:
		r_[off / 4] = v & 3;
		update_irq();
		return;
	default:
		r_[off / 4] = v;
	}
}

uint32_t Accel::read_reg(uint32_t off) const
{
	return off == kRegCtrl ? 0 : r_[off / 4];
}

// Register writes (in the initiator's process) and the layer's end (in
// run_thread) both change the interrupt; a signal takes one driver, so they
// notify drive_irq(), which writes it in the same delta cycle's update.
void Accel::update_irq()
{
	irq_changed_.notify(SC_ZERO_TIME);
}

void Accel::drive_irq()
{
	irq.write((r_[kRegIrqStatus / 4] & r_[kRegIrqEnable / 4]) != 0);
}

void Accel::finish(uint32_t error)
{
	r_[kRegStatus / 4] = error == kErrNone ? 2 : 4;
	r_[kRegError / 4] = error;
	r_[kRegIrqStatus / 4] |= error == kErrNone ? 1 : 2;
	update_irq();
}

// Reads n fp32 values from system memory in bursts of kBurst bytes.
// Moves bytes between system memory and ptr in bursts of kBurst over the
// initiator socket, counting them in the DMA byte register.
bool Accel::dma_bursts(tlm::tlm_command cmd, uint64_t a, uint8_t *ptr, size_t bytes, sc_time &delay)
{
	for (size_t done = 0; done < bytes;) {
		unsigned len = static_cast<unsigned>(std::min<size_t>(kBurst, bytes - done));
		tlm::tlm_generic_payload p;
		p.set_command(cmd);
		p.set_address(a + done);
		p.set_data_ptr(ptr + done);
		p.set_data_length(len);
		p.set_streaming_width(len);
		p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		dma->b_transport(p, delay);
		if (p.get_response_status() != tlm::TLM_OK_RESPONSE)
			return false;
		done += len;
		r_[kRegDmaBytes / 4] += len;
	}
	return true;
}

bool Accel::dma_read(uint64_t a, std::vector<float> &out, size_t n, sc_time &delay)
{
	out.assign(n, 0.0f);
	return dma_bursts(tlm::TLM_READ_COMMAND, a, reinterpret_cast<uint8_t *>(out.data()), n * 4, delay);
}

bool Accel::dma_write(uint64_t a, const std::vector<float> &v, sc_time &delay)
{
	std::vector<float> copy(v); // the payload's data pointer is not const
	return dma_bursts(tlm::TLM_WRITE_COMMAND, a, reinterpret_cast<uint8_t *>(copy.data()), v.size() * 4, delay);
}

// One started layer: DMA in, the C library, DMA out. Returns an Error.
uint32_t Accel::run_layer(sc_time &delay)
{
	layer_cfg_t l{};
	uint32_t cell = r_[kRegLayerCell / 4];
	l.input_size = r_[kRegLayerInput / 4];
	l.hidden_size = r_[kRegLayerHidden / 4];
	l.timesteps = r_[kRegLayerSteps / 4];
	l.batch_size = r_[kRegLayerBatch / 4];
	l.gru_form = (r_[kRegLayerFlags / 4] & 1) ? GRU_RBM : GRU_LBR;
	l.direction = DIR_UNI;
	if (cell > 2 || l.hidden_size == 0 || l.timesteps == 0 || l.batch_size == 0) {
		error_msg_ = "layer descriptor: expected CELL 0..2 and HIDDEN, STEPS, BATCH > 0";
		return kErrDescriptor;
	}
	l.cell = static_cast<cell_kind_t>(cell);
	l.skip_input = l.input_size == 0;
	std::snprintf(l.weights, sizeof l.weights, "%s", scratch_.c_str());

	// DMA in: the parameters in weights.h's layouts, fp32.
	size_t G = workload_gates(l.cell), H = l.hidden_size, I = l.input_size;
	size_t T = l.timesteps, B = l.batch_size;
	bool lbr = l.cell == CELL_GRU && l.gru_form == GRU_LBR;
	std::vector<float> W, U, b, bhn, x;
	r_[kRegDmaBytes / 4] = 0;
	if (!dma_read(addr(kRegAddrW), W, G * H * I, delay) || !dma_read(addr(kRegAddrU), U, G * H * H, delay) ||
	    !dma_read(addr(kRegAddrB), b, G * H, delay) || !dma_read(addr(kRegAddrBhn), bhn, lbr ? H : 0, delay) ||
	    !dma_read(addr(kRegAddrX), x, T * B * I, delay)) {
		error_msg_ = "DMA read: the memory returned an error response";
		return kErrDma;
	}
	sc_core::wait(delay);
	delay = SC_ZERO_TIME;

	// The library reads parameters from .npy files: widen to double (exact).
	auto dbl = [](const std::vector<float> &v) { return std::vector<double>(v.begin(), v.end()); };
	std::vector<double> dW = dbl(W), dU = dbl(U), db = dbl(b), dbhn = dbl(bhn), dx = dbl(x);
	std::vector<double> zeros(B * H, 0.0);
	weights_t w{};
	w.cell = l.cell;
	w.gru_form = l.gru_form;
	w.G = static_cast<uint32_t>(G);
	w.I = l.input_size;
	w.H = l.hidden_size;
	w.HP = l.hidden_size; // the platform's layers have no projection
	w.T = l.timesteps;
	w.B = l.batch_size;
	w.W = I ? dW.data() : nullptr;
	w.U = dU.data();
	w.b = db.data();
	w.b_hn = lbr ? dbhn.data() : nullptr;
	w.h0 = zeros.data();
	w.c0 = zeros.data();
	w.x = I ? dx.data() : nullptr;
	sim_err_t err{};
	hw_cfg_t hw;
	int rc = weights_save(&w, scratch_.c_str(), NPY_F4, &err);
	if (!rc)
		rc = load_hw(hw_path_, overrides_, &hw, &err);
	for (uint32_t reg : { kRegCfgVsUnits, kRegCfgVsWidth }) {
		if (rc || r_[reg / 4] == 0)
			continue;
		std::string v = std::to_string(r_[reg / 4]);
		rc = config_set_hw(&hw, reg == kRegCfgVsUnits ? "compute.vs_units" : "compute.vs_width", v.c_str(),
				   &err);
	}
	if (rc) {
		error_msg_ = err.msg;
		return rc == SIM_EINPUT ? kErrDescriptor : kErrModel;
	}
	workload_t wl{};
	std::snprintf(wl.name, sizeof wl.name, "vp");
	std::snprintf(wl.path, sizeof wl.path, "%s/vp.yaml", scratch_.c_str());
	wl.layers = &l;
	wl.n_layers = 1;
	run_opts_t o{};
	o.functional = true;
	o.fast_forward = true;
	o.dump_dir = scratch_.c_str();
	o.cu_mode = CU_BACKEND_C;
	run_result_t res{};
	rc = accel_run(&hw, &wl, &o, &res, &err);
	uint64_t cycles = rc ? 0 : res.cycles;
	if (!rc)
		run_result_free(&res);
	npy_array_t h{};
	std::string hpath = scratch_ + "/layer0_h.npy";
	if (!rc)
		rc = npy_read(hpath.c_str(), &h, &err);
	if (rc) {
		error_msg_ = err.msg;
		return rc == SIM_EINPUT ? kErrDescriptor : kErrModel;
	}
	std::vector<float> hv(h.data, h.data + h.count); // fp32 values: exact
	npy_free(&h);
	r_[kRegCyclesLo / 4] = static_cast<uint32_t>(cycles);
	r_[kRegCyclesHi / 4] = static_cast<uint32_t>(cycles >> 32);

	// The cycle model's time at the configured clock, then DMA out.
	sc_core::wait(period_ * static_cast<double>(cycles));
	if (!dma_write(addr(kRegAddrH), hv, delay)) {
		error_msg_ = "DMA write: the memory returned an error response";
		return kErrDma;
	}
	sc_core::wait(delay);
	delay = SC_ZERO_TIME;
	return kErrNone;
}

void Accel::run_thread()
{
	for (;;) {
		sc_core::wait(start_);
		sc_time delay = SC_ZERO_TIME;
		error_msg_.clear();
		finish(run_layer(delay));
	}
}

} // namespace sharp_vp
