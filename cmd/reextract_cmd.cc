// nianbao reextract [--all | URL...] [--db PATH] [--rules DIR] [--format text|json]
// Reads the archived documents again with the current rules (crawler/reextract.h). Prints, per
// report page, "new version N (K fields changed, from FORMAT URL)" or "unchanged (version N)";
// with --all, pages that have no statistics table and never had a report are only counted. A
// summary goes to stderr. Exit 0; 1 when a named URL has nothing archived, or on a database
// failure; 2 for bad usage or bad rules.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/help.h"
#include "crawler/reextract.h"
#include "store/store.h"

namespace nianbao {
namespace {

struct ReextractArgs {
  std::string db;
  std::string rules_dir;
  std::string format = "text";
  bool all = false;
  std::vector<std::string> urls;
};

const char* OutcomeName(ReextractResult::Outcome outcome) {
  switch (outcome) {
    case ReextractResult::Outcome::kNewVersion:
      return "new_version";
    case ReextractResult::Outcome::kUnchanged:
      return "unchanged";
    case ReextractResult::Outcome::kNoTable:
      return "no_table";
    case ReextractResult::Outcome::kNoDocument:
      return "no_document";
  }
  return "unknown";
}

std::string Describe(const ReextractResult& r) {
  std::string text;
  switch (r.outcome) {
    case ReextractResult::Outcome::kNewVersion:
      text = "new version " + std::to_string(r.version) + " (" + std::to_string(r.fields_changed) +
             (r.fields_changed == 1 ? " field" : " fields") + " changed, from " +
             (r.format.empty() ? "?" : r.format) + " " + r.source_url + ")";
      break;
    case ReextractResult::Outcome::kUnchanged:
      text = "unchanged (version " + std::to_string(r.version) + ")";
      break;
    case ReextractResult::Outcome::kNoTable:
      text = r.version ? "no statistics table with these rules (version " +
                             std::to_string(r.version) + " kept)"
                       : "no statistics table";
      break;
    case ReextractResult::Outcome::kNoDocument:
      text = r.version ? "no archived document (fetched before documents were archived; version " +
                             std::to_string(r.version) + " kept)"
                       : "no archived document";
      break;
  }
  if (r.mismatches > 0) {
    text += "; " + std::to_string(r.mismatches) + " source_mismatch check" +
            (r.mismatches == 1 ? "" : "s");
  }
  return text;
}

int RunReextract(const ReextractArgs& args) {
  if (args.all == !args.urls.empty()) {
    std::cerr << "nianbao: reextract: give --all or one or more URLs (not both)\n";
    return 2;
  }
  std::shared_ptr<const RuleSet> rules;
  std::shared_ptr<const BodyRules> bodies;
  try {
    rules = LoadRules(args.rules_dir);
    bodies = BodyRules::Load(args.rules_dir);
  } catch (const std::exception& e) {
    std::cerr << "nianbao: reextract: " << e.what() << "\n";
    return 2;
  }
  try {
    auto store = Store::Open(args.db.empty() ? DefaultDatabasePath() : args.db);
    int counts[4] = {0, 0, 0, 0};
    int missing_named = 0;
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const std::string& url : ReextractTargets(*store, args.urls)) {
      ReextractResult r = Reextract(*store, *rules, url);
      ++counts[static_cast<int>(r.outcome)];
      const bool quiet = args.all && r.version == 0;  // a list page, never a report
      if (!args.all && r.outcome == ReextractResult::Outcome::kNoDocument && r.version == 0)
        ++missing_named;
      if (args.format == "json") {
        if (quiet) continue;
        results.push_back({{"url", r.url},
                           {"outcome", OutcomeName(r.outcome)},
                           {"version", r.version},
                           {"fields_changed", r.fields_changed},
                           {"source", r.source_url},
                           {"format", r.format},
                           {"source_mismatches", r.mismatches}});
      } else if (!quiet) {
        std::cout << r.url << ": " << Describe(r) << "\n";
      }
    }
    store->SyncBodies(*bodies);
    if (args.format == "json") {
      nlohmann::ordered_json out;
      out["rules_sha256"] = rules->sha256();
      out["results"] = std::move(results);
      std::cout << out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    std::cerr << "nianbao: reextract: " << counts[0] << " new versions, " << counts[1]
              << " unchanged, " << counts[2] << " without a statistics table, " << counts[3]
              << " without an archived document (rules " << rules->sha256().substr(0, 12) << ")\n";
    return missing_named > 0 ? 1 : 0;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "nianbao: reextract: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void AddReextractCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReextractArgs>();
  CLI::App* cmd = app.add_subcommand(
      "reextract",
      "Read the archived documents again with the current rules; new versions only "
      "where the data change");
  cmd->add_option("--db", args->db, "the database (default: the config's, else ./var/nianbao.db)");
  cmd->add_option("--rules", args->rules_dir, "a rules directory instead of the built-in rules");
  cmd->add_option("--format", args->format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--all", args->all, "every archived page");
  cmd->add_option("urls", args->urls, "report page (or attachment) URLs");
  SetExample(cmd, {"nianbao reextract --all"});
  cmd->callback([args, exit_code] { *exit_code = RunReextract(*args); });
}

}  // namespace nianbao
