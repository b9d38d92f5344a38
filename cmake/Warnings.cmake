# Every first-party target calls this so the warning policy lives in one place.
function(pushprobe_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(PUSHPROBE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
