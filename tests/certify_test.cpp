// `aicert certify` end to end: the shipped quick profile certifies this machine; a wrong
// result makes it NOT CERTIFIED; a crashing and a hanging implementation cost only their own
// case; SIGKILL at several moments then --resume gives every case exactly once; waivers apply
// until they expire; every bad profile of the corpus is refused with file:line and exit 2.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

const std::string kTestPlugins = std::string(AICERT_BINARY_DIR) + "/tests/plugins-";

using CertifyTest = TempDirTest;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes a profile running `impls` of the test backend's GEMM on small shapes.
std::string write_profile(const std::string& path, const std::string& test_body,
                          const std::string& extra = "", const std::string& defaults = "") {
  std::ofstream(path) << "<aicert-profile schema-version=\"1\" id=\"t\" version=\"1\" "
                         "policy-version=\"1\">\n"
                      << "  <defaults warmups=\"0\" "
                      << (defaults.empty() ? "min-reps=\"1\" min-time-ms=\"0\"" : defaults)
                      << "/>\n"
                      << "  <tiers><tier id=\"base\"/><tier id=\"fast\"/></tiers>\n"
                      << test_body << extra << "</aicert-profile>\n";
  return path;
}

std::map<std::string, Verdict> verdicts(const Report& r) {
  std::map<std::string, Verdict> v;
  for (const auto& c : r.cases) v[c.id] = c.verdict;
  return v;
}

