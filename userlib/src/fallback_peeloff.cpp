// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Peeloff through SCTP_SOCKOPT_PEELOFF_FLAGS (sctp_peeloff_flags(3)), one
 * getsockopt per association.
 *
 * The kernel's getsockopt peels first and allocates the descriptor after:
 * with a full descriptor table it returns EMFILE and the association is
 * gone (upstream/README.md). The module reserves every descriptor before it
 * peels anything; the fallback does the nearest thing user space can: it
 * holds one spare descriptor per association to peel, taken before the
 * first peel, and gives one back right before each getsockopt so that the
 * kernel finds a free slot. EMFILE while taking the spares fails the call
 * with nothing peeled, as in the module. Residual race: another thread of
 * the process can take the slot between the close() and the getsockopt();
 * if that leaves the table full, that one association is lost as with a
 * plain sctp_peeloff().
 */
#include <cerrno>
#include <new>
#include <fcntl.h>
#include <unordered_set>

#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>

#include "fallback.hpp"
#include "peeled.hpp"

namespace sctpx::detail {

namespace {

/*
 * sctp_peeloff_flags(3), as lksctp-tools implements it. Called directly
 * because Debian 12's libsctp.so.1 does not export that symbol (only its
 * static library has it).
 */
int peeloff_flags(int sock, AssocId id, unsigned int flags)
{
	sctp_peeloff_flags_arg_t arg{};
	arg.p_arg.associd = static_cast<sctp_assoc_t>(id);
	arg.flags = flags;
	socklen_t len = sizeof(arg);
	/* Linux returns the new descriptor from getsockopt() itself. */
	if (getsockopt(sock, SOL_SCTP, SCTP_SOCKOPT_PEELOFF_FLAGS, &arg, &len) < 0)
		return -1;
	return arg.p_arg.sd;
}

/* Spare descriptors: dups of the socket itself, close-on-exec. */
Result<std::vector<Fd>> reserve(int sock, std::size_t n)
{
	std::vector<Fd> spare;
	spare.reserve(n);
	for (std::size_t i = 0; i < n; i++) {
		const int fd = fcntl(sock, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return Error{errno, "cannot reserve a descriptor for every association "
					    "(RLIMIT_NOFILE); none was peeled off"};
		spare.emplace_back(fd);
	}
	return spare;
}

/* Check the entries as the module does under its lock (step 3). */
std::vector<Error> check_entries(std::span<const AssocId> ids,
				 const std::unordered_set<AssocId> &present)
{
	std::vector<Error> errs(ids.size());
	std::unordered_set<AssocId> seen;
	for (std::size_t i = 0; i < ids.size(); i++) {
		if (!seen.insert(ids[i]).second)
			errs[i] = Error{EINVAL, "association id repeated in the request"};
		else if (ids[i] <= 2)
			errs[i] = Error{EINVAL, "association id 0, 1 and 2 are reserved"};
		else if (present.count(ids[i]) == 0)
			errs[i] = Error{EINVAL, "no such association on this socket"};
	}
	return errs;
}

Result<PeelResult> peel(int sock, std::span<const AssocId> ids, PeelOptions o)
{
	const PeelInFlight busy; /* until the peels are noted */
	auto listed = assoc_ids(sock);
	if (!listed)
		return std::move(listed).error();
	const std::unordered_set<AssocId> present(listed->begin(), listed->end());
	std::vector<Error> errs = check_entries(ids, present);

	std::size_t valid = 0;
	for (const Error &e : errs) {
		if (e.errnum() != 0 && o.mode == Mode::AllOrNothing)
			return e;
		valid += e.errnum() == 0 ? 1 : 0;
	}

	auto spare = reserve(sock, valid);
	if (!spare)
		return std::move(spare).error();

	PeelResult out;
	out.path = Path::Fallback;
	out.entries.resize(ids.size());
	const unsigned int flags = o.flags.to_sock_flags();
	for (std::size_t i = 0; i < ids.size(); i++) {
		Peeled &p = out.entries[i];
		p.info.id = ids[i];
		if (errs[i].errnum() != 0) {
			p.fd = std::move(errs[i]);
			continue;
		}
		spare->pop_back(); /* closes one spare: the slot for this peel */
		Fd fd(peeloff_flags(sock, ids[i], flags));
		if (!fd) {
			p.fd = Error{errno};
			continue;
		}
		/* The descriptor is the caller's before anything else allocates. */
		p.fd = std::move(fd);
		/* A one-to-one socket now: its association is id 0 to it. */
		if (!o.brief) {
			try {
				if (auto a = describe(p.fd->get(), 0)) {
					p.info = std::move(*a);
					p.info.id = ids[i];
				}
			} catch (const std::bad_alloc &) {
				/* Out of memory: the fd, without its description. */
			}
		}
	}
	note_peeled(sock, out);
	return out;
}

Result<void> check_parent(int sock)
{
	auto kind = check_sctp_socket(sock);
	if (!kind)
		return std::move(kind).error();
	if (!kind->one_to_many)
		return Error{EINVAL, "socket is not a one-to-many SCTP socket"};
	return {};
}

} // namespace

Result<PeelResult> fallback_peeloff(int sock, std::span<const AssocId> ids, PeelOptions o)
{
	if (ids.empty())
		return Error{EINVAL,
			     "missing association ids (SCTPX_A_ASSOC_ID) or selection (SCTPX_A_SELECT)"};
	if (auto ok = check_parent(sock); !ok)
		return std::move(ok).error();
	return peel(sock, ids, o);
}

Result<PeelResult> fallback_peeloff(int sock, const Selection &sel, PeelOptions o)
{
	if (auto ok = check_parent(sock); !ok)
		return std::move(ok).error();
	auto listed = fallback_list(sock, sel);
	if (!listed)
		return std::move(listed).error();
	const std::uint32_t remaining = order_and_limit(listed->assocs, sel);
	std::vector<AssocId> ids;
	ids.reserve(listed->assocs.size());
	for (const AssocInfo &a : listed->assocs)
		ids.push_back(a.id);
	if (ids.empty()) {
		PeelResult none;
		none.path = Path::Fallback;
		return none;
	}
	auto out = peel(sock, ids, o);
	if (out)
		out->remaining = remaining;
	return out;
}

} // namespace sctpx::detail
