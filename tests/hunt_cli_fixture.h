#pragma once
// What the end-to-end tests of `tessera hunt` (hunt_cli_test, hunt_parallel_cli_test) share: an
// empty scratch directory per test, `tessera` run in it as a user runs it (cli_runner.h), and
// counting what it wrote. The test target defines TESSERA_CLI, the path of the `tessera` binary.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.h"

#ifndef TESSERA_CLI
#error "hunt_cli_fixture.h needs TESSERA_CLI, the path of the tessera binary"
#endif

namespace tessera::testing {

// Each test gets dir_, an empty directory "<tmp>/<scratch_name>-<pid>" (the process id keeps test
// programs that run at once apart), removed after the test. A test fixture that adds files in
// SetUp() calls HuntCliFixture::SetUp() first.
class HuntCliFixture : public ::testing::Test {
 protected:
  explicit HuntCliFixture(std::string scratch_name) : scratch_name_(std::move(scratch_name)) {}

  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / (scratch_name_ + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `tessera ARGS...` to its end; its output goes through files in dir_.
  CliRun Tessera(const std::vector<std::string>& args) {
    return RunProgram(TESSERA_CLI, args, dir_);
  }

  // How often `needle` occurs in `text` (overlapping occurrences each count).
  static size_t Count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
    return n;
  }

  std::filesystem::path dir_;

 private:
  std::string scratch_name_;
};

}  // namespace tessera::testing