TEST_F(CertifyTest, QuickProfileCertifiesThisMachine) {
  const Outcome o = aicert("certify --profile quick --out " + path("out"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  EXPECT_NE(o.output.find("CERTIFIED"), std::string::npos);
  EXPECT_NE(o.output.find("report: " + path("out/report.xml")), std::string::npos) << o.output;
  expect_valid_against_schema(path("out/report.xml"));
  const Report r = read_report_xml(path("out/report.xml"));
  ASSERT_TRUE(r.profile && r.certification);
  EXPECT_EQ(r.profile->id, "quick");
  EXPECT_EQ(r.profile->sha256.size(), 64u);
  EXPECT_EQ(r.certification->verdict, "CERTIFIED");
  EXPECT_EQ(r.certification->tiers.size(), 2u);
  EXPECT_GT(r.summary.passed, 10);
  for (const char* test : {"gemm", "gemm-edges", "attention", "attention-causal", "stream"}) {
    EXPECT_TRUE(std::any_of(r.cases.begin(), r.cases.end(), [&](const CaseResult& c) {
      return c.test_id == test && c.verdict == Verdict::pass;
    })) << "no passing case of test " << test;
  }
  for (const auto& c : r.cases) {
    EXPECT_FALSE(c.test_id.empty()) << c.id;
    EXPECT_TRUE(c.verdict == Verdict::pass || c.verdict == Verdict::not_supported) << c.id;
    if (c.verdict == Verdict::pass) {
      // quick's performance-tier thresholds are on its gemm and attention tests and on its
      // stream test's large arrays (min-message-bytes: the 4100-byte ones time the cache).
      const bool large_stream = c.test_id == "stream" && c.id.ends_with("/16777220B");
      const bool judged = c.test_id == "gemm" || c.test_id == "attention" || large_stream;
      EXPECT_EQ(c.thresholds.empty(), !judged) << c.id;
    }
  }
  // The journal holds every case once, after its header.
  std::istringstream journal(read_file(path("out/journal")));
  std::string line;
  std::getline(journal, line);
  EXPECT_EQ(line.rfind("aicert-journal 1 plan ", 0), 0u);
  std::size_t records = 0;
  while (std::getline(journal, line)) ++records;
  EXPECT_EQ(records, r.cases.size());
  // The workers' shared reference folder went with the run.
  EXPECT_FALSE(fs::exists(path("out/references")));
  // A second run into the same folder is refused: the journal is never overwritten.
  const Outcome again = aicert("certify --profile quick --out " + path("out"));
  EXPECT_EQ(again.exit_code, 2) << again.output;
  EXPECT_NE(again.output.find("--resume"), std::string::npos) << again.output;
}

TEST_F(CertifyTest, AnMpiJobIsRefusedBeforeAnythingIsWritten) {
  // AICERT_MPI=1 makes this process a job of one rank, as mpirun would (kernels/mpi_job.h).
  const Outcome o = aicert("certify --profile quick --out " + path("out"), "AICERT_MPI=1");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("does not run as an MPI job yet"), std::string::npos) << o.output;
  EXPECT_FALSE(std::filesystem::exists(path("out")));
}

TEST_F(CertifyTest, AWrongResultIsNotCertified) {
  const std::string profile = write_profile(
      path("p.xml"),
      "  <test id=\"g\" workload=\"gemm\"><shapes>16x8x4</shapes><dtypes>fp32</dtypes>"
      "<backends>cpu</backends><impls>test:correct test:wrong-element</impls></test>\n");
  const Outcome o = aicert("certify --profile " + profile + " --out " + path("out"),
                           "AICERT_PLUGIN_PATH=" + kTestPlugins + "faulty");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  const Report r = read_report_xml(path("out/report.xml"));
  EXPECT_EQ(r.certification->verdict, "NOT CERTIFIED");
  EXPECT_EQ(verdicts(r).at("g/gemm/cpu0/test:wrong-element/fp32/NN/16x8x4"), Verdict::fail);
  EXPECT_EQ(verdicts(r).at("g/gemm/cpu0/test:correct/fp32/NN/16x8x4"), Verdict::pass);
}

// <device-kinds> gives a test's cases only to devices of the kinds it names: the same profile
// plans the "gpu" test on an accelerator and the "cpu" test on a CPU, never both.
TEST_F(CertifyTest, DeviceKindsChooseWhichDevicesRunATest) {
  const std::string profile = write_profile(
      path("p.xml"),
      "  <test id=\"big\" workload=\"gemm\"><shapes>16x8x4</shapes><dtypes>fp32</dtypes>"
      "<backends>cpu</backends><impls>test:correct</impls>"
      "<device-kinds>gpu accelerator</device-kinds></test>\n"
      "  <test id=\"small\" workload=\"gemm\"><shapes>8x8x8</shapes><dtypes>fp32</dtypes>"
      "<backends>cpu</backends><impls>test:correct</impls><device-kinds>cpu</device-kinds>"
      "</test>\n");
  for (const std::string kind : {"cpu", "accelerator"}) {
    SCOPED_TRACE(kind);
    const Outcome o = aicert("certify --profile " + profile + " --out " + path("out-" + kind),
                             "AICERT_PLUGIN_PATH=" + kTestPlugins + "faulty " +
                                 "AICERT_TEST_DEVICE_KIND=" + kind);
    EXPECT_EQ(o.exit_code, 0) << o.output;
    const Report r = read_report_xml(path("out-" + kind + "/report.xml"));
    ASSERT_EQ(r.cases.size(), 1u);
    EXPECT_EQ(r.cases[0].test_id, kind == "cpu" ? "small" : "big");
    EXPECT_EQ(r.cases[0].verdict, Verdict::pass);
    // The test no device of this machine may run is named, with the kinds it asks for.
    const std::string note = kind == "cpu" ? "test big: no case can run on this machine"
                                           : "test small: no case can run on this machine";
    EXPECT_NE(o.output.find(note), std::string::npos) << o.output;
    EXPECT_NE(o.output.find(kind == "cpu" ? "of kind gpu, accelerator" : "of kind cpu"),
              std::string::npos)
        << o.output;
  }
}

TEST_F(CertifyTest, CrashAndHangCostOnlyTheirOwnCase) {
  const std::string profile = write_profile(
      path("p.xml"),
      "  <test id=\"g\" workload=\"gemm\"><shapes>16x8x4 8x8x8</shapes><dtypes>fp32</dtypes>"
      "<backends>cpu</backends><impls>test:crash test:hang test:correct</impls></test>\n",
      "", "min-reps=\"1\" min-time-ms=\"0\" case-timeout-s=\"3\"");
  const Outcome o = aicert("certify --profile " + profile + " --out " + path("out"),
                           "AICERT_PLUGIN_PATH=" + kTestPlugins + "crashing");
  EXPECT_EQ(o.exit_code, 1) << o.output;
  expect_valid_against_schema(path("out/report.xml"));
  const Report r = read_report_xml(path("out/report.xml"));
  ASSERT_EQ(r.cases.size(), 6u);
  for (const auto& c : r.cases) {
    if (c.impl == "test:crash") {
      EXPECT_EQ(c.verdict, Verdict::crash) << c.id;
      EXPECT_NE(c.reason.find("dereferencing a bad pointer"), std::string::npos) << c.reason;
    } else if (c.impl == "test:hang") {
      EXPECT_EQ(c.verdict, Verdict::timeout) << c.id;
      EXPECT_NE(c.reason.find("watchdog"), std::string::npos) << c.reason;
    } else {
      // Planned after the crash and the hang of the same device: a new worker ran it.
      EXPECT_EQ(c.verdict, Verdict::pass) << c.id << ": " << c.reason;
    }
  }
  EXPECT_EQ(r.certification->verdict, "NOT CERTIFIED");
}

TEST_F(CertifyTest, KilledAtAnyMomentThenResumedRunsEveryCaseExactlyOnce) {
  // 24 cases of at least 80 ms each: long enough to be killed in the middle several times.
  const std::string profile = write_profile(
      path("p.xml"),
      "  <test id=\"g\" workload=\"gemm\"><shapes>64x64x64 33x17x9 8x8x8 40x30x20</shapes>"
      "<layouts>NN NT TN</layouts><dtypes>fp32 bf16</dtypes><backends>cpu</backends>"
      "<impls>cpu:blocked</impls></test>\n",
      "", "min-reps=\"2\" max-reps=\"1000000\" min-time-ms=\"80\"");
  const Outcome whole = aicert("certify --profile " + profile + " --out " + path("whole"));
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  const Report uninterrupted = read_report_xml(path("whole/report.xml"));
  ASSERT_EQ(uninterrupted.cases.size(), 24u);

  const std::string out = path("killed");
  const std::string journal_file = out + "/journal";
  int kills = 0;
  for (int delay_ms : {120, 150, 100, 180, 130, 160, 140, 200, 170}) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, STDOUT_FILENO);
      ::dup2(devnull, STDERR_FILENO);
      std::vector<std::string> args{kAicert, "certify", "--profile", profile, "--out", out};
      // A run killed before its journal existed left nothing to resume: start it again.
      if (fs::exists(journal_file)) args.emplace_back("--resume");
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(kAicert.c_str(), argv.data());
      ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == 0) {
      // SIGKILL the run; its worker then sees its stdin close and ends by itself.
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ++kills;
    } else {
      break;  // finished before the kill
    }
  }
  EXPECT_GE(kills, 2);
  const Outcome finish = aicert("certify --profile " + profile + " --out " + out +
                                (fs::exists(journal_file) ? " --resume" : ""));
  ASSERT_EQ(finish.exit_code, 0) << finish.output;
  const Report resumed = read_report_xml(out + "/report.xml");
  std::vector<std::string> a, b;
  for (const auto& c : uninterrupted.cases) a.push_back(c.id);
  for (const auto& c : resumed.cases) b.push_back(c.id);
  EXPECT_EQ(a, b);  // same case set, same order, each exactly once (the reader rejects repeats)
  std::set<std::string> journal_ids;
  std::istringstream journal(read_file(out + "/journal"));
  std::string line;
  std::getline(journal, line);
  const std::regex id_re("<case id=\"([^\"]+)\"");
  while (std::getline(journal, line)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, id_re)) << line;
    EXPECT_TRUE(journal_ids.insert(m[1]).second) << "twice in the journal: " << m[1];
  }
  EXPECT_EQ(journal_ids.size(), 24u);
}

