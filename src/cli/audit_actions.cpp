#include "cli/audit_actions.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <streambuf>

#include "audit/chain.h"
#include "store/audit_log.h"

namespace tessera::cli {
namespace {

// Every command and its action; "" when it changes nothing.
const std::map<std::string, std::string, std::less<>>& Table() {
  static const std::map<std::string, std::string, std::less<>> table = {
      {"validate", ""},
      {"pattern check", ""},
      {"pattern match", ""},
      {"init", "hub.init"},
      {"import", "objects.import"},
      {"export", ""},
      {"serve", ""},  // its requests are audited by the APIs, as their users
      {"hunt", "hunt.sightings"},
      {"org add", "org.create"},
      {"org list", ""},
      {"org rename", "org.update"},
      {"org disable", "org.disable"},
      {"org enable", "org.enable"},
      {"org delete", "org.delete"},
      {"user add", "user.create"},
      {"user list", ""},
      {"user role", "user.role"},
      {"user disable", "user.disable"},
      {"user enable", "user.enable"},
      {"user rename", "user.rename"},
      {"user delete", "user.delete"},
      {"token create", "token.create"},
      {"token list", ""},
      {"token revoke", "token.revoke"},
      {"token rotate", "token.rotate"},
      {"group add", "group.create"},
      {"group add-member", "group.member.add"},
      {"group remove-member", "group.member.remove"},
      {"group list", ""},
      {"group rename", "group.update"},
      {"group delete", "group.delete"},
      {"collection add", "collection.create"},
      {"collection list", ""},
      {"collection show", ""},
      {"collection rename", "collection.update"},
      {"collection delete", "collection.delete"},
      {"search", ""},
      {"search reindex", "search.reindex"},
      {"backup", ""},                // reads the store only
      {"restore", "store.restore"},  // written into the restored store (store/backup.h)
      {"audit list", ""},
      {"audit verify", ""},
      {"audit actions", ""},
  };
  return table;
}

void Walk(const CLI::App& app, const std::string& prefix,
          std::vector<std::pair<std::string, const CLI::App*>>& out) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    const std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    if (sub->get_subcommands({}).empty() || sub->get_require_subcommand_min() == 0) {
      out.emplace_back(path, sub);
    }
    Walk(*sub, path, out);
  }
}

// Passes what is written to `target` and keeps the first line of it.
class FirstLineTee final : public std::streambuf {
 public:
  explicit FirstLineTee(std::streambuf* target) : target_(target) {}
  const std::string& first_line() const { return line_; }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    Keep(static_cast<char>(c));
    return target_->sputc(static_cast<char>(c));
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) Keep(s[i]);
    return target_->sputn(s, n);
  }
  int sync() override { return target_->pubsync(); }

 private:
  void Keep(char c) {
    if (done_) return;
    if (c == '\n') {
      done_ = true;
    } else if (line_.size() < audit::kMaxFieldBytes) {
      line_ += c;
    }
  }
  std::streambuf* target_;
  std::string line_;
  bool done_ = false;
};

struct Run {
  audit::Entry entry;
  std::string data_dir;
  std::unique_ptr<store::AuditScope> scope;
  std::unique_ptr<FirstLineTee> tee;
  std::streambuf* cerr_buf = nullptr;
};
std::optional<Run>& Current() {
  static std::optional<Run> run;
  return run;
}

}  // namespace

const std::string* AuditActionOf(std::string_view path) {
  auto it = Table().find(path);
  return it == Table().end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, const CLI::App*>> CommandPaths(const CLI::App& app) {
  std::vector<std::pair<std::string, const CLI::App*>> out;
  Walk(app, "", out);
  return out;
}

std::string ParsedCommandPath(const CLI::App& app) {
  std::string path;
  const CLI::App* at = &app;
  for (;;) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : at->get_subcommands({})) {
      if (sub->parsed()) next = sub;
    }
    if (next == nullptr) return path;
    path += (path.empty() ? "" : " ") + next->get_name();
    at = next;
  }
}

void BeginCliAudit(std::string action, std::string target, std::string command_line) {
  Run run;
  run.entry.chain = std::string(audit::kHubChain);
  run.entry.actor = store::CliActor();
  run.entry.action = std::move(action);
  run.entry.target = std::move(target);
  run.entry.details = std::move(command_line);
  run.cerr_buf = std::cerr.rdbuf();
  run.tee = std::make_unique<FirstLineTee>(run.cerr_buf);
  std::cerr.rdbuf(run.tee.get());
  Current() = std::move(run);
}

void AttachCliAudit(store::Store& store, const std::string& data_dir) {
  auto& run = Current();
  if (!run || run->scope) return;
  run->data_dir = data_dir;
  // A command without arguments (init, search reindex) acts on the hub in its data directory.
  if (run->entry.target.empty()) {
    std::error_code ec;
    const auto dir = std::filesystem::absolute(data_dir, ec);
    run->entry.target = "data:" + (ec ? data_dir : dir.lexically_normal().string());
  }
  run->scope = std::make_unique<store::AuditScope>(store::AuditLogOf(store), run->entry);
}

void FinishCliAudit(int exit_code) {
  auto& run = Current();
  if (!run) return;
  std::cerr.rdbuf(run->cerr_buf);
  std::string failure = run->tee->first_line();
  if (failure.starts_with("tessera ")) {
    if (const size_t colon = failure.find(": "); colon != std::string::npos) {
      failure.erase(0, colon + 2);
    }
  }
  // The store the command opened is closed by now: the scope only says whether it was written.
  const bool written = run->scope && run->scope->written();
  const bool opened = run->scope != nullptr;
  if (failure.empty()) failure = "exit code " + std::to_string(exit_code);
  // A run that failed after its first write, or whose later writes had counts, gets its closing
  // entry (store::AuditScope).
  std::optional<audit::Entry> closing;
  if (written) {
    closing = run->scope->ClosingEntry(exit_code == 0 ? audit::kDone : audit::kFailed, failure);
  }
  run->scope.reset();
  if (!opened || (written && !closing)) {
    run.reset();
    return;
  }
  audit::Entry entry = closing ? std::move(*closing) : run->entry;
  entry.time = Timestamp::Now();
  if (!closing) {
    entry.result = std::string(exit_code == 0 ? audit::kDone : audit::kRefused);
    if (exit_code != 0) entry.reason = failure;
  }
  auto store = store::OpenStore(run->data_dir, store::OpenMode::kOpenExisting, 1);
  Status st =
      store.ok() ? store::AuditLogOf(**store).Append(std::move(entry)).status() : store.status();
  if (!st.ok())
    std::cerr << "tessera: the audit log could not be written: " << st.message() << "\n";
  run.reset();
}

}  // namespace tessera::cli
