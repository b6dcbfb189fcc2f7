// `aicert fleet REPORT... [--html FILE] [--junit FILE] [--threshold 5%]`: reads any number of
// reports (files, folders searched for report XML, quoted glob patterns), finds the outliers
// (reports/fleet.h), prints the verdict, the findings and the ranked headline table, and exits
// 1 on an outlier or a status difference, 2 on bad input (every unreadable member named with
// its file and line, nothing written), 0 otherwise.
#include <glob.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "harness/commands.h"
#include "harness/exit_codes.h"
#include "harness/threshold_option.h"
#include "reports/fleet.h"
#include "reports/fleet_html.h"
#include "reports/html_report.h"
#include "reports/junit_writer.h"
#include "reports/redaction.h"
#include "reports/report_xml.h"

namespace aicert {

namespace {

namespace fs = std::filesystem;

struct FleetCommandOptions {
  std::vector<std::string> reports;
  std::string threshold = "5%", html, junit;
  FleetOptions analysis;
  bool skip_unreadable = false;
};

// Whether a file found in a folder is a report: its root element, read from the first bytes
// (junit.xml, profiles and hwloc exports in a results folder are not members).
bool looks_like_report(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head.find("<aicert-report") != std::string::npos;
}

// The files named by the arguments, in order, each once.
std::vector<std::string> expand_members(const std::vector<std::string>& args, int* skipped_xml) {
  std::vector<std::string> files;
  auto add = [&](const std::string& f) {
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  };
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(arg, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().extension() != ".xml") continue;
        if (looks_like_report(it->path())) {
          found.push_back(it->path().string());
        } else {
          ++*skipped_xml;
        }
      }
      if (ec) throw UsageError{arg + ": cannot list the folder: " + ec.message()};
      std::sort(found.begin(), found.end());
      for (const auto& f : found) add(f);
      continue;
    }
    if (fs::exists(arg, ec)) {
      add(arg);
      continue;
    }
    // A pattern the shell did not expand (quoted, or more files than a command line takes).
    if (arg.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      const int rc = glob(arg.c_str(), 0, nullptr, &g);
      if (rc == 0) {
        for (std::size_t k = 0; k < g.gl_pathc; ++k) add(g.gl_pathv[k]);
      }
      globfree(&g);
      if (rc == 0) continue;
      throw UsageError{arg + ": no file matches this pattern"};
    }
    throw UsageError{arg + ": no such report file or folder"};
  }
  return files;
}

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + " ";
}

std::string fmt(double v, const char* f) {
  char buf[48];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void print_headlines(const FleetAnalysis& a) {
  const HeadlineTable& t = a.headlines;
  if (t.rows.empty()) return;
  std::cout << "headline figures, ranked (score: geometric mean of each figure over the best):\n";
  std::cout << "  " << padded("rank", 5) << padded("machine", 24);
  for (std::size_t k = 0; k < t.columns.size(); ++k) {
    std::cout << padded(t.columns[k] + " [" + t.units[k] + "]", 14);
  }
  std::cout << "score\n";
  constexpr std::size_t kMaxRows = 50;
  for (std::size_t r = 0; r < t.rows.size() && r < kMaxRows; ++r) {
    const HeadlineRow& row = t.rows[r];
    const FleetMachine& m = a.machines[row.machine];
    std::cout << "  " << padded(std::to_string(row.rank), 5)
              << padded(m.name, 24);
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      std::cout << padded(row.values[k] ? fmt(*row.values[k], "%.4g") : "-",
                          std::max<std::size_t>(14, t.columns[k].size() + t.units[k].size() + 3));
    }
    std::cout << fmt(row.score, "%.3f") << "\n";
  }
  if (t.rows.size() > kMaxRows) {
    std::cout << "  ... " << t.rows.size() - kMaxRows << " more machines (see --html)\n";
  }
}

void print_findings(const FleetAnalysis& a, FleetFinding::Kind kind, const char* title) {
  const int n = a.count(kind);
  if (n == 0) return;
  std::cout << title << " (" << n << "):\n";
  for (const auto& f : a.findings) {
    if (f.kind == kind) std::cout << "  " << f.text << "\n";
  }
}

std::vector<JunitCase> fleet_junit(const FleetAnalysis& a) {
  std::vector<JunitCase> out;
  for (std::size_t g = 0; g < a.groups.size(); ++g) {
    JunitCase j;
    j.classname = "fleet";
    j.name = a.groups[g].key + " on " + a.groups[g].hardware;
    for (const auto& f : a.findings) {
      if (f.group != static_cast<int>(g)) continue;
      j.kind = JunitCase::Kind::failure;
      j.message += (j.message.empty() ? "" : "\n") + f.text;
    }
    out.push_back(j);
  }
  return out;
}

