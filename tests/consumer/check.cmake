# Run by ctest (cmake -P): install the build tree into a fresh prefix, build the consumer against it.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${CONSUMER_SOURCE} -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=)
# No build type: -O0 without -g. The check is that the installed package is complete and links, and an
# optimised build of the umbrella header costs minutes on a 2-core machine.
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
if(NOT EXISTS ${prefix}/share/stakecalc/deal.schema.json)
  message(FATAL_ERROR "the document schema was not installed to share/stakecalc")
endif()
run(${WORK_DIR}/build/consumer ${SAMPLE})
