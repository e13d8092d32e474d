# ctest static_deps: the programs, built with VPCSIM_STATIC_DEPS, load no
# shared library that they should carry from its archive (a target that
# links PkgConfig::ZMQ instead of vsdep_zmq brings back libzmq.so and the
# 20 libraries it maps; bench/README.md, "Memory per agent").
# cmake -DBIN=<dir> -DPROGRAMS=<a,b> -P check_static.cmake
set(forbidden libzmq libstdc\\+\\+ libgcc_s libuv libsqlite3 libsodium libprotobuf-c
    libpgm libnorm libbsd libmd)
string(REPLACE "," ";" PROGRAMS "${PROGRAMS}")
foreach(prog ${PROGRAMS})
  execute_process(COMMAND readelf -d ${BIN}/${prog}
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "readelf -d ${BIN}/${prog} failed (${rc})")
  endif()
  string(REGEX MATCHALL "Shared library: \\[[^]]+\\]" needed "${out}")
  foreach(lib ${forbidden})
    if(needed MATCHES "\\[${lib}\\.so")
      message(FATAL_ERROR "${prog} loads ${lib}.so: ${needed}")
    endif()
  endforeach()
  message(STATUS "${prog}: ${needed}")
endforeach()
