#include "CsmaMac.h"

#include <algorithm>
#include <cmath>

#include "../iot/IotPacket.h"
#include "../radio/RadioMedium.h"

namespace qcity {

Define_Module(CsmaMac);

static double dbmToMw(double dbm) { return std::pow(10.0, dbm / 10.0); }

double oqpskBitErrorRate(double sinr)
{
    // BER = 8/15 * 1/16 * sum_{k=2}^{16} (-1)^k C(16,k) exp(20 SINR (1/k - 1))
    double sum = 0, binom = 16;  // C(16, k), built up from C(16, 1) = 16
    for (int k = 2; k <= 16; k++) {
        binom = binom * (16 - k + 1) / k;
        sum += ((k % 2) ? -1.0 : 1.0) * binom * std::exp(20.0 * sinr * (1.0 / k - 1.0));
    }
    double ber = 8.0 / 15.0 / 16.0 * sum;
    return std::clamp(ber, 0.0, 0.5);
}

CsmaMac::~CsmaMac()
{
    for (auto *t : {backoffTimer, ccaTimer, txTimer, ackTimer, listenTimer})
        cancelAndDelete(t);
    for (MacFrame *f : queue)
        delete f;
    delete current;
    for (Signal &s : signals)
        delete s.frame;
}

void CsmaMac::initialize(int stage)
{
    if (stage == 0) {
        isGateway = par("gateway").boolValue();
        alwaysListen = isGateway || par("alwaysListen").boolValue();
        txPowerDbm = par("txPower").doubleValue();
        sensitivityDbm = par("sensitivity").doubleValue();
        ccaThresholdMw = dbmToMw(par("ccaThreshold").doubleValue());
        std::string ccaMode = par("ccaMode").stdstringValue();
        if (ccaMode != "energy" && ccaMode != "energyOrCarrier")
            throw omnetpp::cRuntimeError("ccaMode must be \"energy\" or \"energyOrCarrier\", got \"%s\"", ccaMode.c_str());
        carrierSense = ccaMode == "energyOrCarrier";
        syncOnAnyFrame = par("syncOnAnyFrame").boolValue();
        listenDuringTurnaround = par("listenDuringTurnaround").boolValue();
        bitrate = par("bitrate").doubleValue();
        queueLength = par("queueLength").intValue();
        minBE = par("macMinBE").intValue();
        maxBE = par("macMaxBE").intValue();
        maxBackoffs = par("macMaxCSMABackoffs").intValue();
        maxRetries = par("macMaxFrameRetries").intValue();
        unitBackoff = par("unitBackoffPeriod").doubleValue();
        ccaDuration = par("ccaDuration").doubleValue();
        turnaround = par("turnaroundTime").doubleValue();
        ackWait = par("ackWaitDuration").doubleValue();
        listenAfterTx = par("listenAfterTx").doubleValue();
        macHeaderBytes = par("macHeaderBytes").intValue();
        phyHeaderBytes = par("phyHeaderBytes").intValue();
        ackBytes = par("ackBytes").intValue();
        if (bitrate <= 0 || queueLength < 1 || minBE < 0 || maxBE < minBE || maxBackoffs < 0 || maxRetries < 0)
            throw omnetpp::cRuntimeError("invalid MAC parameters: bitrate, queueLength >= 1, 0 <= macMinBE <= macMaxBE, "
                                         "macMaxCSMABackoffs >= 0, macMaxFrameRetries >= 0");
        medium = omnetpp::check_and_cast<RadioMedium *>(getSimulation()->getSystemModule()->getModuleByPath(par("radioMedium").stringValue()));
        battery = Battery::find(this, par("battery").stdstringValue(), this);
        noiseMw = dbmToMw(medium->getNoiseFloorDbm());
        int channel = par("radioChannel").intValue();
        if (channel < 11 || channel > 26)
            throw omnetpp::cRuntimeError("radioChannel must be one of the 2.4 GHz channels 11-26, got %d", channel);
        radioIndex = medium->registerRadio(this, par("x").doubleValue(), par("y").doubleValue(), isGateway, channel);
        address = static_cast<int>(radioIndex);
        dropQueueFullSignal = registerSignal("dropQueueFull");
        dropChannelAccessSignal = registerSignal("dropChannelAccess");
        dropRetryLimitSignal = registerSignal("dropRetryLimit");
        rxLostSinrSignal = registerSignal("rxLostSinr");
        rxLostNotListeningSignal = registerSignal("rxLostNotListening");
        rxLostTurnaroundSignal = registerSignal("rxLostTurnaround");
        frameSentSignal = registerSignal("frameSent");
        backoffsSignal = registerSignal("backoffs");
        backoffTimer = new omnetpp::cMessage("backoff", BACKOFF_DONE);
        ccaTimer = new omnetpp::cMessage("cca", CCA_DONE);
        txTimer = new omnetpp::cMessage("txDone", TX_DONE);
        ackTimer = new omnetpp::cMessage("ackTimeout", ACK_TIMEOUT);
        listenTimer = new omnetpp::cMessage("listenEnd", LISTEN_END);
    }
    else if (stage == 1) {
        updateRadio();  // the battery has initialized by now
    }
    if (stage == 1 && !isGateway) {
        gatewayAddress = medium->bestGateway(radioIndex, txPowerDbm);  // every radio registered in stage 0
        if (gatewayAddress < 0)
            throw omnetpp::cRuntimeError("no gateway in the network for device MAC %d", address);
        medium->setChannel(radioIndex, medium->getChannel(gatewayAddress));  // join the gateway's channel
        // how far above sensitivity the mean uplink sits: negative means out of reach
        double margin = medium->meanReceivedPower(radioIndex, gatewayAddress, txPowerDbm) - sensitivityDbm;
        recordScalar("gatewayLinkMargin", margin, "dB");
    }
}

omnetpp::cModule *CsmaMac::getHomeGateway() const
{
    if (isGateway || gatewayAddress < 0)
        throw omnetpp::cRuntimeError("%s has no home gateway (it is a gateway, or asked before stage 1)", getFullPath().c_str());
    return medium->getRadioModule(gatewayAddress)->getParentModule();
}

omnetpp::simtime_t CsmaMac::airTime(int64_t macBytes) const { return (macBytes + phyHeaderBytes) * 8.0 / bitrate; }

// ---- radio state and energy ----------------------------------------------------------

bool CsmaMac::turningAround() const { return !listenDuringTurnaround && (state == TURNAROUND || ackTurnarounds > 0); }

void CsmaMac::breakReceptions()
{
    for (Signal &s : signals)  // half-duplex: whatever we were receiving is lost
        if (s.locked)
            s.broken = true;
}

void CsmaMac::updateRadio()
{
    bool busy = state != IDLE || !queue.empty() || current;
    // a device's receiver is on while it sends (CCA, ACK wait) and in its listen window, not during backoff
    bool receiverOn = !poweredOff && !transmitting && (alwaysListen || (state != BACKOFF && (busy || listenTimer->isScheduled())));
    // turning around to transmit draws receive current but may hear nothing (listenDuringTurnaround)
    listening = receiverOn && !turningAround();
    if (!battery)
        return;
    if (poweredOff)
        battery->setRadioMode(Battery::RADIO_SLEEP);
    else if (transmitting)
        battery->setRadioMode(Battery::RADIO_TX);
    else if (state == BACKOFF)
        battery->setRadioMode(alwaysListen ? Battery::RADIO_RX : Battery::RADIO_IDLE);  // a sleepy device needs RX only for CCA
    else if (receiverOn)
        battery->setRadioMode(Battery::RADIO_RX);
    else
        battery->setRadioMode(Battery::RADIO_SLEEP);
}

void CsmaMac::powerOff()
{
    Enter_Method_Silent();
    poweredOff = true;
    for (auto *t : {backoffTimer, ccaTimer, txTimer, ackTimer, listenTimer})
        cancelEvent(t);
    for (MacFrame *f : queue)
        delete f;
    queue.clear();
    delete current;
    current = nullptr;
    transmitting = false;
    state = IDLE;
    listening = false;
}

// ---- sending ----------------------------------------------------------------------------

void CsmaMac::handleMessage(omnetpp::cMessage *msg)
{
    if (!msg->isSelfMessage()) {
        auto *pkt = omnetpp::check_and_cast<IotPacket *>(msg);
        if (poweredOff) {
            delete pkt;
            return;
        }
        handleUpperPacket(pkt);
        return;
    }
    switch (msg->getKind()) {
        case BACKOFF_DONE: performCca(); break;
        case CCA_DONE:
            if (channelBusy())
                busyChannel();
            else {
                state = TURNAROUND;
                if (!listenDuringTurnaround)
                    breakReceptions();
                scheduleAt(omnetpp::simTime() + turnaround, txTimer);  // RX -> TX switch, then send
            }
            break;
        case TX_DONE:
            if (state != TURNAROUND)
                transmissionDone();
            else if (transmitting)  // an ACK of ours took the channel meanwhile: count it as a busy CCA
                busyChannel();
            else
                startTransmission(current, false);
            break;
        case ACK_TX_DONE:
            delete msg;
            transmitting = false;
            updateRadio();
            return;
        case ACK_TIMEOUT:
            if (++retries > maxRetries) {
                emit(dropRetryLimitSignal, current);
                frameDone(false);
            }
            else {
                nb = 0;
                be = minBE;
                startBackoff();
            }
            break;
        case SEND_ACK: {
            auto *ack = omnetpp::check_and_cast<MacFrame *>(msg);
            ack->setKind(0);
            ackTurnarounds--;
            if (transmitting || poweredOff) {  // busy with our own frame: the sender will retry
                delete ack;
                return;
            }
            startTransmission(ack, true);
            return;
        }
        case LISTEN_END: break;
        case RX_START: receptionStart(static_cast<Signal *>(msg->getContextPointer())); delete msg; break;
        case RX_END: receptionEnd(static_cast<Signal *>(msg->getContextPointer())); delete msg; break;
        default: throw omnetpp::cRuntimeError("Unexpected message kind %d", msg->getKind());
    }
    updateRadio();
}

void CsmaMac::handleUpperPacket(IotPacket *pkt)
{
    if (static_cast<int>(queue.size()) >= queueLength) {
        auto *f = new MacFrame("dropped");
        f->encapsulate(pkt);
        emit(dropQueueFullSignal, f);
        delete f;
        return;
    }
    auto *frame = new MacFrame(pkt->getName());
    frame->src = address;
    if (pkt->nextHopMac == IotPacket::BROADCAST)
        frame->dst = -1;
    else
        frame->dst = pkt->nextHopMac >= 0 ? pkt->nextHopMac : gatewayAddress;
    frame->seq = nextSeq++;
    frame->setByteLength(macHeaderBytes);
    frame->setTimestamp();  // time it entered the queue
    frame->encapsulate(pkt);
    queue.push_back(frame);
    if (!current)
        startNextFrame();
    updateRadio();
}

void CsmaMac::startNextFrame()
{
    if (queue.empty() || poweredOff)
        return;
    current = queue.front();
    queue.pop_front();
    headSince = omnetpp::simTime();
    auto *pkt = static_cast<IotPacket *>(current->getEncapsulatedPacket());
    current->queueing = headSince - current->getTimestamp();
    pkt->macQueueing += current->queueing;
    nb = 0;
    be = minBE;
    retries = 0;
    backoffCount = 0;
    startBackoff();
}

void CsmaMac::startBackoff()
{
    state = BACKOFF;
    backoffCount++;
    int slots = intuniform(0, (1 << be) - 1);
    scheduleAt(omnetpp::simTime() + unitBackoff * slots, backoffTimer);
}

void CsmaMac::busyChannel()
{
    // 802.15.4 CSMA/CA: another backoff with a larger exponent, until macMaxCSMABackoffs
    nb++;
    be = std::min(be + 1, maxBE);
    if (nb > maxBackoffs) {
        emit(dropChannelAccessSignal, current);
        frameDone(false);
    }
    else
        startBackoff();
}

void CsmaMac::performCca()
{
    state = CCA;
    scheduleAt(omnetpp::simTime() + ccaDuration, ccaTimer);
}

bool CsmaMac::channelBusy() const
{
    if (transmitting)
        return true;
    omnetpp::simtime_t now = omnetpp::simTime();
    double power = 0;
    for (const Signal &s : signals) {
        if (s.start <= now && now < s.end) {
            power += s.powerMw;
            if (carrierSense && s.locked)  // the receiver is synchronised on a frame
                return true;
        }
    }
    return power >= ccaThresholdMw;
}

void CsmaMac::startTransmission(MacFrame *frame, bool isAck)
{
    transmitting = true;
    state = isAck ? state : TRANSMITTING;
    breakReceptions();
    frame->txStart = omnetpp::simTime();
    if (!isAck)  // what the receiver's copy needs to know about this attempt
        static_cast<IotPacket *>(frame->getEncapsulatedPacket())->macRetries = retries;
    omnetpp::simtime_t duration = airTime(frame->getByteLength());
    medium->transmit(radioIndex, frame, txPowerDbm, duration);  // receivers get copies
    emit(frameSentSignal, frame);
    if (isAck) {
        delete frame;
        scheduleAt(omnetpp::simTime() + duration, new omnetpp::cMessage("ackSent", ACK_TX_DONE));
    }
    else
        scheduleAt(omnetpp::simTime() + duration, txTimer);
    updateRadio();
}

void CsmaMac::transmissionDone()
{
    transmitting = false;
    if (current->dst < 0) {  // broadcast: no ACK expected
        frameDone(true);
        return;
    }
    state = WAIT_ACK;
    scheduleAt(omnetpp::simTime() + ackWait, ackTimer);
}

void CsmaMac::frameDone(bool success)
{
    emit(backoffsSignal, (long)backoffCount);
    delete current;
    current = nullptr;
    state = IDLE;
    if (!alwaysListen) {  // stay awake a while for replies (CoAP ACK, MQTT PUBACK, commands)
        if (listenTimer->isScheduled())
            cancelEvent(listenTimer);
        scheduleAt(omnetpp::simTime() + listenAfterTx, listenTimer);
    }
    startNextFrame();
}

void CsmaMac::sendAck(const MacFrame *data)
{
    auto *ack = new MacFrame("ack");
    ack->src = address;
    ack->dst = data->src;
    ack->seq = data->seq;
    ack->ack = true;
    ack->setByteLength(ackBytes);
    ack->setKind(SEND_ACK);  // the frame waits for the turnaround itself, so one pending at the end is deleted with the module
    scheduleAt(omnetpp::simTime() + turnaround, ack);
    ackTurnarounds++;
    if (!listenDuringTurnaround)
        breakReceptions();
}

// ---- receiving --------------------------------------------------------------------------

void CsmaMac::signalArrives(const MacFrame *frame, omnetpp::simtime_t start, omnetpp::simtime_t end, double powerDbm)
{
    Enter_Method_Silent();
    if (poweredOff)
        return;
    forgetOldSignals();
    signals.push_back({start, end, dbmToMw(powerDbm)});
    Signal &s = signals.back();
    if (powerDbm >= sensitivityDbm && (addressedToMe(frame) || syncOnAnyFrame)) {
        s.frame = frame->dup();
        auto *rx = new omnetpp::cMessage("rxStart", RX_START);
        rx->setContextPointer(&s);
        scheduleAt(start, rx);
    }
}

bool CsmaMac::addressedToMe(const MacFrame *frame) const { return frame->dst == address || frame->dst < 0; }

void CsmaMac::receptionStart(Signal *s)
{
    bool alreadyReceiving = false;
    for (const Signal &o : signals)
        if (&o != s && o.locked && o.end > omnetpp::simTime())
            alreadyReceiving = true;
    if (!listening || alreadyReceiving) {
        if (addressedToMe(s->frame))  // losses are counted for the frames this radio was meant to get
            emit(turningAround() && !alreadyReceiving ? rxLostTurnaroundSignal : rxLostNotListeningSignal, s->frame);
        delete s->frame;
        s->frame = nullptr;
        return;
    }
    s->locked = true;
    auto *rx = new omnetpp::cMessage("rxEnd", RX_END);
    rx->setContextPointer(s);
    scheduleAt(s->end, rx);
}

double CsmaMac::interferenceMw(const Signal &s) const
{
    // worst case over the frame: every other signal that overlaps it in time counts fully
    double sum = 0;
    for (const Signal &o : signals)
        if (&o != &s && o.start < s.end && s.start < o.end)
            sum += o.powerMw;
    return sum;
}

void CsmaMac::receptionEnd(Signal *s)
{
    s->locked = false;
    MacFrame *frame = s->frame;
    s->frame = nullptr;
    if (s->broken || poweredOff) {
        if (addressedToMe(frame))
            emit(rxLostNotListeningSignal, frame);
        delete frame;
        return;
    }
    if (!addressedToMe(frame)) {  // synchronised on someone else's frame (syncOnAnyFrame): the address says drop it
        delete frame;
        return;
    }
    double sinr = s->powerMw / (noiseMw + interferenceMw(*s));
    double per = 1 - std::pow(1 - oqpskBitErrorRate(sinr), static_cast<double>(frame->getBitLength() + phyHeaderBytes * 8));
    if (dblrand() < per) {
        emit(rxLostSinrSignal, frame);
        delete frame;
        return;
    }
    if (frame->ack) {
        if (state == WAIT_ACK && current && frame->seq == current->seq && frame->src == current->dst) {
            cancelEvent(ackTimer);
            frameDone(true);
        }
        delete frame;
        return;
    }
    if (frame->dst == address)
        sendAck(frame);
    // a retransmission whose ACK was lost repeats the sender's last sequence number
    auto last = lastSeq.find(frame->src);
    bool duplicate = last != lastSeq.end() && last->second == frame->seq;
    lastSeq[frame->src] = frame->seq;
    auto *pkt = static_cast<IotPacket *>(frame->decapsulate());
    if (duplicate) {
        delete pkt;
        delete frame;
        return;
    }
    // this copy is the one that travels on: account the hop from what the receiver saw
    pkt->transmission += s->end - s->start;
    pkt->propagation += s->start - frame->txStart;
    pkt->macAccess += frame->txStart - frame->getTimestamp() - frame->queueing;
    pkt->lastHopMac = frame->src;
    delete frame;
    send(pkt, "upperOut");
}

void CsmaMac::forgetOldSignals()
{
    // Signals arrive in (nearly) time order, so old ones sit at the front. A frame lasts at most
    // 4.3 ms (127 bytes at 250 kbit/s); any signal that could overlap one still being received
    // ended less than 10 ms ago. Stop at the first one still needed: pruning is amortised O(1).
    omnetpp::simtime_t horizon = omnetpp::simTime() - 0.01;
    while (!signals.empty()) {
        const Signal &s = signals.front();
        if (s.end >= horizon || s.locked || s.frame)
            break;
        signals.pop_front();
    }
}

}  // namespace qcity
