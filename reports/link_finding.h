// What a point-to-point sweep's links say about the job: the slow links and the slow ranks,
// named with their hosts. A link is slow when its bandwidth is below half the best link's (the
// network's own best, measured in the same case, is the reference: no per-SKU table); a rank
// is slow when every link it has is slow and another rank has a fast one. So one host with a
// throttled NIC is named, a uniformly slow network names nobody (its bandwidth is then the
// figure's business), and a job of two ranks can only name its one link. Messages below 64 KiB
// measure latency, where scheduling noise is as large as a slow link: listed, not judged.
// With several ranks on a host, only the links between hosts are judged, against the best of
// them (a link within a host is shared memory, no yardstick for a network).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reports/case_result.h"
#include "reports/report.h"

namespace aicert {

// Rank -> host name from the job's hosts.
std::map<int, std::string> hosts_by_rank(const JobInfo& job);

struct LinkFinding {
  std::string text;          // "" when there are no links
  std::vector<int> slow_ranks;
};
inline constexpr double kLinkJudgedBytes = 65536;
LinkFinding find_slow_links(const std::vector<LinkTiming>& links, double message_bytes,
                            const std::map<int, std::string>& host_of_rank);

// Sets c.link_finding and c.slow_ranks from c.links (nothing when it has none).
void attach_link_finding(CaseResult& c, const std::map<int, std::string>& host_of_rank);

}  // namespace aicert
