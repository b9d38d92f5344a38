#pragma once

#include <string>

#include "probe/core/probe_result.h"

namespace pushprobe::render {

struct ExchangeOptions {
  /// Frame the list with the blank lines Windows PowerShell prints around it.
  /// Off for faces that embed the three lines in their own output.
  bool blank_lines = true;
};

/// \brief What `Invoke-MonitoringProbe ... | fl ResultType, Error, Exception`
/// prints in the Exchange Management Shell for this result (docs/protocol.md
/// section 3), so administrators see the output they know:
///
/// \code
///
///
/// ResultType : Succeeded
/// Error      :
/// Exception  :
///
///
///
/// \endcode
///
/// The layout is that of Windows PowerShell 5.1's Format-List (ListWriter and
/// OutCommandInner), which the Exchange 2013 shell runs on:
/// - labels padded to the longest ("ResultType", 10 cells) plus " : ";
/// - multi-line values: CR is dropped and each LF starts a continuation line
///   indented by 13 spaces (the label width plus " : ");
/// - two blank lines before the list (format start, group start) and three
///   after it (entry end, group end, format end), when
///   ExchangeOptions::blank_lines is set. PowerShell 7 prints one before and
///   one after; Exchange's shell is not PowerShell 7.
///
/// Deliberate differences from PowerShell's raw bytes:
/// - no trailing whitespace: PowerShell writes "Error      : " (with a space)
///   for an empty value, which no console shows and which the Exchange
///   documentation and docs/protocol.md (section 3) print as "Error      :"; we print the
///   latter, so logs, golden files and plugin output carry no invisible bytes;
///   for the same reason an empty continuation line is empty, not 13 spaces;
/// - no wrapping at the console width: PowerShell wraps values longer than
///   (console width - 13) cells; we have no console, and a log keeps lines whole;
/// - lines end in "\n", not "\r\n".
///
/// Error and Exception are result.error and result.exception as they are (both
/// empty on success). Deterministic; never throws.
std::string RenderExchange(const ProbeResult& result, const ExchangeOptions& options = {});

}  // namespace pushprobe::render
