// Cascade information reconciliation (Brassard & Salvail 1993), with the block-size
// schedules and sub-block parity reuse studied by Martinez-Mateo et al., "Demystifying
// the Information Reconciliation Protocol Cascade", QIC 15 (2015).
//
// Both parties live in one process here: Alice's parities are read from her key and
// every parity that would cross the classical channel is counted as leaked. Pure C++,
// no Python objects: the bindings release the GIL around it.
#pragma once

#include <cstdint>
#include <vector>

namespace qcity::quantum {

struct CascadeResult
{
    std::vector<uint8_t> corrected;  // Bob's key after reconciliation
    uint64_t leakedBits = 0;         // parities Alice revealed (each counted once)
    uint64_t bitsFlipped = 0;        // corrections Bob made
    uint64_t parityQueries = 0;      // parity requests, including reused ones
};

// blockSizes[i] is the block size of pass i (clamped to [1, n]); pass 0 keeps the
// key order, later passes use a pseudo-random permutation drawn from `seed`.
CascadeResult cascadeReconcile(const std::vector<uint8_t> &alice, const std::vector<uint8_t> &bob,
                               const std::vector<int64_t> &blockSizes, uint64_t seed);

}  // namespace qcity::quantum
