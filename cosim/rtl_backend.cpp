// rtl_backend - the Verilated RTL compute unit (rtl/cu_top.sv) as a
// cu_backend_t (sim/compute/cu_backend.h) for build/sharpsim-rtl.
//
// One Verilator build holds one fixed shape: RTL_N, RTL_K, RTL_M, RTL_A,
// RTL_ACCS (mk/rtl-sim.mk); a run whose cu_cfg_t differs is refused.
//
// Per cycle the core calls out_peek, out_pop, in_ready, in_push, tick. The
// backend keeps the ports of the coming edge: out_peek evaluates with
// in_valid and out_ready low (out_valid and the block are registered),
// out_pop raises out_ready, in_ready presents the tile's control and
// evaluates (the RTL's in_ready sees this cycle's pop, like cu_in_ready after
// cu_out_pop), in_push adds its data (zeros in timing-only runs) and leaves
// in_valid high, tick clocks one rising edge and drops both.
//
// --rtl: values and readiness come from the RTL. The C unit `c_model` is
// kept in step with the accepted tiles and popped blocks, with the tile's
// data stripped (cu.c computes nothing without w), only because it owns the
// activity counters (vs.tile_cycles, tree.adds, acc.adds, acc.blocks) the
// energy model reads; it decides nothing: readiness, the refusal cause and
// every block come from the RTL's own handshakes. The RTL's in_ready is one
// bit; the cause of a refusal is read from the RTL too, by offering it the
// same tile in the deepest config (config4), which the tap-order rule never
// refuses: refused again, every accumulator is held (SLOTS, which cu.c also
// reports first when both rules refuse); accepted, the tap order refused it
// (TAP). The probe is combinational (no clock edge) and the offered tile is
// restored before the edge.
//
// --cosim: the C model runs the same calls with the full tile; every cycle
// in_ready (refused or not), out_valid and, for an offered block, its tag,
// Kr and every sum are compared bit for bit. The first divergence is kept
// and reported by error() as SIM_EINTERNAL, with a VCD window: the model is
// checkpointed (Verilator --savable) every kWindow cycles and the inputs of
// the last 2 kWindow cycles are logged, so a second model restored from the
// older checkpoint replays at least kWindow cycles before the divergence and
// kAfter after it with tracing on (build/cosim-divergence.vcd). With a vcd
// path the main model traces every cycle into it instead. Waveform time is
// in ns (VCD timescale 1 ns), cycle c from 10c ns, its rising edge at 10c+5 ns. The message
// ends with the run's own command line (from /proc/self/cmdline): the run is
// deterministic, so running it again reproduces the divergence and rewrites
// the window.
extern "C" {
#include "common/err.h"
#include "compute/cu.h"
#include "compute/cu_backend.h"
#include "config/hw_cfg.h"
}

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "Vcu_top.h"
#include "verilated.h"
#include "vl_ports.h"
#include "verilated_save.h"
#include "verilated_vcd_c.h"

#ifndef RTL_N
#error "build with -DRTL_N=... -DRTL_K=... -DRTL_M=... -DRTL_A=... -DRTL_ACCS=... (mk/rtl-sim.mk)"
#endif

