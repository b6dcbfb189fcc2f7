# The rules the harness and every backend plugin share, header-only at kernels/ top level: the
# MPI job detector, AICERT_COLLECTIVE_TIMEOUT_S and the collective fault-injection parser.
aicert_add_test(kernel_env_test
  SOURCES mpi_job_test.cpp collective_timeout_test.cpp collective_fault_test.cpp)
