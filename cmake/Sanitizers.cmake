if(PUSHPROBE_SANITIZE)
  add_compile_options(-fsanitize=${PUSHPROBE_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${PUSHPROBE_SANITIZE})
endif()
