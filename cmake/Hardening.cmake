# Hardened binaries as Debian builds them: the compiler and linker flags that
# `dpkg-buildflags` gives with DEB_BUILD_MAINT_OPTIONS=hardening=+all (stack
# protector, _FORTIFY_SOURCE=2, format-security, full RELRO with BIND_NOW) and
# position-independent executables. On by default in the release preset, which
# the packages are built from; _FORTIFY_SOURCE needs optimisation, so a Debug
# build cannot have it. -O2 and -g are left to CMAKE_BUILD_TYPE.
option(PUSHPROBE_HARDENING "Build with Debian's hardening flags (dpkg-buildflags)" OFF)

if(PUSHPROBE_HARDENING)
  if(PUSHPROBE_SANITIZE)
    message(FATAL_ERROR "PUSHPROBE_HARDENING and PUSHPROBE_SANITIZE do not go together")
  endif()
  if(CMAKE_BUILD_TYPE STREQUAL "Debug")
    message(FATAL_ERROR "PUSHPROBE_HARDENING needs an optimised build (_FORTIFY_SOURCE)")
  endif()
  find_program(PUSHPROBE_DPKG_BUILDFLAGS dpkg-buildflags)
  set(hardening_cxx "")
  set(hardening_ld "")
  if(PUSHPROBE_DPKG_BUILDFLAGS)
    foreach(var CPPFLAGS CXXFLAGS LDFLAGS)
      execute_process(
        COMMAND ${CMAKE_COMMAND} -E env DEB_BUILD_MAINT_OPTIONS=hardening=+all
                ${PUSHPROBE_DPKG_BUILDFLAGS} --get ${var}
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
        OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
      separate_arguments(flags UNIX_COMMAND "${flags}")
      list(FILTER flags EXCLUDE REGEX "^(-O[0-9s]?|-g)$")
      if(var STREQUAL "LDFLAGS")
        list(APPEND hardening_ld ${flags})
      else()
        list(APPEND hardening_cxx ${flags})
      endif()
    endforeach()
  else()
    # Not a Debian system: the same flags dpkg-buildflags gives on Debian 12.
    set(hardening_cxx -fstack-protector-strong -Wformat -Werror=format-security
                      -D_FORTIFY_SOURCE=2)
    set(hardening_ld -Wl,-z,relro -Wl,-z,now)
  endif()
  list(REMOVE_DUPLICATES hardening_cxx)
  message(STATUS "Hardening: ${hardening_cxx} ${hardening_ld} -fPIE -pie")
  add_compile_options(${hardening_cxx})
  add_link_options(${hardening_ld})
  include(CheckPIESupported)
  check_pie_supported(LANGUAGES CXX)
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
endif()
