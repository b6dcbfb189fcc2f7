// `aicert programme` end to end, on real reports of this machine: one `aicert certify` of a
// small profile (with a non-blocker test whose threshold no CPU meets, waived until 2099), copied into machines of two
// vendors whose hardware and software identity differ (server model, kernel), re-digested and
// signed with test keys. Accepted submissions, no-op resubmission, every refusal (unsigned,
// unknown key, tampered, foreign or superseded profile, stated verdict or blocker that the
// profile contradicts, a pass whose check failed, malformed), a ledger edited in place or
// re-chained by a forger caught by audit, a stored report edited, kill -9 during submit,
// withdrawal, supersession, an expired waiver, and the published matrix (HTML + XML).
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <regex>

#include "reports/programme_ledger.h"
#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void spit(const std::string& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }

// The ledger a forger writes: every record's link and hash recomputed, so the chain verifies.
std::string rechained(std::vector<LedgerRecord> records) {
  std::string text;
  std::string prev = kLedgerGenesis;
  for (LedgerRecord& r : records) {
    r.prev = prev;
    text += ledger_line(r) + "\n";
    prev = r.sha256;
  }
  return text;
}

int count_lines(const std::string& file) {
  const std::string s = slurp(file);
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

constexpr const char* kProfile = R"(<?xml version="1.0" encoding="UTF-8"?>
<aicert-profile schema-version="1" id="alliance" version="VERSION" policy-version="2026.12">
  <description>Programme test profile.</description>
  <defaults warmups="1" min-reps="3" min-time-ms="1" max-reps="5" max-time-ms="50" max-cv="10"
            seed="42" case-timeout-s="60"/>
  <tiers><tier id="functional"/><tier id="performance"/></tiers>
  <test id="gemm" workload="gemm" blocker="true">
    <shapes>64x64x64 33x17x29</shapes>
    <dtypes>fp32</dtypes>
    <backends>cpu</backends>
    <impls>cpu:blocked cpu:cblas</impls>
    <threshold tier="performance" kind="fraction-of-peak" fraction="0.001"/>
  </test>
  <test id="gemm-slow" workload="gemm" blocker="false">
    <shapes>16x16x16</shapes>
    <dtypes>fp32</dtypes>
    <backends>cpu</backends>
    <impls>cpu:blocked</impls>
    <threshold tier="functional" kind="absolute" min-gflops="1e12"/>
  </test>
  <waiver id="W-slow" tests="gemm-slow" expires="2099-12-31">no CPU reaches a PFLOP/s</waiver>
</aicert-profile>
)";

class ProgrammeCli : public TempDirTest {
 protected:
  static void SetUpTestSuite() {
    suite_ = fs::temp_directory_path() / ("aicert-programme-" + std::to_string(getpid()));
    fs::remove_all(suite_);
    fs::create_directories(suite_);
    for (const std::string v : {"1.0", "1.1"}) {
      spit(s("profile-" + v + ".xml"), std::regex_replace(kProfile, std::regex("VERSION"), v));
      const Outcome o = aicert("certify --profile " + s("profile-" + v + ".xml") + " --out " +
                               s("run-" + v) + " --machine-id lab-1");
      ASSERT_EQ(o.exit_code, 0) << o.output;
    }
    for (const std::string k : {"a", "b", "stranger"}) {
      ASSERT_EQ(shell("openssl genpkey -algorithm ed25519 -out " + s(k + ".pem") +
                      " && openssl pkey -in " + s(k + ".pem") + " -pubout -out " + s(k + ".pub"))
                    .exit_code,
                0);
    }
  }
  static void TearDownTestSuite() { fs::remove_all(suite_); }
  static std::string s(const std::string& name) { return (suite_ / name).string(); }

  void SetUp() override {
    TempDirTest::SetUp();
    prog_ = path("prog");
    const Outcome init = aicert("programme init " + prog_ + " --name 'Longxi alliance' --profile " +
                                s("profile-1.0.xml"));
    ASSERT_EQ(init.exit_code, 0) << init.output;
    ASSERT_EQ(aicert("programme add-key " + prog_ + " --vendor 'Vendor A' " + s("a.pub")).exit_code, 0);
    ASSERT_EQ(aicert("programme add-key " + prog_ + " --vendor 'Vendor B' " + s("b.pub")).exit_code, 0);
  }

