// Fuzz target: the certify worker protocol, both directions. A request line must decode or be
// refused as "worker request:LINE: ..."; a decoded request must encode and decode to the same
// line. An answer line (a case result) must read or be refused as "worker answer:LINE: ...", and
// one it read must write to the same line again.
#include "harness/worker_protocol.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aicert;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  WorkerRequest request;
  if (fuzz::accepted("worker request:", [&] { request = decode_request(line); })) {
    const std::string encoded = encode_request(request);
    if (encode_request(decode_request(encoded)) != encoded) {
      fuzz::contract_broken("a request changes on its way through encode and decode");
    }
  }
  CaseResult answer;
  if (fuzz::accepted("worker answer:",
                     [&] { answer = case_result_from_line(line, "worker answer", 1); })) {
    const std::string written = case_result_to_line(answer);
    if (case_result_to_line(case_result_from_line(written, "worker answer", 1)) != written) {
      fuzz::contract_broken("an answer changes on its way through one line");
    }
  }
  return 0;
}
