# pushprobe_test(<name> LABEL <unit|integration|e2e> SOURCES ... LIBS ...)
# One GoogleTest executable, its tests discovered and labelled so the quick loop
# and the full run differ only by a label.
function(pushprobe_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;LIBS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  pushprobe_warnings(${name})
  gtest_discover_tests(${name} PROPERTIES LABELS ${T_LABEL} DISCOVERY_TIMEOUT 120)
endfunction()