TEST_F(CertifyTest, ResumeOfAnotherPlanOrWithoutJournalIsRefused) {
  const std::string body =
      "  <test id=\"g\" workload=\"gemm\"><shapes>8x8x8</shapes><dtypes>fp32</dtypes>"
      "<backends>cpu</backends><impls>cpu:blocked</impls></test>\n";
  const std::string profile = write_profile(path("p.xml"), body);
  const Outcome none = aicert("certify --profile " + profile + " --out " + path("o") + " --resume");
  EXPECT_EQ(none.exit_code, 2) << none.output;
  ASSERT_EQ(aicert("certify --profile " + profile + " --out " + path("o")).exit_code, 0);
  const std::string other = write_profile(path("q.xml"), body, "", "min-reps=\"1\" seed=\"9\"");
  const Outcome mismatch =
      aicert("certify --profile " + other + " --out " + path("o") + " --resume");
  EXPECT_EQ(mismatch.exit_code, 2) << mismatch.output;
  EXPECT_NE(mismatch.output.find("different plan"), std::string::npos) << mismatch.output;
}

TEST_F(CertifyTest, WaiversApplyUntilTheyExpire) {
  const std::string body =
      "  <test id=\"g\" workload=\"gemm\"><shapes>16x8x4</shapes><dtypes>fp32</dtypes>"
      "<backends>cpu</backends><impls>test:correct test:wrong-element</impls></test>\n";
  const std::string env = "AICERT_PLUGIN_PATH=" + kTestPlugins + "faulty";
  const std::string live = write_profile(
      path("live.xml"), body,
      "  <waiver id=\"BUG-1\" tests=\"g\" cases=\"*wrong-element*\" expires=\"2999-12-31\">"
      "vendor fix due in the next driver</waiver>\n");
  const Outcome o = aicert("certify --profile " + live + " --out " + path("live"), env);
  EXPECT_EQ(o.exit_code, 0) << o.output;
  const Report r = read_report_xml(path("live/report.xml"));
  EXPECT_EQ(r.certification->verdict, "CERTIFIED");
  for (const auto& c : r.cases) {
    if (c.impl == "test:wrong-element") {
      EXPECT_EQ(c.verdict, Verdict::waived);
      EXPECT_EQ(c.waiver, "BUG-1");
      EXPECT_NE(c.reason.find("vendor fix due"), std::string::npos) << c.reason;
    }
  }
  const std::string expired = write_profile(
      path("expired.xml"), body,
      "  <waiver id=\"BUG-1\" tests=\"g\" expires=\"2020-01-31\">old</waiver>\n");
  const Outcome e = aicert("certify --profile " + expired + " --out " + path("expired"), env);
  EXPECT_EQ(e.exit_code, 1) << e.output;
  const Report x = read_report_xml(path("expired/report.xml"));
  EXPECT_EQ(x.certification->verdict, "NOT CERTIFIED");
  for (const auto& c : x.cases) {
    if (c.impl == "test:wrong-element") {
      EXPECT_EQ(c.verdict, Verdict::fail);
      EXPECT_NE(c.reason.find("expired on 2020-01-31"), std::string::npos) << c.reason;
    }
  }
}

