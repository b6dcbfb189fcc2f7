// `aicert run`: run, check and time a set of cases and write a report. Each case runs in a
// worker process per device, as in certify, so that a crashing or hanging kernel costs only its
// own case and the report is still written; --in-process runs them in this process (debugging),
// as does an MPI job, whose ranks run their cases in step on the communicator of the launched
// process.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "harness/commands.h"
#include "harness/console.h"
#include "harness/exit_codes.h"
#include "harness/isolated_runner.h"
#include "harness/job_failure_report.h"
#include "harness/job_inventory.h"
#include "harness/machine_inventory.h"
#include "probes/machine_identity.h"
#include "harness/output_path.h"
#include "harness/report_identity.h"
#include "harness/run_plan.h"
#include "harness/shared_reference_folder.h"
#include "harness/worker_process.h"
#include "kernels/mpi_job.h"
#include "reports/link_finding.h"
#include "reports/report_xml.h"
#include "reports/roofline.h"

namespace aicert {

namespace {
struct RunCommandOptions {
  RunOptions run;
  MeasurementPolicy policy;
  std::string out = "aicert-report.xml";
  bool in_process = false;
  double case_timeout_s = 300;
  bool case_timeout_given = false;
  std::string machine_id;
};

// The ranks of a job run their cases in step, so they must plan the same cases: ranks whose
// devices or options differ would wait for each other in different collectives. Every rank
// learns the same verdict and refuses alike (exit 2) before any case runs.
void refuse_differing_plans(const PluginRegistry& registry, const MpiJob& job,
                            const std::vector<CaseRequest>& plan) {
  const LoadedBackend* mpi = registry.find("mpi");
  if (mpi == nullptr || mpi->backend == nullptr) return;  // no job to agree in
  std::string ids;
  for (const CaseRequest& r : plan) ids += case_id(r) + "\n";
  const std::vector<int> differing = mpi->backend->ranks_differing_from_root(ids);
  if (differing.empty()) return;
  std::string ranks;
  for (int r : differing) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
  throw UsageError{"the ranks of this MPI job planned different cases (rank " + ranks +
                   " against rank 0; this rank, " + std::to_string(job.rank) + ", planned " +
                   std::to_string(plan.size()) +
                   "): each rank plans from its own devices and options, and the ranks run "
                   "their cases in step. Give every rank the same options, and across hosts "
                   "with different hardware run --backend mpi"};
}

int run_run(const RunCommandOptions& o, const std::string& command_line) {
  if (const std::string why = validate_policy(o.policy); !why.empty()) throw UsageError{why};
  if (const std::string why = case_timeout_problem(o.case_timeout_s); !why.empty()) {
    throw UsageError{"--case-timeout: " + why};
  }
  if (const std::string why = machine_id_problem(o.machine_id); !o.machine_id.empty() && !why.empty()) {
    throw UsageError{"--machine-id '" + o.machine_id + "': " + why};
  }
  check_output_path(o.out);
  const PluginRegistry registry = PluginRegistry::load_all();
  const std::vector<CaseRequest> plan = plan_run(o.run, registry, host_memory_budget());

  // Under mpirun every rank runs the same plan in step; rank 0 alone prints and writes.
  const MpiJob job = mpi_job_from_env();
  const bool speaker = job.rank == 0;
  if (job.active) refuse_differing_plans(registry, job, plan);
  Report report = new_report(command_line);
  report.inventory = build_inventory(registry);
  if (!o.machine_id.empty()) set_machine_id(report.inventory, o.machine_id);
  std::string no_job_hosts;
  report.job = gather_job_hosts(registry, job, report.inventory, &no_job_hosts);
  if (speaker && !no_job_hosts.empty()) std::cerr << "aicert: " << no_job_hosts << "\n";
  if (speaker) {
    std::cout << "aicert run: " << plan.size() << " cases";
    if (job.active) std::cout << " (MPI job of " << job.size << " ranks; rank 0 reports)";
    if (const auto& s = report.scheduler) {
      std::cout << " in " << s->name << " job " << s->job_id << " on " << s->nodes;
    }
    std::cout << "\n";
    // The ranks of a job run their cases in step on the communicator of this very process.
    if (job.active && !o.in_process) {
      std::cout << "note: an MPI job runs its cases in the rank's own process (no worker"
                << (o.case_timeout_given ? ", so no --case-timeout watchdog" : "") << ")\n";
    }
    std::cout << std::flush;
  }
  const bool isolated = !o.in_process && !job.active;
  std::optional<SharedReferenceFolder> references;
  if (isolated) references.emplace(SharedReferenceFolder::fresh_beside(o.out));
  IsolatedRunner runner;
  // Rank 0 of a job writes what it has if the job fails mid-run (a host lost, a call timed out).
  JobFailureReport failure_report(report, plan, o.policy, o.out);
  // Removes the handler however this function ends: it refers to failure_report.
  struct HandlerScope {
    Backend* backend = nullptr;
    ~HandlerScope() {
      if (backend) backend->set_job_failure_handler(nullptr);
    }
  } handler_scope;
  if (job.active && speaker) {
    if (const LoadedBackend* mpi = registry.find("mpi"); mpi != nullptr && mpi->backend) {
      handler_scope.backend = mpi->backend;
      mpi->backend->set_job_failure_handler(
          [&failure_report](const JobFailure& f) { failure_report.on_failure(f); });
    }
  }
  const std::map<int, std::string> host_of_rank =
      report.job ? hosts_by_rank(*report.job) : std::map<int, std::string>{};
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const CaseRequest& request = plan[i];
    failure_report.starting(i);
    CaseResult result =
        isolated ? runner.run(WorkerRequest{request, case_id(request), o.policy, 0},
                              o.case_timeout_s)
                 : run_case(*registry.find(request.backend)->backend, request, o.policy);
    if (speaker) {
      result.roofline = roofline_of(result, report.cases);
      result.nominal = nominal_of(result, report.inventory);
      attach_link_finding(result, host_of_rank);
      std::cout << format_case_line(result, i + 1, plan.size()) << "\n";
      if (!result.link_finding.empty()) std::cout << "      links: " << result.link_finding << "\n";
      std::cout << std::flush;
    }
    failure_report.finished(std::move(result));
  }
  failure_report.completed();
  attach_rooflines(report);  // cases that ran before their device's peak and stream cases too
  report.summary = summarize(report.cases);
  if (!speaker) return report.summary.verdict == "PASS" ? kExitOk : kExitFailed;
  write_report_xml(report, o.out);
  std::cout << format_summary(report.summary) << "\n"
            << "report: " << std::filesystem::absolute(o.out).lexically_normal().string()
            << "\n";
  return report.summary.verdict == "PASS" ? kExitOk : kExitFailed;
}
}  // namespace

