// cu_cosim - runs the Verilated RTL compute unit (rtl/cu_top.sv) and the C
// model (sim/compute/cu.c, through cu.h) in lockstep on identical random
// stimulus and checks, every cycle, in.ready (while a tile is offered),
// out.valid and, while a block is offered, its tag, Kr and every sum, bit for
// bit. A sample of finished blocks is also checked against an independent
// MPFR oracle (oracle.h) so that the expected values do not come only from
// the C model.
//
// The RTL parameters are compile-time (one Verilator build per shape):
// CU_N, CU_K, CU_M, CU_A, CU_ACCS. Everything else is a run-time option:
//
//   cu_cosim [--tiles T] [--seed S] [--prec fp16|fix16x8] [--acc-bits B]
//            [--cfgs 1234] [--special P] [--oracle-every E] [--valid P]
//            [--out-ready P] [--quiet] [--bench] [--coverage FILE] [+trace]
//
// --bench prints the co-simulated cycles per second of the run (the figure
// of make cosim-bench). --coverage writes the run's line and toggle
// coverage (a build with --coverage, make rtl-coverage).
//
// The first divergence stops the run with the cycle, tile, row (group and
// lane), tag, expected (C model) and actual (RTL) values in hex and decimal,
// and the oracle's value for that block, then one command line that
// reproduces it and writes its waveform (make cosim-run with the same shape,
// RTL directory and options, COSIM_TRACE=1 and +trace). With +trace (a build
// with --trace) the run is repeated from the start (the stimulus is a
// function of the seed) and a VCD of the 40 cycles up to the divergence is
// written to cosim_fail.vcd in the current directory; its path is printed.
// The VCD's time unit is 1 ns and a cycle lasts 10 ns (rising edge at
// 10 c ns), as the messages say. The environment variable COSIM_RTL_DIR
// names an RTL directory other than rtl/ (mk/rtl.mk sets it) for that
// command. Exit status: 0 all checks passed, 1 a divergence, 2 bad usage.
//
// Cycle protocol (one loop iteration = one clock cycle, inputs change only
// while clk is low), in the order sim/core/accel.c uses the C model:
//   1. drive the offered tile (or in_valid = 0) and out_ready; eval
//   2. compare out with cu_out_peek(); popped block -> cu_out_pop()
//   3. compare in.ready with cu_in_ready(); accepted tile -> cu_in_push()
//   4. rising edge on the RTL, cu_tick() on the C model
// A pop therefore frees an accumulator for a first tile of the same cycle,
// in both models (the RTL's in_ready depends on out_ready).
// The C headers come first: hw_cfg.h's enumerator SCHED_KIND_BATCH is also a
// macro of <sched.h>, which the C++ library and verilated.h pull in.
extern "C" {
#include "common/stats.h"
#include "compute/cu.h"
#include "config/hw_cfg.h"
}

#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "Vcu_top.h"
#include "verilated.h"
#include "vl_ports.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

#include "oracle.h"
#include "stimulus.h"

#ifndef CU_N
#error "build with -DCU_N=... -DCU_K=... matching the Verilator parameters"
#endif

