#include "exporters/client_log.h"

#include <utility>

#include "probe/core/quote_text.h"

namespace pushprobe::exporter {

ClientLog::ClientLog(Logger* logger)
    : logger_(logger),
      budget_(logger ? logger->clock() : SystemClock::Instance(), kBurst, kWindow) {}

bool ClientLog::Enabled(LogLevel level) const { return logger_ && logger_->Enabled(level); }

void ClientLog::Log(LogLevel level, std::string_view msg, std::vector<Field> fields) {
  if (!Enabled(level)) return;
  const LogBudget::Grant grant = budget_.Take();
  if (!grant.log) return;
  if (grant.unlogged > 0) fields.emplace_back("unlogged", std::to_string(grant.unlogged));
  logger_->Log(level, msg, fields);
  if (grant.last) {
    logger_->Log(
        level, "client request log limit reached; further refusals are counted, not logged",
        {{"limit",
          std::to_string(kBurst) + " lines per " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kWindow).count()) +
              "s"}});
  }
}

std::string ClientLog::ClientText(std::string_view text) { return Excerpt(text, kMaxClientBytes); }

}  // namespace pushprobe::exporter
