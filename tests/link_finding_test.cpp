// The point-to-point sweep's verdict on links (reports/link_finding.h): a throttled host is
// named, a uniform network names nobody, latency-sized messages are not judged; and the links
// go through the report XML and back, a malformed rank list being refused with its line.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "reports/link_finding.h"
#include "reports/report_xml.h"
#include "tests/cli_support.h"

namespace aicert {
namespace {

const std::map<int, std::string> kHosts{{0, "h1"}, {1, "h2"}, {2, "h3"}, {3, "h4"}};
constexpr double kMiB = 1 << 20;

LinkTiming link(int a, int b, double gbps) { return LinkTiming{a, b, 1.0 / gbps, gbps}; }

TEST(LinkFinding, ThrottledHostIsTheSlowRank) {
  // Host h3 behind a slow link: its two links are slow, the other fast.
  const LinkFinding f =
      find_slow_links({link(0, 1, 1.0), link(0, 2, 0.012), link(1, 2, 0.011)}, kMiB, kHosts);
  EXPECT_EQ(f.slow_ranks, std::vector<int>{2});
  EXPECT_NE(f.text.find("2 of 3 links below half the best link"), std::string::npos) << f.text;
  EXPECT_NE(f.text.find("slow rank: rank 2 (h3)"), std::string::npos) << f.text;
  EXPECT_NE(f.text.find("slowest rank 1 (h2) - rank 2 (h3)"), std::string::npos) << f.text;
}

TEST(LinkFinding, OneSlowLinkBetweenHealthyRanksNamesNoRank) {
  // 4 ranks, only the 0-3 cable is bad: ranks 0 and 3 have fast links too.
  const LinkFinding f = find_slow_links({link(0, 1, 1), link(0, 2, 1), link(0, 3, 0.1),
                                         link(1, 2, 1), link(1, 3, 1), link(2, 3, 1)},
                                        kMiB, kHosts);
  EXPECT_TRUE(f.slow_ranks.empty());
  EXPECT_NE(f.text.find("1 of 6 links"), std::string::npos) << f.text;
  EXPECT_NE(f.text.find("no single rank explains them"), std::string::npos) << f.text;
  EXPECT_NE(f.text.find("rank 0 (h1) - rank 3 (h4)"), std::string::npos) << f.text;
}

TEST(LinkFinding, UniformNetworkHasNoSlowLink) {
  const LinkFinding f =
      find_slow_links({link(0, 1, 1.0), link(0, 2, 0.9), link(1, 2, 0.8)}, kMiB, kHosts);
  EXPECT_TRUE(f.slow_ranks.empty());
  EXPECT_EQ(f.text.rfind("no slow link", 0), 0u) << f.text;
}

TEST(LinkFinding, LatencySizedMessagesAreNotJudged) {
  const LinkFinding f =
      find_slow_links({link(0, 1, 1.0), link(0, 2, 0.01), link(1, 2, 0.01)}, 4096, kHosts);
  EXPECT_TRUE(f.slow_ranks.empty());
  EXPECT_NE(f.text.find("not judged"), std::string::npos) << f.text;
}

TEST(LinkFinding, TwoRanksHaveOneLinkToReport) {
  const LinkFinding f = find_slow_links({link(0, 1, 0.01)}, kMiB, kHosts);
  EXPECT_TRUE(f.slow_ranks.empty());
  EXPECT_EQ(f.text.rfind("one link: rank 0 (h1) - rank 1 (h2)", 0), 0u) << f.text;
  EXPECT_NE(f.text.find("nothing to compare it with"), std::string::npos) << f.text;
}

TEST(LinkFinding, LinksWithinAHostAreNotTheNetworksYardstick) {
  // Two ranks per host on three hosts; h3's NIC is throttled. The links within a host (shared
  // memory, 20 GB/s) would make every network link look slow and name healthy ranks; judged
  // among the links between hosts, h3's ranks 4 and 5 are the slow ones.
  const std::map<int, std::string> hosts{{0, "h1"}, {1, "h1"}, {2, "h2"},
                                         {3, "h2"}, {4, "h3"}, {5, "h3"}};
  std::vector<LinkTiming> links;
  for (int a = 0; a < 6; ++a) {
    for (int b = a + 1; b < 6; ++b) {
      const double gbps = hosts.at(a) == hosts.at(b) ? 20.0 : (a >= 4 || b >= 4) ? 0.05 : 1.0;
      links.push_back(link(a, b, gbps));
    }
  }
  const LinkFinding f = find_slow_links(links, kMiB, hosts);
  EXPECT_EQ(f.slow_ranks, (std::vector<int>{4, 5})) << f.text;
  EXPECT_NE(f.text.find("8 of 12 links below half the best link (1 GB/s"), std::string::npos)
      << f.text;
  EXPECT_NE(f.text.find("3 links within a host not judged"), std::string::npos) << f.text;
  // Without host names every link is judged, and the fast ones within hosts set the bar.
  const LinkFinding blind = find_slow_links(links, kMiB, {});
  EXPECT_NE(blind.text.find("12 of 15 links"), std::string::npos) << blind.text;
}

TEST(LinkFinding, OneHostJudgesItsOwnLinks) {
  // Every rank on one host: there is no network, so the links within it are the ones judged.
  const std::map<int, std::string> hosts{{0, "h"}, {1, "h"}, {2, "h"}};
  const LinkFinding f =
      find_slow_links({link(0, 1, 10), link(0, 2, 0.1), link(1, 2, 0.1)}, kMiB, hosts);
  EXPECT_EQ(f.slow_ranks, std::vector<int>{2}) << f.text;
  EXPECT_EQ(f.text.find("within a host"), std::string::npos) << f.text;
}

TEST(LinkFinding, HostsByRankFromTheJob) {
  JobInfo job;
  job.ranks = 3;
  job.hosts = {{"a", "0,2", std::nullopt}, {"b", "1", std::nullopt}};
  EXPECT_EQ(hosts_by_rank(job), (std::map<int, std::string>{{0, "a"}, {1, "b"}, {2, "a"}}));
}

using LinkXmlTest = TempDirTest;

Report report_with_links() {
  Report r = read_report_xml(std::string(AICERT_SOURCE_DIR) + "/tests/data/reports/golden-report.xml");
  CaseResult& c = r.cases.at(0);
  c.links = {link(0, 1, 1.0), link(0, 2, 0.012), link(1, 2, 0.011)};
  c.link_finding = "2 of 3 links below half the best link";
  c.slow_ranks = {2};
  return r;
}

TEST_F(LinkXmlTest, LinksReadBackAsWritten) {
  const std::string file = path("r.xml");
  write_report_xml(report_with_links(), file);
  const Report back = read_report_xml(file);
  const CaseResult& c = back.cases.at(0);
  ASSERT_EQ(c.links.size(), 3u);
  EXPECT_EQ(c.links[2].a, 1);
  EXPECT_EQ(c.links[2].b, 2);
  EXPECT_DOUBLE_EQ(c.links[1].gbps, 0.012);
  EXPECT_DOUBLE_EQ(c.links[1].median_ms, 1.0 / 0.012);
  EXPECT_EQ(c.slow_ranks, std::vector<int>{2});
  EXPECT_EQ(c.link_finding, "2 of 3 links below half the best link");
  expect_valid_against_schema(file);
}

TEST_F(LinkXmlTest, MalformedSlowRanksAreRefusedWithTheLine) {
  const std::string file = path("r.xml");
  write_report_xml(report_with_links(), file);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto at = text.find("slow-ranks=\"2\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 14, "slow-ranks=\"two\"");
  std::ofstream(file) << text;
  try {
    read_report_xml(file);
    FAIL() << "a rank list with a word in it was read";
  } catch (const ReportParseError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file + ":"), std::string::npos) << what;
    EXPECT_NE(what.find("slow-ranks \"two\" is not a rank"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace aicert
