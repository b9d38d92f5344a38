#pragma once

#include <yaml-cpp/node/type.h>

#include <string>

namespace pushprobe {

/// How a sequence is named in "must be a map, got ..." messages: the probe's
/// configuration says "a sequence" (YAML's word), the exporter's web
/// configuration says "a list", as the exporter-toolkit documents that file.
enum class SequenceWord { kSequence, kList };

/// What a YAML node of \p type is, for an error message: "an empty value",
/// "a string", "a sequence" or "a list", "a map", or "nothing".
inline std::string YamlKindName(YAML::NodeType::value type, SequenceWord sequence_word) {
  switch (type) {
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return sequence_word == SequenceWord::kList ? "a list" : "a sequence";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

}  // namespace pushprobe
