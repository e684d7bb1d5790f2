#include "isa.h"

bool isa_has(isa_t isa)
{
	switch (isa) {
	case ISA_PLAIN:
		return true;
#ifdef ISA_X86
	case ISA_AVX2:
		return __builtin_cpu_supports("avx2");
	case ISA_AVX512:
		return __builtin_cpu_supports("avx512f");
#endif
	default:
		return false;
	}
}

isa_t isa_best(void)
{
	if (isa_has(ISA_AVX512))
		return ISA_AVX512;
	return isa_has(ISA_AVX2) ? ISA_AVX2 : ISA_PLAIN;
}

const char *isa_name(isa_t isa)
{
	static const char *const names[ISA_N] = { "plain", "avx2", "avx512" };
	return (unsigned)isa < ISA_N ? names[isa] : "?";
}
