#pragma once

#include "inet/common/packet/Packet.h"
#include "inet/common/packet/chunk/cPacketChunk.h"

#include "iot/IotPacket.h"

namespace qcity {

// qcity's messages cross INET's network as the payload of UDP datagrams: the IotPacket itself,
// inside a cPacketChunk of its byte length (INET adds the UDP, IPv4 and link headers).
inline inet::Packet *toDatagram(IotPacket *pkt)
{
    if (pkt->getByteLength() <= 0)
        throw omnetpp::cRuntimeError("'%s' has no bytes: INET cannot carry an empty payload", pkt->getName());
    auto *datagram = new inet::Packet(pkt->getName());
    datagram->insertAtBack(inet::makeShared<inet::cPacketChunk>(pkt));  // the chunk owns it now
    return datagram;
}

// The IotPacket a datagram carries (a copy: the chunk keeps its own); the datagram is deleted.
inline IotPacket *fromDatagram(inet::Packet *datagram)
{
    auto chunk = datagram->peekAtFront<inet::cPacketChunk>();
    auto *pkt = omnetpp::check_and_cast<IotPacket *>(chunk->getPacket()->dup());
    delete datagram;
    return pkt;
}

}  // namespace qcity
