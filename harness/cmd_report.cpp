// `aicert report` (regenerate HTML / JUnit from a report.xml) and `aicert compare` (two
// reports case by case: exit 1 on a regression or status change, 2 on bad input).
#include <cstdio>
#include <iostream>
#include <memory>

#include "harness/commands.h"
#include "harness/exit_codes.h"
#include "harness/threshold_option.h"
#include "reports/html_report.h"
#include "reports/junit_writer.h"
#include "reports/report_compare.h"
#include "reports/report_xml.h"

namespace aicert {

namespace {

// What a report's <integrity> says, on the console before anything drawn from it: a tampered
// report is still shown, never silently.
void print_integrity(const std::string& file, const Report& r) {
  if (r.integrity) std::cout << "integrity: " << file << ": " << r.integrity->text() << "\n";
}

std::string cell(double v, const char* fmt) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

void add_report_commands(CLI::App& app, CommandAction& action) {
  struct ReportOptions {
    std::string report, html, junit;
  };
  auto r = std::make_shared<ReportOptions>();
  CLI::App* rep = app.add_subcommand(
      "report", "Regenerate the human and CI views of a report.xml: self-contained HTML "
                "(verdict, failures first, system, charts) and/or JUnit XML.");
  rep->add_option("report", r->report, "report.xml")->required();
  rep->add_option("--html", r->html, "Write the HTML report here");
  rep->add_option("--junit", r->junit, "Write JUnit XML here");
  rep->callback([&action, r] {
    action = [r] {
      if (r->html.empty() && r->junit.empty()) throw UsageError{"report: give --html and/or --junit"};
      const Report report = read_report_xml(r->report);
      print_integrity(r->report, report);
      if (!r->html.empty()) write_html(report_html(report), r->html);
      if (!r->junit.empty()) write_junit_xml("aicert " + r->report, junit_cases(report), r->junit);
      return kExitOk;
    };
  });

  struct CompareOptions {
    std::string old_report, new_report, threshold = "5%", html, junit;
    bool across = false, same = false;
  };
  auto c = std::make_shared<CompareOptions>();
  CLI::App* cmp = app.add_subcommand(
      "compare",
      "Compare two reports case by case (key: workload, shape, layout, dtype, backend, device, "
      "implementation): both medians, the change in %, a Mann-Whitney U significance test on "
      "the repetition samples, and a class (regression, improvement, no change, noisy, new, "
      "missing, status change), with the system changes on top. Reports of different hardware "
      "(platform or device names differ) are matched on workload, shape, dtype and "
      "implementation family instead (every vendor library is family 'vendor'), each side's "
      "device a column. Exit 1 on any regression or status change, 2 on bad input, else 0.");
  cmp->add_option("old", c->old_report, "Earlier report.xml (the baseline)")->required();
  cmp->add_option("new", c->new_report, "Later report.xml")->required();
  cmp->add_option("--threshold", c->threshold,
                  "Smallest change of the median time that counts, e.g. 5%")
      ->capture_default_str();
  cmp->add_option("--html", c->html, "Also write the comparison as HTML");
  cmp->add_option("--junit", c->junit, "Also write JUnit XML (regressions and status changes fail)");
  CLI::Option* across = cmp->add_flag(
      "--across-hardware", c->across,
      "Match by implementation family even if the hardware looks the same (default: when it "
      "differs)");
  cmp->add_flag("--same-hardware", c->same,
                "Match case by case (backend, device, implementation) even if the hardware differs")
      ->excludes(across);
  cmp->callback([&action, c] {
    action = [c] {
      const double threshold = parse_threshold_percent(c->threshold);
      const Report old_r = read_report_xml(c->old_report);
      const Report new_r = read_report_xml(c->new_report);
      print_integrity(c->old_report, old_r);
      print_integrity(c->new_report, new_r);
      const HardwareMatch match = c->across ? HardwareMatch::across
                                  : c->same ? HardwareMatch::same
                                            : HardwareMatch::automatic;
      const Comparison cmp = compare_reports(old_r, new_r, threshold, 0.05, match);
      if (cmp.across_hardware) {
        std::cout << "across hardware: cases matched on workload, shape, dtype and "
                     "implementation family (old device -> new device)\n";
      }
      std::cout << "system changes:" << (cmp.system.empty() ? " none" : "") << "\n";
      for (const auto& s : cmp.system) {
        std::cout << "  " << s.what << ": " << s.old_value << " -> " << s.new_value << "\n";
      }
      std::vector<JunitCase> junit;
      for (const auto& x : cmp.cases) {
        const std::string cls(change_class_name(x.change));
        std::cout << "  " << cls << std::string(cls.size() < 14 ? 14 - cls.size() : 1, ' ')
                  << x.key;
        if (x.old_case && x.new_case && x.old_median_ms > 0) {
          std::cout << "  " << cell(x.old_median_ms, "%.4g") << " -> "
                    << cell(x.new_median_ms, "%.4g") << " ms (" << cell(x.delta_pct, "%+.1f")
                    << "%" << (x.p_value < 1 ? ", p " + cell(x.p_value, "%.2g") : "") << ")";
        }
        if (cmp.across_hardware) {
          std::cout << "  [" << (x.old_device.empty() ? "-" : x.old_device) << " -> "
                    << (x.new_device.empty() ? "-" : x.new_device) << "]";
        }
        if (!x.note.empty()) std::cout << "  -- " << x.note;
        std::cout << "\n";
        JunitCase j;
        j.classname = "compare";
        j.name = x.key;
        if (x.change == ChangeClass::regression || x.change == ChangeClass::status_change) {
          j.kind = JunitCase::Kind::failure;
          j.message = cls + ": " + cell(x.delta_pct, "%+.1f") + "% (limit " +
                      cell(threshold, "%.1f") + "%) " + x.note;
        }
        junit.push_back(j);
      }
      std::cout << cmp.count(ChangeClass::regression) << " regressions, "
                << cmp.count(ChangeClass::status_change) << " status changes, "
                << cmp.count(ChangeClass::improvement) << " improvements, "
                << cmp.count(ChangeClass::noisy) << " noisy, " << cmp.count(ChangeClass::no_change)
                << " unchanged, " << cmp.count(ChangeClass::new_case) << " new, "
                << cmp.count(ChangeClass::missing) << " missing\n";
      if (!c->html.empty()) write_html(comparison_html(cmp, old_r, new_r), c->html);
      if (!c->junit.empty()) write_junit_xml("aicert compare", junit, c->junit);
      return cmp.gate_fails() ? kExitFailed : kExitOk;
    };
  });
}

}  // namespace aicert
