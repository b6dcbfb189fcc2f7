// The programme's pieces on their own: the ledger's line format (escaping round trip, the hash
// chain and what breaks it, no append to a broken ledger) and the compatibility matrix (rows,
// columns, the best current result of a cell, withdrawn / superseded / expired, escaping).
#include <gtest/gtest.h>

#include <fstream>

#include "reports/compatibility_matrix.h"
#include "reports/programme_ledger.h"
#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class Ledger : public TempDirTest {
 protected:
  LedgerRecord record(const std::string& action, const std::string& value) {
    LedgerRecord r;
    r.time = "2026-12-07T08:00:00Z";
    r.action = action;
    r.set("note", value);
    return r;
  }
};

TEST_F(Ledger, ValuesRoundTripAndEachRecordIsOneLine) {
  const std::string ledger = path("ledger");
  const std::string hostile = "tab\there\nnewline\r%25 percent=equals\\";
  append_ledger_record(ledger, record("init", "programme"));
  const LedgerRecord second = append_ledger_record(ledger, record("accept", hostile));
  const LedgerContents c = read_ledger(ledger);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_TRUE(c.broken.empty()) << c.broken;
  EXPECT_EQ(c.records[1].get("note"), hostile);
  EXPECT_EQ(c.records[1].seq, 2);
  EXPECT_EQ(c.records[1].prev, c.records[0].sha256);
  EXPECT_EQ(c.records[0].prev, kLedgerGenesis);
  EXPECT_EQ(c.records[1].sha256, second.sha256);
  const std::string text = slurp(ledger);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  // The recorded hash is sha256 of the line up to "<TAB>sha256=", checkable with coreutils.
  const Outcome by_hand = shell("sed -n 2p " + ledger + " | sed 's/\\tsha256=.*//' | tr -d '\\n' | sha256sum");
  EXPECT_EQ(by_hand.output.substr(0, 64), second.sha256);
}

TEST_F(Ledger, AnEditBreaksTheChainAndNothingIsAppendedToABrokenLedger) {
  const std::string ledger = path("ledger");
  for (const char* v : {"one", "two", "three"}) append_ledger_record(ledger, record("accept", v));
  std::string text = slurp(ledger);
  text.replace(text.find("note=two"), 8, "note=TWO");
  std::ofstream(ledger, std::ios::binary) << text;
  const LedgerContents c = read_ledger(ledger);
  EXPECT_EQ(c.records.size(), 3u);
  EXPECT_NE(c.broken.find("record 2 (line 2): its content does not hash"), std::string::npos)
      << c.broken;
  EXPECT_THROW(append_ledger_record(ledger, record("accept", "four")), ReportParseError);
  EXPECT_EQ(slurp(ledger), text);
}

TEST_F(Ledger, ALineThatIsNoRecordIsAParseErrorNamingTheLine) {
  const std::string ledger = path("ledger");
  append_ledger_record(ledger, record("init", "x"));
  std::ofstream(ledger, std::ios::app) << "this is not a record\n";
  try {
    read_ledger(ledger);
    FAIL() << "no error";
  } catch (const ReportParseError& e) {
    EXPECT_NE(std::string(e.what()).find(ledger + ":2: "), std::string::npos) << e.what();
  }
}

MatrixEntry entry(const std::string& digest, const std::string& vendor, const std::string& server,
                  const std::string& kernel, const std::string& verdict, const std::string& tier,
                  int rank, const std::string& created) {
  MatrixEntry e;
  e.digest = digest;
  e.vendor = vendor;
  e.server = server;
  e.accelerators = "8x GPU";
  e.os = "Debian GNU/Linux 12";
  e.kernel = kernel;
  e.runtimes = "cuda: 13.0";
  e.backends = {"cuda"};
  e.verdict = verdict;
  e.tier = tier;
  e.tier_rank = rank;
  e.created = created;
  e.profile_id = "standard";
  e.profile_version = "1";
  e.report_link = "reports/" + digest + ".html";
  return e;
}

TEST(CompatibilityMatrix, TheBestCurrentResultLeadsEachCell) {
  std::vector<MatrixEntry> in = {
      entry("d1", "A", "S1", "6.1", "CERTIFIED", "silver", 1, "2026-12-01"),
      entry("d2", "A", "S1", "6.1", "CERTIFIED", "gold", 2, "2026-11-01"),
      entry("d3", "B", "S1", "6.1", "NOT CERTIFIED", "", -1, "2026-12-05"),
      entry("d4", "B", "S2", "6.1", "CERTIFIED", "gold", 2, "2026-12-02"),
      entry("d5", "B", "S2", "6.5", "CERTIFIED", "gold", 2, "2026-12-02"),
  };
  in[1].withdrawn = true;  // the gold result of S1 is withdrawn: silver leads
  in[1].withdrawn_reason = "recalled";
  in[3].superseded_by = "standard 2";
  in[4].waivers = "W until 2026-12-03";
  in[4].waivers_expire = "2026-12-03";
  const CompatibilityMatrix m = build_compatibility_matrix("P", in, "2026-12-07");
  ASSERT_EQ(m.rows.size(), 2u);
  ASSERT_EQ(m.columns.size(), 2u);
  EXPECT_EQ(m.submissions, 5);
  EXPECT_EQ(m.current, 2);
  const MatrixCell& s1 = m.cells.at({0, 0});
  EXPECT_TRUE(s1.has_current);
  EXPECT_EQ(s1.entries[0].digest, "d1");
  EXPECT_EQ(s1.entries[1].digest, "d3");
  EXPECT_EQ(s1.entries[2].state, "withdrawn");
  EXPECT_FALSE(m.cells.at({1, 0}).has_current);
  EXPECT_EQ(m.cells.at({1, 0}).entries[0].state, "superseded");
  EXPECT_EQ(m.cells.at({1, 1}).entries[0].state, "expired");
  EXPECT_EQ(m.vendors, (std::vector<std::string>{"A", "B"}));
}

TEST(CompatibilityMatrix, EveryTextIsEscaped) {
  std::vector<MatrixEntry> in = {
      entry("d1", "<script>alert(1)</script>", "S\"1", "6.1", "CERTIFIED", "gold", 0, "2026")};
  const std::string html = compatibility_matrix_html(build_compatibility_matrix("<b>P</b>", in, "2026-12-07"));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>P</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

}  // namespace
}  // namespace aicert
