#pragma once

#include <string>
#include <string_view>

#include "probe/core/expected.h"

namespace pushprobe::config_internal {

/// \brief An http(s) URL split just far enough to validate configuration.
///
/// The config library checks URLs itself rather than depending on
/// probe/protocol, which sits above it; probe/protocol's ParseUrl stays the
/// authority on what a request may use.
struct HttpUrlParts {
  std::string scheme;  ///< lower case: "http" or "https"
  bool has_userinfo = false;
  std::string userinfo;  ///< without the '@'
  std::string host;      ///< without brackets for IPv6 literals
  std::string port;      ///< digits, empty when not given
  std::string rest;      ///< path, query and fragment, possibly empty
};

/// Splits an absolute http or https URL with a host. Errors are a bare reason
/// ("scheme must be http or https"), for the caller to put in context.
Expected<HttpUrlParts> SplitHttpUrl(std::string_view text);

/// \p text with any userinfo ("user:password@") replaced by "<redacted>@".
/// Works on malformed URLs too, so error messages never echo a password.
std::string RedactUserinfo(std::string_view text);

}  // namespace pushprobe::config_internal
