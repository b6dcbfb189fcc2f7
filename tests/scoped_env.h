// An environment variable set (or unset) for the life of a scope and then restored to what it
// was, so that a suite reading the launcher's or the backends' variables leaves the process's
// environment as it found it. Scopes on one variable nest (last set, first restored).
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>

namespace aicert::test {

class ScopedEnv {
 public:
  // value nullptr: unset the variable for the scope.
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value == nullptr) {
      unsetenv(name);
    } else {
      setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace aicert::test