void add_run_command(CLI::App& app, CommandAction& action, const std::string& command_line) {
  auto o = std::make_shared<RunCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run, check and time cases of the workloads. Every option left out expands to its "
      "default: gemm and attention (with --shape, the workloads of the shapes given; "
      "collectives with --workload collective or --op), all available backends, all their devices and implementations, a small set of "
      "shapes and every dtype. Each case runs in a worker process per device (a crash or hang "
      "costs only that case). Prints one line per case and writes the report XML. Exit 0 all "
      "passed, 1 a case did not, 2 bad options.");
  cmd->add_option("--workload,-w", o->run.workloads,
                  "Workload(s) to run: " + workload_names() +
                      " or all; repeatable or comma-separated (default: gemm and attention, or "
                      "those of the --shape values given; --op/--ranks alone select the workloads "
                      "that have them). A selected workload without a --shape of its own runs "
                      "its defaults")
      ->delimiter(',');
  cmd->add_option("--backend,-b", o->run.backends,
                  "Backend(s) to run on: cpu, opencl, cuda, hip, level_zero (default: every "
                  "available one)")
      ->delimiter(',');
  cmd->add_option("--device", o->run.device, "Device index within the backend (default: all)");
  cmd->add_option("--impl", o->run.impls,
                  "Implementation(s), e.g. cpu:blocked, cpu:cblas, cpu:flash, opencl:flash (default: all)")
      ->delimiter(',');
  cmd->add_option("--shape,-s", o->run.shapes,
                  "Shape(s), repeatable; the form names the workload. GEMM: MxNxK, e.g. "
                  "1024x1024x1024 (a comma-separated list of them also works; default: "
                  "512x512x512 NN, 257x129x300 NT, 128x384x96 TN). Attention: B,Hq,Hkv,S,D "
                  "or B,Hq,Hkv,Sq,D,Sk (Hkv divides Hq; Sk defaults to Sq; D <= 256), e.g. "
                  "1,16,4,2048,128 (default: 1,8,2,256,64 causal; 2,4,1,200,128; "
                  "1,8,8,1,128,500). Peak: UNIT:LANESxSTEPS, UNIT vector or matrix, steps odd, "
                  "e.g. vector:1048576x4097 (default: that and matrix:1048576x4097)");
  cmd->add_flag("--causal", o->run.causal,
                "Attention: causal mask, bottom-right aligned (query i sees keys j <= i + Sk - "
                "Sq; needs Sq <= Sk). Applies to every attention shape, defaults included");
  cmd->add_option("--dtype,-t", o->run.dtypes,
                  "Element type(s): fp32, fp16, bf16; collectives also int32; GEMM also "
                  "fp8e4m3 (A and B in fp8 E4M3, C in bf16; asked for only, not a default) "
                  "(default: fp32, fp16, bf16, and int32 for collectives)")
      ->delimiter(',');
  cmd->add_option("--layout", o->run.layout,
                  "GEMM layout: NN, NT (B stored transposed) or TN (A stored transposed); "
                  "default NN for --shape");
  cmd->add_option("--op", o->run.ops,
                  "Op(s). Collective: allreduce (= allreduce-sum), allreduce-max, allgather, "
                  "reducescatter, broadcast, alltoall, and pairs (a point-to-point sweep: each "
                  "pair of ranks exchanges the message alone, each link's bandwidth reported and "
                  "the slow links and ranks named; by name only) (default: all but pairs, both "
                  "allreduce reductions). "
                  "Stream: copy, mul, add, triad, dot (default: all)")
      ->delimiter(',');
  cmd->add_option("--ranks", o->run.ranks, "Collective rank count(s) (default: 2)")
      ->delimiter(',');
  cmd->add_option("--min-bytes", o->run.min_bytes,
                  "Collective message size sweep: smallest size in bytes")
      ->capture_default_str();
  cmd->add_option("--max-bytes", o->run.max_bytes,
                  "Collective message size sweep: largest size in bytes")
      ->capture_default_str();
  cmd->add_option("--size-factor", o->run.size_factor,
                  "Collective message size sweep: factor between sizes")
      ->capture_default_str();
  cmd->add_option("--size,--sizes", o->run.sizes,
                  "Sizes in bytes, units allowed (KiB, MiB, GiB; KB, MB, GB are powers of 1000): "
                  "collective message sizes instead of the sweep (e.g. 8,1000,1MiB), or stream's "
                  "bytes per array (default 256MiB)")
      ->delimiter(',')
      ->transform(CLI::AsSizeValue(true));
  cmd->add_option("--root", o->run.root, "Broadcast root rank")->capture_default_str();
  cmd->add_option("--alpha", o->run.alpha, "GEMM alpha")->capture_default_str();
  cmd->add_option("--beta", o->run.beta, "GEMM beta (0: C is not read)")->capture_default_str();
  cmd->add_option("--seed", o->run.seed, "Seed of the inputs (same seed, same bytes everywhere)")
      ->capture_default_str();
  cmd->add_option("--warmups", o->policy.warmups, "Untimed launches before timing")
      ->capture_default_str();
  cmd->add_option("--min-reps", o->policy.min_repetitions, "Minimum timed repetitions")
      ->capture_default_str();
  cmd->add_option("--min-time-ms", o->policy.min_time_ms, "Minimum total timed time (ms)")
      ->capture_default_str();
  cmd->add_option("--max-reps", o->policy.max_repetitions, "Maximum timed repetitions")
      ->capture_default_str();
  cmd->add_option("--max-time-ms", o->policy.max_time_ms, "Maximum total timed time (ms)")
      ->capture_default_str();
  cmd->add_option("--max-cv", o->policy.max_cv,
                  "Coefficient of variation above which a timing is flagged noisy")
      ->capture_default_str();
  cmd->add_option("--out,-o", o->out, "Report XML to write")->capture_default_str();
  CLI::Option* timeout =
      cmd->add_option("--case-timeout", o->case_timeout_s,
                      "Watchdog per case in seconds (at most 1e6): a case still running then "
                      "is a timeout")
          ->capture_default_str();
  cmd->add_option("--machine-id", o->machine_id,
                  "This machine's id in the report (letters, digits, . _ : -; default: a keyed "
                  "hash of the DMI product UUID or serial, /etc/machine-id or the host name)");
  cmd->add_flag("--in-process", o->in_process,
                "Run the cases in this process instead of a worker per device (for a debugger; "
                "a crashing kernel then ends the run; no watchdog). Always so in an MPI job");
  cmd->callback([&action, o, command_line, timeout] {
    o->case_timeout_given = timeout->count() > 0;
    action = [o, command_line] { return run_run(*o, command_line); };
  });
}

}  // namespace aicert
