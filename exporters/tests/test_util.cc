#include "exporters/tests/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pushprobe::exporter::testing {

void ManualExecutor::Post(std::function<void()> task) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.push_back(std::move(task));
}

bool ManualExecutor::RunNext() {
  std::function<void()> task;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tasks_.empty()) return false;
    task = std::move(tasks_.front());
    tasks_.pop_front();
  }
  task();
  return true;
}

std::size_t ManualExecutor::RunAll() {
  std::size_t n = 0;
  while (RunNext()) ++n;
  return n;
}

std::size_t ManualExecutor::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_.size();
}

ProbeResult FakeResult(const std::string& target, WallTime started_at,
                       std::optional<StageId> failed_stage, Reason reason) {
  ProbeResult r;
  r.target = target;
  r.organization = target + ".example";
  r.started_at = started_at;
  r.duration = std::chrono::milliseconds(120);
  bool failed = false;
  for (StageId id : kAllStages) {
    StageResult s;
    s.stage = id;
    if (failed) {
      s.status = StageStatus::kSkipped;
    } else if (failed_stage == id) {
      s.Fail(reason, "stage " + std::string(StageName(id)) + " failed");
      s.duration = std::chrono::milliseconds(10);
      failed = true;
    } else {
      s.status = StageStatus::kOk;
      s.duration = std::chrono::milliseconds(20);
    }
    r.stages.push_back(s);
  }
  if (failed_stage) {
    r.result_type = ResultType::kFailed;
    r.failed_stage = failed_stage;
    r.reason = reason;
    r.category = CategoryFor(reason);
    r.error = "stage " + std::string(StageName(*failed_stage)) + " failed";
  } else {
    r.result_type = ResultType::kSucceeded;
  }
  return r;
}

std::string CompareGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(PUSHPROBE_EXPORTER_TESTDATA) + "/" + name;
  const char* update = std::getenv("PUSHPROBE_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    WriteFile(path, actual);
    return "";
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return "golden file " + path + " is missing; run with PUSHPROBE_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  if (expected.str() == actual) return "";
  const std::string e = expected.str();
  std::size_t at = 0;
  while (at < e.size() && at < actual.size() && e[at] == actual[at]) ++at;
  return "differs from " + path + " at byte " + std::to_string(at) + ":\n--- expected\n" +
         e.substr(at, 200) + "\n--- actual\n" + actual.substr(at, 200);
}

std::optional<std::string> PromtoolCheck(const std::string& exposition) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) return std::nullopt;
  const std::string dir = MakeTempDir();
  const std::string file = dir + "/metrics.prom";
  WriteFile(file, exposition);
  const std::string command = "promtool check metrics < '" + file + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string output;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) output.append(buf.data(), n);
  const int status = pclose(pipe);
  std::remove(file.c_str());
  rmdir(dir.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && output.empty()) return std::string();
  return output + "(exit status " + std::to_string(WEXITSTATUS(status)) + ")";
}

std::string MakeTempDir() {
  char tmpl[] = "/tmp/pushprobe-exporter-test.XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace pushprobe::exporter::testing
