#include "cascade.h"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <unordered_map>

namespace qcity::quantum {

namespace {

class Reconciler
{
    const std::vector<uint8_t> &alice_;
    std::vector<uint8_t> bob_;
    std::size_t n_;
    struct Pass
    {
        int64_t k;
        std::vector<uint32_t> order;     // permuted position -> key index
        std::vector<uint32_t> position;  // key index -> permuted position
        std::vector<uint8_t> aliceParity, bobParity;  // per top-level block
    };
    std::vector<Pass> passes_;
    // Alice's revealed parities of sub-blocks: her bits never change, so a parity asked
    // once is known for the rest of the protocol (sub-block reuse).
    std::unordered_map<uint64_t, uint8_t> revealed_;
    CascadeResult stats_;

    uint8_t aliceRangeParity(std::size_t pass, std::size_t s, std::size_t e)
    {
        stats_.parityQueries++;
        uint64_t key = (static_cast<uint64_t>(pass) << 58) ^ (static_cast<uint64_t>(s) << 29) ^ e;
        auto it = revealed_.find(key);
        if (it != revealed_.end())
            return it->second;
        const auto &order = passes_[pass].order;
        uint8_t p = 0;
        for (std::size_t i = s; i < e; i++)
            p ^= alice_[order[i]];
        stats_.leakedBits++;
        revealed_.emplace(key, p);
        return p;
    }

    uint8_t bobRangeParity(std::size_t pass, std::size_t s, std::size_t e) const
    {
        const auto &order = passes_[pass].order;
        uint8_t p = 0;
        for (std::size_t i = s; i < e; i++)
            p ^= bob_[order[i]];
        return p;
    }

    std::pair<std::size_t, std::size_t> blockRange(std::size_t pass, std::size_t block) const
    {
        std::size_t k = static_cast<std::size_t>(passes_[pass].k);
        return {block * k, std::min(n_, (block + 1) * k)};
    }

    std::size_t blockLength(std::size_t pass, std::size_t block) const
    {
        auto [s, e] = blockRange(pass, block);
        return e - s;
    }

    // BINARY: halve an odd-error block until the wrong bit is found; returns its key index.
    uint32_t binary(std::size_t pass, std::size_t s, std::size_t e)
    {
        while (e - s > 1) {
            std::size_t mid = s + (e - s) / 2;
            if (aliceRangeParity(pass, s, mid) != bobRangeParity(pass, s, mid))
                e = mid;
            else
                s = mid;
        }
        return passes_[pass].order[s];
    }

    // Flips Bob's bit and updates every pass's block parity; returns the passes whose
    // block containing the bit now has odd error parity (candidates for the cascade).
    void flip(uint32_t index, std::size_t upToPass, std::vector<std::pair<std::size_t, std::size_t>> &odd)
    {
        bob_[index] ^= 1;
        stats_.bitsFlipped++;
        for (std::size_t j = 0; j < passes_.size(); j++) {
            Pass &p = passes_[j];
            if (p.bobParity.empty())
                continue;  // pass not started yet
            std::size_t block = p.position[index] / static_cast<std::size_t>(p.k);
            p.bobParity[block] ^= 1;
            if (j <= upToPass && p.bobParity[block] != p.aliceParity[block])
                odd.push_back({j, block});
        }
    }

  public:
    Reconciler(const std::vector<uint8_t> &alice, const std::vector<uint8_t> &bob) : alice_(alice), bob_(bob), n_(alice.size()) {}

    CascadeResult run(const std::vector<int64_t> &blockSizes, uint64_t seed)
    {
        std::mt19937_64 rng(seed);
        passes_.resize(blockSizes.size());
        for (std::size_t i = 0; i < blockSizes.size(); i++) {
            Pass &p = passes_[i];
            p.k = std::clamp<int64_t>(blockSizes[i], 1, static_cast<int64_t>(std::max<std::size_t>(n_, 1)));
            p.order.resize(n_);
            for (std::size_t j = 0; j < n_; j++)
                p.order[j] = static_cast<uint32_t>(j);
            if (i > 0)
                std::shuffle(p.order.begin(), p.order.end(), rng);
            p.position.resize(n_);
            for (std::size_t j = 0; j < n_; j++)
                p.position[p.order[j]] = static_cast<uint32_t>(j);
        }
        std::vector<std::pair<std::size_t, std::size_t>> odd;
        for (std::size_t i = 0; i < passes_.size(); i++) {
            Pass &p = passes_[i];
            std::size_t blocks = (n_ + p.k - 1) / p.k;
            p.aliceParity.assign(blocks, 0);
            p.bobParity.assign(blocks, 0);
            for (std::size_t b = 0; b < blocks; b++) {
                auto [s, e] = blockRange(i, b);
                p.aliceParity[b] = aliceRangeParity(i, s, e);
                p.bobParity[b] = bobRangeParity(i, s, e);
            }
            for (std::size_t b = 0; b < blocks; b++) {
                if (p.aliceParity[b] == p.bobParity[b])
                    continue;
                auto [s, e] = blockRange(i, b);
                odd.clear();
                flip(binary(i, s, e), i, odd);
                // the cascade: every earlier block that the flip made odd has another error
                while (!odd.empty()) {
                    // resolve the smallest odd block first: its binary search discloses the fewest parities
                    auto smallest = std::min_element(odd.begin(), odd.end(), [&](const auto &x, const auto &y) {
                        return blockLength(x.first, x.second) < blockLength(y.first, y.second);
                    });
                    auto [j, block] = *smallest;
                    *smallest = odd.back();
                    odd.pop_back();
                    Pass &q = passes_[j];
                    if (q.bobParity[block] == q.aliceParity[block])
                        continue;  // fixed meanwhile
                    auto [qs, qe] = blockRange(j, block);
                    flip(binary(j, qs, qe), i, odd);
                }
            }
        }
        stats_.corrected = std::move(bob_);
        return stats_;
    }
};

}  // namespace

CascadeResult cascadeReconcile(const std::vector<uint8_t> &alice, const std::vector<uint8_t> &bob, const std::vector<int64_t> &blockSizes,
                               uint64_t seed)
{
    if (alice.size() != bob.size())
        throw std::invalid_argument("cascade: Alice's and Bob's keys differ in length");
    if (alice.size() >= (1ull << 29))
        throw std::invalid_argument("cascade: keys longer than 2^29 bits are not supported");
    if (blockSizes.empty())
        throw std::invalid_argument("cascade: no passes");
    for (uint8_t v : alice)
        if (v > 1)
            throw std::invalid_argument("cascade: keys must hold 0/1 values");
    for (uint8_t v : bob)
        if (v > 1)
            throw std::invalid_argument("cascade: keys must hold 0/1 values");
    return Reconciler(alice, bob).run(blockSizes, seed);
}

}  // namespace qcity::quantum
