// SPDX-License-Identifier: LGPL-2.1-or-later
#include "peeled.hpp"
#include "peeled_record.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

#include <sys/stat.h>

namespace sctpx::detail {

namespace {

/* The bound is kPeeledRecordMax; the storage and why: peeled_record.hpp. */
struct Record {
	std::mutex mu;
	PeeledRecord ids{kPeeledRecordMax}; /* guarded by mu */
};

Record &record()
{
	static Record r;
	return r;
}

/* PeelWatch objects alive in the process (peeled.hpp). */
std::atomic<unsigned long> g_watches{0};
/* PeelInFlight objects alive in the process. */
std::atomic<unsigned long> g_in_flight{0};

bool sock_key(int sock, PeeledKey &k) noexcept
{
	struct stat st {};
	if (fstat(sock, &st) != 0)
		return false;
	k.dev = st.st_dev;
	k.ino = st.st_ino;
	return true;
}

/*
 * Note the ids each_id(add) passes to add, off sock, while a PeelWatch
 * lives: one fstat and one lock for the whole call, however many ids.
 */
template <typename EachId>
void note(int sock, EachId each_id) noexcept
{
	PeeledKey k;
	if (g_watches.load() == 0 || !sock_key(sock, k))
		return;
	Record &r = record();
	const std::lock_guard lock(r.mu);
	try {
		each_id([&r, &k](AssocId id) {
			k.id = id;
			r.ids.add(k);
		});
	} catch (...) {
		/* Out of memory: the record is best effort by design. */
	}
}

} // namespace

PeelWatch::PeelWatch(bool on) noexcept : on_(on)
{
	if (on_)
		g_watches.fetch_add(1);
}

PeelWatch::~PeelWatch()
{
	if (on_)
		g_watches.fetch_sub(1);
}

PeelInFlight::PeelInFlight() noexcept
{
	g_in_flight.fetch_add(1);
}

PeelInFlight::~PeelInFlight()
{
	g_in_flight.fetch_sub(1);
}

PeelSeen peel_seen(int sock, AssocId id) noexcept
{
	/* First the count: a peel under way now has not noted yet. */
	const bool busy = g_in_flight.load() != 0;
	if (was_peeled(sock, id))
		return PeelSeen::Peeled;
	return busy ? PeelSeen::NotYet : PeelSeen::NotPeeled;
}

void note_peeled(int sock, std::span<const AssocId> ids) noexcept
{
	if (ids.empty())
		return;
	note(sock, [ids](const auto &add) {
		for (const AssocId id : ids)
			add(id);
	});
}

/* Only entries with a descriptor: the record says "on a socket of its own". */
void note_peeled(int sock, const PeelResult &r) noexcept
{
	const auto peeled = [](const Peeled &p) { return p.fd.ok(); };
	if (std::none_of(r.entries.begin(), r.entries.end(), peeled))
		return;
	note(sock, [&r, &peeled](const auto &add) {
		for (const Peeled &p : r.entries)
			if (peeled(p))
				add(p.info.id);
	});
}

bool was_peeled(int sock, AssocId id) noexcept
{
	PeeledKey k;
	if (!sock_key(sock, k))
		return false;
	k.id = id;
	Record &r = record();
	const std::lock_guard lock(r.mu);
	return r.ids.contains(k);
}

void forget_peeled() noexcept
{
	Record &r = record();
	const std::lock_guard lock(r.mu);
	r.ids.clear();
}

} // namespace sctpx::detail
