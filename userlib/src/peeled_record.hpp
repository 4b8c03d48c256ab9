// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The storage behind the record of peeled associations (peeled.hpp): a
 * bounded set of exact keys (parent socket's dev and inode, association
 * id) that forgets the oldest first. Not thread-safe: peeled.cpp holds
 * its lock around every call. The bound is a parameter so the tests can
 * drive eviction with a small one.
 *
 * Why not std::set plus std::deque: that cost one allocation and an
 * O(log n) pointer-chasing insert per id (and an erase per insert once
 * full), measured as the largest part of a peeloff's own time in the
 * library (bench/micro.cpp: about 140 ns per id natively, 1.2 us in a
 * QEMU TCG guest, there half the library's own time). Here the keys live in
 * a ring (a vector, grown up to the bound and then overwritten oldest
 * first) and an open-addressing index (linear probing) maps a key to its
 * ring position: no allocation per id, O(1) expected work per id, and the
 * keys are compared whole, so a lookup never answers yes for a key that
 * was not added (a false "peeled" would hide a failed association).
 */
#ifndef SCTPX_SRC_PEELED_RECORD_HPP
#define SCTPX_SRC_PEELED_RECORD_HPP

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sys/types.h>

#include "sctpx/types.hpp"

namespace sctpx::detail {

struct PeeledKey {
	dev_t dev = 0;
	ino_t ino = 0;
	AssocId id = 0;
	friend bool operator==(const PeeledKey &, const PeeledKey &) noexcept = default;
};

class PeeledRecord {
public:
	/* The largest bound: the index's slots (2x the keys) fit 32 bits of hash. */
	static constexpr std::size_t kMaxCapacity = std::size_t{1} << 30;

	/* Keeps the last capacity keys (clamped to 1..kMaxCapacity). */
	explicit PeeledRecord(std::size_t capacity) noexcept;

	/*
	 * Add k unless present (a present key keeps its age); beyond the
	 * bound, forget the oldest. Throws std::bad_alloc only while growing,
	 * and then leaves the record as it was.
	 */
	void add(const PeeledKey &k);
	[[nodiscard]] bool contains(const PeeledKey &k) const noexcept;
	/* Forget every key and release the memory. */
	void clear() noexcept;
	[[nodiscard]] std::size_t size() const noexcept { return ring_.size(); }
	/* The key's 32-bit hash (public for the tests: colliding keys). */
	[[nodiscard]] static std::uint32_t hash(const PeeledKey &k) noexcept;
	/* Index slots (tests: the index grows with the ring). */
	[[nodiscard]] std::size_t slots() const noexcept { return index_.size(); }

private:
	/*
	 * An index slot: the key's 32-bit hash (high half) and its ring
	 * position + 1 (low half), or kEmpty. The hash gives a probe's home
	 * and rules out most other keys without reading the ring (a cache
	 * miss each, once the record is large); equal hashes are then
	 * compared key by key.
	 */
	using Slot = std::uint64_t;
	static constexpr Slot kEmpty = 0;
	static constexpr std::size_t kMinSlots = 16;

	/* The slot holding k (hash h), or the empty slot where its probe ends. */
	[[nodiscard]] std::size_t find(const PeeledKey &k, std::uint32_t h) const noexcept;
	/* Put an entry for a key known to be absent into the first free slot. */
	void place(Slot e) noexcept;
	void erase_slot(std::size_t slot) noexcept;
	/* Make room for one more key in ring and index (may throw). */
	void grow();

	std::size_t cap_;
	std::vector<PeeledKey> ring_; /* up to cap_ keys */
	std::size_t oldest_ = 0;      /* ring position of the oldest, once full */
	std::vector<Slot> index_;     /* size a power of two, >= 2x ring_ */
};

} // namespace sctpx::detail

#endif
