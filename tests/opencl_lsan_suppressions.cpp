// LeakSanitizer suppressions for the OpenCL suites (used by the asan preset): PoCL and the LLVM
// it compiles kernels with keep compiler state alive until exit on purpose, which LSan reports
// as leaks. Only allocations made inside those libraries (and CLBlast's program cache) are
// suppressed; leaks in aicert code are still reported. Without a sanitizer nothing calls this.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpocl.so\n"
         "leak:libLLVM\n"
         "leak:libclang-cpp\n"
         "leak:libclblast.so\n";
}
