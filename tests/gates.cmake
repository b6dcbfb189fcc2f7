# The CI-gate templates in ci/gates/: the GitLab and GitHub YAML parse and publish the JUnit
# and HTML also on failure, the Jenkinsfile is well formed, every aicert option the scripts use
# exists, and the gate script run for real on a tiny profile passes, fails on a planted
# regression and refuses a tampered baseline (python3 with python3-yaml, openssl; ~5 s).
add_test(NAME ci_gate_templates
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/gates_test.py
          --aicert $<TARGET_FILE:aicert> --source ${PROJECT_SOURCE_DIR})
# RUN_SERIAL: its baseline gate compares two timed runs of a tiny GEMM; under ASan with another
# test on the second core, one run measured 10x slower than the other (a false regression).
set_tests_properties(ci_gate_templates PROPERTIES
  LABELS gates
  RUN_SERIAL TRUE
  TIMEOUT 120
  ENVIRONMENT "AICERT_PLUGIN_PATH=${AICERT_PLUGIN_OUTPUT_DIR}")
