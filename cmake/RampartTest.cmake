# SPDX-License-Identifier: Apache-2.0
# rampart_add_test(<name> KIND unit|fuzz|bench|tool SOURCES ... [LIBS ...] [CORPUS dir])
#
#  unit  GoogleTest executable; each TEST becomes a ctest case (label "unit").
#  fuzz  libFuzzer target. Under the fuzz preset it runs for RAMPART_FUZZ_SECONDS over its seed
#        corpus; in every other build it is linked to a small driver that replays the seed corpus
#        and the regression inputs as an ordinary test, so past crashes stay fixed (label "fuzz").
#  bench Google Benchmark executable; never a ctest case (benchmarks print, they do not gate).
include(GoogleTest)

function(rampart_add_test name)
  cmake_parse_arguments(ARG "" "KIND;CORPUS" "SOURCES;LIBS" ${ARGN})
  if(ARG_KIND STREQUAL "unit")
    if(NOT RAMPART_BUILD_TESTS)
      return()
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(${name} PRIVATE RAMPART_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                               RAMPART_BINARY_DIR="${PROJECT_BINARY_DIR}")
    # Named <executable>.<Suite>.<Test>, so `ctest -R geo_test` selects one module's tests.
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_PREFIX "${name}." PROPERTIES LABELS unit)
  elseif(ARG_KIND STREQUAL "fuzz")
    set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/${ARG_CORPUS}/corpus)
    set(regressions ${CMAKE_CURRENT_SOURCE_DIR}/${ARG_CORPUS}/regressions)
    if(RAMPART_FUZZ)
      add_executable(${name} ${ARG_SOURCES})
      target_link_libraries(${name} PRIVATE ${ARG_LIBS})
      target_link_options(${name} PRIVATE -fsanitize=fuzzer)
      set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus)
      add_test(NAME ${name}
               COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                       sh -c "mkdir -p '${work}' && exec '$<TARGET_FILE:${name}>' -max_total_time=${RAMPART_FUZZ_SECONDS} -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 '${work}' '${corpus}' '${regressions}'")
    elseif(RAMPART_BUILD_TESTS)
      add_executable(${name} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
      target_link_libraries(${name} PRIVATE ${ARG_LIBS})
      add_test(NAME ${name} COMMAND ${name} ${corpus} ${regressions})
    else()
      return()
    endif()
    set_tests_properties(${name} PROPERTIES LABELS fuzz)
  elseif(ARG_KIND STREQUAL "bench")
    if(NOT RAMPART_BUILD_BENCH)
      return()
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} benchmark::benchmark)
    target_compile_definitions(${name} PRIVATE RAMPART_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  else()
    message(FATAL_ERROR "rampart_add_test(${name}): unknown KIND '${ARG_KIND}'")
  endif()
endfunction()