namespace
{

constexpr unsigned kN = RTL_N, kK = RTL_K, kM = RTL_M, kA = RTL_A, kAccs = RTL_ACCS;
constexpr unsigned kG = kN % 8 == 0 ? 8 : kN % 4 == 0 ? 4 : kN % 2 == 0 ? 2 : 1;
constexpr uint64_t kWindow = 200; // cycles of waveform before a divergence, at least
constexpr uint64_t kAfter = 4;	  // cycles after it (inputs idle)
constexpr const char *kDefaultVcd = "build/cosim-divergence.vcd";

// Everything the RTL samples in one cycle (the replay log's entry).
struct Ports {
	bool in_valid = false, out_ready = false, first = false, last = false, has_init = false;
	uint8_t cfg = 1;
	uint32_t tag[4] = {};
	uint16_t w[kN * kK] = {};
	uint16_t x[kN] = {};
	uint32_t init[kG * kK] = {};
};

// Waveform time in ns, which the VCD's timescale states. After the model is
// built: its constructor sets the context to the RTL's timescale (Verilator's
// default 1 ps, as the RTL has no `timescale).
void set_ns(VerilatedContext *ctx)
{
	ctx->timeunit(-9);
	ctx->timeprecision(-9);
}

// Verilator's (de)serializers into memory (its own classes write files).
class MemSave final : public VerilatedSerialize
{
      public:
	explicit MemSave(std::vector<uint8_t> &buf) : buf_(buf)
	{
		buf_.clear();
		m_isOpen = true;
		header();
	}
	~MemSave() override
	{
		trailer();
		flush();
	}
	void flush() override
	{
		buf_.insert(buf_.end(), m_bufp, m_cp);
		m_cp = m_bufp;
	}

      private:
	std::vector<uint8_t> &buf_;
};

class MemRestore final : public VerilatedDeserialize
{
      public:
	explicit MemRestore(const std::vector<uint8_t> &buf) : buf_(buf)
	{
		m_endp = m_bufp;
		m_isOpen = true;
		header();
	}
	~MemRestore() override
	{
		trailer();
	}

      protected:
	void fill() override
	{
		size_t keep = static_cast<size_t>(m_endp - m_cp);
		std::memmove(m_bufp, m_cp, keep);
		size_t n = std::min(buf_.size() - pos_, bufferSize() - keep);
		std::memcpy(m_bufp + keep, buf_.data() + pos_, n);
		pos_ += n;
		m_cp = m_bufp;
		m_endp = m_bufp + keep + n;
	}

      private:
	const std::vector<uint8_t> &buf_;
	size_t pos_ = 0;
};

struct Checkpoint {
	uint64_t cycle = UINT64_MAX;
	std::vector<uint8_t> state;
};

class RtlUnit
{
      public:
	RtlUnit(const cu_cfg_t &cfg, cu_backend_mode_t mode, cu_t *c, const char *vcd);
	~RtlUnit();
	const cu_out_t *out_peek();
	void out_pop();
	cu_refuse_t in_ready(const cu_tile_t *t);
	void in_push(const cu_tile_t *t);
	void tick();
	int error(sim_err_t *err) const;

      private:
	void drive(const Ports &p);
	void edge(Vcu_top *top, VerilatedContext *ctx, VerilatedVcdC *vcd);
	void reset(Vcu_top *top);
	void diverge(const char *what, const std::string &detail);
	bool compare_out(const cu_out_t *c);
	void write_window();
	cu_tag_t rtl_tag() const;

