// The hook backend registry (qcity/hook.h): whoever embeds the models (the qcity._core extension,
// or the model library opp_run loads) installs the backend that talks to Python; models only
// resolve and call hooks through it.
#include "qcity/sim.h"  // qcity/hook.h, after the engine's cRuntimeError it reports errors with

namespace qcity {

static HookBackend *theBackend = nullptr;

void setHookBackend(HookBackend *backend) { theBackend = backend; }
HookBackend *getHookBackend() { return theBackend; }

}  // namespace qcity
