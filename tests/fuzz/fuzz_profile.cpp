// Fuzz target: the profile reader (harness/profile_reader.cpp). Any bytes must either read as a
// profile or be refused with "file:line: what is wrong".
#include "harness/profile.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aicert;
  const fuzz::MemoryFile input(data, size);
  fuzz::accepted(input.path(), [&] { (void)read_profile(input.path()); });
  return 0;
}
