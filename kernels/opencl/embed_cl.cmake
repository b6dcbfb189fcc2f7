# Turns an OpenCL C source into a C++ header holding it as a raw string literal, so the plugin
# carries its kernels and needs no loose .cl file at run time.
# Usage: cmake -DINPUT=<file.cl> -DOUTPUT=<header.h> -DSYMBOL=<name> -P embed_cl.cmake
foreach(var INPUT OUTPUT SYMBOL)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_cl.cmake: ${var} is not set")
  endif()
endforeach()

file(READ "${INPUT}" source)
set(delimiter "aicert_cl")
string(FIND "${source}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "embed_cl.cmake: ${INPUT} contains the raw-string delimiter )${delimiter}\"")
endif()
get_filename_component(name "${INPUT}" NAME)

set(content "// Generated from ${name} by kernels/opencl/embed_cl.cmake at build time; do not edit.\n")
string(APPEND content "#pragma once\n\nnamespace aicert::opencl::embedded {\n")
string(APPEND content "inline constexpr const char ${SYMBOL}[] = R\"${delimiter}(${source})${delimiter}\";\n")
string(APPEND content "}  // namespace aicert::opencl::embedded\n")

# Rewrite only on change so dependents do not rebuild needlessly.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
  if(previous STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
