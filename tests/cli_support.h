// Shared by the end-to-end suites of the aicert executable: run it (or any shell command) and
// capture output and exit code, and a fixture with a fresh temporary folder per test.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace aicert {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline const std::string kAicert = std::string(AICERT_BINARY_DIR) + "/bin/aicert";
inline const std::string kSchema =
    std::string(AICERT_SOURCE_DIR) + "/reports/schema/aicert-report-1.xsd";

// Runs a shell command line and captures its output and exit code.
inline Outcome shell(const std::string& command) {
  Outcome o;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return o;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) o.output += buf;
  const int status = pclose(pipe);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

inline Outcome aicert(const std::string& args, const std::string& env = "") {
  return shell(env + (env.empty() ? "" : " ") + kAicert + " " + args);
}

// A fresh temporary folder per test, removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("aicert-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
            std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // xmllint (libxml2-utils) is always there in CI (ci/install-deps.sh); a machine that only runs
  // a bundle of the tests (ci/gpu-check.sh on a bare GPU machine) may lack it: then the check
  // says so instead of failing the test on the missing tool.
  static void expect_valid_against_schema(const std::string& file) {
    if (shell("command -v xmllint").exit_code != 0) {
      std::cout << "[ NOTE ] xmllint not installed: " << file << " not validated\n";
      return;
    }
    const Outcome v = shell("xmllint --noout --schema " + kSchema + " " + file);
    EXPECT_EQ(v.exit_code, 0) << v.output;
  }

  std::filesystem::path dir_;
};

}  // namespace aicert
