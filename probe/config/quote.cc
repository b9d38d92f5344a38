#include "probe/config/quote.h"

#include "probe/core/quote_text.h"

namespace pushprobe::config_internal {

std::string Quote(std::string_view text) { return QuoteText(text); }

}  // namespace pushprobe::config_internal
