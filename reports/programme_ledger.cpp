// The programme ledger's line format, hash chain and atomic append; see programme_ledger.h.
#include "reports/programme_ledger.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/atomic_file.h"
#include "reports/report_xml.h"
#include "workloads/sha256.h"

namespace aicert {

namespace {

// A ledger of a very busy programme is a few MiB; anything far bigger is not one.
constexpr std::uintmax_t kMaxLedgerBytes = std::uintmax_t{256} << 20;
constexpr const char* kHashField = "\tsha256=";

std::string escape(const std::string& v) {
  std::string out;
  for (const char c : v) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\t': out += "%09"; break;
      case '\n': out += "%0A"; break;
      case '\r': out += "%0D"; break;
      default: out += c;
    }
  }
  return out;
}

bool unescape(const std::string& v, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '%') {
      *out += v[i];
      continue;
    }
    if (i + 2 >= v.size() || !std::isxdigit(static_cast<unsigned char>(v[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(v[i + 2]))) {
      return false;
    }
    *out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return true;
}

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (const char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c)))
      return false;
  }
  return true;
}

std::string body_of(const LedgerRecord& r) {
  std::string line = "seq=" + std::to_string(r.seq) + "\ttime=" + escape(r.time) +
                     "\taction=" + escape(r.action);
  for (const auto& [k, v] : r.fields) line += "\t" + k + "=" + escape(v);
  line += "\tprev=" + r.prev;
  return line;
}

LedgerRecord parse_line(const std::string& line, const std::string& path, int line_no) {
  const auto fail = [&](const std::string& what) {
    throw ReportParseError(path + ":" + std::to_string(line_no) + ": " + what);
  };
  LedgerRecord r;
  r.line = line_no;
  std::vector<std::pair<std::string, std::string>> all;
  std::size_t start = 0;
  while (start <= line.size()) {
    const std::size_t tab = line.find('\t', start);
    const std::string item = line.substr(start, tab == std::string::npos ? tab : tab - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) fail("field '" + item + "' is not key=value");
    std::string value;
    if (!unescape(item.substr(eq + 1), &value)) fail("bad %-escape in field " + item.substr(0, eq));
    all.emplace_back(item.substr(0, eq), value);
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  if (all.size() < 5 || all[0].first != "seq" || all[1].first != "time" ||
      all[2].first != "action" || all[all.size() - 2].first != "prev" ||
      all.back().first != "sha256") {
    fail("not a ledger record (expected seq, time, action, ..., prev, sha256)");
  }
  try {
    std::size_t used = 0;
    r.seq = std::stoi(all[0].second, &used);
    if (used != all[0].second.size()) throw std::invalid_argument("seq");
  } catch (const std::exception&) {
    fail("seq '" + all[0].second + "' is not a number");
  }
  r.time = all[1].second;
  r.action = all[2].second;
  r.fields.assign(all.begin() + 3, all.end() - 2);
  r.prev = all[all.size() - 2].second;
  r.sha256 = all.back().second;
  return r;
}

}  // namespace

const std::string& LedgerRecord::get(const std::string& key) const {
  static const std::string none;
  for (const auto& [k, v] : fields) {
    if (k == key) return v;
  }
  return none;
}

void LedgerRecord::set(const std::string& key, const std::string& value) {
  for (auto& [k, v] : fields) {
    if (k == key) {
      v = value;
      return;
    }
  }
  fields.emplace_back(key, value);
}

std::string ledger_line(LedgerRecord& record) {
  const std::string body = body_of(record);
  record.sha256 = sha256_hex(body);
  return body + kHashField + record.sha256;
}

LedgerContents read_ledger(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw ReportParseError(path + ": cannot read the ledger: " + ec.message());
  if (size > kMaxLedgerBytes) throw ReportParseError(path + ": larger than a ledger can be");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportParseError(path + ": cannot open the ledger");
  LedgerContents out;
  std::string line, prev = kLedgerGenesis;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    LedgerRecord r = parse_line(line, path, line_no);
    if (out.broken.empty()) {
      const std::string where =
          "record " + std::to_string(r.seq) + " (line " + std::to_string(line_no) + "): ";
      const std::size_t cut = line.rfind(kHashField);
      if (r.seq != static_cast<int>(out.records.size()) + 1) {
        out.broken = where + "out of sequence (expected record " +
                     std::to_string(out.records.size() + 1) + ")";
      } else if (!is_hex64(r.sha256) || sha256_hex(line.substr(0, cut)) != r.sha256) {
        out.broken = where + "its content does not hash to its recorded sha256: it was changed "
                             "after it was written";
      } else if (r.prev != prev) {
        out.broken = where + "its prev does not name the record before it: a record before it "
                             "was changed, removed or inserted";
      }
    }
    prev = r.sha256;
    out.records.push_back(std::move(r));
  }
  return out;
}

LedgerRecord append_ledger_record(const std::string& path, LedgerRecord record) {
  std::string content;
  std::string prev = kLedgerGenesis;
  int seq = 1;
  if (std::filesystem::exists(path)) {
    const LedgerContents existing = read_ledger(path);
    if (!existing.broken.empty()) {
      throw ReportParseError(path + ": the ledger is broken at " + existing.broken +
                             "; nothing is added to a broken ledger (run 'aicert programme audit')");
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    content = all.str();
    // A last line without its newline (an editor may strip it) must not swallow the new record.
    if (!content.empty() && content.back() != '\n') content += '\n';
    if (!existing.records.empty()) {
      prev = existing.records.back().sha256;
      seq = existing.records.back().seq + 1;
    }
  }
  record.seq = seq;
  record.prev = prev;
  content += ledger_line(record) + "\n";
  write_file_atomically(path, content);
  return record;
}

}  // namespace aicert
