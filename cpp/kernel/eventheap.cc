#include "eventheap.h"

#include "errors.h"

namespace qcity::sim {

// A message's fesSlot_: 0 not scheduled, > 0 its heap index, < 0 -(FIFO position + 1).

void EventHeap::insert(cMessage *m)
{
    if (insertCounter_ >> kCountBits)
        throw cRuntimeError("Future event set: more than 2^48 events inserted in one run");
    // the key stays in registers and is written field by field: an Entry built on the stack
    // and copied as a whole stalls on store forwarding
    const Key key{m->arrivalTime_.raw(), (static_cast<uint64_t>(static_cast<int32_t>(m->priority_) + 32768) << kCountBits) | insertCounter_};
    m->insertOrder_ = insertCounter_++;
    if (fifoEmpty() || !(key < at(fifoTail_ - 1).key)) {
        if (fifoTail_ - fifoHead_ == static_cast<int64_t>(ring_.size()))
            growRing();
        m->fesSlot_ = -(fifoTail_ + 1);
        Entry &slot = at(fifoTail_++);
        slot.key.time = key.time;
        slot.key.order = key.order;
        slot.msg = m;
        fifoLive_++;
        return;
    }
    heap_.push_back(Entry{key, m});
    siftUp(heap_.size() - 1, heap_.back());
}

void EventHeap::siftUp(std::size_t i, Entry e)
{
    while (i > 1 && e.key < heap_[i / 2].key) {
        place(i, heap_[i / 2]);
        i /= 2;
    }
    place(i, e);
}

void EventHeap::removeHeapAt(std::size_t i)
{
    // Floyd's removal: move the hole down along the smaller children to a leaf, put the
    // last entry there and sift it up (usually not far: it came from the bottom). The child
    // choice is branch-free, so unpredictable comparisons cost no mispredicted jumps.
    Entry last = heap_.back();
    heap_.pop_back();
    std::size_t n = heap_.size() - 1;
    if (i > n)
        return;  // the removed entry was the last one
    for (;;) {
        std::size_t c = 2 * i;
        if (c > n)
            break;
        if (c < n)
            c += heap_[c + 1].key < heap_[c].key;
        place(i, heap_[c]);
        i = c;
    }
    siftUp(i, last);
}

void EventHeap::growRing()
{
    // Entries keep their absolute positions; only the mask changes.
    std::vector<Entry> bigger(ring_.size() * 2);
    for (int64_t pos = fifoHead_; pos < fifoTail_; pos++)
        bigger[static_cast<std::size_t>(pos) & (bigger.size() - 1)] = at(pos);
    ring_.swap(bigger);
}

void EventHeap::dropFifoTombstones()
{
    while (!fifoEmpty() && at(fifoHead_).msg == nullptr)
        fifoHead_++;
}

bool EventHeap::fifoFirst() const
{
    if (fifoEmpty())
        return false;
    return heap_.size() <= 1 || at(fifoHead_).key < heap_[1].key;
}

cMessage *EventHeap::peekFirst()
{
    dropFifoTombstones();
    if (fifoFirst())
        return at(fifoHead_).msg;
    return heap_.size() > 1 ? heap_[1].msg : nullptr;
}

cMessage *EventHeap::removeFirst()
{
    cMessage *m = peekFirst();
    return m ? remove(m) : nullptr;
}

cMessage *EventHeap::remove(cMessage *m)
{
    int64_t slot = m->fesSlot_;
    if (slot > 0)
        removeHeapAt(static_cast<std::size_t>(slot));
    else if (slot < 0) {
        at(-slot - 1).msg = nullptr;
        fifoLive_--;
        dropFifoTombstones();
    }
    m->fesSlot_ = 0;
    return m;
}

std::vector<cMessage *> EventHeap::drain()
{
    std::vector<cMessage *> all;
    for (std::size_t i = 1; i < heap_.size(); i++)
        all.push_back(heap_[i].msg);
    for (int64_t pos = fifoHead_; pos < fifoTail_; pos++)
        if (at(pos).msg)
            all.push_back(at(pos).msg);
    for (cMessage *m : all)
        m->fesSlot_ = 0;
    heap_.resize(1);
    fifoHead_ = fifoTail_ = 0;
    fifoLive_ = 0;
    return all;
}

}  // namespace qcity::sim
