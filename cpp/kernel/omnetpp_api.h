// The embedded kernel seen through OMNeT++ names: `using namespace omnetpp;` in a
// model resolves to these classes when the model is built without OMNeT++.
#pragma once

#include <iostream>
#include <type_traits>
#include <typeinfo>

#include "cmessage.h"
#include "csimplemodule.h"
#include "cpar.h"
#include "crng.h"
#include "csimulation.h"
#include "ctokenizer.h"
#include "errors.h"
#include "simtime.h"

namespace qcity::sim {

// EV output is off unless enabled (OMNeT++'s express mode behaves the same).
bool evEnabled();
void setEvEnabled(bool on);
std::ostream &evStream();

class MethodContext
{
    cComponent *prev_;

  public:
    explicit MethodContext(cComponent *target) : prev_(cSimulation::getActiveSimulation()->getContext())
    {
        cSimulation::getActiveSimulation()->setContext(target);
    }
    ~MethodContext() { cSimulation::getActiveSimulation()->setContext(prev_); }
};

template <typename T, typename P>
T check_and_cast(P *p)
{
    if (!p)
        throw cRuntimeError("check_and_cast(): cannot cast nullptr to type '%s'", demangledTypeName(typeid(T).name()).c_str());
    using Target = std::remove_cv_t<std::remove_pointer_t<T>>;
    if constexpr (std::is_base_of_v<std::remove_cv_t<P>, Target>)
        if (typeid(*p) == typeid(Target))  // the exact type, the usual case: no hierarchy walk
            return static_cast<T>(p);
    T r = dynamic_cast<T>(p);
    if (!r)
        throw cRuntimeError("check_and_cast(): cannot cast (%s)%s to type '%s'", p->getClassName(), p->getName(),
                            demangledTypeName(typeid(T).name()).c_str());
    return r;
}

}  // namespace qcity::sim

namespace omnetpp = qcity::sim;

#define EV if (!::qcity::sim::evEnabled()) {} else ::qcity::sim::evStream()

// A method called on another module switches the simulation's context to it (so its RNGs,
// errors and emitted signals are attributed to it) until the method returns, as in OMNeT++.
#define Enter_Method(...) ::qcity::sim::MethodContext qcityMethodContext__(this)
#define Enter_Method_Silent(...) ::qcity::sim::MethodContext qcityMethodContext__(this)
#define EV_FATAL EV
#define EV_ERROR EV
#define EV_WARN EV
#define EV_INFO EV
#define EV_DETAIL EV
#define EV_DEBUG EV
#define EV_TRACE EV
