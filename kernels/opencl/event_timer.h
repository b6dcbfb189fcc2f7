// Device-side timing from OpenCL profiling events: each launch records the events that bound
// it; a sync waits for the queue and sums the intervals in device nanoseconds.
#pragma once

#include <CL/cl.h>

#include <string>
#include <vector>

#include "kernels/opencl/cl_handle.h"

namespace aicert::opencl {

class EventTimer {
 public:
  // A launch that is one command: its own START..END.
  void add(EventHandle event);
  // A launch of several commands (a library call): from the END of a marker enqueued before it
  // to the END of the event the call returned for its last command.
  void add_span(EventHandle before_marker, EventHandle last_event);
  // clFinish(queue), then the sum of the recorded intervals in ms; forgets them.
  double finish_and_sum_ms(cl_command_queue queue, const std::string& where);

 private:
  struct Interval {
    EventHandle from;
    cl_profiling_info from_what;
    EventHandle to;
  };
  std::vector<Interval> intervals_;
};

}  // namespace aicert::opencl
