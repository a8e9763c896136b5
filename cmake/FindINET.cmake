# Locates an INET 4.5.x source tree with its model library built: INET_ROOT (cache or environment
# variable), the folder holding INET's `src/inet/`. Checks the features qcity's INET-facing modules
# need are enabled (opp_featuretool), and defines the imported target INET::INET (headers, the
# INET_IMPORT define, libINET) and INET_NED_DIR, INET_NED_EXCLUSIONS (give them to opp_run's -n and -x).
if(NOT INET_ROOT AND DEFINED ENV{INET_ROOT})
  # kept in the cache, so that cmake re-runs in a shell without the variable still find it
  set(INET_ROOT "$ENV{INET_ROOT}" CACHE PATH "INET source tree (holds src/inet/)")
endif()
if(NOT INET_ROOT)
  message(FATAL_ERROR
    "QCITY_WITH_INET=ON but INET_ROOT is not set: give the INET source tree (the folder that holds "
    "src/inet/), e.g. -DINET_ROOT=$HOME/inet-4.5.4, or build without -DQCITY_WITH_INET=ON. "
    "See docs/inet.md for building INET against OMNeT++ 6.1.")
endif()
set(INET_NED_DIR "${INET_ROOT}/src")
set(_qcity_inet_defs "${INET_NED_DIR}/inet/common/INETDefs.h")
if(NOT EXISTS "${_qcity_inet_defs}" OR NOT EXISTS "${INET_NED_DIR}/inet/linklayer/ieee802154/Ieee802154NarrowbandInterface.ned")
  message(FATAL_ERROR "INET_ROOT=${INET_ROOT} is not an INET source tree with IEEE 802.15.4: "
                      "src/inet/common/INETDefs.h or src/inet/linklayer/ieee802154/Ieee802154NarrowbandInterface.ned is missing")
endif()
file(STRINGS "${_qcity_inet_defs}" _qcity_inet_version REGEX "#define INET_VERSION")
string(REGEX MATCH "0x[0-9a-fA-F]+" _qcity_inet_version "${_qcity_inet_version}")
if(NOT _qcity_inet_version)
  message(FATAL_ERROR "${_qcity_inet_defs} defines no INET_VERSION: is ${INET_ROOT} an INET tree?")
endif()
math(EXPR _qcity_inet_version_number "${_qcity_inet_version}")
if(_qcity_inet_version_number LESS 1029)  # 0x0405
  message(FATAL_ERROR "qcity's INET-facing modules need INET 4.5 or later; ${_qcity_inet_defs} says ${_qcity_inet_version}")
endif()

# features.h is written by `make makefiles` / opp_featuretool: every feature the modules use must be on
set(_qcity_inet_features "${INET_NED_DIR}/inet/features.h")
if(NOT EXISTS "${_qcity_inet_features}")
  message(FATAL_ERROR "${_qcity_inet_features} is missing: run `make makefiles` in ${INET_ROOT} and build INET first")
endif()
file(READ "${_qcity_inet_features}" _qcity_inet_features_text)
foreach(_feature IEEE802154 IPv4 UDP PPP POWER APSKRADIO PHYSICALLAYERWIRELESSCOMMON QUEUEING)
  string(FIND "${_qcity_inet_features_text}" "#define INET_WITH_${_feature}\n" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "INET at ${INET_ROOT} was built without the feature INET_WITH_${_feature}: enable it with "
                        "opp_featuretool (see docs/inet.md) and rebuild INET")
  endif()
endforeach()

set(_qcity_inet_lib_name INET)
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(_qcity_inet_lib_name INET_dbg)
endif()
find_library(QCITY_INET_LIB NAMES ${_qcity_inet_lib_name} PATHS "${INET_NED_DIR}" NO_DEFAULT_PATH)
if(NOT QCITY_INET_LIB)
  message(FATAL_ERROR "INET at ${INET_ROOT} has no lib${_qcity_inet_lib_name}.so in src/: build it first "
                      "(make MODE=${CMAKE_BUILD_TYPE} in ${INET_ROOT}, see docs/inet.md)")
endif()

set(INET_NED_EXCLUSIONS "")
if(EXISTS "${INET_ROOT}/.nedexclusions")
  file(STRINGS "${INET_ROOT}/.nedexclusions" _qcity_inet_exclusions)
  list(JOIN _qcity_inet_exclusions ";" INET_NED_EXCLUSIONS)
endif()

add_library(INET::INET INTERFACE IMPORTED)
set_target_properties(INET::INET PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${INET_NED_DIR}"
  INTERFACE_COMPILE_DEFINITIONS "INET_IMPORT"
  INTERFACE_LINK_LIBRARIES "${QCITY_INET_LIB}")
message(STATUS "Found INET (${_qcity_inet_version}) at ${INET_ROOT}")