	cu_cfg_t cfg_;
	cu_backend_mode_t mode_;
	cu_t *c_;
	std::unique_ptr<VerilatedContext> ctx_;
	std::unique_ptr<Vcu_top> top_;
	std::unique_ptr<VerilatedVcdC> vcd_; // --vcd: every cycle
	std::string vcd_path_;
	Ports cur_;
	uint64_t cycle_ = 0;
	cu_out_t out_{};
	uint32_t sums_[kG * kK] = {};
	// Divergence window: two checkpoints and the inputs since the older.
	Checkpoint cp_[2];
	std::vector<Ports> log_; // ring, 2 * kWindow entries, indexed by cycle
	bool failed_ = false;
	std::string msg_;
};

RtlUnit::RtlUnit(const cu_cfg_t &cfg, cu_backend_mode_t mode, cu_t *c, const char *vcd)
    : cfg_(cfg), mode_(mode), c_(c), ctx_(new VerilatedContext), log_(2 * kWindow)
{
	if (vcd)
		ctx_->traceEverOn(true);
	top_.reset(new Vcu_top(ctx_.get()));
	set_ns(ctx_.get());
	if (vcd) {
		vcd_.reset(new VerilatedVcdC);
		top_->trace(vcd_.get(), 99);
		vcd_->open(vcd);
		vcd_path_ = vcd;
	}
	reset(top_.get());
	out_.sums = sums_;
}

RtlUnit::~RtlUnit()
{
	if (vcd_)
		vcd_->close();
	top_->final();
}

// Two reset cycles before cycle 0; the fix/acc_bits mode is constant.
void RtlUnit::reset(Vcu_top *top)
{
	top->fix = cfg_.prec == PREC_FIX16X8;
	top->acc_bits = static_cast<CData>(cfg_.acc_bits);
	top->rst = 1;
	top->in_valid = 0;
	top->out_ready = 0;
	for (int i = 0; i < 2; i++) {
		top->clk = 0;
		top->eval();
		top->clk = 1;
		top->eval();
	}
	top->clk = 0;
	top->rst = 0;
	top->eval();
}

void RtlUnit::drive(const Ports &p)
{
	top_->in_valid = p.in_valid;
	top_->out_ready = p.out_ready;
	top_->in_cfg = p.cfg;
	top_->in_first = p.first;
	top_->in_last = p.last;
	top_->in_has_init = p.has_init;
	put(top_->in_tag, p.tag, sizeof p.tag);
	put(top_->in_w, p.w, sizeof p.w);
	put(top_->in_x, p.x, sizeof p.x);
	put(top_->in_init, p.init, sizeof p.init);
	top_->eval();
}

cu_tag_t RtlUnit::rtl_tag() const
{
	const WData *w = words(top_->out_tag);
	cu_tag_t t;
	t.row0 = w[0];
	t.seq = static_cast<uint16_t>(w[1]);
	t.gate = static_cast<uint16_t>(w[1] >> 16);
	t.block = w[2];
	t.step = w[3];
	return t;
}

std::string show_tag(const cu_tag_t &t)
{
	char b[128];
	std::snprintf(b, sizeof b, "tag (step %u, block %u, seq %u, gate %u, row0 %u)", t.step, t.block, t.seq, t.gate,
		      t.row0);
	return b;
}

std::string show_val(uint32_t v, bool fix)
{
	char b[96];
	if (fix) {
		std::snprintf(b, sizeof b, "0x%08x (%" PRId32 ")", v, static_cast<int32_t>(v));
	} else {
		float f;
		std::memcpy(&f, &v, 4);
		std::snprintf(b, sizeof b, "0x%08x (%.9g)", v, static_cast<double>(f));
	}
	return b;
}

// The process's command line, each argument quoted for a POSIX shell.
std::string own_command()
{
	std::ifstream f("/proc/self/cmdline", std::ios::binary);
	std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	std::string cmd, arg;
	for (char ch : raw) {
		if (ch != '\0') {
			arg += ch;
			continue;
		}
		bool plain =
			!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
							      "0123456789_-+=./:,@%") == std::string::npos;
		std::string q = plain ? arg : "'";
		if (!plain) {
			for (char c : arg)
				q += c == '\'' ? std::string("'\\''") : std::string(1, c);
			q += "'";
		}
		cmd += (cmd.empty() ? "" : " ") + q;
		arg.clear();
	}
	return cmd.empty() ? "(command line unavailable)" : cmd;
}

void RtlUnit::diverge(const char *what, const std::string &detail)
{
	if (failed_)
		return;
	failed_ = true;
	char head[192];
	std::snprintf(head, sizeof head,
		      "cosim divergence at cycle %" PRIu64 " (RTL N=%u K=%u M=%u A=%u ACCS=%u, %s): %s: ", cycle_, kN,
		      kK, kM, kA, kAccs, cfg_.prec == PREC_FIX16X8 ? "fix16x8" : "fp16", what);
	msg_ = head + detail;
	if (vcd_)
		msg_ += "; waveform of the whole run: " + vcd_path_;
	else
		write_window();
	msg_ += "; reproduce: " + own_command();
}

