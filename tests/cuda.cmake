# CUDA backend suites. Without a GPU (or driver) they check the unavailable path and skip the
# rest with the runtime's reason.
if(TARGET aicert-backend-cuda)
  # The plugin as the harness loads it: unavailable-with-reason here, the GEMM matrix on a GPU.
  aicert_add_test(cuda_plugin_test
    SOURCES cuda_plugin_test.cpp
    LIBS aicert_workloads ${CMAKE_DL_LIBS})
  add_dependencies(cuda_plugin_test aicert-backend-cuda)

  # cuda:flash (attention) through the plugin: the shape sweep, refusals, injected error, timing.
  aicert_add_test(cuda_attention_test
    SOURCES cuda_attention_test.cpp
    LIBS aicert_workloads ${CMAKE_DL_LIBS})
  add_dependencies(cuda_attention_test aicert-backend-cuda)

  # Internals that need no GPU: checking macro, support decisions.
  aicert_add_test(cuda_internal_test SOURCES cuda_internal_test.cpp LIBS aicert_cuda_core)
  # cuda:stream (memory bandwidth) linked directly: support and grid on a described device; every
  # op, exact, guards, injected error on a GPU (skips with the runtime's reason without one).
  aicert_add_test(cuda_stream_test SOURCES cuda_stream_test.cpp LIBS aicert_cuda_core)
  # A CPU replay of the flash-attention kernel's tiling and fragment math, and its support rules.
  aicert_add_test(cuda_flash_internal_test
    SOURCES cuda_flash_internal_test.cpp
    LIBS aicert_cuda_core)

  # No visible device (CUDA_VISIBLE_DEVICES emptied before the first CUDA call): own executable.
  aicert_add_test(cuda_no_device_test
    SOURCES cuda_no_device_test.cpp
    LIBS aicert_workloads ${CMAKE_DL_LIBS})
  add_dependencies(cuda_no_device_test aicert-backend-cuda aicert aicert-backend-cpu)
endif()

# cuda:nccl. Internals without a GPU (NCCL loading, the missing-library reason, error texts);
# through the plugin on GPUs (every op x dtype on 1 rank and on every GPU, refusals, injected
# error), skipping with the runtime's reason without one.
if(TARGET aicert-backend-cuda)
  aicert_add_test(cuda_nccl_internal_test SOURCES cuda_nccl_internal_test.cpp LIBS aicert_cuda_core)
  aicert_add_test(cuda_nccl_test
    SOURCES cuda_nccl_test.cpp
    LIBS aicert_workloads ${CMAKE_DL_LIBS})
  add_dependencies(cuda_nccl_test aicert-backend-cuda)
endif()

# cuda:nccl under mpirun (bootstrap through libaicert-mpi-bootstrap.so); skips without a GPU.
find_package(MPI COMPONENTS C QUIET)
if(TARGET aicert-backend-cuda AND TARGET aicert-mpi-bootstrap AND MPIEXEC_EXECUTABLE)
  aicert_add_test(cuda_nccl_mpi_test SOURCES cuda_nccl_mpi_test.cpp
                  LIBS aicert_reports ${CMAKE_DL_LIBS})
  target_compile_definitions(cuda_nccl_mpi_test PRIVATE AICERT_MPIEXEC="${MPIEXEC_EXECUTABLE}")
  add_dependencies(cuda_nccl_mpi_test aicert aicert-backend-cuda aicert-mpi-bootstrap)
endif()
