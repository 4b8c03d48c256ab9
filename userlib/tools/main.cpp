// SPDX-License-Identifier: LGPL-2.1-or-later
/* sctpx(8) */
#include "cli.hpp"

int main(int argc, char **argv)
{
	return sctpx::cli::run(argc, argv);
}
