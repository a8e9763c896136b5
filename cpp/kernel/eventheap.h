// Future event set: a binary heap ordered like OMNeT++'s (arrival time, then
// scheduling priority, then insertion order). Each message remembers its heap
// slot, so cancelEvent is O(log n) rather than a search.
#pragma once

#include <cstdint>
#include <vector>

#include "cmessage.h"

namespace qcity::sim {

class EventHeap
{
    std::vector<cMessage *> heap_;  // heap_[0] unused: 1-based indexing keeps the arithmetic simple
    uint64_t insertCounter_ = 0;

    static bool before(const cMessage *a, const cMessage *b)
    {
        if (a->arrivalTime_ != b->arrivalTime_)
            return a->arrivalTime_ < b->arrivalTime_;
        if (a->priority_ != b->priority_)
            return a->priority_ < b->priority_;
        return a->insertOrder_ < b->insertOrder_;
    }
    void place(std::size_t i, cMessage *m)
    {
        heap_[i] = m;
        m->heapIndex_ = static_cast<int>(i);
    }
    void siftUp(std::size_t i);
    void siftDown(std::size_t i);

  public:
    EventHeap() : heap_(1, nullptr) {}
    void insert(cMessage *m);
    cMessage *peekFirst() const { return heap_.size() > 1 ? heap_[1] : nullptr; }
    cMessage *removeFirst();
    cMessage *remove(cMessage *m);
    std::size_t size() const { return heap_.size() - 1; }
    bool empty() const { return heap_.size() <= 1; }
    // Removes every event without deleting it; the caller owns them.
    std::vector<cMessage *> drain();
};

}  // namespace qcity::sim