  // The real report as another machine, re-digested (write_report_xml) and signed by `key`
  // ("" leaves it unsigned); `edit` changes the model first.
  std::string machine(const std::string& name, const std::string& key,
                      const std::function<void(Report&)>& edit = {},
                      const std::string& version = "1.0") {
    Report r = read_report_xml(s("run-" + version) + "/report.xml");
    char uuid[40];  // the schema wants a UUID: one per machine name
    std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(std::hash<std::string>{}(name) & 0xffffffffffffULL));
    r.report_id = uuid;
    r.inventory.machine_id = name;
    r.inventory.dmi_sys_vendor = "Acme";
    r.inventory.dmi_product_name = "Model " + name;
    if (edit) edit(r);
    const std::string file = path(name + ".xml");
    write_report_xml(r, file);
    if (!key.empty()) {
      const Outcome o = aicert("sign --key " + s(key + ".pem") + " " + file);
      EXPECT_EQ(o.exit_code, 0) << o.output;
    }
    return file;
  }

  Outcome submit(const std::string& files) { return aicert("programme submit " + prog_ + " " + files); }
  Outcome audit() { return aicert("programme audit " + prog_); }

  // Submits `file`, expecting a refusal that says `why`, and the ledger untouched.
  void expect_refused(const std::string& file, const std::string& why) {
    const std::string before = slurp(prog_ + "/ledger");
    const Outcome o = submit(file);
    EXPECT_EQ(o.exit_code, 1) << o.output;
    EXPECT_NE(o.output.find("REFUSED"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find(why), std::string::npos) << o.output;
    EXPECT_EQ(slurp(prog_ + "/ledger"), before);
  }

  pugi::xml_document matrix_xml(const std::string& extra = "") {
    const Outcome o = aicert("programme publish " + prog_ + " --html " + path("pub/matrix.html") +
                             " --xml " + path("pub/matrix.xml") + " " + extra);
    EXPECT_EQ(o.exit_code, 0) << o.output;
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_file(path("pub/matrix.xml").c_str()));
    return doc;
  }

  static fs::path suite_;
  std::string prog_;
};
fs::path ProgrammeCli::suite_;

TEST_F(ProgrammeCli, TwoVendorsThreeMachinesAcceptedAuditedAndPublished) {
  const std::string m1 = machine("S1", "a");
  const std::string m2 = machine("S2", "a");
  const std::string m3 = machine("B1", "b", [](Report& r) { r.inventory.kernel = "6.1.0-99-amd64"; });
  const Outcome o = submit(m1 + " " + m2 + " " + m3);
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_EQ(std::count(o.output.begin(), o.output.end(), '\n'), 3) << o.output;
  EXPECT_NE(o.output.find("Vendor B, CERTIFIED (highest tier performance)"), std::string::npos)
      << o.output;
  EXPECT_EQ(count_lines(prog_ + "/ledger"), 7);  // init, profile, 2 keys, 3 accepts

  // A resubmission is a no-op.
  const Outcome again = submit(m1);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already accepted in record 5"), std::string::npos) << again.output;
  EXPECT_EQ(count_lines(prog_ + "/ledger"), 7);

  const Outcome a = audit();
  EXPECT_EQ(a.exit_code, 0) << a.output;
  EXPECT_NE(a.output.find("7 ledger record(s)"), std::string::npos) << a.output;
  EXPECT_NE(a.output.find("3 submission(s) re-verified"), std::string::npos) << a.output;

  pugi::xml_document doc = matrix_xml();
  const pugi::xml_node m = doc.child("compatibility-matrix");
  EXPECT_STREQ(m.attribute("programme").value(), "Longxi alliance");
  EXPECT_EQ(std::distance(m.children("hardware").begin(), m.children("hardware").end()), 3);
  EXPECT_EQ(std::distance(m.children("software").begin(), m.children("software").end()), 2);
  int cells = 0;
  for (pugi::xml_node c : m.children("cell")) {
    ++cells;
    EXPECT_STREQ(c.attribute("best-verdict").value(), "CERTIFIED");
    EXPECT_STREQ(c.attribute("best-tier").value(), "performance");
    const pugi::xml_node sub = c.child("submission");
    EXPECT_STREQ(sub.attribute("state").value(), "current");
    EXPECT_TRUE(fs::exists(path("pub/" + std::string(sub.attribute("report").value()))));
  }
  EXPECT_EQ(cells, 3);
  const std::string html = slurp(path("pub/matrix.html"));
  for (const char* text : {"Longxi alliance compatibility matrix", "Vendor A", "Vendor B",
                           "Acme Model S1", "6.1.0-99-amd64", "W-slow until 2099-12-31",
                           "body:has(#fv-1:checked) .entry:not(.v-1){display:none}", "head sha256 <code>"}) {
    EXPECT_NE(html.find(text), std::string::npos) << text;
  }
}

