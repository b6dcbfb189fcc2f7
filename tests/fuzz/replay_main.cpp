// The fuzz targets without libFuzzer: replays every file named (folders recursively) through
// LLVMFuzzerTestOneInput, so that the regular build (GCC, and GCC under ASan+UBSan) keeps every
// seed and every past finding as a regression test. Exit 1 names the input that broke.
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
namespace fs = std::filesystem;

bool replay(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  try {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return true;
  } catch (const std::exception& e) {
    std::cerr << file.string() << ": " << e.what() << "\n";
  } catch (...) {
    std::cerr << file.string() << ": unknown exception\n";
  }
  return false;
}
}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0, broken = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::vector<fs::path> files;
    if (fs::is_directory(arg)) {
      for (const auto& e : fs::recursive_directory_iterator(arg)) {
        if (e.is_regular_file() && e.path().filename().string().front() != '.') {
          files.push_back(e.path());
        }
      }
    } else if (fs::is_regular_file(arg)) {
      files.push_back(arg);
    } else {
      std::cerr << arg.string() << ": no such file or folder\n";
      return 2;
    }
    for (const auto& f : files) {
      ++replayed;
      broken += !replay(f);
    }
  }
  std::cout << replayed << " inputs replayed, " << broken << " broke the target\n";
  return broken == 0 && replayed > 0 ? 0 : 1;
}
