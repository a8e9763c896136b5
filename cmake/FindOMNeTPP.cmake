# Locates an existing OMNeT++ 6.x/7 install: `opp_configfilepath` on PATH, or OMNETPP_ROOT.
# The model library build against it is the OMNeT++ bridge issue's job; for now this
# fails clearly when OMNeT++ is absent and says what is not built yet when present.
set(_qcity_opp_hint "")
if(DEFINED ENV{OMNETPP_ROOT})
  set(_qcity_opp_hint "$ENV{OMNETPP_ROOT}/bin")
endif()
find_program(QCITY_OPP_CONFIGFILEPATH opp_configfilepath HINTS ${_qcity_opp_hint})
if(NOT QCITY_OPP_CONFIGFILEPATH)
  message(FATAL_ERROR
    "QCITY_WITH_OMNETPP=ON but no OMNeT++ installation was found: neither `opp_configfilepath` "
    "on PATH nor OMNETPP_ROOT/bin/opp_configfilepath exists. Source OMNeT++'s setenv script "
    "(or set OMNETPP_ROOT to the install directory) and configure again, or build without "
    "-DQCITY_WITH_OMNETPP=ON to use qcity's embedded kernel.")
endif()
execute_process(COMMAND ${QCITY_OPP_CONFIGFILEPATH} OUTPUT_VARIABLE QCITY_OPP_CONFIGFILE OUTPUT_STRIP_TRAILING_WHITESPACE)
message(FATAL_ERROR
  "Found OMNeT++ (${QCITY_OPP_CONFIGFILE}), but building qcity's models as an OMNeT++ model "
  "library is not implemented yet (tracked in the OMNeT++/QuISP bridge issue). Build without "
  "-DQCITY_WITH_OMNETPP=ON to use the embedded kernel.")
