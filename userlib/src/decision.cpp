// SPDX-License-Identifier: LGPL-2.1-or-later
#include "decision.hpp"

#include <linux/sctpx.h>

namespace sctpx::detail {

std::uint64_t op_bit(Op op) noexcept
{
	switch (op) {
	case Op::Info: return SCTPX_OP_BIT(SCTPX_CMD_INFO_GET);
	case Op::List: return SCTPX_OP_BIT(SCTPX_CMD_ASSOC_GET);
	case Op::Peeloff: return SCTPX_OP_BIT(SCTPX_CMD_PEELOFF);
	case Op::Connectx: return SCTPX_OP_BIT(SCTPX_CMD_CONNECTX);
	}
	return 0;
}

Path choose_path(const Probe &probe, Op op, bool forced) noexcept
{
	if (forced || !probe.module)
		return Path::Fallback;
	return (probe.ops & op_bit(op)) != 0 ? Path::Module : Path::Fallback;
}

} // namespace sctpx::detail
