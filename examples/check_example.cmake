# Runs an example calculator (cmake -P) and checks its exit code and that its output contains each
# expected line fragment. Used by ctest so the README's main job can never silently break.
execute_process(COMMAND ${PROGRAM} ${DOCUMENT} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL ${EXPECT_EXIT})
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
foreach(fragment IN LISTS EXPECT)
  string(FIND "${out}${err}" "${fragment}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "missing '${fragment}' in:\n${out}${err}")
  endif()
endforeach()