namespace
{

constexpr unsigned kN = CU_N, kK = CU_K, kM = CU_M, kA = CU_A, kAccs = CU_ACCS;
constexpr unsigned kG = kN % 8 == 0 ? 8 : kN % 4 == 0 ? 4 : kN % 2 == 0 ? 2 : 1;

struct Options {
	uint64_t tiles = 2000, seed = 1;
	bool fix = false, quiet = false, trace = false, bench = false;
	std::string coverage; // --coverage FILE
	std::string args;     // the options as given, for the reproducing command
	unsigned acc_bits = 32, cfg_mask = 0x1e, special = 8, oracle_every = 8;
	unsigned valid_pct = 85, out_ready_pct = 70;
};

void pack_tag(uint32_t w[4], const stim::Tag &t)
{
	w[0] = t.row0;
	w[1] = static_cast<uint32_t>(t.gate) << 16 | t.seq;
	w[2] = t.block;
	w[3] = t.step;
}

cu_tag_t to_cu(const stim::Tag &t)
{
	cu_tag_t c;
	c.step = t.step;
	c.block = t.block;
	c.gate = t.gate;
	c.seq = t.seq;
	c.row0 = t.row0;
	return c;
}

std::string show(uint32_t v, bool fix)
{
	char b[96];
	if (fix)
		std::snprintf(b, sizeof b, "0x%08x (%" PRId32 ")", v, static_cast<int32_t>(v));
	else {
		float f;
		std::memcpy(&f, &v, 4);
		std::snprintf(b, sizeof b, "0x%08x (%.9g)", v, static_cast<double>(f));
	}
	return b;
}

// cu.h's refusal reasons, in words.
const char *refuse_name(cu_refuse_t r)
{
	switch (r) {
	case CU_REFUSE_NONE:
		return "ready (1)";
	case CU_REFUSE_SLOTS:
		return "refused (0): the tile opens a block and every accumulator is held";
	case CU_REFUSE_TAP:
		return "refused (0): tap order, its result would leave the tree too early";
	}
	return "refused (0): unknown reason";
}

std::string show_tag(const cu_tag_t &t)
{
	char b[128];
	std::snprintf(b, sizeof b, "{step %u block %u gate %u seq %u row0 %u}", t.step, t.block, t.gate, t.seq, t.row0);
	return b;
}

// VCD output when the model was built with --trace (make COSIM_TRACE=1);
// otherwise +trace explains how to get it.
#if VM_TRACE
class Tracer
{
      public:
	static constexpr bool kAvailable = true;
	void open(VerilatedContext *ctx, Vcu_top *top, const char *path)
	{
		ctx->traceEverOn(true);
		top->trace(&vcd_, 99);
		vcd_.open(path);
	}
	void dump(uint64_t t)
	{
		vcd_.dump(t);
	}
	void close()
	{
		vcd_.close();
	}

      private:
	VerilatedVcdC vcd_;
};
#else
class Tracer
{
      public:
	static constexpr bool kAvailable = false;
	void open(VerilatedContext *, Vcu_top *, const char *)
	{
	}
	void dump(uint64_t)
	{
	}
	void close()
	{
	}
};
#endif

class Cosim
{
      public:
	// silent: a rerun that only writes the VCD reports nothing again.
	Cosim(const Options &o, bool silent) : o_(o), silent_(silent)
	{
	}
	// Runs to completion or to the first divergence; returns its cycle (or
	// UINT64_MAX when everything matched). With vcd set, dumps the cycles
	// [vcd_from, vcd_to] and stops at vcd_to.
	uint64_t run(const char *vcd, uint64_t vcd_from, uint64_t vcd_to);
	uint64_t cycles() const
	{
		return cycle_;
	}
	uint64_t blocks() const
	{
		return blocks_;
	}
	uint64_t oracle_blocks() const
	{
		return oracle_blocks_;
	}
	uint64_t tiles() const
	{
		return accepted_;
	}

      private:
	void fail_header(const char *what);
	template <typename... Args> void say(const char *fmt, Args... args)
	{
		if (!silent_)
			std::printf(fmt, args...);
	}
	bool check_out(const cu_out_t *c);
	void tick_rtl();

