# Small helpers so each folder's CMakeLists.txt states only what differs.
include(GoogleTest)

# miri_library(NAME SOURCES a.cc b.cc DEPS target...)
# Headers are included as "domain/foo.h" etc., relative to src/.
function(miri_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# The official Firestore emulator that one ctest run shares
# (tests/fixtures/firestore_emulator: fixture "firestore_emulator").
set(MIRI_TEST_FIRESTORE_DIR ${CMAKE_BINARY_DIR}/firestore-emulator)

# miri_test(NAME SOURCES a_test.cc DEPS target... [LABELS l...] [FIRESTORE])
# One GoogleTest binary; each TEST becomes its own CTest entry. FIRESTORE:
# its tests use the run's official Firestore emulator (set up once by ctest;
# a binary run by hand starts its own through TestFirestoreEmulator).
function(miri_test name)
  cmake_parse_arguments(ARG "FIRESTORE" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  set(extra)
  if(ARG_FIRESTORE)
    set(extra FIXTURES_REQUIRED firestore_emulator
              ENVIRONMENT MIRI_TEST_FIRESTORE_DIR=${MIRI_TEST_FIRESTORE_DIR})
  endif()
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    PROPERTIES LABELS "${ARG_LABELS}" ${extra}
    DISCOVERY_TIMEOUT 60)
endfunction()
