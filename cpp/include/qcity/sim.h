// The one header a qcity model includes. Built against OMNeT++ (QCITY_WITH_OMNETPP)
// it is <omnetpp.h>; otherwise the same names come from qcity's embedded kernel.
// A model never knows which.
#pragma once

#ifdef QCITY_WITH_OMNETPP
#include <omnetpp.h>
#else
// by relative path: models are compiled with cpp/include as their only include folder, so this
// is the one way into the kernel (a model including a kernel header itself does not build)
#include "../../kernel/omnetpp_api.h"
#endif

#include "qcity/hook.h"