TEST_F(ProgrammeCli, RefusesWhatDoesNotHoldAndNamesWhy) {
  expect_refused(machine("unsigned", ""), "it is not signed");
  expect_refused(machine("stranger", "stranger"), "which is not in the programme's keyring");

  const std::string tampered = machine("tampered", "a");
  std::string text = slurp(tampered);
  const std::size_t at = text.find("gflops=\"") + 8;
  text.replace(at, 1, text[at] == '9' ? "1" : "9");  // a faster figure than was measured
  spit(tampered, text);
  expect_refused(tampered, "TAMPERED");

  expect_refused(machine("foreign", "a", {}, "1.1"),
                 "judged by profile alliance 1.1 (sha256 ");

  // Signed by a known key, digest intact: only recomputing the verdict shows these.
  expect_refused(machine("flipped", "a",
                         [](Report& r) {
                           r.cases.front().verdict = Verdict::fail;
                           r.cases.front().reason = "planted";
                           r.cases.front().thresholds.clear();
                         }),
                 "its stated verdict does not hold: the report states CERTIFIED but its cases "
                 "make it NOT CERTIFIED");
  expect_refused(machine("tier", "a",
                         [](Report& r) { r.certification->highest_tier = "functional"; }),
                 "states highest tier functional but its cases meet performance");
  expect_refused(machine("blocker", "a",
                         [](Report& r) {
                           for (auto& c : r.cases) c.blocker = false;
                         }),
                 "is stated not a blocker but the profile says it is one");
  expect_refused(machine("badcheck", "a",
                         [](Report& r) {
                           r.cases.front().check->passed = false;
                           r.cases.front().check->reason = "3 elements over their bound";
                         }),
                 "recorded as passed but its own check failed (3 elements over their bound)");

  expect_refused(machine("impl", "a", [](Report& r) { r.cases.front().impl = "cpu:onednn"; }),
                 "ran implementation cpu:onednn, which its test does not name");
  expect_refused(machine("unwaived", "a",
                         [](Report& r) {
                           for (auto& c : r.cases) c.waiver.clear();
                         }),
                 "is stated waived by '' but the profile's waivers in force on");
  expect_refused(machine("hidden", "a",
                         [](Report& r) {
                           r.cases.front().verdict = Verdict::not_supported;
                           r.cases.front().thresholds.clear();
                         }),
                 "carries a check result but is stated not-supported");

  const std::string truncated = machine("truncated", "a");
  const std::string whole = slurp(truncated);
  spit(truncated, whole.substr(0, whole.size() / 2));
  expect_refused(truncated, "malformed report: " + truncated + ":");

  EXPECT_EQ(audit().exit_code, 0);
  EXPECT_TRUE(fs::is_empty(prog_ + "/submissions"));  // no private copy left behind

  // Vendor B re-signs Vendor A's accepted report: the report stays credited to A.
  const std::string own = machine("own", "a");
  ASSERT_EQ(submit(own).exit_code, 0);
  const std::string claimed = path("claimed.xml");
  fs::copy_file(own, claimed);
  ASSERT_EQ(aicert("sign --key " + s("b.pem") + " " + claimed).exit_code, 0);
  expect_refused(claimed, "already accepted from Vendor A");
}

