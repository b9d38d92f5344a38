if(PUSHPROBE_SANITIZE)
  add_compile_options(-fsanitize=${PUSHPROBE_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${PUSHPROBE_SANITIZE})
endif()

# Coverage-guided fuzzing: every first-party object gets libFuzzer's coverage
# and comparison hooks, so the fuzzer sees the parsers' branches and not only
# its entry file. The fuzz binaries add -fsanitize=fuzzer (libFuzzer's main)
# at link time (tests/fuzz/CMakeLists.txt). Preset: fuzz (docs/fuzzing.md).
option(PUSHPROBE_LIBFUZZER "Build libFuzzer binaries of the fuzz targets (needs clang)" OFF)
if(PUSHPROBE_LIBFUZZER)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PUSHPROBE_LIBFUZZER needs clang (CMAKE_CXX_COMPILER=clang++), "
                        "got ${CMAKE_CXX_COMPILER_ID}")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
