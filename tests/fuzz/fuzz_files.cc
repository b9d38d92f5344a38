#include "tests/fuzz/fuzz_files.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace pushprobe::fuzz {

std::vector<std::string_view> SplitParts(std::string_view input) {
  std::vector<std::string_view> parts;
  for (std::size_t at; (at = input.find(kPartSeparator)) != std::string_view::npos;) {
    parts.push_back(input.substr(0, at));
    input.remove_prefix(at + kPartSeparator.size());
  }
  parts.push_back(input);
  return parts;
}

const ScratchDir& ScratchDir::Get() {
  static const ScratchDir kDir;
  return kDir;
}

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/pushprobe-fuzz-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("pushprobe fuzz: mkdtemp");
    std::abort();
  }
  path_ = pattern;
  // A static's destructor may not run when libFuzzer exits on a finding;
  // atexit covers the normal ends, and the directory holds only small files.
  static std::string to_remove;
  to_remove = path_;
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(to_remove, ec);
  });
}

std::string ScratchDir::File(std::string_view name) const {
  return path_ + "/" + std::string(name);
}

std::string ScratchDir::Write(std::string_view name, std::string_view content) const {
  std::string file = File(name);
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (f == nullptr || std::fwrite(content.data(), 1, content.size(), f) != content.size() ||
      std::fclose(f) != 0) {
    std::perror(("pushprobe fuzz: cannot write " + file).c_str());
    std::abort();
  }
  return file;
}

}  // namespace pushprobe::fuzz