TEST_F(ProgrammeCli, AuditCatchesAnEditedLedgerAForgedChainAndAnEditedReport) {
  ASSERT_EQ(submit(machine("S1", "a") + " " + machine("S2", "b")).exit_code, 0);
  ASSERT_EQ(audit().exit_code, 0);
  const std::string ledger = prog_ + "/ledger", good = slurp(ledger);

  // One character of record 6 edited in place.
  spit(ledger, std::regex_replace(good, std::regex("vendor=Vendor B\tkey="), "vendor=Vendor C\tkey="));
  Outcome a = audit();
  EXPECT_EQ(a.exit_code, 1) << a.output;
  EXPECT_NE(a.output.find("record 6 (line 6): its content does not hash"), std::string::npos)
      << a.output;
  // Nothing is added to a broken ledger.
  const Outcome refused = submit(machine("S3", "a"));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("the ledger is broken at record 6"), std::string::npos);

  // Record 3 removed: record 4's link no longer holds.
  std::string removed = good;
  const std::size_t l3 = removed.find("seq=3\t");
  removed.erase(l3, removed.find('\n', l3) + 1 - l3);
  spit(ledger, removed);
  a = audit();
  EXPECT_EQ(a.exit_code, 1) << a.output;
  EXPECT_NE(a.output.find("record 4 (line 3): out of sequence"), std::string::npos) << a.output;

  // A forger rewrites record 5's tier and re-hashes the whole chain from there: every hash and
  // link verifies, and only re-verifying the stored report shows it.
  spit(ledger, good);
  LedgerContents c = read_ledger(ledger);
  c.records[4].set("tier", "platinum");
  spit(ledger, rechained(c.records));
  a = audit();
  EXPECT_EQ(a.exit_code, 1) << a.output;
  EXPECT_NE(a.output.find("record 5 (line 5, accept): its tier says 'platinum' but the stored "
                          "report gives 'performance'"),
            std::string::npos)
      << a.output;

  // A forger appends a copy of record 5 (the same report accepted twice) and re-chains.
  spit(ledger, good);
  c = read_ledger(ledger);
  {
    LedgerRecord copy = c.records[4];
    copy.seq = static_cast<int>(c.records.size()) + 1;
    c.records.push_back(copy);
  }
  spit(ledger, rechained(c.records));
  a = audit();
  EXPECT_EQ(a.exit_code, 1) << a.output;
  EXPECT_NE(a.output.find("first problem: " + ledger + ": record 7 (line 7, accept): accepts "),
            std::string::npos)
      << a.output;
  EXPECT_NE(a.output.find(" a second time"), std::string::npos) << a.output;

  // A stored report edited after it was accepted.
  spit(ledger, good);
  const std::string stored = prog_ + "/" + read_ledger(ledger).records[5].get("file");
  spit(stored, std::regex_replace(slurp(stored), std::regex("verdict=\"pass\""), "verdict=\"fail\""));
  a = audit();
  EXPECT_EQ(a.exit_code, 1) << a.output;
  EXPECT_NE(a.output.find("record 6 (line 6, accept): submissions/"), std::string::npos) << a.output;
  EXPECT_NE(a.output.find("TAMPERED"), std::string::npos) << a.output;
}

TEST_F(ProgrammeCli, KillDuringSubmitLeavesAValidLedger) {
  std::string files;
  constexpr int kReports = 40;  // about 10 ms each: kills at the delays below land among them
  for (int i = 0; i < kReports; ++i) files += " " + machine("K" + std::to_string(i), i % 2 ? "a" : "b");
  const std::string pristine = path("pristine");
  fs::copy(prog_, pristine, fs::copy_options::recursive);
  int partial = 0;  // runs killed with some but not all submissions recorded
  for (const int delay_ms : {3, 15, 40, 80, 150, 300}) {
    fs::remove_all(prog_);
    fs::copy(pristine, prog_, fs::copy_options::recursive);
    const Outcome killed = shell("(" + kAicert + " programme submit " + prog_ + files +
                                 " >/dev/null 2>&1 & pid=$!; sleep " +
                                 std::to_string(delay_ms / 1000.0) + "; kill -9 $pid; wait $pid)");
    (void)killed;
    const Outcome a = audit();
    EXPECT_EQ(a.exit_code, 0) << "killed after " << delay_ms << " ms: " << a.output;
    const int records = count_lines(prog_ + "/ledger");
    if (records > 4 && records < 4 + kReports) ++partial;
    // Submitting everything again completes the programme, orphans included.
    const Outcome rest = submit(files);
    EXPECT_EQ(rest.exit_code, 0) << rest.output;
    const Outcome after = audit();
    EXPECT_EQ(after.exit_code, 0) << after.output;
    EXPECT_NE(after.output.find(std::to_string(kReports) + " submission(s) re-verified"), std::string::npos) << after.output;
    EXPECT_EQ(after.output.find("note:"), std::string::npos) << after.output;
  }
  EXPECT_GT(partial, 0) << "no kill landed in the middle of the submissions";
}

