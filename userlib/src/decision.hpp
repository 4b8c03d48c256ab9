// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which path serves an operation: the module when its family resolved and
 * its INFO_GET lists the command, the socket calls otherwise or when the
 * caller forces them.
 */
#ifndef SCTPX_SRC_DECISION_HPP
#define SCTPX_SRC_DECISION_HPP

#include <cstdint>

#include "sctpx/types.hpp"

namespace sctpx::detail {

/* What the last look at the kernel found. */
struct Probe {
	bool module = false; /* the family resolved and INFO_GET answered */
	int family = -1;
	std::uint64_t ops = 0;
	Limits limits;
};

/* SCTPX_OP_BIT() of the command behind op. */
std::uint64_t op_bit(Op op) noexcept;
Path choose_path(const Probe &probe, Op op, bool forced) noexcept;

} // namespace sctpx::detail

#endif
