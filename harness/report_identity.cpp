// Report ids, timestamps and build identity.
#include "harness/report_identity.h"

#include <openssl/rand.h>

#include <array>
#include <ctime>
#include <stdexcept>

#include "harness/build_info.h"
#include "harness/scheduler_job.h"

namespace aicert {

std::string new_report_id() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed to produce a report id");
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
    id += hex[b[i] >> 4];
    id += hex[b[i] & 15];
  }
  return id;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Report new_report(const std::string& command_line) {
  Report r;
  r.report_id = new_report_id();
  r.created_utc = utc_now_iso8601();
  r.tool_version = AICERT_VERSION;
  r.git_revision = AICERT_GIT_REVISION;
  r.command_line = command_line;
  r.scheduler = scheduler_job_from_env();
  return r;
}

}  // namespace aicert
