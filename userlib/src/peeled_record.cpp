// SPDX-License-Identifier: LGPL-2.1-or-later
#include "peeled_record.hpp"

#include <algorithm>
#include <bit>

namespace sctpx::detail {

namespace {

constexpr std::uint32_t hash_of(std::uint64_t e) noexcept
{
	return static_cast<std::uint32_t>(e >> 32);
}

constexpr std::size_t pos_of(std::uint64_t e) noexcept
{
	return static_cast<std::uint32_t>(e) - std::size_t{1};
}

constexpr std::uint64_t entry(std::uint32_t h, std::size_t pos) noexcept
{
	return (std::uint64_t{h} << 32) | (pos + 1);
}

} // namespace

/* 32 bits of a 64-bit mix of the whole key (splitmix64's finaliser). */
std::uint32_t PeeledRecord::hash(const PeeledKey &k) noexcept
{
	std::uint64_t x = static_cast<std::uint64_t>(k.ino) * 0x9e3779b97f4a7c15ULL;
	x ^= static_cast<std::uint64_t>(k.dev) + (x << 6) + (x >> 2);
	x ^= static_cast<std::uint64_t>(k.id);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return static_cast<std::uint32_t>(x ^ (x >> 31));
}

PeeledRecord::PeeledRecord(std::size_t capacity) noexcept
	: cap_(std::clamp<std::size_t>(capacity, 1, kMaxCapacity))
{
}

std::size_t PeeledRecord::find(const PeeledKey &k, std::uint32_t h) const noexcept
{
	const std::size_t mask = index_.size() - 1;
	std::size_t s = h & mask;
	for (Slot e = index_[s]; e != kEmpty; e = index_[s]) {
		if (hash_of(e) == h && ring_[pos_of(e)] == k)
			break;
		s = (s + 1) & mask;
	}
	return s;
}

void PeeledRecord::place(Slot e) noexcept
{
	const std::size_t mask = index_.size() - 1;
	std::size_t s = hash_of(e) & mask;
	while (index_[s] != kEmpty)
		s = (s + 1) & mask;
	index_[s] = e;
}

/*
 * Backward-shift deletion: pull later entries of the probe run into the
 * hole when their home is not between the hole and them, so every key
 * stays reachable from its home without tombstones.
 */
void PeeledRecord::erase_slot(std::size_t slot) noexcept
{
	const std::size_t mask = index_.size() - 1;
	std::size_t hole = slot;
	for (std::size_t s = (slot + 1) & mask; index_[s] != kEmpty; s = (s + 1) & mask) {
		const std::size_t home = hash_of(index_[s]) & mask;
		if (((s - home) & mask) >= ((s - hole) & mask)) {
			index_[hole] = index_[s];
			hole = s;
		}
	}
	index_[hole] = kEmpty;
}

/*
 * Both vectors grow geometrically (a process that peels little pays
 * little); the index keeps at least twice as many slots as keys. A new
 * index is built aside and swapped in, so a failed allocation changes
 * nothing.
 */
void PeeledRecord::grow()
{
	const std::size_t want = std::max(kMinSlots, std::bit_ceil(2 * (ring_.size() + 1)));
	if (index_.size() < want) {
		std::vector<Slot> bigger(want, kEmpty);
		index_.swap(bigger);
		for (const Slot e : bigger)
			if (e != kEmpty)
				place(e);
	}
	if (ring_.size() == ring_.capacity())
		ring_.reserve(std::min(cap_, std::max(kMinSlots, 2 * ring_.size())));
}

void PeeledRecord::add(const PeeledKey &k)
{
	const std::uint32_t h = hash(k);
	if (!index_.empty() && index_[find(k, h)] != kEmpty)
		return;
	if (ring_.size() < cap_) {
		grow();
		ring_.push_back(k);
		place(entry(h, ring_.size() - 1));
		return;
	}
	/* Full: the oldest key's ring position takes the new one. */
	const std::size_t mask = index_.size() - 1;
	std::size_t s = hash(ring_[oldest_]) & mask;
	while (index_[s] == kEmpty || pos_of(index_[s]) != oldest_)
		s = (s + 1) & mask;
	erase_slot(s);
	ring_[oldest_] = k;
	place(entry(h, oldest_));
	oldest_ = (oldest_ + 1) % cap_;
}

bool PeeledRecord::contains(const PeeledKey &k) const noexcept
{
	return !index_.empty() && index_[find(k, hash(k))] != kEmpty;
}

void PeeledRecord::clear() noexcept
{
	std::vector<PeeledKey>().swap(ring_);
	std::vector<Slot>().swap(index_);
	oldest_ = 0;
}

} // namespace sctpx::detail