TEST_F(CertifyTest, RepeatConsistencyRunsForTheSoakDuration) {
  const std::string profile = write_profile(
      path("p.xml"),
      "  <test id=\"g\" workload=\"gemm\" repeat-check=\"true\"><shapes>64x48x32</shapes>"
      "<dtypes>fp32</dtypes><backends>cpu</backends><impls>cpu:blocked</impls></test>\n");
  const Outcome o =
      aicert("certify --profile " + profile + " --duration 0.3 --out " + path("out"));
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const Report r = read_report_xml(path("out/report.xml"));
  ASSERT_EQ(r.cases.size(), 1u);
  ASSERT_TRUE(r.cases[0].consistency);
  EXPECT_GE(r.cases[0].consistency->runs, 2);
  EXPECT_GE(r.cases[0].consistency->seconds, 0.3);
  EXPECT_EQ(r.cases[0].consistency->mismatched_runs, 0);
}

TEST_F(CertifyTest, ReportCompareSignAndVerifyFromTheCommandLine) {
  const std::string profile = write_profile(
      path("p.xml"),
      "  <test id=\"g\" workload=\"gemm\"><shapes>32x32x32 16x8x4</shapes><dtypes>fp32</dtypes>"
      "<backends>cpu</backends><impls>cpu:blocked</impls></test>\n",
      "", "min-reps=\"5\" min-time-ms=\"0\"");
  ASSERT_EQ(aicert("certify --profile " + profile + " --out " + path("a") + " --junit " +
                   path("a.junit.xml"))
                .exit_code,
            0);
  const std::string a = path("a/report.xml");
  EXPECT_TRUE(fs::exists(path("a/report.html")));
  EXPECT_NE(read_file(path("a.junit.xml")).find("<testcase classname=\"gemm.cpu\""),
            std::string::npos);

  // Regenerated HTML, and a comparison of a report with itself: nothing to flag.
  EXPECT_EQ(aicert("report " + a + " --html " + path("again.html")).exit_code, 0);
  EXPECT_NE(read_file(path("again.html")).find("CERTIFIED"), std::string::npos);
  const Outcome same = aicert("compare " + a + " " + a + " --html " + path("cmp.html"));
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_TRUE(fs::exists(path("cmp.html")));

  // pass -> fail in the new report is a status change: exit 1.
  std::string text = read_file(a);
  const std::string changed = std::regex_replace(text, std::regex("verdict=\"pass\""),
                                                 "verdict=\"fail\"",
                                                 std::regex_constants::format_first_only);
  std::ofstream(path("b.xml")) << changed;
  const Outcome worse = aicert("compare " + a + " " + path("b.xml") + " --junit " + path("c.xml"));
  EXPECT_EQ(worse.exit_code, 1) << worse.output;
  EXPECT_NE(worse.output.find("status change"), std::string::npos);
  EXPECT_NE(read_file(path("c.xml")).find("<failure"), std::string::npos);

  // The edited report no longer matches its digest; the original does.
  EXPECT_EQ(aicert("verify " + a).exit_code, 0);
  const Outcome tampered = aicert("verify " + path("b.xml"));
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  EXPECT_NE(tampered.output.find("TAMPERED"), std::string::npos);

  // Sign with a key made by openssl, verify, then the wrong key fails.
  if (shell("command -v openssl").exit_code == 0) {
    shell("openssl genpkey -algorithm ed25519 -out " + path("k.pem"));
    shell("openssl pkey -in " + path("k.pem") + " -pubout -out " + path("k.pub"));
    shell("openssl genpkey -algorithm ed25519 -out " + path("o.pem"));
    shell("openssl pkey -in " + path("o.pem") + " -pubout -out " + path("o.pub"));
    EXPECT_EQ(aicert("sign --key " + path("k.pem") + " " + a).exit_code, 0);
    EXPECT_EQ(aicert("verify --pubkey " + path("k.pub") + " " + a).exit_code, 0);
    EXPECT_EQ(aicert("verify --pubkey " + path("o.pub") + " " + a).exit_code, 1);
    EXPECT_EQ(aicert("sign --key " + path("k.pem") + " " + path("b.xml")).exit_code, 2);
  }

  // A truncated report is bad input for every reader: exit 2 naming file and line.
  std::ofstream(path("cut.xml")) << text.substr(0, text.size() / 3);
  for (const std::string& cmd : {"compare " + a + " " + path("cut.xml"),
                                 "report " + path("cut.xml") + " --html " + path("x.html"),
                                 "verify " + path("cut.xml")}) {
    const Outcome o = aicert(cmd);
    EXPECT_EQ(o.exit_code, 2) << cmd << "\n" << o.output;
    EXPECT_NE(o.output.find(path("cut.xml") + ":"), std::string::npos) << o.output;
  }
  EXPECT_FALSE(fs::exists(path("x.html")));
}