TEST_F(ProgrammeCli, WithdrawalSupersessionAndExpiredWaiversShowInTheMatrix) {
  const std::string m1 = machine("S1", "a"), m2 = machine("S2", "b");
  ASSERT_EQ(submit(m1 + " " + m2).exit_code, 0);
  const std::string d2 = read_ledger(prog_ + "/ledger").records[5].get("report");

  const Outcome w = aicert("programme withdraw " + prog_ + " " + d2.substr(0, 10) +
                           " --reason 'firmware recalled'");
  ASSERT_EQ(w.exit_code, 0) << w.output;
  EXPECT_NE(w.output.find("withdrawn: " + d2), std::string::npos);
  EXPECT_EQ(aicert("programme withdraw " + prog_ + " " + d2 + " --reason again").exit_code, 2);
  EXPECT_EQ(aicert("programme withdraw " + prog_ + " deadbeefdead --reason x").exit_code, 2);

  pugi::xml_document doc = matrix_xml();
  std::map<std::string, std::string> state;
  for (pugi::xml_node c : doc.child("compatibility-matrix").children("cell")) {
    for (pugi::xml_node sub : c.children("submission")) {
      state[sub.attribute("digest").value()] = sub.attribute("state").value();
      if (std::string(sub.attribute("digest").value()) == d2) {
        EXPECT_FALSE(c.attribute("best-tier"));  // a withdrawn result does not count
        EXPECT_NE(std::string(sub.attribute("note").value()).find("firmware recalled"), std::string::npos);
      }
    }
  }
  EXPECT_EQ(state[d2], "withdrawn");
  EXPECT_EQ(state.size(), 2u);

  // The waiver every submission relies on has expired by 2100.
  doc = matrix_xml("--date 2100-01-01");
  for (const pugi::xpath_node& n : doc.select_nodes("//submission[@state='expired']")) {
    EXPECT_NE(std::string(n.node().attribute("note").value()).find("W-slow until 2099-12-31"),
              std::string::npos);
  }
  EXPECT_EQ(doc.select_nodes("//submission[@state='expired']").size(), 1u);
  EXPECT_EQ(aicert("programme publish " + prog_ + " --html " + path("x.html") + " --date 2100-1-1").exit_code, 2);

  // Version 1.1 supersedes 1.0: its results stay listed, no longer count, and new 1.0 reports
  // are refused; 1.1 reports are taken.
  const Outcome add = aicert("programme add-profile " + prog_ + " " + s("profile-1.1.xml") +
                             " --supersedes alliance@1.0");
  ASSERT_EQ(add.exit_code, 0) << add.output;
  expect_refused(machine("late", "a"), "has been superseded");
  ASSERT_EQ(submit(machine("new", "a", {}, "1.1")).exit_code, 0);
  doc = matrix_xml();
  EXPECT_EQ(doc.select_nodes("//submission[@state='superseded']").size(), 1u);
  EXPECT_EQ(doc.select_nodes("//submission[@state='current']").size(), 1u);
  EXPECT_NE(slurp(path("pub/matrix.html")).find("superseded by alliance 1.1"), std::string::npos);
  EXPECT_EQ(audit().exit_code, 0);
}

TEST_F(ProgrammeCli, BadUsageIsExitTwoAndChangesNothing) {
  const std::string before = slurp(prog_ + "/ledger");
  Outcome o = aicert("programme init " + prog_ + " --profile " + s("profile-1.0.xml"));
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("already holds a programme"), std::string::npos);
  o = aicert("programme add-key " + prog_ + " --vendor 'Vendor C' " + s("a.pub"));
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("already in the keyring, for Vendor A"), std::string::npos);
  o = aicert("programme add-key " + prog_ + " --vendor X " + s("a.pem"));  // a private key
  EXPECT_EQ(o.exit_code, 2) << o.output;
  o = aicert("programme add-profile " + prog_ + " " + s("profile-1.0.xml"));
  EXPECT_EQ(o.exit_code, 2) << o.output;
  o = aicert("programme submit " + path("nowhere") + " " + s("run-1.0/report.xml"));
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("not a programme folder"), std::string::npos);
  spit(path("bad.xml"), "<aicert-profile schema-version=\"1\" id=\"x\"");
  o = aicert("programme init " + path("other") + " --profile " + path("bad.xml"));
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find(path("bad.xml") + ":"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(path("other")));
  EXPECT_EQ(slurp(prog_ + "/ledger"), before);
}

}  // namespace
}  // namespace aicert
