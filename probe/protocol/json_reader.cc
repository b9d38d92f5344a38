#include "probe/protocol/json_reader.h"

#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace pushprobe::json {

Value Value::Boolean(bool value) {
  Value v;
  v.kind_ = Kind::kBoolean;
  v.text_ = value ? "true" : "false";
  return v;
}

Value Value::Number(std::string literal) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(literal);
  return v;
}

Value Value::String(std::string text) {
  Value v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(text);
  return v;
}

Value Value::Array(std::vector<Value> elements) {
  Value v;
  v.kind_ = Kind::kArray;
  v.elements_ = std::move(elements);
  return v;
}

Value Value::Object(std::vector<Member> members) {
  Value v;
  v.kind_ = Kind::kObject;
  v.members_ = std::move(members);
  return v;
}

namespace {

// Builds a Value tree from nlohmann's SAX events rather than through
// nlohmann::json, because the protocol's readers need what a DOM drops:
// members in document order with duplicate names kept, and each number's
// literal as written (a fraction or an exponent is handed over as text; an
// integer's text is its value printed again, the same digits).
class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return Add(Value()); }
  bool boolean(bool val) override { return Add(Value::Boolean(val)); }
  bool number_integer(number_integer_t val) override {
    return Add(Value::Number(std::to_string(val)));
  }
  bool number_unsigned(number_unsigned_t val) override {
    return Add(Value::Number(std::to_string(val)));
  }
  bool number_float(number_float_t /*val*/, const string_t& s) override {
    return Add(Value::Number(s));
  }
  bool string(string_t& val) override { return Add(Value::String(std::move(val))); }
  bool binary(binary_t& /*val*/) override { return false; }  // not produced by a JSON text

  bool start_object(std::size_t /*elements*/) override { return Open(Value::Kind::kObject); }
  bool key(string_t& val) override {
    open_.back().key = std::move(val);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t /*elements*/) override { return Open(Value::Kind::kArray); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    error_ = Describe(ex.what(), last_token);
    // nlohmann counts the byte it stopped on from 1; a text that ends early
    // stops one past its last byte, i.e. at its length.
    if (position > 0) error_ += " at offset " + std::to_string(position - 1);
    return false;
  }

  Value TakeRoot() { return std::move(root_); }
  const std::string& error() const { return error_; }

 private:
  struct Container {
    Value::Kind kind;
    std::vector<Value> elements;
    std::vector<Value::Member> members;
    std::string key;
  };

  // nlohmann's text after its "[json.exception...] parse error at line 1,
  // column 3: " prefix, without the "; last read: '...'" part: the bytes read
  // may be a credential from a body cut short, and error texts reach logs.
  static std::string Describe(std::string what, const std::string& last_token) {
    const std::size_t bracket = what.find("] ");
    if (bracket != std::string::npos) what.erase(0, bracket + 2);
    const std::size_t column = what.find("column ");
    const std::size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
    if (what.rfind("parse error", 0) == 0 && colon != std::string::npos) what.erase(0, colon + 2);
    const std::string last_read = "; last read: '" + last_token + "'";
    if (const std::size_t at = what.find(last_read); at != std::string::npos) {
      what.erase(at, last_read.size());
    }
    return what;
  }

  bool Open(Value::Kind kind) {
    if (open_.size() >= kMaxDepth) {
      error_ = "nested deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    open_.push_back(Container{kind, {}, {}, {}});
    return true;
  }

  bool Close() {
    Container done = std::move(open_.back());
    open_.pop_back();
    return Add(done.kind == Value::Kind::kObject ? Value::Object(std::move(done.members))
                                                 : Value::Array(std::move(done.elements)));
  }

  bool Add(Value value) {
    if (open_.empty()) {
      root_ = std::move(value);
    } else if (open_.back().kind == Value::Kind::kObject) {
      open_.back().members.emplace_back(std::move(open_.back().key), std::move(value));
    } else {
      open_.back().elements.push_back(std::move(value));
    }
    return true;
  }

  std::vector<Container> open_;
  Value root_;
  std::string error_;
};

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

Expected<Value> Parse(std::string_view text) {
  std::string_view rest = text;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
  while (!rest.empty() && IsJsonWhitespace(rest.front())) rest.remove_prefix(1);
  if (rest.empty()) return Expected<Value>::Error("empty text");

  TreeBuilder builder;
  // strict: nothing but whitespace may follow the value; comments are refused.
  const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder,
                                            nlohmann::json::input_format_t::json, true);
  if (!ok) return Expected<Value>::Error(builder.error());
  return builder.TakeRoot();
}

}  // namespace pushprobe::json
