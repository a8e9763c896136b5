# Locates a QuISP source tree with its model library built: QUISP_ROOT (cache or environment
# variable), the folder holding QuISP's `quisp/` directory. Checks that the message qcity reads
# (LinkTomographyResult) has the fields it uses, and defines QUISP_NED_DIR and QUISP_LIBRARY
# (the path to give opp_run's -l, without lib prefix and suffix).
if(NOT QUISP_ROOT AND DEFINED ENV{QUISP_ROOT})
  # kept in the cache, so that cmake re-runs in a shell without the variable still find it
  set(QUISP_ROOT "$ENV{QUISP_ROOT}" CACHE PATH "QuISP source tree (holds quisp/)")
endif()
if(NOT QUISP_ROOT)
  message(FATAL_ERROR
    "QCITY_WITH_QUISP=ON but QUISP_ROOT is not set: give the QuISP source tree (the folder that holds "
    "quisp/modules/QNode.ned), e.g. -DQUISP_ROOT=$HOME/quisp, or build without -DQCITY_WITH_QUISP=ON. "
    "See docs/quisp.md for building QuISP against OMNeT++ 6.1.")
endif()
set(QUISP_NED_DIR "${QUISP_ROOT}/quisp")
set(_qcity_quisp_msg "${QUISP_NED_DIR}/messages/tomography_messages.msg")
if(NOT EXISTS "${QUISP_NED_DIR}/modules/QNode.ned" OR NOT EXISTS "${_qcity_quisp_msg}")
  message(FATAL_ERROR "QUISP_ROOT=${QUISP_ROOT} is not a QuISP source tree: "
                      "${QUISP_NED_DIR}/modules/QNode.ned or ${_qcity_quisp_msg} is missing")
endif()
file(READ "${_qcity_quisp_msg}" _qcity_quisp_msg_text)
foreach(_field "LinkTomographyResult" "count_id" "Basis" "Output_is_plus" "partner_address")
  string(FIND "${_qcity_quisp_msg_text}" "${_field}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "${_qcity_quisp_msg} has no '${_field}': qcity's TomographyTap reads "
                        "LinkTomographyResult's count_id, Basis, Output_is_plus and partner_address")
  endif()
endforeach()
find_library(_qcity_quisp_lib NAMES quisp PATHS "${QUISP_NED_DIR}" NO_DEFAULT_PATH)
if(NOT _qcity_quisp_lib)
  message(WARNING "QuISP's model library (${QUISP_NED_DIR}/libquisp.so) is not built yet: qcity_quisp builds, "
                  "but opp_run needs it (see docs/quisp.md)")
endif()
set(QUISP_LIBRARY "${QUISP_NED_DIR}/quisp")
message(STATUS "Found QuISP at ${QUISP_ROOT}")
