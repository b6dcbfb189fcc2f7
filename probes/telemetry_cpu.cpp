// Host CPU telemetry from cpufreq, /proc/cpuinfo, hwmon, RAPL and thermal_throttle files.
#include "probes/telemetry_cpu.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <regex>
#include <set>
#include <system_error>

#include "probes/sysfs_read.h"
#include "reports/inventory.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

// Entries of `dir` whose names match `pattern`, sorted (an absent folder has none).
std::vector<fs::path> entries(const fs::path& dir, const std::regex& pattern) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (std::regex_match(it->path().filename().string(), pattern)) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// The first number of a pseudo-file, or false.
bool read_number(const fs::path& file, double* value) {
  const auto text = read_text_file(file);
  if (!text) return false;
  const std::string_view v = trim(*text);
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *value);
  return ec == std::errc() && end != v.data();
}

// Mean of the "cpu MHz" lines of /proc/cpuinfo (x86; other architectures have none).
bool cpuinfo_mhz(const fs::path& cpuinfo, double* mean) {
  const auto text = read_text_file(cpuinfo);
  if (!text) return false;
  double sum = 0;
  int count = 0;
  std::string_view rest(*text);
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (line.rfind("cpu MHz", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view number = trim(line.substr(colon + 1));
    double mhz = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), mhz);
    if (ec == std::errc() && end != number.data()) {
      sum += mhz;
      ++count;
    }
  }
  if (count == 0) return false;
  *mean = sum / count;
  return true;
}

}  // namespace

fs::path telemetry_root_from_env() {
  const char* root = std::getenv(kTelemetryRootEnv);
  return root != nullptr && *root != '\0' ? fs::path(root) : fs::path("/");
}

CpuTelemetry::CpuTelemetry(fs::path root) : root_(std::move(root)) {
  const fs::path cpus = root_ / "sys/devices/system/cpu";
  std::set<std::string> packages, cores;  // seen: one counter file each
  for (const fs::path& cpu : entries(cpus, std::regex("cpu[0-9]+"))) {
    if (path_exists(cpu / "cpufreq/scaling_cur_freq")) {
      freq_files_.push_back(cpu / "cpufreq/scaling_cur_freq");
    }
    // Without topology files every CPU is its own core and package.
    const std::string package = read_first_line(cpu / "topology/physical_package_id");
    const std::string core = package + "/" + read_first_line(cpu / "topology/core_id");
    const std::string self = cpu.filename().string();
    const bool known = package != kUnknown;
    if (path_exists(cpu / "thermal_throttle/package_throttle_count") &&
        packages.insert(known ? package : self).second) {
      throttle_.push_back({cpu / "thermal_throttle/package_throttle_count"});
    }
    if (path_exists(cpu / "thermal_throttle/core_throttle_count") &&
        cores.insert(known ? core : self).second) {
      throttle_.push_back({cpu / "thermal_throttle/core_throttle_count"});
    }
  }
  cpuinfo_ = root_ / "proc/cpuinfo";
  double mhz = 0;
  if (freq_files_.empty()) {
    absent_.push_back(cpuinfo_mhz(cpuinfo_, &mhz)
                          ? "core-mhz: no cpufreq (sys/devices/system/cpu/cpu*/cpufreq); "
                            "/proc/cpuinfo's \"cpu MHz\" instead (on a VM: what the hypervisor says)"
                          : "core-mhz: no cpufreq and no \"cpu MHz\" in /proc/cpuinfo");
  }

  for (const fs::path& chip : entries(root_ / "sys/class/hwmon", std::regex("hwmon[0-9]+"))) {
    const std::string name = read_first_line(chip / "name");
    if (name != "coretemp" && name != "k10temp" && name != "zenpower") continue;
    for (const fs::path& t : entries(chip, std::regex("temp[0-9]+_input"))) temp_files_.push_back(t);
  }
  if (temp_files_.empty()) absent_.push_back("temp-c: no coretemp, k10temp or zenpower hwmon");

  bool unreadable = false;
  for (const fs::path& zone :
       entries(root_ / "sys/class/powercap", std::regex("intel-rapl:[0-9]+"))) {
    if (read_first_line(zone / "name").rfind("package", 0) != 0) continue;
    double probe = 0;
    if (!read_number(zone / "energy_uj", &probe)) {
      unreadable = true;
      continue;
    }
    EnergyCounter e;
    e.file = zone / "energy_uj";
    if (!read_number(zone / "max_energy_range_uj", &e.range_uj)) e.range_uj = 0;
    energy_.push_back(e);
  }
  if (energy_.empty()) {
    absent_.push_back(unreadable ? "energy-j: RAPL energy_uj is not readable (root only since "
                                   "Linux 5.10; run as root to have energy and GFLOP/J)"
                                 : "energy-j: no RAPL package domain (sys/class/powercap)");
  }
  if (throttle_.empty()) {
    absent_.push_back("thermal-throttle-events: no thermal_throttle counts (Intel only)");
  }
}

