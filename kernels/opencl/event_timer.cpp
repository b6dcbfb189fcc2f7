// Profiling-event interval sums.
#include "kernels/opencl/event_timer.h"

#include "kernels/opencl/cl_error.h"

namespace aicert::opencl {

namespace {
cl_ulong profiling(cl_event e, cl_profiling_info what, const std::string& where) {
  cl_ulong t = 0;
  AICERT_CL(where, clGetEventProfilingInfo, e, what, sizeof t, static_cast<void*>(&t), nullptr);
  return t;
}
}  // namespace

void EventTimer::add(EventHandle event) {
  EventHandle to = event;
  intervals_.push_back({std::move(event), CL_PROFILING_COMMAND_START, std::move(to)});
}

void EventTimer::add_span(EventHandle before_marker, EventHandle last_event) {
  intervals_.push_back({std::move(before_marker), CL_PROFILING_COMMAND_END, std::move(last_event)});
}

double EventTimer::finish_and_sum_ms(cl_command_queue queue, const std::string& where) {
  AICERT_CL(where, clFinish, queue);
  std::vector<Interval> done;
  done.swap(intervals_);
  double ns = 0;
  for (const Interval& i : done) {
    const cl_ulong from = profiling(i.from.get(), i.from_what, where);
    const cl_ulong to = profiling(i.to.get(), CL_PROFILING_COMMAND_END, where);
    if (to > from) ns += static_cast<double>(to - from);
  }
  return ns * 1e-6;
}

}  // namespace aicert::opencl
