#include "tests/emulator/stats.h"

#include <sstream>

namespace pushprobe::emulator {

const EndpointStats& Stats::of(Stage stage) const {
  switch (stage) {
    case Stage::kMetadata:
      return metadata;
    case Stage::kChallenge:
      return challenge;
    case Stage::kToken:
      return token;
    case Stage::kPublish:
      break;
  }
  return publish;
}

std::string Stats::ToJson() const {
  std::ostringstream out;
  out << '{';
  for (Stage stage : {Stage::kMetadata, Stage::kChallenge, Stage::kToken, Stage::kPublish}) {
    const EndpointStats& s = of(stage);
    out << '"' << StageName(stage) << "\":{\"accepted\":" << s.accepted
        << ",\"rejected\":" << s.rejected << ",\"faulted\":" << s.faulted << "},";
  }
  out << "\"unknown\":" << unknown << ",\"waiting\":" << waiting << '}';
  return out.str();
}

}  // namespace pushprobe::emulator