bool RtlUnit::compare_out(const cu_out_t *c)
{
	cu_tag_t r = rtl_tag();
	if (r.step != c->tag.step || r.block != c->tag.block || r.seq != c->tag.seq || r.gate != c->tag.gate ||
	    r.row0 != c->tag.row0 || top_->out_kr != c->kr) {
		char b[64];
		std::snprintf(b, sizeof b, " kr %u, actual (RTL) ", c->kr);
		diverge("out tag", "expected (C) " + show_tag(c->tag) + b + show_tag(r) + " kr " +
					   std::to_string(static_cast<unsigned>(top_->out_kr)));
		return false;
	}
	if (!cfg_.functional || !c->sums)
		return true;
	const WData *s = words(top_->out_sums);
	for (uint32_t row = 0; row < c->kr; row++) {
		if (s[row] == c->sums[row])
			continue;
		char b[96];
		std::snprintf(b, sizeof b, "block of config%u, lane (row) %u of %u (group %u, lane %u), ",
			      static_cast<unsigned>(c->kr / kK == 8   ? 1
						    : c->kr / kK == 4 ? 2
						    : c->kr / kK == 2 ? 3
								      : 4),
			      row, c->kr, row / kK, row % kK);
		bool fix = cfg_.prec == PREC_FIX16X8;
		diverge("out sum", b + show_tag(c->tag) + ", expected (C) " + show_val(c->sums[row], fix) +
					   ", actual (RTL) " + show_val(s[row], fix));
		return false;
	}
	return true;
}

const cu_out_t *RtlUnit::out_peek()
{
	cur_.in_valid = false;
	cur_.out_ready = false;
	top_->in_valid = 0;
	top_->out_ready = 0;
	top_->eval();
	const cu_out_t *c = mode_ == CU_BACKEND_COSIM ? cu_out_peek(c_) : nullptr;
	if (mode_ == CU_BACKEND_COSIM) {
		if ((c != nullptr) != static_cast<bool>(top_->out_valid))
			diverge("out_valid", c ? "expected (C) a block, " + show_tag(c->tag) + ", actual (RTL) none"
					       : "expected (C) none, actual (RTL) a block, " + show_tag(rtl_tag()));
		else if (c)
			compare_out(c);
		return c;
	}
	if (!top_->out_valid)
		return nullptr;
	out_.tag = rtl_tag();
	out_.kr = top_->out_kr;
	std::memcpy(sums_, words(top_->out_sums), sizeof sums_);
	return &out_;
}

void RtlUnit::out_pop()
{
	cur_.out_ready = true;
	top_->out_ready = 1;
	if (cu_out_peek(c_))
		cu_out_pop(c_);
}

cu_refuse_t RtlUnit::in_ready(const cu_tile_t *t)
{
	cur_.in_valid = true;
	cur_.cfg = t->cfg;
	cur_.first = t->first;
	cur_.last = t->last;
	cur_.has_init = t->has_init;
	cur_.tag[0] = t->tag.row0;
	cur_.tag[1] = static_cast<uint32_t>(t->tag.gate) << 16 | t->tag.seq;
	cur_.tag[2] = t->tag.block;
	cur_.tag[3] = t->tag.step;
	drive(cur_);
	bool ready = top_->in_ready;
	if (mode_ == CU_BACKEND_COSIM) {
		cu_refuse_t c = cu_in_ready(c_, t);
		if ((c == CU_REFUSE_NONE) != ready) {
			char b[160];
			std::snprintf(b, sizeof b, "tile config%u first %d last %d init %d, ", t->cfg, t->first,
				      t->last, t->has_init);
			diverge("in_ready", b + show_tag(t->tag) + ", expected (C) " +
						    (c == CU_REFUSE_NONE ? "ready (1)" : "refused (0)") +
						    ", actual (RTL) " + (ready ? "ready (1)" : "refused (0)"));
		}
		return c;
	}
	if (ready)
		return CU_REFUSE_NONE;
	if (!t->first)
		return CU_REFUSE_TAP;
	Ports probe = cur_;
	probe.cfg = 4;
	drive(probe);
	bool slots_held = !top_->in_ready;
	drive(cur_);
	return slots_held ? CU_REFUSE_SLOTS : CU_REFUSE_TAP;
}

