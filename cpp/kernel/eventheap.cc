#include "eventheap.h"

namespace qcity::sim {

void EventHeap::siftUp(std::size_t i)
{
    cMessage *m = heap_[i];
    while (i > 1 && before(m, heap_[i / 2])) {
        place(i, heap_[i / 2]);
        i /= 2;
    }
    place(i, m);
}

void EventHeap::siftDown(std::size_t i)
{
    std::size_t n = heap_.size() - 1;
    cMessage *m = heap_[i];
    for (;;) {
        std::size_t c = 2 * i;
        if (c > n)
            break;
        if (c + 1 <= n && before(heap_[c + 1], heap_[c]))
            c++;
        if (!before(heap_[c], m))
            break;
        place(i, heap_[c]);
        i = c;
    }
    place(i, m);
}

void EventHeap::insert(cMessage *m)
{
    m->insertOrder_ = insertCounter_++;
    heap_.push_back(m);
    siftUp(heap_.size() - 1);
}

cMessage *EventHeap::removeFirst()
{
    if (heap_.size() <= 1)
        return nullptr;
    return remove(heap_[1]);
}

cMessage *EventHeap::remove(cMessage *m)
{
    std::size_t i = static_cast<std::size_t>(m->heapIndex_);
    cMessage *last = heap_.back();
    heap_.pop_back();
    m->heapIndex_ = -1;
    if (last != m) {
        place(i, last);
        if (i > 1 && before(last, heap_[i / 2]))
            siftUp(i);
        else
            siftDown(i);
    }
    return m;
}

std::vector<cMessage *> EventHeap::drain()
{
    std::vector<cMessage *> all(heap_.begin() + 1, heap_.end());
    for (cMessage *m : all)
        m->heapIndex_ = -1;
    heap_.resize(1);
    return all;
}

}  // namespace qcity::sim
