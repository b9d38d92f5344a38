#include "nagios/check_evaluation.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <string_view>
#include <utility>

#include "nagios/number_format.h"
#include "nagios/truncate_utf8.h"
#include "probe/core/first_line.h"
#include "probe/core/time_format.h"
#include "probe/render/format.h"

namespace pushprobe::nagios {
namespace {

// The longest failure text the summary carries; the stage line below it has the rest.
constexpr std::size_t kMaxProblemChars = 200;

// Each server's TLS leaf is judged under the first stage that talks to it
// (the publish host's under the Bearer challenge, an unauthenticated POST to
// the publish URL) and graphed as tls_<endpoint>_days.
std::string TlsDaysLabel(std::string_view endpoint) {
  return "tls_" + std::string(endpoint) + "_days";
}

// Phrases for the OAuth error codes an Exchange admin meets most, shortened the
// way the admin guides name them; other codes keep their own first sentence.
struct KnownCode {
  const char* code;
  const char* phrase;
};
constexpr std::array<KnownCode, 6> kKnownCodes = {{
    {"AADSTS700027", "key not found"},
    {"AADSTS700024", "assertion outside its valid time range"},
    {"AADSTS700016", "application not found in the tenant"},
    {"AADSTS7000112", "application disabled"},
    {"AADSTS90002", "tenant not found"},
    {"ACS50012", "authentication failed"},
}};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "AADSTS700027" or "ACS50012" as found in an OAuth error description, or empty.
std::string_view FindErrorCode(std::string_view text) {
  for (std::string_view prefix : {std::string_view("AADSTS"), std::string_view("ACS")}) {
    for (std::size_t at = text.find(prefix); at != std::string_view::npos;
         at = text.find(prefix, at + 1)) {
      std::size_t end = at + prefix.size();
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      bool word_start = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
      if (word_start && end > at + prefix.size()) return text.substr(at, end - at);
    }
  }
  return {};
}

std::string OAuthPhrase(std::string_view message, std::string_view code) {
  for (const KnownCode& known : kKnownCodes) {
    if (code == known.code) return std::string(code) + " " + known.phrase;
  }
  // "CODE: First sentence. More" -> "CODE First sentence"
  std::string_view rest = message.substr(message.find(code) + code.size());
  if (StartsWith(rest, ":")) rest.remove_prefix(1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  rest = FirstLine(rest);
  if (auto stop = rest.find_first_of(".["); stop != std::string_view::npos) {
    rest = rest.substr(0, stop);
  }
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return rest.empty() ? std::string(code) : std::string(code) + " " + std::string(rest);
}

std::string SecondsText(Duration d) { return render::FormatSeconds(d, 3) + "s"; }

// "CN=outlook.com,O=Microsoft Corporation" -> "outlook.com"; the whole subject
// when it has no CN.
std::string CommonName(const std::string& subject) {
  std::string_view s = subject;
  for (std::size_t at = 0; at < s.size();) {
    std::size_t end = s.find(',', at);
    std::string_view part = s.substr(at, end == std::string_view::npos ? s.npos : end - at);
    if (StartsWith(part, "CN=")) return std::string(part.substr(3));
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return subject;
}

Thresholds CertThresholds(const PluginOptions& options) {
  // "N:" alerts below N: fewer days left than the option says.
  Thresholds t;
  t.warning = NagiosRange{static_cast<double>(options.cert_warning_days), false, 0, true, false};
  t.critical = NagiosRange{static_cast<double>(options.cert_critical_days), false, 0, true, false};
  return t;
}

std::string ThresholdProblem(State state, const Thresholds& thresholds) {
  const std::optional<NagiosRange>& range =
      state == State::kCritical ? thresholds.critical : thresholds.warning;
  std::string which = state == State::kCritical ? "critical" : "warning";
  return "(" + which + " range " + (range ? range->ToString() : std::string()) + ")";
}

Subcheck CertSubcheck(const std::string& described, WallTime not_after, WallTime now,
                      const Thresholds& thresholds) {
  Subcheck check;
  check.name = described;
  std::int64_t days = render::DaysLeft(not_after, now);
  check.state = thresholds.Evaluate(static_cast<double>(days));
  check.text = render::FormatExpiry(not_after, now);
  if (*check.state != State::kOk) {
    check.problem = not_after <= now ? described + " expired " + render::FormatDate(not_after)
                                     : described + " expires in " + std::to_string(days) +
                                           (days == 1 ? " day (" : " days (") +
                                           render::FormatDate(not_after) + ")";
  }
  return check;
}

PerfDatum TimeDatum(std::string label, std::optional<Duration> d, const Thresholds& thresholds) {
  PerfDatum datum;
  datum.label = std::move(label);
  if (d) datum.value = ToSeconds(*d);
  datum.uom = "s";
  datum.warning = thresholds.WarningText();
  datum.critical = thresholds.CriticalText();
  datum.min = 0;
  return datum;
}

PerfDatum DaysDatum(std::string label, std::optional<std::int64_t> days,
                    const Thresholds& thresholds) {
  PerfDatum datum;
  datum.label = std::move(label);
  if (days) datum.value = static_cast<double>(*days);
  datum.warning = thresholds.WarningText();
  datum.critical = thresholds.CriticalText();
  return datum;
}

// Either direction counts: "-60:60" alerts outside [-60, 60] seconds.
Thresholds SkewThresholds(const PluginOptions& options) {
  const auto within = [](int seconds) {
    return NagiosRange{-static_cast<double>(seconds), false, static_cast<double>(seconds), false,
                       false};
  };
  Thresholds t;
  t.warning = within(options.skew_warning_seconds);
  t.critical = within(options.skew_critical_seconds);
  return t;
}

// Measured on every run, also one that passes: OAuth elsewhere in the hybrid
// (free/busy, mailbox moves) breaks beyond five minutes even while the push
// check still succeeds.
Subcheck SkewSubcheck(Duration skew, const PluginOptions& options) {
  Subcheck check;
  check.name = "clock skew";
  const double seconds =
      static_cast<double>(std::chrono::round<std::chrono::seconds>(skew).count());
  const Thresholds thresholds = SkewThresholds(options);
  check.state = thresholds.Evaluate(seconds);
  check.text = DescribeClockSkew(skew);
  if (*check.state != State::kOk) {
    const int limit = *check.state == State::kCritical ? options.skew_critical_seconds
                                                       : options.skew_warning_seconds;
    check.problem = "clock skew: " + check.text + " (more than " + std::to_string(limit) + " s)";
  }
  return check;
}

// The first node, depth first, whose own state is \p state and that says what
// is wrong.
const Subcheck* FindProblem(const std::vector<Subcheck>& checks, State state) {
  for (const Subcheck& check : checks) {
    if (check.state == state && !check.problem.empty()) return &check;
    if (const Subcheck* child = FindProblem(check.children, state)) return child;
  }
  return nullptr;
}

Subcheck StageSubcheck(const StageResult& stage, const PluginOptions& options) {
  Subcheck check;
  check.name = std::string(StageName(stage.stage));
  for (const Fact& fact : stage.facts) check.details.push_back(fact.name + ": " + fact.value);
  switch (stage.status) {
    case StageStatus::kSkipped:
      return check;
    case StageStatus::kOk:
      check.state = State::kOk;
      check.text = SecondsText(stage.duration);
      break;
    case StageStatus::kFailed:
      check.state = StateForFailure(stage.reason, options.timeout_result);
      check.text = SecondsText(stage.duration) + " " + std::string(ReasonName(stage.reason)) +
                   ": " + std::string(FirstLine(stage.message));
      check.problem = ShortProblem(stage);
      break;
  }
  const Thresholds& thresholds = options.StageTime(stage.stage);
  State time_state = thresholds.Evaluate(ToSeconds(stage.duration));
  if (time_state != State::kOk && WorstState(*check.state, time_state) != *check.state) {
    check.state = time_state;
    check.problem = check.name + " took " + SecondsText(stage.duration) + " " +
                    ThresholdProblem(time_state, thresholds);
  }
  return check;
}

// The rollover step beside the six stages; it never changes their verdict,
// only this subcheck's own state.
Subcheck RolloverSubcheck(const ProbeResult& result, const PluginOptions& options) {
  const StageResult& step = *result.rollover;
  const ProbeFacts& f = result.facts;
  Subcheck check;
  check.name = "next auth certificate";
  for (const Fact& fact : step.facts) check.details.push_back(fact.name + ": " + fact.value);
  std::string when;
  std::optional<std::int64_t> days;
  if (f.next_auth_cert_effective) {
    days = render::DaysLeft(*f.next_auth_cert_effective, result.started_at);
    when = *days > 0 ? "effective in " + std::to_string(*days) + " days"
                     : "effective since " + render::FormatRfc3339(*f.next_auth_cert_effective);
  }
  switch (step.status) {
    case StageStatus::kSkipped:
      check.text = "not checked: " + step.message;
      return check;
    case StageStatus::kOk:
      check.state = State::kOk;
      check.text = "registered" + (when.empty() ? "" : ", " + when);
      return check;
    case StageStatus::kFailed:
      break;
  }
  const bool soon = days && *days < options.rollover_critical_days;
  check.state = soon ? State::kCritical : State::kWarning;
  const std::string what = f.next_auth_cert_registered == std::optional<bool>(false)
                               ? "not registered in Microsoft 365"
                               : "not usable";
  check.text = what + " (" + std::string(ReasonName(step.reason)) +
               "): " + std::string(FirstLine(step.message)) + (when.empty() ? "" : "; " + when);
  check.problem = TruncateUtf8("next Auth certificate " + what + (when.empty() ? "" : ", " + when),
                               kMaxProblemChars);
  return check;
}

}  // namespace

State Subcheck::Worst() const {
  State worst = state.value_or(State::kOk);
  for (const Subcheck& child : children) worst = WorstState(worst, child.Worst());
  return worst;
}

State StateForFailure(Reason reason, State timeout_result) {
  switch (reason) {
    case Reason::kConfig:
    case Reason::kInternal:
      return State::kUnknown;
    case Reason::kTimeout:
      return timeout_result;
    default:
      return State::kCritical;
  }
}

std::string ShortProblem(const StageResult& stage) {
  // One grammar for every stage: "<stage> <reason>: <detail>".
  std::string head =
      std::string(StageName(stage.stage)) + " " + std::string(ReasonName(stage.reason));
  std::string_view message = FirstLine(stage.message);
  if (stage.reason == Reason::kOauthError) {
    if (std::string_view code = FindErrorCode(stage.message); !code.empty()) {
      return TruncateUtf8(head + ": " + OAuthPhrase(stage.message, code), kMaxProblemChars);
    }
  }
  if (message.empty()) return head;
  return TruncateUtf8(head + ": " + std::string(message), kMaxProblemChars);
}

CheckEvaluation EvaluateCheck(const ProbeResult& result, const PluginOptions& options) {
  CheckEvaluation evaluation;
  const WallTime now = result.started_at;
  const Thresholds cert_thresholds = CertThresholds(options);

  if (result.stages.size() != kAllStages.size()) {
    // An engine defect; say so rather than guess which stage is which.
    Subcheck broken;
    broken.name = "result";
    broken.state = State::kUnknown;
    broken.text = "internal error: the result has " + std::to_string(result.stages.size()) +
                  " stages, expected " + std::to_string(kAllStages.size());
    broken.problem = broken.text;
    evaluation.subchecks.push_back(broken);
  } else {
    for (StageId id : kAllStages) {
      evaluation.subchecks.push_back(StageSubcheck(result.Stage(id), options));
    }
  }

  std::optional<std::int64_t> auth_days;
  if (result.facts.auth_cert_not_after && evaluation.subchecks.size() == kAllStages.size()) {
    auth_days = render::DaysLeft(*result.facts.auth_cert_not_after, now);
    evaluation.subchecks[static_cast<std::size_t>(StageId::kCertificate)].children.push_back(
        CertSubcheck("auth certificate", *result.facts.auth_cert_not_after, now, cert_thresholds));
  }
  std::array<std::optional<std::int64_t>, kTlsEndpoints.size()> tls_days;
  for (std::size_t i = 0; i < kTlsEndpoints.size(); ++i) {
    auto leaf = result.facts.tls_leaf.find(std::string(kTlsEndpoints[i]));
    const std::optional<StageId> stage = FirstStageReaching(kTlsEndpoints[i]);
    if (leaf == result.facts.tls_leaf.end() || !stage ||
        evaluation.subchecks.size() != kAllStages.size()) {
      continue;
    }
    tls_days[i] = render::DaysLeft(leaf->second.not_after, now);
    evaluation.subchecks[static_cast<std::size_t>(*stage)].children.push_back(
        CertSubcheck("TLS certificate of " + CommonName(leaf->second.subject),
                     leaf->second.not_after, now, cert_thresholds));
  }

  if (result.rollover) evaluation.subchecks.push_back(RolloverSubcheck(result, options));

  std::optional<double> skew_seconds;
  if (result.facts.clock_skew) {
    Subcheck skew = SkewSubcheck(*result.facts.clock_skew, options);
    skew_seconds = std::chrono::round<std::chrono::seconds>(*result.facts.clock_skew).count();
    evaluation.subchecks.push_back(std::move(skew));
  }

  Subcheck total;
  total.name = "total time";
  total.state = options.total_time.Evaluate(ToSeconds(result.duration));
  total.text = SecondsText(result.duration);
  if (*total.state != State::kOk) {
    total.problem = "check took " + SecondsText(result.duration) + " " +
                    ThresholdProblem(*total.state, options.total_time);
  }
  evaluation.subchecks.push_back(total);

  evaluation.state = State::kOk;
  for (const Subcheck& check : evaluation.subchecks) {
    evaluation.state = WorstState(evaluation.state, check.Worst());
  }

  const Subcheck* problem = FindProblem(evaluation.subchecks, evaluation.state);
  if (problem == nullptr && result.failed_stage && result.stages.size() == kAllStages.size()) {
    // --timeout-result ok: the run failed yet the state is OK; still say why.
    problem = &evaluation.subchecks[static_cast<std::size_t>(*result.failed_stage)];
  }
  if (problem != nullptr && !problem->problem.empty()) {
    evaluation.summary = problem->problem;
  } else if (result.succeeded()) {
    evaluation.summary = "push notification published in " + SecondsText(result.duration);
  } else {
    evaluation.summary = "the check failed without a failed stage (internal error)";
    evaluation.state = WorstState(evaluation.state, State::kUnknown);
  }
  const std::string& who = result.organization.empty() ? result.target : result.organization;
  if (!who.empty()) evaluation.summary += " (" + who + ")";

  evaluation.perfdata.push_back(TimeDatum(kTotalTimeLabel, result.duration, options.total_time));
  for (StageId id : kAllStages) {
    std::optional<Duration> d;
    if (result.stages.size() == kAllStages.size() &&
        result.Stage(id).status != StageStatus::kSkipped) {
      d = result.Stage(id).duration;
    }
    evaluation.perfdata.push_back(
        TimeDatum(std::string(StageName(id)) + "_time", d, options.StageTime(id)));
  }
  evaluation.perfdata.push_back(DaysDatum(kAuthCertDaysLabel, auth_days, cert_thresholds));
  for (std::size_t i = 0; i < kTlsEndpoints.size(); ++i) {
    evaluation.perfdata.push_back(
        DaysDatum(TlsDaysLabel(kTlsEndpoints[i]), tls_days[i], cert_thresholds));
  }
  PerfDatum skew;
  skew.label = kClockSkewLabel;
  skew.value = skew_seconds;
  skew.uom = "s";
  const Thresholds skew_thresholds = SkewThresholds(options);
  skew.warning = skew_thresholds.WarningText();
  skew.critical = skew_thresholds.CriticalText();
  evaluation.perfdata.push_back(skew);
  if (result.rollover) {
    PerfDatum registered;
    registered.label = kNextCertRegisteredLabel;
    if (result.facts.next_auth_cert_registered) {
      registered.value = *result.facts.next_auth_cert_registered ? 1 : 0;
    }
    registered.min = 0;
    registered.max = 1;
    evaluation.perfdata.push_back(registered);
    PerfDatum effective;
    effective.label = kNextCertEffectiveDaysLabel;
    if (result.facts.next_auth_cert_effective) {
      effective.value = static_cast<double>(
          render::DaysLeft(*result.facts.next_auth_cert_effective, result.started_at));
    }
    evaluation.perfdata.push_back(effective);
  }
  return evaluation;
}

}  // namespace pushprobe::nagios
