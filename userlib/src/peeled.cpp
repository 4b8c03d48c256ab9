// SPDX-License-Identifier: LGPL-2.1-or-later
#include "peeled.hpp"

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

} // namespace

void note_peeled(int sock, std::span<const AssocId> ids) noexcept
{
	Key k;
	if (ids.empty() || !sock_key(sock, k))
		return;
	Record &r = record();
	const std::lock_guard lock(r.mu);
	try {
		for (const AssocId id : ids) {
			k.id = id;
			if (!r.ids.insert(k).second)
				continue;
			r.order.push_back(k);
			if (r.order.size() > kPeeledRecordMax) {
				r.ids.erase(r.order.front());
				r.order.pop_front();
			}
		}
	} catch (...) {
		/* Out of memory: the record is best effort by design. */
	}
}

void note_peeled(int sock, const PeelResult &r) noexcept
{
	for (const Peeled &p : r.entries)
		if (p.fd)
			note_peeled(sock, std::span<const AssocId>(&p.info.id, 1));
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
