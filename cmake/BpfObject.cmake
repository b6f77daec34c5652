# SPDX-License-Identifier: Apache-2.0
# bpf_object(<name> <source.bpf.c>)
#
# Compiles a BPF program with clang for the BPF target into <name>.bpf.o and generates its libbpf
# skeleton <name>.skel.h (struct <name>_bpf) with bpftool. The INTERFACE target rampart_bpf_<name>
# puts the skeleton and the program's folder (for its <name>_abi.h) on the include path and links
# libbpf; <name>_skel builds the skeleton alone (clang-tidy needs it before any compile).
find_program(RAMPART_BPF_CLANG NAMES clang clang-16 clang-15 clang-14 REQUIRED)
find_program(RAMPART_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)

function(bpf_object name source)
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.bpf.o)
  set(skel ${CMAKE_CURRENT_BINARY_DIR}/${name}.skel.h)
  # <asm/types.h> lives in the multiarch folder, which clang -target bpf does not search by itself.
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${RAMPART_BPF_CLANG} -O2 -g -Wall -Werror -target bpf -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE}
            -I${CMAKE_CURRENT_SOURCE_DIR} -c ${CMAKE_CURRENT_SOURCE_DIR}/${source} -o ${obj}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source} ${CMAKE_CURRENT_SOURCE_DIR}/${name}_abi.h
    COMMENT "BPF program ${name}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${RAMPART_BPFTOOL} gen skeleton ${obj} name ${name}_bpf > ${skel}
    DEPENDS ${obj}
    COMMENT "libbpf skeleton ${name}.skel.h")
  add_custom_target(${name}_skel DEPENDS ${skel})
  add_library(rampart_bpf_${name} INTERFACE)
  add_dependencies(rampart_bpf_${name} ${name}_skel)
  target_include_directories(rampart_bpf_${name} INTERFACE ${CMAKE_CURRENT_BINARY_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(rampart_bpf_${name} INTERFACE PkgConfig::LIBBPF)
endfunction()
