# Debian packages of aicert (CPack DEB, one package per install component; `ci/package.sh`
# builds them): `aicert` (the binary, profiles, schemas, the cpu plugin, man pages, bash
# completion) and one package per backend plugin this build has, aicert-<backend>. Each
# package's runtime dependencies are computed by dpkg-shlibdeps from what its files link, plus
# `aicert (= version)` for the plugins; none are typed by hand.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME aicert)
set(CPACK_PACKAGE_VENDOR "aicert")
# Who answers for the packages: set it for your own builds (-DAICERT_PACKAGE_MAINTAINER=...).
set(AICERT_PACKAGE_MAINTAINER "aicert developers <aicert-devel@aicert.org>" CACHE STRING
    "Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT "${AICERT_PACKAGE_MAINTAINER}")
# The project version and the git revision it was built from: 0.1.0+g31e75a19f9ea-1.
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}+g${AICERT_GIT_REVISION}")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)

# Every package carries its copyright and changelog (Debian policy 12.5, 12.7).
set(doc_dir ${PROJECT_BINARY_DIR}/packaging-doc)
string(TIMESTAMP changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)

set(components aicert)
get_property(backend_components GLOBAL PROPERTY AICERT_BACKEND_COMPONENTS)
list(APPEND components ${backend_components})
list(REMOVE_DUPLICATES components)
set(CPACK_COMPONENTS_ALL ${components})

foreach(component ${components})
  string(TOUPPER ${component} C)
  if(component STREQUAL "aicert")
    set(package aicert)
  else()
    string(REPLACE "_" "-" dashed ${component})
    set(package aicert-${dashed})
    set(CPACK_COMPONENT_${C}_DEPENDS aicert)
  endif()
  set(CPACK_DEBIAN_${C}_PACKAGE_NAME ${package})
  set(CPACK_DEBIAN_${C}_FILE_NAME DEB-DEFAULT)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/copyright.in ${doc_dir}/${package}/copyright @ONLY)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.in ${doc_dir}/${package}/changelog @ONLY)
  file(ARCHIVE_CREATE OUTPUT ${doc_dir}/${package}/changelog.Debian.gz
       PATHS ${doc_dir}/${package}/changelog FORMAT raw COMPRESSION GZip COMPRESSION_LEVEL 9)
  install(FILES ${doc_dir}/${package}/copyright ${doc_dir}/${package}/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
endforeach()

# Synopsis on the first line, then the extended description (lines under 80 columns). No
# CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPackDeb would put it before every synopsis.
set(CPACK_DEBIAN_AICERT_DESCRIPTION "certify AI servers for compatibility and performance
aicert finds the hardware, runs GEMM, attention, collective and stream
kernels on every backend present, checks every result against an fp64
reference, times it and writes XML, HTML and JUnit reports. This package
holds the aicert command, the certification profiles, the report schema,
the CPU backend, man pages and bash completion; every other backend is a
package of its own (aicert-opencl, aicert-cuda, aicert-mpi, ...).")
set(CPACK_DEBIAN_OPENCL_DESCRIPTION "aicert backend for OpenCL devices
The opencl plugin of aicert: its own OpenCL kernels and CLBlast on every
OpenCL device the ICD loader finds (an ICD such as pocl-opencl-icd or a
vendor's is needed).")
set(CPACK_DEBIAN_CUDA_DESCRIPTION "aicert backend for NVIDIA GPUs (CUDA, cuBLASLt, NCCL)
The cuda plugin of aicert: its own CUDA kernels, cuBLASLt and NCCL. It needs
the NVIDIA driver and the CUDA libraries of the toolkit it was built with,
which come from NVIDIA's packages rather than Debian's.")
set(CPACK_DEBIAN_MPI_DESCRIPTION "aicert backend for MPI collectives (Open MPI)
The mpi plugin of aicert built against Open MPI: collectives of an mpirun
job across ranks and hosts, and the bootstrap that the device backends use
in MPI jobs.")
set(CPACK_DEBIAN_MPICH_DESCRIPTION "aicert backend for MPI collectives (MPICH)
The mpi plugin of aicert built against MPICH, in a folder of its own: under
mpirun.mpich, select it with AICERT_PLUGIN_PATH=/usr/lib/aicert-mpich.")
set(CPACK_DEBIAN_HIP_DESCRIPTION "aicert backend for AMD GPUs (HIP)
The hip plugin of aicert: its kernels through the HIP runtime.")
set(CPACK_DEBIAN_LEVEL_ZERO_DESCRIPTION "aicert backend for Intel GPUs (oneAPI Level Zero)
The level_zero plugin of aicert: its kernels through the Level Zero loader.")

# The CUDA libraries come from NVIDIA's toolkit (/usr/local/cuda), which dpkg may not know:
# dpkg-shlibdeps is told where they are and that they are not Debian's to depend on.
if(TARGET CUDA::cudart)
  get_filename_component(cuda_lib_dir ${CUDA_cublasLt_LIBRARY} DIRECTORY)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${cuda_lib_dir})
endif()

include(CPack)