int run_fleet(const FleetCommandOptions& o) {
  FleetOptions options = o.analysis;
  options.threshold_pct = parse_threshold_percent(o.threshold);
  if (!(options.z_limit > 0)) throw UsageError{"--z-limit must be a positive number"};
  if (!(options.noise_factor >= 0)) throw UsageError{"--noise-factor must not be negative"};
  if (options.min_members < 2) throw UsageError{"--min-members must be at least 2"};

  int skipped_xml = 0;
  const std::vector<std::string> files = expand_members(o.reports, &skipped_xml);
  if (files.empty()) throw UsageError{"fleet: the folders given hold no aicert report"};
  if (files.size() > 50) std::cerr << "aicert fleet: reading " << files.size() << " reports\n";

  std::vector<FleetInput> inputs;
  inputs.reserve(files.size());
  std::vector<std::string> unreadable;
  for (const std::string& f : files) {
    try {
      inputs.push_back({f, read_report_xml(f)});
    } catch (const ReportParseError& e) {
      unreadable.push_back(e.what());
    }
  }
  if (!unreadable.empty() && !o.skip_unreadable) {
    for (const auto& why : unreadable) std::cerr << "aicert: " << why << "\n";
    std::cerr << "aicert fleet: " << unreadable.size() << " of " << files.size()
              << " reports unreadable (named above); nothing written. --skip-unreadable "
                 "analyses the others\n";
    return kExitBadInput;
  }

  FleetAnalysis a = analyse_fleet(inputs, options);
  for (const auto& why : unreadable) a.notes.push_back("not read: " + why);
  if (skipped_xml > 0) {
    a.notes.push_back(std::to_string(skipped_xml) +
                      " XML files in the folders given are not reports (junit.xml, profiles): "
                      "left out");
  }

  const int outliers = a.count(FleetFinding::Kind::slower) + a.count(FleetFinding::Kind::faster);
  const int status = a.count(FleetFinding::Kind::status);
  std::cout << "aicert fleet: " << inputs.size() << " reports, " << a.machines.size()
            << " machines, " << a.devices.size() << " devices, " << a.groups.size()
            << " case groups (threshold " << fmt(options.threshold_pct, "%g") << "%, z > "
            << fmt(options.z_limit, "%g") << ", beyond " << fmt(options.noise_factor, "%g")
            << "x the member's own noise)\n";
  print_findings(a, FleetFinding::Kind::slower, "slower than the fleet");
  print_findings(a, FleetFinding::Kind::faster, "faster than the fleet");
  print_findings(a, FleetFinding::Kind::status, "status differs from the fleet's");
  print_findings(a, FleetFinding::Kind::system, "system differs from the platform's majority");
  print_headlines(a);
  if (!a.untrusted.empty()) {
    std::cout << "integrity: " << a.untrusted.size()
              << " reports are not proven to be what aicert wrote (analysed all the same):\n";
    for (const auto& u : a.untrusted) std::cout << "  " << u << "\n";
  }
  for (const auto& n : a.notes) std::cout << "note: " << n << "\n";
  std::cout << "verdict: " << (a.gate_fails() ? "OUTLIERS" : "CONSISTENT") << " (" << outliers
            << " outliers, " << status << " status differences, "
            << a.count(FleetFinding::Kind::system) << " system differences)\n";

  if (!o.html.empty()) {
    write_html(fleet_html(a), o.html);
    std::cout << "HTML: " << o.html << "\n";
  }
  if (!o.junit.empty()) write_junit_xml("aicert fleet", fleet_junit(a), o.junit);
  return a.gate_fails() ? kExitFailed : kExitOk;
}

}  // namespace

void add_fleet_command(CLI::App& app, CommandAction& action) {
  auto o = std::make_shared<FleetCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fleet",
      "Compare many reports of many machines (or of the many devices of one): cases grouped by "
      "workload, shape, dtype and implementation on the same device model; per group the "
      "median time, its robust spread (MAD) and each device's robust z-score. A device is an "
      "outlier when it is slower or faster than the fleet by more than the threshold, its z "
      "beyond the limit, and its deviation beyond its own samples' noise. Also: devices whose "
      "verdict differs from the fleet's, machines whose driver, firmware, kernel or OS differs "
      "from the majority of their platform, and a ranked table of headline figures per "
      "machine. Reports of one machine (same machine id) are merged, the newest counting. Exit "
      "1 on an outlier or status difference, 2 on bad input, else 0.");
  cmd->add_option("reports", o->reports,
                  "Report XML files, folders (searched recursively for reports) or quoted glob "
                  "patterns")
      ->required();
  cmd->add_option("--threshold", o->threshold,
                  "Smallest deviation from the fleet's median time that counts, e.g. 5%")
      ->capture_default_str();
  cmd->add_option("--z-limit", o->analysis.z_limit,
                  "Robust z-score beyond which a device is outside the fleet")
      ->capture_default_str();
  cmd->add_option("--noise-factor", o->analysis.noise_factor,
                  "The deviation must exceed this many of the device's own relative robust "
                  "standard deviations")
      ->capture_default_str();
  cmd->add_option("--min-members", o->analysis.min_members,
                  "Groups with fewer timed devices are listed, not judged")
      ->capture_default_str();
  cmd->add_option("--html", o->html, "Also write the fleet page (self-contained HTML) here");
  cmd->add_option("--junit", o->junit, "Also write JUnit XML: one test per case group");
  cmd->add_flag("--skip-unreadable", o->skip_unreadable,
                "Analyse the readable reports when some are not (they are named as not read); "
                "default: exit 2 and write nothing");
  cmd->callback([&action, o] {
    action = [o] { return run_fleet(*o); };
  });
}

}  // namespace aicert
