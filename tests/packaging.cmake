# The Debian packages (ci/packaging) installed into a fresh Debian 12 root (debootstrap) and
# used there: tests/packaging/install_in_debian_root.sh, root only (skipped otherwise). Not in
# sanitizer builds: their binaries are not what a package ships.
if(NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  add_test(NAME packages_install_in_debian_root
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/packaging/install_in_debian_root.sh ${PROJECT_BINARY_DIR})
  set_tests_properties(packages_install_in_debian_root PROPERTIES
    LABELS packaging
    TIMEOUT 900
    SKIP_RETURN_CODE 77)
endif()
