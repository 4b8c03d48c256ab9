// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The record of peeled associations' storage (src/peeled_record.hpp)
 * against a reference model: the plain std::set + std::deque version of
 * the same rules (exact keys, a present key keeps its age, the oldest is
 * forgotten beyond the bound), driven by the same random operations over
 * a few sockets and a small id range with small bounds, so duplicates,
 * evictions, ring wrap-around and index growth all happen; every answer
 * is compared.
 */
#include <deque>
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "fake_transport.hpp"
#include "peeled_record.hpp"

namespace sctpx::test {
namespace {

using detail::PeeledKey;
using detail::PeeledRecord;

/* The reference: what the record did as std::set + std::deque. */
class Model {
public:
	explicit Model(std::size_t cap) : cap_(cap) {}
	void add(const PeeledKey &k)
	{
		if (!ids_.insert(tuple(k)).second)
			return;
		order_.push_back(k);
		if (order_.size() > cap_) {
			ids_.erase(tuple(order_.front()));
			order_.pop_front();
			evictions++;
		}
	}
	[[nodiscard]] bool contains(const PeeledKey &k) const { return ids_.count(tuple(k)) != 0; }
	[[nodiscard]] std::size_t size() const { return order_.size(); }
	[[nodiscard]] const std::deque<PeeledKey> &keys() const { return order_; }
	std::size_t evictions = 0;

private:
	using Tuple = std::tuple<dev_t, ino_t, AssocId>;
	static Tuple tuple(const PeeledKey &k) { return {k.dev, k.ino, k.id}; }
	std::size_t cap_;
	std::set<Tuple> ids_;
	std::deque<PeeledKey> order_;
};

/* A few parent sockets: two share an inode number on different devices. */
const std::vector<PeeledKey> kSockets = {
	{.dev = 1, .ino = 100, .id = 0},
	{.dev = 2, .ino = 100, .id = 0},
	{.dev = 1, .ino = 101, .id = 0},
	{.dev = 3, .ino = 7, .id = 0},
};

struct Counts {
	long checked = 0, yes = 0, no = 0, slot_sizes = 0;
};

/* ops random operations on a record and the model of bound cap. */
Counts run_model(std::size_t cap, AssocId id_range, long ops, std::uint32_t seed)
{
	std::mt19937 rng(seed);
	std::uniform_int_distribution<std::size_t> sock(0, kSockets.size() - 1);
	std::uniform_int_distribution<AssocId> id(0, id_range - 1);
	std::uniform_int_distribution<int> op(0, 9);
	PeeledRecord rec(cap);
	Model model(cap);
	Counts c;
	std::set<std::size_t> slot_sizes;
	for (long i = 0; i < ops; i++) {
		PeeledKey k = kSockets[sock(rng)];
		k.id = id(rng);
		if (op(rng) < 6) {
			rec.add(k);
			model.add(k);
		} else {
			const bool want = model.contains(k);
			EXPECT_EQ(rec.contains(k), want) << "op " << i << " cap " << cap << " seed " << seed
							 << " key " << k.dev << "/" << k.ino << "/" << k.id;
			c.checked++;
			(want ? c.yes : c.no)++;
		}
		EXPECT_EQ(rec.size(), model.size()) << "op " << i;
		slot_sizes.insert(rec.slots());
		if (::testing::Test::HasFailure())
			break;
	}
	/* Everything the model holds is there, every key of the range else is not. */
	for (const PeeledKey &s : kSockets)
		for (AssocId a = 0; a < id_range; a++) {
			PeeledKey k = s;
			k.id = a;
			EXPECT_EQ(rec.contains(k), model.contains(k));
			c.checked++;
		}
	/* The ring wrapped around several times. */
	EXPECT_GE(model.evictions, 3 * cap) << "cap " << cap;
	c.slot_sizes = static_cast<long>(slot_sizes.size());
	return c;
}

TEST(PeeledRecord, MatchesTheSetAndDequeModel)
{
	const struct {
		std::size_t cap;
		AssocId range;
	} cases[] = {{1, 4}, {2, 5}, {3, 8}, {7, 12}, {16, 24}, {17, 40}, {100, 150}, {1000, 1300}};
	long checked = 0;
	for (const auto &tc : cases)
		for (std::uint32_t seed = 1; seed <= 3; seed++) {
			const Counts c = run_model(tc.cap, tc.range, 40 * static_cast<long>(tc.cap) + 2000,
						   seed);
			EXPECT_GT(c.yes, 0) << "cap " << tc.cap;
			EXPECT_GT(c.no, 0) << "cap " << tc.cap;
			if (tc.cap >= 100) {
				EXPECT_GE(c.slot_sizes, 4) << "the index grew by rehashing";
			}
			checked += c.checked;
			if (HasFailure())
				return;
		}
	EXPECT_GT(checked, 50000);
}

/* Distinct keys: exactly the last cap stay, across several wrap-arounds. */
TEST(PeeledRecord, KeepsTheLastCapKeysInOrder)
{
	constexpr std::size_t cap = 5;
	PeeledRecord rec(cap);
	for (AssocId id = 0; id < 23; id++) {
		rec.add({.dev = 9, .ino = 9, .id = id});
		for (AssocId j = 0; j <= id; j++)
			EXPECT_EQ(rec.contains({.dev = 9, .ino = 9, .id = j}), j + cap > id) << id << " " << j;
	}
	/* A present key is not re-added and keeps its age: 18 is the oldest. */
	rec.add({.dev = 9, .ino = 9, .id = 18});
	rec.add({.dev = 9, .ino = 9, .id = 23});
	EXPECT_FALSE(rec.contains({.dev = 9, .ino = 9, .id = 18}));
	EXPECT_TRUE(rec.contains({.dev = 9, .ino = 9, .id = 19}));
	EXPECT_EQ(rec.size(), cap);
}

/* The index starts small, grows with the ring to 2x its bound, and is released. */
TEST(PeeledRecord, IndexGrowsWithTheRingAndClearReleases)
{
	constexpr std::size_t cap = 3000;
	PeeledRecord rec(cap);
	EXPECT_EQ(rec.slots(), 0U);
	rec.add({.dev = 1, .ino = 1, .id = 0});
	EXPECT_EQ(rec.slots(), 16U);
	std::size_t grew = 0, last = rec.slots();
	for (AssocId id = 1; id < 2 * cap; id++) {
		rec.add({.dev = 1, .ino = 1, .id = id});
		EXPECT_GE(rec.slots(), 2 * rec.size());
		grew += rec.slots() != last ? 1 : 0;
		last = rec.slots();
	}
	EXPECT_EQ(rec.slots(), 8192U);
	EXPECT_EQ(grew, 9U) << "16 -> 8192";
	for (AssocId id = 0; id < 2 * cap; id++)
		EXPECT_EQ(rec.contains({.dev = 1, .ino = 1, .id = id}), id >= cap) << id;
	rec.clear();
	EXPECT_EQ(rec.size(), 0U);
	EXPECT_EQ(rec.slots(), 0U);
	EXPECT_FALSE(rec.contains({.dev = 1, .ino = 1, .id = 2 * cap - 1}));
}

/*
 * Keys whose 32-bit hashes are equal are still different keys: found by
 * the birthday bound among the ids of two sockets sharing an inode number.
 */
std::vector<std::pair<PeeledKey, PeeledKey>> colliding_pairs(std::size_t want)
{
	std::unordered_map<std::uint32_t, PeeledKey> seen;
	std::vector<std::pair<PeeledKey, PeeledKey>> pairs;
	for (AssocId id = 0; pairs.size() < want && id < (1U << 20); id++)
		for (const dev_t dev : {dev_t{1}, dev_t{2}}) {
			const PeeledKey k{.dev = dev, .ino = 100, .id = id};
			const auto [it, fresh] = seen.try_emplace(PeeledRecord::hash(k), k);
			if (!fresh)
				pairs.emplace_back(it->second, k);
		}
	return pairs;
}

TEST(PeeledRecord, EqualHashesAreNotEqualKeys)
{
	const auto pairs = colliding_pairs(4);
	ASSERT_EQ(pairs.size(), 4U);
	constexpr std::size_t cap = 3;
	for (const auto &[a, b] : pairs) {
		ASSERT_FALSE(a == b);
		ASSERT_EQ(PeeledRecord::hash(a), PeeledRecord::hash(b));
		PeeledRecord rec(cap);
		rec.add(a);
		EXPECT_TRUE(rec.contains(a));
		EXPECT_FALSE(rec.contains(b)) << "a hash collision is not a match";
		rec.add(b);
		EXPECT_EQ(rec.size(), 2U) << "b is not taken for a";
		EXPECT_TRUE(rec.contains(b));
		/* Evicting a (same hash, older) leaves b, then b goes too. */
		rec.add({.dev = 7, .ino = 7, .id = 1});
		rec.add({.dev = 7, .ino = 7, .id = 2});
		EXPECT_FALSE(rec.contains(a));
		EXPECT_TRUE(rec.contains(b));
		rec.add({.dev = 7, .ino = 7, .id = 3});
		EXPECT_FALSE(rec.contains(b));
		EXPECT_TRUE(rec.contains({.dev = 7, .ino = 7, .id = 1}));
	}
}

/* A failed allocation while growing leaves the record as it was. */
TEST(PeeledRecord, AllocationFailureChangesNothing)
{
	constexpr std::size_t cap = 200;
	PeeledRecord rec(cap);
	Model model(cap);
	long failed = 0;
	for (AssocId id = 0; id < 3 * cap; id++) {
		const PeeledKey k{.dev = 4, .ino = 5, .id = id};
		fail_allocations_after(0);
		bool threw = false;
		try {
			rec.add(k);
		} catch (const std::bad_alloc &) {
			threw = true;
		}
		stop_failing_allocations();
		if (threw) {
			failed++;
			EXPECT_FALSE(rec.contains(k));
			EXPECT_EQ(rec.size(), model.size());
			rec.add(k);
		}
		model.add(k);
		ASSERT_EQ(rec.size(), model.size());
		for (const PeeledKey &m : model.keys())
			ASSERT_TRUE(rec.contains(m)) << id;
	}
	/* Ring and index grew (both fail) until the bound; then no allocation. */
	EXPECT_GE(failed, 5);
}

} // namespace
} // namespace sctpx::test
