// Future event set, ordered like OMNeT++'s: arrival time, then scheduling priority, then
// insertion order. Two sorted structures share the work:
//  - a FIFO takes an event whose key is not below the FIFO's last one (a module sending
//    on a link with a fixed delay, a periodic timer: most inserts), in O(1);
//  - a binary heap takes the rest.
// The next event is the smaller of the two heads. Keys are kept beside the pointers, so
// ordering never touches the messages; each message remembers its slot, so cancelEvent
// is O(log n) in the heap and O(1) in the FIFO (a tombstone).
#pragma once

#include <cstdint>
#include <vector>

#include "cmessage.h"

namespace qcity::sim {

class EventHeap
{
    // (arrival time, priority and insertion order packed so that one comparison orders them)
    struct Key
    {
        int64_t time;
        uint64_t order;  // (priority + 2^15) << 48 | insertion count
        bool operator<(const Key &o) const { return time < o.time || (time == o.time && order < o.order); }
    };
    struct Entry
    {
        Key key;
        cMessage *msg;
    };
    static constexpr uint64_t kCountBits = 48;  // 2.8e14 inserts per run

    std::vector<Entry> heap_;  // heap_[0] unused: 1-based indexing keeps the arithmetic simple
    // The FIFO: a ring buffer of a power-of-two capacity, sorted; a cancelled entry keeps
    // its place with msg == nullptr. Positions are absolute (fifoHead_ counts every pop).
    std::vector<Entry> ring_ = std::vector<Entry>(64);
    int64_t fifoHead_ = 0, fifoTail_ = 0;
    std::size_t fifoLive_ = 0;
    Entry &at(int64_t pos) { return ring_[static_cast<std::size_t>(pos) & (ring_.size() - 1)]; }
    const Entry &at(int64_t pos) const { return ring_[static_cast<std::size_t>(pos) & (ring_.size() - 1)]; }
    bool fifoEmpty() const { return fifoHead_ == fifoTail_; }
    void growRing();
    uint64_t insertCounter_ = 0;

    void place(std::size_t i, const Entry &e)
    {
        heap_[i] = e;
        e.msg->fesSlot_ = static_cast<int64_t>(i);
    }
    void siftUp(std::size_t i, Entry e);
    void removeHeapAt(std::size_t i);
    void dropFifoTombstones();
    bool fifoFirst() const;  // is the next event at the FIFO's head?

  public:
    EventHeap() : heap_(1) {}
    void insert(cMessage *m);
    cMessage *peekFirst();
    cMessage *removeFirst();
    cMessage *remove(cMessage *m);
    std::size_t size() const { return heap_.size() - 1 + fifoLive_; }
    bool empty() const { return size() == 0; }
    // Removes every event without deleting it; the caller owns them.
    std::vector<cMessage *> drain();
};

}  // namespace qcity::sim