	Options o_;
	bool silent_;
	std::unique_ptr<VerilatedContext> ctx_;
	std::unique_ptr<Vcu_top> top_;
	std::unique_ptr<Tracer> vcd_;
	bool dumping_ = false;
	uint64_t cycle_ = 0, accepted_ = 0, blocks_ = 0, oracle_blocks_ = 0;
	std::map<std::pair<uint32_t, uint16_t>, std::vector<oracle::Tile>> inflight_;
};

void Cosim::tick_rtl()
{
	top_->clk = 1;
	top_->eval();
	if (dumping_)
		vcd_->dump(ctx_->time() + 5);
	top_->clk = 0;
	ctx_->timeInc(10);
}

void Cosim::fail_header(const char *what)
{
	say("DIVERGENCE at cycle %" PRIu64 " (N=%u K=%u M=%u A=%u ACCS=%u, %s, seed %" PRIu64 ", %" PRIu64
	    " tiles accepted): %s\n",
	    cycle_, kN, kK, kM, kA, kAccs, o_.fix ? "fix16x8" : "fp16", o_.seed, accepted_, what);
}

// Compares the offered block; on the first difference prints the row, the
// C model's and the RTL's value, and the oracle's value for the block.
bool Cosim::check_out(const cu_out_t *c)
{
	uint32_t tagw[4];
	std::memcpy(tagw, words(top_->out_tag), 16);
	cu_tag_t rt;
	rt.row0 = tagw[0];
	rt.seq = static_cast<uint16_t>(tagw[1]);
	rt.gate = static_cast<uint16_t>(tagw[1] >> 16);
	rt.block = tagw[2];
	rt.step = tagw[3];
	if (rt.step != c->tag.step || rt.block != c->tag.block || rt.gate != c->tag.gate || rt.seq != c->tag.seq ||
	    rt.row0 != c->tag.row0 || top_->out_kr != c->kr) {
		fail_header("out tag or Kr");
		say("  C model: tag %s kr %u\n  RTL:     tag %s kr %u\n", show_tag(c->tag).c_str(), c->kr,
		    show_tag(rt).c_str(), static_cast<unsigned>(top_->out_kr));
		return false;
	}
	// In bulk first: the Kr sums are Kr consecutive words on both sides;
	// the row loop below runs only to name the first differing row.
	const WData *s = words(top_->out_sums);
	if (std::memcmp(s, c->sums, sizeof(uint32_t) * c->kr) == 0)
		return true;
	for (uint32_t r = 0; r < c->kr; r++) {
		if (s[r] == c->sums[r])
			continue;
		fail_header("out sum");
		say("  block tag %s, row %u (group %u, lane %u) of %u\n", show_tag(c->tag).c_str(), r, r / kK, r % kK,
		    c->kr);
		say("  expected (C model) %s\n  actual   (RTL)     %s\n", show(c->sums[r], o_.fix).c_str(),
		    show(s[r], o_.fix).c_str());
		auto it = inflight_.find({ c->tag.block, c->tag.seq });
		if (it != inflight_.end()) {
			auto want = oracle::block_sums(it->second, kN, kK, o_.fix, o_.acc_bits);
			say("  oracle   (MPFR)    %s   (block of %zu tiles, config%u)\n", show(want[r], o_.fix).c_str(),
			    it->second.size(), it->second[0].cfg);
		}
		return false;
	}
	return true;
}

uint64_t Cosim::run(const char *vcd_path, uint64_t vcd_from, uint64_t vcd_to)
{
	ctx_ = std::make_unique<VerilatedContext>();
	if (vcd_path)
		ctx_->traceEverOn(true);
	top_ = std::make_unique<Vcu_top>(ctx_.get());
	// Time in ns (the VCD's unit): a cycle is 10 time units. Set after the
	// model is built, whose constructor sets the RTL's timescale (Verilator's
	// default 1 ps: the RTL has no `timescale).
	ctx_->timeunit(-9);
	ctx_->timeprecision(-9);
	if (vcd_path) {
		vcd_ = std::make_unique<Tracer>();
		vcd_->open(ctx_.get(), top_.get(), vcd_path);
	}
	stats_t *st = stats_create();
	cu_cfg_t cc{};
	cc.vs_units = kN;
	cc.vs_width = kK;
	cc.mult_latency = kM;
	cc.acc_latency = kA;
	cc.accumulators = kAccs;
	cc.functional = true;
	cc.prec = o_.fix ? PREC_FIX16X8 : PREC_FP16;
	cc.acc_bits = o_.acc_bits;
	cu_t *cu = cu_create(&cc, st);
	if (!cu) {
		say("cu_create failed\n");
		stats_destroy(st);
		return 0;
	}
	stim::Params sp{ kN, kK, kAccs, o_.fix, o_.acc_bits, o_.cfg_mask, o_.special };
	stim::Gen gen(sp, o_.seed);
	stim::Rng hs(o_.seed ^ 0x5bd1e995u); // handshake randomness, apart from the values

	top_->fix = o_.fix;
	top_->acc_bits = static_cast<CData>(o_.acc_bits);
	top_->rst = 1;
	top_->in_valid = 0;
	top_->out_ready = 0;
	for (int i = 0; i < 2; i++) {
		top_->eval();
		tick_rtl();
	}
	top_->rst = 0;

	bool offered = false;
	stim::Tile cur;
	cu_tile_t ct{};
	uint64_t issued = 0, idle = 0, fail = UINT64_MAX;
	std::vector<uint32_t> out_copy;
	for (cycle_ = 0;; cycle_++) {
		if (vcd_)
			dumping_ = cycle_ >= vcd_from;
		if (vcd_ && cycle_ > vcd_to)
			break;
		bool more = issued < o_.tiles || gen.open_blocks() > 0;
		if (!offered && more && hs.chance(o_.valid_pct)) {
			cur = gen.next(issued < o_.tiles);
			issued++;
			offered = true;
			ct.cfg = static_cast<uint8_t>(cur.t.cfg);
			ct.first = cur.t.first;
			ct.last = cur.t.last;
			ct.has_init = cur.t.has_init;
			ct.tag = to_cu(cur.tag);
			ct.useful_lanes = kN * kK;
			ct.w = cur.t.w.data();
			ct.x = cur.t.x.data();
			ct.init = cur.t.init.data();
			uint32_t tw[4];
			pack_tag(tw, cur.tag);
			put(top_->in_tag, tw, 16);
			put(top_->in_w, cur.t.w.data(), cur.t.w.size() * 2);
			put(top_->in_x, cur.t.x.data(), cur.t.x.size() * 2);
			put(top_->in_init, cur.t.init.data(), cur.t.init.size() * 4);
			top_->in_cfg = static_cast<CData>(cur.t.cfg);
			top_->in_first = cur.t.first;
			top_->in_last = cur.t.last;
			top_->in_has_init = cur.t.has_init;
		}
		bool out_ready = hs.chance(o_.out_ready_pct);
		top_->in_valid = offered;
		top_->out_ready = out_ready;
		top_->eval();
		if (dumping_)
			vcd_->dump(ctx_->time());

		const cu_out_t *co = cu_out_peek(cu);
		if ((co != nullptr) != static_cast<bool>(top_->out_valid)) {
			fail_header("out.valid");
			say("  C model offers %s, RTL out_valid %d\n", co ? show_tag(co->tag).c_str() : "nothing",
			    static_cast<int>(top_->out_valid));
			fail = cycle_;
			break;
		}
		if (co && !check_out(co)) {
			fail = cycle_;
			break;
		}
		bool progress = false;
		if (co && out_ready) {
			auto key = std::make_pair(co->tag.block, co->tag.seq);
			if (o_.oracle_every && blocks_ % o_.oracle_every == 0) {
				auto want = oracle::block_sums(inflight_[key], kN, kK, o_.fix, o_.acc_bits);
				for (uint32_t r = 0; r < co->kr; r++) {
					if (want[r] == co->sums[r])
						continue;
					fail_header("C model and RTL agree, the MPFR oracle differs");
					say("  block tag %s, row %u (group %u, lane %u): C/RTL %s, oracle %s\n",
					    show_tag(co->tag).c_str(), r, r / kK, r % kK,
					    show(co->sums[r], o_.fix).c_str(), show(want[r], o_.fix).c_str());
					fail = cycle_;
					break;
				}
				if (fail != UINT64_MAX)
					break;
				oracle_blocks_++;
			}
			inflight_.erase(key);
			cu_out_pop(cu);
			blocks_++;
			progress = true;
		}
		// After the pop, as sim/core/accel.c does: a block popped in this
		// cycle frees its accumulator for this cycle's first tile.
		bool c_ready = offered && cu_in_ready(cu, &ct) == CU_REFUSE_NONE;
		if (offered && c_ready != static_cast<bool>(top_->in_ready)) {
			fail_header("in.ready");
			say("  offered tile: config%u first %d last %d has_init %d tag %s\n", ct.cfg, ct.first, ct.last,
			    ct.has_init, show_tag(ct.tag).c_str());
			say("  C model %s, RTL %s\n", refuse_name(cu_in_ready(cu, &ct)),
			    top_->in_ready ? "ready (1)" : "refused (0)");
			fail = cycle_;
			break;
		}
		if (offered && c_ready) {
			cu_in_push(cu, &ct); // computes the tile now: ct's pointers into cur.t are dead after
			inflight_[{ cur.tag.block, cur.tag.seq }].push_back(std::move(cur.t));
			accepted_++;
			offered = false;
			progress = true;
		}
		cu_tick(cu);
		tick_rtl();
		idle = progress ? 0 : idle + 1;
		if (!more && !offered && cu_in_flight(cu) == 0 && !top_->out_valid)
			break;
		if (idle > 10000) {
			fail_header("no progress for 10000 cycles (deadlock)");
			fail = cycle_;
			break;
		}
	}
	if (vcd_)
		vcd_->close();
	top_->final();
#if VM_COVERAGE
	if (!silent_ && !o_.coverage.empty())
		ctx_->coveragep()->write(o_.coverage.c_str());
#endif
	cu_destroy(cu);
	stats_destroy(st);
	return fail;
}

bool parse(int argc, char **argv, Options &o)
{
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto val = [&](void) -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
		const char *v = nullptr;
		if (a == "+trace")
			o.trace = true;
		else if (a == "--bench")
			o.bench = true;
		else if (a == "--quiet")
			o.quiet = true;
		else if (a == "--coverage" && (v = val()))
			o.coverage = v;
		else if (a == "--tiles" && (v = val()))
			o.tiles = std::strtoull(v, nullptr, 0);
		else if (a == "--seed" && (v = val()))
			o.seed = std::strtoull(v, nullptr, 0);
		else if (a == "--acc-bits" && (v = val()))
			o.acc_bits = static_cast<unsigned>(std::atoi(v));
		else if (a == "--special" && (v = val()))
			o.special = static_cast<unsigned>(std::atoi(v));
		else if (a == "--oracle-every" && (v = val()))
			o.oracle_every = static_cast<unsigned>(std::atoi(v));
		else if (a == "--valid" && (v = val()))
			o.valid_pct = static_cast<unsigned>(std::atoi(v));
		else if (a == "--out-ready" && (v = val()))
			o.out_ready_pct = static_cast<unsigned>(std::atoi(v));
		else if (a == "--prec" && (v = val())) {
			if (std::string(v) == "fp16")
				o.fix = false;
			else if (std::string(v) == "fix16x8")
				o.fix = true;
			else
				return false;
		} else if (a == "--cfgs" && (v = val())) {
			o.cfg_mask = 0;
			for (const char *p = v; *p; p++) {
				if (*p < '1' || *p > '4')
					return false;
				o.cfg_mask |= 1u << (*p - '0');
			}
		} else
			return false;
	}
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "--coverage")
			i++;
		else if (a != "+trace" && a != "--quiet" && a != "--bench")
			o.args += " " + a;
	}
	return o.acc_bits >= 16 && o.acc_bits <= 32 && o.valid_pct > 0 && o.out_ready_pct > 0;
}

} // namespace