TEST_F(CertifyTest, EveryBadProfileIsRefusedWithFileLineAndExitTwo) {
  const fs::path corpus = fs::path(AICERT_SOURCE_DIR) / "tests/data/profiles/bad";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    const std::string file = entry.path().string();
    // First line: <!-- expect: LINE: text -->
    std::smatch m;
    const std::string first = read_file(file).substr(0, read_file(file).find('\n'));
    const std::regex expect_re("<!-- expect: ([0-9]+): (.*) -->");
    ASSERT_TRUE(std::regex_search(first, m, expect_re)) << file << " lacks its expect line";
    const std::string out = path("out-" + entry.path().stem().string());
    const Outcome o = aicert("certify --profile " + file + " --out " + out);
    EXPECT_EQ(o.exit_code, 2) << file << "\n" << o.output;
    EXPECT_NE(o.output.find(file + ":" + m[1].str() + ": "), std::string::npos)
        << file << "\n" << o.output;
    EXPECT_NE(o.output.find(m[2].str()), std::string::npos) << file << "\n" << o.output;
    EXPECT_FALSE(fs::exists(out + "/journal")) << file << ": something ran";
    ++checked;
  }
  EXPECT_GE(checked, 20);
  const Outcome missing = aicert("certify --profile no-such-profile --out " + path("x"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("quick"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace aicert
