// SPDX-License-Identifier: LGPL-2.1-or-later
/* sctpx C++ API: everything. See userlib/README.md. */
#ifndef SCTPX_SCTPX_HPP
#define SCTPX_SCTPX_HPP

#include "sctpx/client.hpp"
#include "sctpx/fd.hpp"
#include "sctpx/flags.hpp"
#include "sctpx/result.hpp"
#include "sctpx/types.hpp"

#endif
