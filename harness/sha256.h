// SHA-256 (OpenSSL) of a byte string as lower-case hex: profile identity and plan digests.
#pragma once

#include <string>
#include <string_view>

namespace aicert {

std::string sha256_hex(std::string_view bytes);

}  // namespace aicert
