// The clock a core really runs at, measured: a chain of dependent 64-bit IMULs (3 cycles each on
// every x86 core since Sandy Bridge and Zen) timed with steady_clock. Not adds: Golden Cove and
// later fold chains of add-immediate at rename (such a chain measured 24.8 GHz here). Where the OS has no cpufreq (a VM)
// /proc/cpuinfo's "cpu MHz" is the host's TSC clock, often far below the turbo clock the cores
// run at (2600 MHz stated, 4150 measured on this project's CI VM), so a nominal peak estimated
// from it would be exceeded by the measurement. The nominal estimate uses this instead.
#pragma once

namespace aicert::cpu {

// MHz of the calling thread's core (the fastest of a few ~3 ms trials, so that a trial the OS
// preempted does not count); 0 where it cannot be measured (not x86).
double measure_core_mhz();

}  // namespace aicert::cpu
