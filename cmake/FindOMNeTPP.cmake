# Locates an existing OMNeT++ 6.x/7 install: `opp_configfilepath` on PATH (after sourcing
# OMNeT++'s setenv), or OMNETPP_ROOT (environment or cache variable). Defines the imported
# target OMNeTPP::OMNeTPP (headers + the simulation kernel and environment libraries) and
# OMNETPP_ROOT, OMNETPP_VERSION, OMNETPP_BIN_DIR. Fails with a clear message when nothing is found.
set(_qcity_opp_hints "")
if(OMNETPP_ROOT)
  list(APPEND _qcity_opp_hints "${OMNETPP_ROOT}/bin")
endif()
if(DEFINED ENV{OMNETPP_ROOT})
  list(APPEND _qcity_opp_hints "$ENV{OMNETPP_ROOT}/bin")
endif()
find_program(QCITY_OPP_CONFIGFILEPATH opp_configfilepath HINTS ${_qcity_opp_hints})
if(NOT QCITY_OPP_CONFIGFILEPATH)
  message(FATAL_ERROR
    "QCITY_WITH_OMNETPP=ON but no OMNeT++ installation was found: neither `opp_configfilepath` "
    "on PATH nor OMNETPP_ROOT/bin/opp_configfilepath exists. Source OMNeT++'s setenv script "
    "(or set OMNETPP_ROOT to the install directory) and configure again, or build without "
    "-DQCITY_WITH_OMNETPP=ON to use qcity's embedded kernel.")
endif()
execute_process(COMMAND ${QCITY_OPP_CONFIGFILEPATH}
                OUTPUT_VARIABLE _qcity_opp_makefile_inc OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE _qcity_opp_rc)
if(NOT _qcity_opp_rc EQUAL 0 OR NOT EXISTS "${_qcity_opp_makefile_inc}")
  message(FATAL_ERROR "${QCITY_OPP_CONFIGFILEPATH} did not name OMNeT++'s Makefile.inc "
                      "(got '${_qcity_opp_makefile_inc}'): is the install configured (./configure)?")
endif()
get_filename_component(OMNETPP_ROOT "${_qcity_opp_makefile_inc}" DIRECTORY)
set(OMNETPP_BIN_DIR "${OMNETPP_ROOT}/bin")

file(STRINGS "${OMNETPP_ROOT}/Version" _qcity_opp_version_line LIMIT_COUNT 1)
string(REGEX MATCH "[0-9]+\\.[0-9]+(\\.[0-9]+)?" OMNETPP_VERSION "${_qcity_opp_version_line}")
if(NOT OMNETPP_VERSION OR OMNETPP_VERSION VERSION_LESS 6.0)
  message(FATAL_ERROR "qcity needs OMNeT++ 6.x or 7; ${OMNETPP_ROOT}/Version says '${_qcity_opp_version_line}'")
endif()

# Release libraries are liboppsim.so etc., debug ones liboppsim_dbg.so (OMNeT++'s MODE).
set(_qcity_opp_suffix "")
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(_qcity_opp_suffix "_dbg")
endif()
set(_qcity_opp_libs "")
foreach(_lib sim envir common)
  find_library(QCITY_OPP_LIB_${_lib} NAMES opp${_lib}${_qcity_opp_suffix}
               PATHS "${OMNETPP_ROOT}/lib" NO_DEFAULT_PATH)
  if(NOT QCITY_OPP_LIB_${_lib})
    message(FATAL_ERROR "OMNeT++ at ${OMNETPP_ROOT} has no libopp${_lib}${_qcity_opp_suffix} in lib/: "
                        "build it first (make MODE=${CMAKE_BUILD_TYPE} in ${OMNETPP_ROOT}).")
  endif()
  list(APPEND _qcity_opp_libs "${QCITY_OPP_LIB_${_lib}}")
endforeach()

add_library(OMNeTPP::OMNeTPP INTERFACE IMPORTED)
set_target_properties(OMNeTPP::OMNeTPP PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${OMNETPP_ROOT}/include"
  INTERFACE_LINK_LIBRARIES "${_qcity_opp_libs}")
message(STATUS "Found OMNeT++ ${OMNETPP_VERSION} at ${OMNETPP_ROOT}")
