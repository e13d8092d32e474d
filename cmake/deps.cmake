# The third-party libraries, as one INTERFACE target each (vsdep_zmq,
# vsdep_uv, vsdep_sqlite, vsdep_sodium, vsdep_protobufc), linked either from
# Debian's static archives (VPCSIM_STATIC_DEPS, the default) or as the
# shared libraries pkg-config names.
#
# Why static: an agent that maps libzmq.so maps its 20 shared libraries
# with it (libstdc++, libm, libgcc_s, OpenPGM, NORM, libbsd, libmd, Kerberos
# ...), and the dynamic linker touches each one's symbol tables, relocations
# and data. With the archives only the objects the program uses are linked
# in and nothing is resolved at start: 1.6 MB less resident per agent at
# rest (bench/scale.sh's median 10.1 -> 8.5 MB; issue 9's target is
# < 10 MB) and a faster start for the CLI. Only glibc and the Kerberos GSSAPI
# libraries (libzmq's GSSAPI mechanism calls them; Debian ships no archives
# of them) stay shared.
#
# Needs PkgConfig's ZMQ, UV, SQLITE, SODIUM and PROTOBUFC modules found.
option(VPCSIM_STATIC_DEPS
  "Link libzmq (with libstdc++), libuv, SQLite, libsodium and protobuf-c from their static archives" ON)

foreach(dep zmq uv sqlite sodium protobufc)
  add_library(vsdep_${dep} INTERFACE)
endforeach()

if(NOT VPCSIM_STATIC_DEPS)
  target_link_libraries(vsdep_protobufc INTERFACE PkgConfig::PROTOBUFC)
  target_link_libraries(vsdep_sodium    INTERFACE PkgConfig::SODIUM)
  target_link_libraries(vsdep_sqlite    INTERFACE PkgConfig::SQLITE)
  target_link_libraries(vsdep_uv        INTERFACE PkgConfig::UV)
  target_link_libraries(vsdep_zmq       INTERFACE PkgConfig::ZMQ)
  return()
endif()

# An archive as an imported target that names the archives it calls, so
# that CMake orders each before them.
function(vpcsim_imported target path)
  add_library(vsdep_${target}_a STATIC IMPORTED)
  set_target_properties(vsdep_${target}_a PROPERTIES
    IMPORTED_LOCATION ${path} INTERFACE_LINK_LIBRARIES "${ARGN}")
endfunction()
# One archive by file name; a missing one stops the configuration with the
# package that ships it.
function(vpcsim_archive target file package)
  find_library(VSDEP_${target}_A NAMES ${file})
  if(NOT VSDEP_${target}_A)
    message(FATAL_ERROR "${file} not found: install ${package} "
            "(scripts/install-deps.sh does), or configure with -DVPCSIM_STATIC_DEPS=OFF")
  endif()
  vpcsim_imported(${target} ${VSDEP_${target}_A} ${ARGN})
endfunction()
# libzmq is C++: its runtime from the compiler's own archive (the C driver
# does not add it), and the unwinder from libgcc_eh (-static-libgcc).
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libstdc++.a
                OUTPUT_VARIABLE VSDEP_STDCXX_A OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT IS_ABSOLUTE "${VSDEP_STDCXX_A}")
  message(FATAL_ERROR "libstdc++.a not found for ${CMAKE_C_COMPILER}: install "
          "libstdc++-12-dev (build-essential), or configure with -DVPCSIM_STATIC_DEPS=OFF")
endif()
vpcsim_imported(stdcxx ${VSDEP_STDCXX_A} m -static-libgcc)
pkg_check_modules(GSSAPI REQUIRED IMPORTED_TARGET krb5-gssapi)

vpcsim_archive(protobufc libprotobuf-c.a libprotobuf-c-dev)
vpcsim_archive(sodium    libsodium.a     libsodium-dev    Threads::Threads)
vpcsim_archive(sqlite    libsqlite3.a    libsqlite3-dev   m Threads::Threads)
vpcsim_archive(uv        libuv_a.a       libuv1-dev       Threads::Threads)
vpcsim_archive(md        libmd.a         libmd-dev)
vpcsim_archive(bsd       libbsd.a        libbsd-dev       vsdep_md_a)
vpcsim_archive(protokit  libprotokit.a   libnorm-dev      vsdep_stdcxx_a)
vpcsim_archive(norm      libnorm.a       libnorm-dev      vsdep_protokit_a vsdep_stdcxx_a)
vpcsim_archive(pgm       libpgm.a        libpgm-dev       m Threads::Threads)
# libzmq calls libsodium (CURVE), OpenPGM, NORM, libbsd (strlcpy), the
# Kerberos GSSAPI and libstdc++.
vpcsim_archive(zmq       libzmq.a        libzmq3-dev
  vsdep_sodium_a vsdep_pgm_a vsdep_norm_a vsdep_bsd_a PkgConfig::GSSAPI vsdep_stdcxx_a
  Threads::Threads)

foreach(dep ZMQ UV SQLITE SODIUM PROTOBUFC)
  # The package's headers; its code from the archive.
  string(TOLOWER ${dep} lower)
  target_include_directories(vsdep_${lower} INTERFACE ${${dep}_INCLUDE_DIRS})
  target_link_libraries(vsdep_${lower} INTERFACE vsdep_${lower}_a)
endforeach()
