#pragma once

#include <map>
#include <string>

namespace pushprobe::emulator {

/// The media type of a Content-Type value, lower case, parameters dropped.
std::string MediaType(const std::string& content_type);

/// Parses an application/x-www-form-urlencoded body strictly: no duplicate or
/// empty names. False with \p problem set when the body is not such a form.
bool ParseForm(const std::string& body, std::map<std::string, std::string>& fields,
               std::string& problem);

}  // namespace pushprobe::emulator
