// SPDX-License-Identifier: LGPL-2.1-or-later
#include "peeled.hpp"

#include <algorithm>
#include <deque>
#include <mutex>
#include <set>
#include <tuple>

#include <sys/stat.h>

namespace sctpx::detail {

namespace {

struct Key {
	dev_t dev = 0;
	ino_t ino = 0;
	AssocId id = 0;
	friend bool operator<(const Key &a, const Key &b) noexcept
	{
		return std::tie(a.dev, a.ino, a.id) < std::tie(b.dev, b.ino, b.id);
	}
};

struct Record {
	std::mutex mu;
	std::set<Key> ids;     /* guarded by mu */
	std::deque<Key> order; /* guarded by mu: oldest first */
};

Record &record()
{
	static Record r;
	return r;
}

bool sock_key(int sock, Key &k) noexcept
{
	struct stat st {};
	if (fstat(sock, &st) != 0)
		return false;
	k.dev = st.st_dev;
	k.ino = st.st_ino;
	return true;
}

/* Add one id under r.mu, forgetting the oldest beyond kPeeledRecordMax (may throw). */
void add_locked(Record &r, const Key &k)
{
	if (!r.ids.insert(k).second)
		return;
	r.order.push_back(k);
	if (r.order.size() > kPeeledRecordMax) {
		r.ids.erase(r.order.front());
		r.order.pop_front();
	}
}

/*
 * Note the ids each_id(add) passes to add, off sock: one fstat and one
 * lock for the whole call, however many ids.
 */
template <typename EachId>
void note(int sock, EachId each_id) noexcept
{
	Key k;
	if (!sock_key(sock, k))
		return;
	Record &r = record();
	const std::lock_guard lock(r.mu);
	try {
		each_id([&r, &k](AssocId id) {
			k.id = id;
			add_locked(r, k);
		});
	} catch (...) {
		/* Out of memory: the record is best effort by design. */
	}
}

} // namespace

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
	Key k;
	if (!sock_key(sock, k))
		return false;
	k.id = id;
	Record &r = record();
	const std::lock_guard lock(r.mu);
	return r.ids.count(k) != 0;
}

void forget_peeled() noexcept
{
	Record &r = record();
	const std::lock_guard lock(r.mu);
	r.ids.clear();
	r.order.clear();
}

} // namespace sctpx::detail
