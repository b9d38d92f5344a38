#include "exporters/tests/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pushprobe::exporter::testing {

std::string LockedLog::Text() const { return buffer_.Text(); }

std::size_t LockedLog::Count(const std::string& needle) const {
  std::istringstream in(Text());
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

std::string LockedLog::Buffer::Text() const {
  std::lock_guard<std::mutex> lock(mu_);
  return text_;
}

LockedLog::Buffer::int_type LockedLog::Buffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  std::lock_guard<std::mutex> lock(mu_);
  text_ += traits_type::to_char_type(c);
  return c;
}

std::streamsize LockedLog::Buffer::xsputn(const char* s, std::streamsize n) {
  std::lock_guard<std::mutex> lock(mu_);
  text_.append(s, static_cast<std::size_t>(n));
  return n;
}

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

int Connect(std::uint16_t port, const char* address) {
  const bool v6 = std::string(address).find(':') != std::string::npos;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int rc;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    inet_pton(AF_INET6, address, &a.sin6_addr);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, address, &a.sin_addr);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  if (rc != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void Send(int fd, const std::string& data) {
  [[maybe_unused]] ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
}

// Reads one response (Content-Length framed, or to the end of the stream).
Response Read(int fd) {
  Response r;
  std::string& in = r.raw;
  char buffer[65536];
  std::size_t head_end = std::string::npos;
  std::size_t length = std::string::npos;
  for (;;) {
    if (head_end == std::string::npos) {
      head_end = in.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::istringstream lines(in.substr(0, head_end));
        std::getline(lines, r.status_line);
        if (!r.status_line.empty() && r.status_line.back() == '\r') r.status_line.pop_back();
        for (std::string line; std::getline(lines, line);) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          const std::size_t colon = line.find(':');
          std::string name = line.substr(0, colon);
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          r.headers[name] = line.substr(colon + 2);
        }
        if (r.headers.count("content-length")) length = std::stoul(r.headers["content-length"]);
      }
    }
    if (length != std::string::npos && in.size() >= head_end + 4 + length) break;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    in.append(buffer, static_cast<std::size_t>(n));
  }
  if (head_end != std::string::npos) r.body = in.substr(head_end + 4);
  return r;
}

Response Request(std::uint16_t port, const std::string& request, const char* address) {
  const int fd = Connect(port, address);
  if (fd < 0) return {};
  Send(fd, request);
  Response r = Read(fd);
  ::close(fd);
  return r;
}

std::string Get(const std::string& path, const std::string& extra) {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "Connection: close\r\n\r\n";
}

}  // namespace pushprobe::exporter::testing