int main(int argc, char **argv)
{
	Options o;
	if (!parse(argc, argv, o)) {
		std::fprintf(stderr,
			     "usage: %s [--tiles T] [--seed S] [--prec fp16|fix16x8] [--acc-bits 16..32] "
			     "[--cfgs 1234] [--special PCT] [--oracle-every E] [--valid PCT] "
			     "[--out-ready PCT] [--quiet] [--bench] [--coverage FILE] [+trace]\n",
			     argv[0]);
		return 2;
	}
	oracle::init();
	bool any = false;
	for (unsigned x = 1; x <= 4; x++)
		any |= (o.cfg_mask >> x & 1) && kN % (8u >> (x - 1)) == 0;
	if (!any) {
		std::fprintf(stderr, "cu_cosim: no selected config divides N=%u\n", kN);
		return 2;
	}
	Cosim cs(o, false);
	auto t0 = std::chrono::steady_clock::now();
	uint64_t fail = cs.run(nullptr, 0, 0);
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	if (fail != UINT64_MAX) {
		const char *rtl_dir = std::getenv("COSIM_RTL_DIR");
		// The sharpsim directory (mk/rtl.mk exports it), so that the
		// command works pasted anywhere, e.g. beside a CI's make -C.
		const char *make_dir = std::getenv("COSIM_MAKE_DIR");
		std::printf(
			"  reproduce with a waveform: make%s%s cosim-run N=%u K=%u RTL_M=%u RTL_A=%u RTL_ACCS=%u%s%s "
			"COSIM_TRACE=1 ARGS=\"%s +trace\"\n",
			make_dir && *make_dir ? " -C " : "", make_dir ? make_dir : "", kN, kK, kM, kA, kAccs,
			rtl_dir && *rtl_dir ? " RTL_DIR=" : "", rtl_dir ? rtl_dir : "",
			o.args.c_str() + (o.args.empty() ? 0 : 1));
		if (o.trace && !Tracer::kAvailable) {
			std::printf("  +trace: this build has no VCD support; rebuild with make COSIM_TRACE=1\n");
		} else if (o.trace) {
			Cosim again(o, true);
			uint64_t from = fail > 40 ? fail - 40 : 0;
			again.run("cosim_fail.vcd", from, fail);
			char cwd[4096];
			std::printf("  VCD of cycles %" PRIu64 "..%" PRIu64
				    " (timescale 1 ns, 10 ns per cycle, two reset "
				    "cycles first: cycle c's rising edge at 10c+25 ns): %s/cosim_fail.vcd\n",
				    from, fail, getcwd(cwd, sizeof cwd) ? cwd : ".");
		}
		return 1;
	}
	if (o.bench)
		std::printf("cosim-bench N=%u K=%u %s: %" PRIu64 " cycles in %.2f s = %.0f co-simulated cycles/s "
			    "(RTL + C model + stimulus, in lockstep)\n",
			    kN, kK, o.fix ? "fix16x8" : "fp16", cs.cycles(), secs,
			    static_cast<double>(cs.cycles()) / secs);
	else if (!o.quiet)
		std::printf("cu_cosim N=%u K=%u M=%u A=%u ACCS=%u %s%s seed %" PRIu64 ": %" PRIu64 " tiles, %" PRIu64
			    " blocks (%" PRIu64 " checked by MPFR), %" PRIu64 " cycles: all match\n",
			    kN, kK, kM, kA, kAccs, o.fix ? "fix16x8" : "fp16",
			    o.fix && o.acc_bits != 32 ? (" acc_bits " + std::to_string(o.acc_bits)).c_str() : "",
			    o.seed, cs.tiles(), cs.blocks(), cs.oracle_blocks(), cs.cycles());
	return 0;
}