void CpuTelemetry::note_lost(const char* metric, const fs::path& file, const char* why) {
  const std::string note = std::string(metric) + ": " + file.string() + " " + why;
  if (std::find(lost_.begin(), lost_.end(), note) == lost_.end()) lost_.push_back(note);
}

bool CpuTelemetry::read_all(const std::vector<fs::path>& files, const char* metric, double scale,
                            Reduce how, double* out) {
  double acc = how == Reduce::max ? -1e300 : 0;
  int count = 0;
  for (const fs::path& f : files) {
    double v = 0;
    if (!read_number(f, &v)) {
      note_lost(metric, f);
      continue;
    }
    v *= scale;
    acc = how == Reduce::max ? std::max(acc, v) : acc + v;
    ++count;
  }
  if (count == 0) return false;
  *out = how == Reduce::mean ? acc / count : acc;
  return true;
}

TelemetrySample CpuTelemetry::read() {
  TelemetrySample s;
  double v = 0;
  if (!freq_files_.empty()) {
    if (read_all(freq_files_, kCoreMhz, 1e-3, Reduce::mean, &v)) s.values[kCoreMhz] = v;
  } else if (cpuinfo_mhz(cpuinfo_, &v)) {
    s.values[kCoreMhz] = v;
  }
  if (read_all(temp_files_, kTempC, 1e-3, Reduce::max, &v)) s.values[kTempC] = v;
  bool any_throttle = false;
  for (ThrottleCounter& t : throttle_) {
    double count = 0;
    if (!read_number(t.file, &count)) {
      note_lost(kThermalEvents, t.file);
      continue;
    }
    any_throttle = true;
    if (t.last >= 0 && count > t.last) throttle_events_ += count - t.last;
    t.last = count;
  }
  if (any_throttle) s.values[kThermalEvents] = throttle_events_;
  bool all_energy = !energy_.empty();
  double joules = 0;
  for (EnergyCounter& e : energy_) {
    double raw = 0;
    if (!read_number(e.file, &raw)) {
      note_lost(kEnergyJ, e.file);
      all_energy = false;
      continue;
    }
    if (e.last_uj >= 0) {
      // A counter below its last value wrapped once (a sample period is far shorter than the
      // minutes a package takes to wrap its range). Without a known range, or with a "wrap" of
      // more than half the range (a reset, not a wrap), the energy from here on is unknown.
      double delta = raw - e.last_uj;
      if (delta < 0) {
        delta += e.range_uj;
        if (e.range_uj <= 0 || delta > e.range_uj / 2) {
          note_lost(kEnergyJ, e.file, "went back without a known wrap range (a reset?)");
          e.broken = true;
        }
      }
      if (!e.broken) e.total_uj += delta;
    }
    if (e.broken) {
      all_energy = false;
      e.last_uj = raw;
      continue;
    }
    e.last_uj = raw;
    joules += e.total_uj * 1e-6;
  }
  // A partial sum would look like a drop in power: energy only when every domain was read.
  if (all_energy) s.values[kEnergyJ] = joules;
  return s;
}

std::vector<std::string> CpuTelemetry::unknown() const {
  std::vector<std::string> out = absent_;
  out.insert(out.end(), lost_.begin(), lost_.end());
  return out;
}

}  // namespace aicert
