// The certify journal: records survive a reopen, a torn last record (a kill mid-write) is
// dropped and overwritten, a journal killed while its header was written starts afresh, a
// corrupt record in the middle is a located error, another plan's journal is refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/exit_codes.h"
#include "harness/journal.h"
#include "reports/report_xml.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

CaseResult result(const std::string& id) {
  CaseResult c;
  c.id = id;
  c.spec.spec = GemmSpec{4, 4, 4, GemmLayout::NN, DType::fp32, 1.0, 0.0};
  c.backend = "cpu";
  c.impl = "cpu:blocked";
  c.verdict = Verdict::pass;
  c.reason = "multi\nline";
  return c;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = (fs::temp_directory_path() /
             ("aicert-journal-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    fs::remove(file_);
  }
  void TearDown() override { fs::remove(file_); }
  std::string file_;
};

TEST_F(JournalTest, TornLastRecordIsDroppedAndTheJournalGoesOn) {
  {
    Journal j = Journal::create(file_, "plan-a");
    j.append(result("one"));
    j.append(result("two"));
  }
  std::ofstream(file_, std::ios::app) << "<case id=\"three\" workload=\"ge";  // killed mid-write
  {
    Journal j = Journal::resume(file_, "plan-a");
    ASSERT_EQ(j.finished().size(), 2u);
    EXPECT_EQ(j.finished().at("one").reason, "multi\nline");
    j.append(result("three"));
  }
  const Journal j = Journal::resume(file_, "plan-a");
  EXPECT_EQ(j.finished().size(), 3u);
  EXPECT_THROW(Journal::create(file_, "plan-a"), UsageError);  // never overwritten
  EXPECT_THROW(Journal::resume(file_, "plan-b"), UsageError);  // another plan
}

TEST_F(JournalTest, KilledWhileWritingTheHeaderStartsAfresh) {
  std::ofstream(file_) << "aicert-jour";
  Journal j = Journal::resume(file_, "plan-a");
  EXPECT_TRUE(j.finished().empty());
  j.append(result("one"));
  EXPECT_EQ(Journal::resume(file_, "plan-a").finished().size(), 1u);
}

TEST_F(JournalTest, ACorruptRecordInTheMiddleIsALocatedError) {
  {
    Journal j = Journal::create(file_, "plan-a");
    j.append(result("one"));
  }
  std::ofstream(file_, std::ios::app) << "<case id=\"x\" verdict=\"maybe\"/>\n"
                                      << case_result_to_line(result("two")) << "\n";
  try {
    Journal::resume(file_, "plan-a");
    FAIL() << "no error";
  } catch (const ReportParseError& e) {
    EXPECT_NE(std::string(e.what()).find(file_ + ":3:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aicert
