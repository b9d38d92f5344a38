#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/emulator/http_exchange.h"

namespace pushprobe::emulator {

/// The media type of a Content-Type value, lower case, parameters dropped.
std::string MediaType(const std::string& content_type);

/// Parses an application/x-www-form-urlencoded body strictly: no duplicate or
/// empty names. False with \p problem set when the body is not such a form.
bool ParseForm(const std::string& body, std::map<std::string, std::string>& fields,
               std::string& problem);

/// \brief Why a token request was refused before its grant was read, in the
/// terms of an Azure AD error answer.
struct FormRejection {
  int status = 400;
  std::string error;        ///< "invalid_request"
  std::string description;  ///< "AADSTS900144: ..."
  int code = 0;             ///< 900144
  std::string detail;       ///< what the emulator saw, for its log
};

/// The checks both token endpoints (ACS and identity platform) make as Azure
/// AD does: POST, a form body, exactly \p fields, none empty. Fills \p form;
/// \p kind names the request in the detail ("an ACS S2S request").
std::optional<FormRejection> ReadTokenForm(const Request& request,
                                           const std::vector<std::string>& fields,
                                           const std::string& kind,
                                           std::map<std::string, std::string>& form);

}  // namespace pushprobe::emulator
