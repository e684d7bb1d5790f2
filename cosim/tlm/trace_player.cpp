// trace_player - see trace_player.h.
extern "C" {
#include "func/npy.h"
}

#include "trace_player.h"

#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace sharp_vp
{

namespace
{

// Simulated time in ns, the unit every line of the log uses.
double now_ns()
{
	return sc_core::sc_time_stamp().to_seconds() * 1e9;
}

std::string where(const std::string &file, int line, size_t col)
{
	return file + ":" + std::to_string(line) + ":" + std::to_string(col + 1) + ": ";
}

bool ends_with(const std::string &s, const char *suffix)
{
	size_t n = std::strlen(suffix);
	return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

} // namespace

TracePlayer::TracePlayer(sc_core::sc_module_name name, const std::string &trace, const std::string &data_dir,
			 Memory &mem)
    : sc_module(name), mmio("mmio"), irq("irq"), trace_(trace), dir_(data_dir), mem_(mem)
{
	std::ifstream in(trace);
	if (!in)
		throw std::runtime_error(trace + ": cannot open the trace file: " + std::strerror(errno));
	struct Syntax {
		const char *name;
		Op op;
		const char *args; // n: number, f: file, o: optional number
		const char *usage;
	};
	static const Syntax kSyntax[] = {
		{ "write_reg", kWriteReg, "nn", "write_reg ADDR VALUE" },
		{ "read_reg", kReadReg, "nnn", "read_reg ADDR MASK VALUE" },
		{ "load_mem", kLoadMem, "nf", "load_mem ADDR FILE" },
		{ "check_mem", kCheckMem, "nf", "check_mem ADDR FILE" },
		{ "dump_mem", kDumpMem, "nnf", "dump_mem ADDR BYTES FILE" },
		{ "wait_irq", kWaitIrq, "o", "wait_irq [TIMEOUT_US]" },
	};
	std::string text;
	for (int line = 1; std::getline(in, text); line++) {
		size_t hash = text.find('#');
		if (hash != std::string::npos)
			text.resize(hash);
		// Tokens with their columns.
		std::vector<std::pair<std::string, size_t>> tok;
		for (size_t i = 0; i < text.size();) {
			if (std::isspace(static_cast<unsigned char>(text[i]))) {
				i++;
				continue;
			}
			size_t j = i;
			while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])))
				j++;
			tok.emplace_back(text.substr(i, j - i), i);
			i = j;
		}
		if (tok.empty())
			continue;
		const Syntax *sx = nullptr;
		for (const Syntax &s : kSyntax)
			if (tok[0].first == s.name)
				sx = &s;
		if (!sx)
			throw std::runtime_error(
				where(trace, line, tok[0].second) + "unknown command '" + tok[0].first +
				"', expected write_reg, read_reg, load_mem, check_mem, dump_mem or wait_irq");
		size_t nargs = std::strlen(sx->args), need = nargs - (std::strchr(sx->args, 'o') ? 1 : 0);
		if (tok.size() - 1 < need || tok.size() - 1 > nargs) {
			size_t col = tok.size() - 1 > nargs ? tok[nargs + 1].second : text.size();
			throw std::runtime_error(where(trace, line, col) + "wrong number of arguments, expected " +
						 sx->usage);
		}
		Cmd c;
		c.op = sx->op;
		c.line = line;
		uint64_t *nums[] = { &c.a, &c.b, &c.c };
		int ni = 0;
		if (c.op == kWaitIrq)
			c.a = 1000000; // 1 s in us
		for (size_t k = 1; k < tok.size(); k++) {
			const std::string &t = tok[k].first;
			if (sx->args[k - 1] == 'f') {
				c.file = t[0] == '/' ? t : dir_ + "/" + t;
				continue;
			}
			char *end = nullptr;
			errno = 0;
			unsigned long long v = std::strtoull(t.c_str(), &end, 0);
			if (t[0] == '-' || *end || errno)
				throw std::runtime_error(where(trace, line, tok[k].second) + "'" + t +
							 "' is not a number, expected decimal or 0x hex in " +
							 sx->usage);
			if ((c.op == kWriteReg || c.op == kReadReg) && v > 0xffffffffull)
				throw std::runtime_error(where(trace, line, tok[k].second) + "'" + t +
							 "' does not fit 32 bits, expected a register offset or value");
			*nums[ni++] = v;
		}
		cmds_.push_back(c);
	}
	SC_THREAD(run);
}

void TracePlayer::fail(const Cmd &c, const std::string &what)
{
	failures_++;
	std::printf("%s:%d: @%.3f ns FAIL: %s\n", trace_.c_str(), c.line, now_ns(), what.c_str());
}

// One register access; the annotated delay is waited for at once (the
// driver is a simple in-order CPU).
bool TracePlayer::access(bool write, uint64_t addr, uint32_t &v)
{
	tlm::tlm_generic_payload p;
	sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
	p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
	p.set_address(addr);
	p.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
	p.set_data_length(4);
	p.set_streaming_width(4);
	p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	mmio->b_transport(p, delay);
	sc_core::wait(delay);
	return p.get_response_status() == tlm::TLM_OK_RESPONSE;
}