// The core fills the tile's data (w, x, init) only once it is accepted,
// between in_ready and in_push; the RTL samples it at the edge.
void RtlUnit::in_push(const cu_tile_t *t)
{
	uint32_t kr = (8u >> (t->cfg - 1)) * kK, kc = kN / (8u >> (t->cfg - 1));
	std::memset(cur_.w, 0, sizeof cur_.w);
	std::memset(cur_.x, 0, sizeof cur_.x);
	std::memset(cur_.init, 0, sizeof cur_.init);
	if (t->w)
		std::memcpy(cur_.w, t->w, sizeof(uint16_t) * kr * kc);
	if (t->x)
		std::memcpy(cur_.x, t->x, sizeof(uint16_t) * kc);
	if (t->init && t->has_init)
		std::memcpy(cur_.init, t->init, sizeof(uint32_t) * kr);
	drive(cur_);
	if (mode_ == CU_BACKEND_COSIM) {
		cu_in_push(c_, t); /* the core follows the C model's readiness */
		return;
	}
	cu_tile_t bare = *t;
	bare.w = nullptr;
	bare.x = nullptr;
	bare.init = nullptr;
	bare.wf = nullptr;
	bare.xf = nullptr;
	if (cu_in_ready(c_, &bare) == CU_REFUSE_NONE)
		cu_in_push(c_, &bare);
}

void RtlUnit::edge(Vcu_top *top, VerilatedContext *ctx, VerilatedVcdC *vcd)
{
	if (vcd)
		vcd->dump(ctx->time());
	top->clk = 1;
	top->eval();
	if (vcd)
		vcd->dump(ctx->time() + 5);
	top->clk = 0;
	top->eval();
	ctx->timeInc(10);
}

void RtlUnit::tick()
{
	if (cycle_ % kWindow == 0 && !vcd_) {
		Checkpoint &c = cp_[cycle_ / kWindow % 2];
		c.cycle = cycle_;
		MemSave os(c.state);
		os << *top_;
	}
	log_[cycle_ % log_.size()] = cur_;
	top_->eval();
	edge(top_.get(), ctx_.get(), vcd_.get());
	cu_tick(c_);
	cur_.in_valid = false;
	cur_.out_ready = false;
	cycle_++;
}

// Restores the older checkpoint into a second model, replays the logged
// inputs to the divergence cycle (its inputs as far as presented) and kAfter
// idle cycles, tracing all of it.
void RtlUnit::write_window()
{
	const Checkpoint *from = nullptr;
	for (const Checkpoint *c : { &cp_[0], &cp_[1] })
		if (c->cycle != UINT64_MAX && (!from || c->cycle < from->cycle))
			from = c;
	if (!from) {
		msg_ += "; no waveform (no checkpoint yet)";
		return;
	}
	log_[cycle_ % log_.size()] = cur_;
	VerilatedContext ctx;
	Vcu_top top(&ctx);
	set_ns(&ctx);
	{
		MemRestore is(from->state);
		is >> top;
	}
	/* The checkpoint holds the main context's state (tracing off, its
	 * time): tracing is switched on again after the restore. */
	ctx.traceEverOn(true);
	ctx.time(0);
	VerilatedVcdC vcd;
	top.trace(&vcd, 99);
	ctx.time(10 * from->cycle);
	vcd.open(kDefaultVcd);
	if (!vcd.isOpen()) {
		msg_ += std::string("; no waveform (cannot write ") + kDefaultVcd + ")";
		return;
	}
	Ports idle;
	for (uint64_t c = from->cycle; c <= cycle_ + kAfter; c++) {
		const Ports &p = c <= cycle_ ? log_[c % log_.size()] : idle;
		top.in_valid = p.in_valid;
		top.out_ready = p.out_ready;
		top.in_cfg = p.cfg;
		top.in_first = p.first;
		top.in_last = p.last;
		top.in_has_init = p.has_init;
		put(top.in_tag, p.tag, sizeof p.tag);
		put(top.in_w, p.w, sizeof p.w);
		put(top.in_x, p.x, sizeof p.x);
		put(top.in_init, p.init, sizeof p.init);
		top.eval();
		edge(&top, &ctx, &vcd);
	}
	vcd.close();
	top.final();
	char b[256];
	std::snprintf(b, sizeof b,
		      "; waveform of cycles %" PRIu64 "..%" PRIu64
		      " (VCD timescale 1 ns, cycle c from 10c ns, its rising edge at 10c+5 ns): %s",
		      from->cycle, cycle_ + kAfter, kDefaultVcd);
	msg_ += b;
}

