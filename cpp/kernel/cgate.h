// Gates and the connections between them.
#pragma once

#include <string>

namespace qcity::sim {

class cModule;
class cChannel;

class cGate
{
    friend class cModule;
    friend class cSimpleModule;
    friend class cSimulation;

  public:
    enum Type { INPUT = 'I', OUTPUT = 'O' };

  private:
    cModule *owner_;
    std::string name_;  // base name; inout halves are "name$i" / "name$o"
    int index_;
    int vectorSize_;
    Type type_;
    int id_ = -1;
    cGate *next_ = nullptr;
    cGate *prev_ = nullptr;
    cChannel *channel_ = nullptr;  // the channel of the connection leaving this gate
    cGate *pathEnd_ = nullptr;     // cached: the simple module input this gate leads to

  public:
    cGate(cModule *owner, std::string name, int index, int vectorSize, Type type)
        : owner_(owner), name_(std::move(name)), index_(index), vectorSize_(vectorSize), type_(type) {}
    const char *getName() const { return name_.c_str(); }
    std::string getFullName() const;
    std::string getFullPath() const;
    int getIndex() const { return index_ < 0 ? 0 : index_; }
    bool isVector() const { return index_ >= 0; }
    int getVectorSize() const { return index_ < 0 ? 1 : vectorSize_; }
    int size() const { return getVectorSize(); }
    Type getType() const { return type_; }
    int getId() const { return id_; }
    cModule *getOwnerModule() const { return owner_; }
    cGate *getNextGate() const { return next_; }
    cGate *getPreviousGate() const { return prev_; }
    cChannel *getChannel() const { return channel_; }
    bool isConnected() const;
    bool isConnectedOutside() const;
    cGate *getPathEndGate() const;
    cGate *getPathStartGate() const;
    bool isPathOK() const;  // the path starts and ends at simple modules
    // The channel along the path that has a data rate, if any.
    cChannel *getTransmissionChannel() const;
    cChannel *findTransmissionChannel() const;  // nullptr if the path has no channel with a data rate
    void connectTo(cGate *target, cChannel *channel = nullptr);
};

}  // namespace qcity::sim
