#pragma once

#include <string>

#include "probe/core/target_config.h"

namespace pushprobe {

/// \brief The effective configuration, every target fully expanded (built-in
/// defaults and the file's `defaults:` applied), as a YAML document.
///
/// For display (the exporter's /config page): certificate, private_key and
/// private_key_password_file and proxy_password_file show as kRedactedText (core/redact.h) when
/// set, and any userinfo in a URL (proxy credentials) as "<redacted>@". Everything else is shown as
/// loaded: durations as "30s", connect_to in curl syntax.
std::string RedactedYaml(const Config& config);

}  // namespace pushprobe