int RtlUnit::error(sim_err_t *err) const
{
	if (!failed_)
		return SIM_OK;
	return sim_err(err, SIM_EINTERNAL, "%s", msg_.c_str());
}

// C trampolines of cu_backend_t.
RtlUnit *self(void *ctx)
{
	return static_cast<RtlUnit *>(ctx);
}
cu_refuse_t be_in_ready(void *c, const cu_tile_t *t)
{
	return self(c)->in_ready(t);
}
void be_in_push(void *c, const cu_tile_t *t)
{
	self(c)->in_push(t);
}
const cu_out_t *be_out_peek(void *c)
{
	return self(c)->out_peek();
}
void be_out_pop(void *c)
{
	self(c)->out_pop();
}
void be_tick(void *c)
{
	self(c)->tick();
}
int be_error(void *c, sim_err_t *err)
{
	return self(c)->error(err);
}
void be_destroy(void *c)
{
	delete self(c);
}

} // namespace

extern "C" int rtl_backend_create(const cu_cfg_t *cfg, cu_backend_mode_t mode, cu_t *c_model, const char *vcd,
				  cu_backend_t *out, sim_err_t *err)
{
	if (cfg->vs_units != kN || cfg->vs_width != kK || cfg->mult_latency != kM || cfg->acc_latency != kA ||
	    cfg->accumulators != kAccs)
		return sim_err(
			err, SIM_EINPUT,
			"this sharpsim-rtl holds the RTL compute unit N=%u K=%u M=%u A=%u ACCS=%u, the run asks "
			"for N=%u K=%u M=%u A=%u ACCS=%u; expected -p compute.vs_units=%u -p compute.vs_width=%u "
			"-p compute.mult_latency=%u -p compute.acc_latency=%u -p compute.accumulators=%u, or a "
			"build for this shape: make rtl-sim RTL_SIM_N=%u RTL_SIM_K=%u RTL_SIM_M=%u RTL_SIM_A=%u "
			"RTL_SIM_ACCS=%u",
			kN, kK, kM, kA, kAccs, cfg->vs_units, cfg->vs_width, cfg->mult_latency, cfg->acc_latency,
			cfg->accumulators, kN, kK, kM, kA, kAccs, cfg->vs_units, cfg->vs_width, cfg->mult_latency,
			cfg->acc_latency, cfg->accumulators);
	if (cfg->prec != PREC_FP16 && cfg->prec != PREC_FIX16X8)
		return sim_err(err, SIM_EINPUT,
			       "the RTL compute unit computes fp16 and fix16x8 only, expected -p precision.mul=fp16 "
			       "or fix16x8");
	if (!c_model)
		return sim_err(err, SIM_EINPUT, "the RTL backend needs the C compute unit beside it");
	RtlUnit *u = new (std::nothrow) RtlUnit(*cfg, mode, c_model, vcd);
	if (!u)
		return sim_err(err, SIM_ENOMEM, "cannot build the RTL compute unit (out of memory)");
	*out = cu_backend_t{ u, be_in_ready, be_in_push, be_out_peek, be_out_pop, be_tick, be_error, be_destroy };
	return SIM_OK;
}
