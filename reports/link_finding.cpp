// Slow links and ranks of a point-to-point sweep; see link_finding.h.
#include "reports/link_finding.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace aicert {

namespace {
constexpr double kSlowFraction = 0.5;  // of the best link's bandwidth

std::string name(int rank, const std::map<int, std::string>& host_of_rank) {
  const auto it = host_of_rank.find(rank);
  return "rank " + std::to_string(rank) + (it == host_of_rank.end() ? "" : " (" + it->second + ")");
}

std::string gbps(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g GB/s", v);
  return text;
}
}  // namespace

std::map<int, std::string> hosts_by_rank(const JobInfo& job) {
  std::map<int, std::string> out;
  for (const JobHost& h : job.hosts) {
    std::istringstream ranks(h.ranks);
    for (std::string r; std::getline(ranks, r, ',');) {
      if (!r.empty()) out[std::stoi(r)] = h.hostname;
    }
  }
  return out;
}

namespace {
// The links between ranks on different hosts, when every rank's host is known and there are
// such links and links within a host too; otherwise all of them.
std::vector<LinkTiming> network_links(const std::vector<LinkTiming>& links,
                                      const std::map<int, std::string>& host_of_rank) {
  std::vector<LinkTiming> between;
  for (const LinkTiming& l : links) {
    const auto a = host_of_rank.find(l.a), b = host_of_rank.find(l.b);
    if (a == host_of_rank.end() || b == host_of_rank.end()) return links;
    if (a->second != b->second) between.push_back(l);
  }
  return between.empty() ? links : between;
}

// The verdict on the links judged (not empty), against the best of them.
LinkFinding judge_links(const std::vector<LinkTiming>& links, double message_bytes,
                        const std::map<int, std::string>& host_of_rank) {
  LinkFinding f;
  const auto best = std::max_element(links.begin(), links.end(),
                                     [](const auto& x, const auto& y) { return x.gbps < y.gbps; });
  const auto worst = std::min_element(
      links.begin(), links.end(), [](const auto& x, const auto& y) { return x.gbps < y.gbps; });
  auto link_name = [&](const LinkTiming& l) {
    return name(l.a, host_of_rank) + " - " + name(l.b, host_of_rank);
  };
  if (message_bytes < kLinkJudgedBytes) {
    f.text = std::to_string(links.size()) + " links from " + gbps(worst->gbps) + " to " +
             gbps(best->gbps) + ", not judged: messages below 64 KiB measure latency";
    return f;
  }
  if (links.size() == 1) {
    f.text = "one link: " + link_name(links[0]) + " " + gbps(links[0].gbps) +
             " (nothing to compare it with)";
    return f;
  }
  const double limit = kSlowFraction * best->gbps;
  std::map<int, int> links_of, slow_of;  // per rank: its links, its slow links
  std::vector<const LinkTiming*> slow;
  for (const LinkTiming& l : links) {
    ++links_of[l.a];
    ++links_of[l.b];
    if (l.gbps < limit) {
      slow.push_back(&l);
      ++slow_of[l.a];
      ++slow_of[l.b];
    }
  }
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.2fx", best->gbps > 0 ? worst->gbps / best->gbps : 0.0);
  if (slow.empty()) {
    f.text = "no slow link: " + std::to_string(links.size()) + " links from " +
             gbps(worst->gbps) + " to " + gbps(best->gbps) + " (slowest " + ratio + " the best)";
    return f;
  }
  // The best link is never slow, so its two ranks are never named: a named rank always stands
  // beside a rank with a fast link.
  for (const auto& [rank, count] : links_of) {
    if (slow_of[rank] == count) f.slow_ranks.push_back(rank);
  }
  std::string ranks;
  for (int r : f.slow_ranks) ranks += (ranks.empty() ? "" : ", ") + name(r, host_of_rank);
  f.text = std::to_string(slow.size()) + " of " + std::to_string(links.size()) +
           " links below half the best link (" + gbps(best->gbps) + ", " + link_name(*best) +
           "); slowest " + link_name(*worst) + " " + gbps(worst->gbps) + " (" + ratio + ")" +
           (ranks.empty() ? std::string("; no single rank explains them")
                          : "; slow rank" + std::string(f.slow_ranks.size() > 1 ? "s: " : ": ") +
                                ranks + ": every link of it is slow");
  return f;
}
}  // namespace

LinkFinding find_slow_links(const std::vector<LinkTiming>& all_links, double message_bytes,
                            const std::map<int, std::string>& host_of_rank) {
  if (all_links.empty()) return {};
  // Ranks on one host talk through shared memory or loopback, far faster than any network: as
  // the best link they would make every link between hosts look slow. So with several ranks on
  // a host, the links between hosts are judged against the best of them.
  const std::vector<LinkTiming> links = network_links(all_links, host_of_rank);
  LinkFinding f = judge_links(links, message_bytes, host_of_rank);
  if (const std::size_t within = all_links.size() - links.size(); within > 0) {
    f.text += "; " + std::to_string(within) + " link" + (within > 1 ? "s" : "") +
              " within a host not judged against the network";
  }
  return f;
}

void attach_link_finding(CaseResult& c, const std::map<int, std::string>& host_of_rank) {
  const auto* spec = std::get_if<CollectiveSpec>(&c.spec.spec);
  const LinkFinding f = find_slow_links(c.links, spec ? spec->bytes() : 0, host_of_rank);
  c.link_finding = f.text;
  c.slow_ranks = f.slow_ranks;
}

}  // namespace aicert
