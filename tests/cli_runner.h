#pragma once
// Runs a program as a user would from a shell, for the end-to-end tests: standard input from
// /dev/null, standard output and error captured. One way for every test that drives `tessera`:
// RunProgram for a command that runs to its end, ServerProcess for a long-running
// `tessera serve`.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace tessera::testing {

struct CliRun {
  int exit_code = -1;  // 128 + signal when the program was killed; -1 when it could not start
  std::string out;
  std::string err;
};

// The whole content of the file at `path` ("" when it cannot be read).
inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `program ARGS...` and waits for it. Its output goes through files `stdout` and `stderr` in
// `scratch_dir` (overwritten). A program that cannot be started fails the current test.
inline CliRun RunProgram(const std::string& program, const std::vector<std::string>& args,
                         const std::filesystem::path& scratch_dir) {
  const std::string out_path = (scratch_dir / "stdout").string();
  const std::string err_path = (scratch_dir / "stderr").string();
  std::vector<std::string> argv_s = {program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CliRun r;
  if (rc != 0) {
    ADD_FAILURE() << "cannot run " << program << ": " << std::strerror(rc);
    return r;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out_path);
  r.err = Slurp(err_path);
  return r;
}

// A long-running child such as `tessera serve --listen 127.0.0.1:0`: started with standard input
// from /dev/null and standard output and error into one pipe that a reader thread drains (so the
// child never blocks on its log). Start() waits for the line "listening on URL" and parses URL.
// The destructor kills a child still running (SIGKILL) and reaps it. Not thread-safe except
// output() and WaitFor(), which may be called while the reader thread runs.
class ServerProcess {
 public:
  using Clock = std::chrono::steady_clock;

  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() {
    if (pid_ > 0 && !exit_code_) Kill();
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) close(fd_);
  }

  // Starts `program ARGS...` and waits up to `limit` for "listening on URL" in its output.
  // Failure (cannot start, exits early, no such line in time) says why, output included.
  ::testing::AssertionResult Start(const std::string& program, const std::vector<std::string>& args,
                                   std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    if (!Spawn(program, args)) {
      return ::testing::AssertionFailure()
             << "cannot run " << program << ": " << std::strerror(errno);
    }
    const std::string marker = "listening on ";
    const auto deadline = Clock::now() + limit;
    for (;;) {
      const std::string out = output();
      if (const size_t at = out.find(marker); at != std::string::npos) {
        const size_t end = out.find_first_of("\r\n", at);
        if (end != std::string::npos) {
          url_ = out.substr(at + marker.size(), end - at - marker.size());
          const size_t colon = url_.rfind(':');
          if (colon != std::string::npos)
            port_ = static_cast<uint16_t>(std::atoi(&url_[colon + 1]));
          if (port_ == 0) return ::testing::AssertionFailure() << "no port in: " << url_;
          return ::testing::AssertionSuccess();
        }
      }
      if (Wait(std::chrono::milliseconds(0))) {
        return ::testing::AssertionFailure()
               << program << " exited with " << *exit_code_ << " before listening:\n"
               << output();
      }
      if (Clock::now() >= deadline) {
        return ::testing::AssertionFailure()
               << program << " did not say 'listening on' within " << limit.count() << " ms:\n"
               << output();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // "http://127.0.0.1:43127" as the server printed it, and its port.
  const std::string& url() const { return url_; }
  uint16_t port() const { return port_; }

  // Everything the child wrote to standard output and error so far.
  std::string output() {
    std::lock_guard lock(mu_);
    return output_;
  }
  // Waits until the output holds `needle`; false after `limit`.
  bool WaitFor(const std::string& needle, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (output().find(needle) == std::string::npos) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // Waits up to `limit` for the child to end: its exit code, 128 + signal, or nullopt while it
  // still runs. Once it has ended, returns the same code at once.
  std::optional<int> Wait(std::chrono::milliseconds limit) {
    if (exit_code_ || pid_ <= 0) return exit_code_;
    const auto deadline = Clock::now() + limit;
    for (;;) {
      int status = 0;
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ && (WIFEXITED(status) || WIFSIGNALED(status))) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (r < 0 || Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // Sends SIGTERM (a graceful stop) and waits up to `limit`; as Wait().
  std::optional<int> Stop(std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    if (pid_ > 0 && !exit_code_) kill(pid_, SIGTERM);
    return Wait(limit);
  }
  // Sends SIGKILL (a crash: nothing runs in the child after it) and reaps the child.
  std::optional<int> Kill() {
    if (pid_ > 0 && !exit_code_) kill(pid_, SIGKILL);
    return Wait(std::chrono::seconds(30));
  }

 private:
  bool Spawn(const std::string& program, const std::vector<std::string>& args) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    std::vector<std::string> argv_s = {program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      errno = rc;
      return false;
    }
    pid_ = pid;
    fd_ = fds[0];
    reader_ = std::thread([this] {
      char buf[8192];
      for (;;) {
        const ssize_t n = read(fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        std::lock_guard lock(mu_);
        output_.append(buf, static_cast<size_t>(n));
      }
    });
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string url_;
  uint16_t port_ = 0;
  std::thread reader_;
  std::mutex mu_;
  std::string output_;
  std::optional<int> exit_code_;
};

}  // namespace tessera::testing
