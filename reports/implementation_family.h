// What an implementation is across backends, so that reports of different hardware can be
// matched case by case: every vendor library (CBLAS, CLBlast, cuBLASLt, oneDNN, NCCL, ...) is
// family "vendor" (what users of the machine get), every own kernel is its name without the
// backend ("cpu:flash" and "cuda:flash" are family "flash").
#pragma once

#include <string>
#include <string_view>

namespace aicert {

std::string implementation_family(std::string_view impl);

}  // namespace aicert