// A file as memory would hold it: .npy values as fp32, else the raw bytes.
bool TracePlayer::file_bytes(const std::string &path, std::vector<uint8_t> &out, std::string &why) const
{
	if (ends_with(path, ".npy")) {
		npy_array_t a{};
		sim_err_t err{};
		if (npy_read(path.c_str(), &a, &err) != SIM_OK) {
			why = err.msg;
			return false;
		}
		out.resize(a.count * 4);
		for (size_t i = 0; i < a.count; i++) {
			float f = static_cast<float>(a.data[i]);
			std::memcpy(&out[i * 4], &f, 4);
		}
		npy_free(&a);
		return true;
	}
	std::ifstream in(path, std::ios::binary);
	if (!in) {
		why = path + ": cannot open: " + std::strerror(errno);
		return false;
	}
	out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
	return true;
}

void TracePlayer::run()
{
	char b[512];
	for (const Cmd &c : cmds_) {
		double t0 = now_ns();
		switch (c.op) {
		case kWriteReg: {
			uint32_t v = static_cast<uint32_t>(c.b);
			if (!access(true, c.a, v))
				fail(c, "write_reg: error response");
			else
				std::printf("%s:%d: @%.3f ns write_reg 0x%03" PRIx64 " = 0x%08x\n", trace_.c_str(),
					    c.line, t0, c.a, v);
			break;
		}
		case kReadReg: {
			uint32_t v = 0;
			if (!access(false, c.a, v)) {
				fail(c, "read_reg: error response");
				break;
			}
			std::snprintf(b, sizeof b,
				      "read_reg 0x%03" PRIx64 " = 0x%08x, mask 0x%08" PRIx64 ", expected 0x%08" PRIx64,
				      c.a, v, c.b, c.c);
			if ((v & c.b) != c.c)
				fail(c, b);
			else
				std::printf("%s:%d: @%.3f ns %s: ok\n", trace_.c_str(), c.line, t0, b);
			break;
		}
		case kLoadMem:
		case kCheckMem: {
			std::vector<uint8_t> bytes, have;
			std::string why;
			if (!file_bytes(c.file, bytes, why)) {
				fail(c, why);
				break;
			}
			if (c.op == kLoadMem) {
				if (!mem_.write(c.a, bytes.data(), bytes.size()))
					fail(c, "load_mem: outside the memory");
				else
					std::printf("%s:%d: @%.3f ns load_mem 0x%" PRIx64 ": %zu bytes from %s\n",
						    trace_.c_str(), c.line, t0, c.a, bytes.size(), c.file.c_str());
				break;
			}
			have.resize(bytes.size());
			if (!mem_.read(c.a, have.data(), have.size())) {
				fail(c, "check_mem: outside the memory");
				break;
			}
			size_t i = 0;
			while (i < bytes.size() && bytes[i] == have[i])
				i++;
			if (i < bytes.size()) {
				size_t e = i / 4 * 4;
				float want = 0, got = 0;
				if (e + 4 <= bytes.size()) {
					std::memcpy(&want, &bytes[e], 4);
					std::memcpy(&got, &have[e], 4);
				}
				std::snprintf(b, sizeof b,
					      "check_mem 0x%" PRIx64 ": byte %zu of %zu differs (fp32 element %zu: "
					      "memory %.9g, %s %.9g)",
					      c.a, i, bytes.size(), e / 4, static_cast<double>(got), c.file.c_str(),
					      static_cast<double>(want));
				fail(c, b);
			} else {
				std::printf("%s:%d: @%.3f ns check_mem 0x%" PRIx64 ": %zu bytes equal %s\n",
					    trace_.c_str(), c.line, t0, c.a, bytes.size(), c.file.c_str());
			}
			break;
		}
		case kDumpMem: {
			std::vector<uint8_t> have(c.b);
			std::ofstream out(c.file, std::ios::binary);
			if (!mem_.read(c.a, have.data(), have.size()) || !out ||
			    !out.write(reinterpret_cast<const char *>(have.data()),
				       static_cast<std::streamsize>(have.size())))
				fail(c, "dump_mem: outside the memory or cannot write " + c.file);
			else
				std::printf("%s:%d: @%.3f ns dump_mem 0x%" PRIx64 ": %" PRIu64 " bytes to %s\n",
					    trace_.c_str(), c.line, t0, c.a, c.b, c.file.c_str());
			break;
		}
		case kWaitIrq: {
			sc_core::sc_time start = sc_core::sc_time_stamp();
			if (!irq.read()) {
				sc_core::wait(sc_core::sc_time(static_cast<double>(c.a), sc_core::SC_US),
					      irq.posedge_event());
			}
			sc_core::sc_time waited = sc_core::sc_time_stamp() - start;
			if (!irq.read()) {
				fail(c, "wait_irq: no interrupt within " + std::to_string(c.a) + " us");
				break;
			}
			std::printf("%s:%d: @%.3f ns wait_irq: interrupt after %.3f ns\n", trace_.c_str(), c.line,
				    now_ns(), waited.to_seconds() * 1e9);
			break;
		}
		}
	}
	finished_ = true;
	sc_core::sc_stop();
}

} // namespace sharp_vp
