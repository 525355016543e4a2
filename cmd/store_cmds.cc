// nianbao history | diff | show | export: read the versioned snapshots of the database.
//   history URL [--db PATH] [--format text|json]      versions with dates and fields changed
//   diff URL [--db PATH] [--from N] [--to M] [--format text|json]
//   show URL [--db PATH] [--version N] [--format text|json]   json = the shape of `nianbao extract`
//   export: see cmd/export_cmd.cc
// Exit 0 on success, 1 for an unknown URL or version or a database failure, 2 for bad usage.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "cmd/codebook.h"
#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/help.h"
#include "store/store.h"

namespace nianbao {
namespace {

constexpr auto kReplaceInvalidUtf8 = nlohmann::json::error_handler_t::replace;
constexpr std::string_view kExampleUrl =
    "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm";

std::string Iso(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

template <typename Json>
Json OrNull(const std::optional<std::string>& text) {
  return text ? Json(*text) : Json(nullptr);
}

std::string OrDash(const std::optional<std::string>& text) { return text ? *text : "-"; }

// A value as the text output prints it: the JSON number, or "null".
std::string ValueText(const Value& value) { return ValueToJson(value).dump(); }

std::string Quoted(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text).dump(-1, ' ', false, kReplaceInvalidUtf8) : "null";
}

// Runs one command body: the store's errors become "nianbao: …" and exit status 1.
template <typename Body>
int Guarded(Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "nianbao: " << e.what() << "\n";
    return 1;
  }
}

struct Common {
  std::string db;
  std::string format = "text";
  std::string url;
};

void AddCommon(CLI::App* cmd, Common& common, bool with_url) {
  cmd->add_option("--db", common.db, "the database (default: the config's, else ./var/nianbao.db)")
      ->check(NotEmpty());
  if (with_url) {
    cmd->add_option("--format", common.format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("url", common.url, "the report page's URL")->required();
  }
}

std::unique_ptr<Store> OpenStore(const Common& common) {
  return Store::OpenForReading(common.db.empty() ? DefaultDatabasePath() : common.db);
}

// --- history ---

int RunHistory(const Common& args) {
  return Guarded([&] {
    auto store = OpenStore(args);
    std::vector<VersionInfo> versions = store->History(args.url);
    if (args.format == "json") {
      nlohmann::ordered_json out;
      out["url"] = args.url;
      out["versions"] = nlohmann::ordered_json::array();
      for (const auto& v : versions) {
        out["versions"].push_back({{"version", v.version},
                                   {"fetched_at", Iso(v.fetched_at)},
                                   {"fetch_id", v.fetch_id},
                                   {"template", OrNull<nlohmann::ordered_json>(v.template_id)},
                                   {"year", v.year ? nlohmann::ordered_json(*v.year) : nullptr},
                                   {"issuer", OrNull<nlohmann::ordered_json>(v.issuer)},
                                   {"title", OrNull<nlohmann::ordered_json>(v.title)},
                                   {"published", OrNull<nlohmann::ordered_json>(v.published)},
                                   {"fields", v.fields},
                                   {"fields_changed", v.fields_changed},
                                   {"data_sha256", v.data_sha256}});
      }
      std::cout << out.dump(1, ' ', false, kReplaceInvalidUtf8) << "\n";
      return 0;
    }
    std::cout << args.url << ": " << versions.size()
              << (versions.size() == 1 ? " version\n" : " versions\n");
    std::cout << "version  fetched_at            template  year  fields  changed  issuer\n";
    for (const auto& v : versions) {
      std::cout << std::left << std::setw(9) << v.version << std::setw(22) << Iso(v.fetched_at)
                << std::setw(10) << OrDash(v.template_id) << std::setw(6)
                << (v.year ? std::to_string(*v.year) : "-") << std::setw(8) << v.fields
                << std::setw(9) << (v.version == 1 ? "new" : std::to_string(v.fields_changed))
                << OrDash(v.issuer) << "\n";
    }
    return 0;
  });
}

// --- diff ---

struct DiffArgs {
  Common common;
  std::optional<int> from, to;
};

int RunDiff(const DiffArgs& args) {
  return Guarded([&] {
    auto store = OpenStore(args.common);
    VersionDiff diff = store->Diff(args.common.url, args.from, args.to);
    if (args.common.format == "json") {
      using Json = nlohmann::ordered_json;
      Json out;
      out["url"] = diff.url;
      out["from"] = diff.from;
      out["to"] = diff.to;
      out["metadata"] = Json::array();
      for (const auto& m : diff.metadata) {
        out["metadata"].push_back({{"name", m.name},
                                   {"old", OrNull<Json>(m.old_value)},
                                   {"new", OrNull<Json>(m.new_value)}});
      }
      out["fields"] = Json::array();
      for (const auto& f : diff.fields) {
        out["fields"].push_back({{"field", f.field},
                                 {"old", ValueToJson(f.old_value)},
                                 {"new", ValueToJson(f.new_value)},
                                 {"old_raw", OrNull<Json>(f.old_raw)},
                                 {"new_raw", OrNull<Json>(f.new_raw)},
                                 {"old_present", f.old_present},
                                 {"new_present", f.new_present}});
      }
      std::cout << out.dump(1, ' ', false, kReplaceInvalidUtf8) << "\n";
      return 0;
    }
    std::cout << diff.url << ": version " << diff.from << " → " << diff.to << ", "
              << diff.fields.size() << " field" << (diff.fields.size() == 1 ? "" : "s")
              << " changed\n";
    for (const auto& m : diff.metadata) {
      std::cout << "  " << m.name << ": " << Quoted(m.old_value) << " → " << Quoted(m.new_value)
                << "\n";
    }
    for (const auto& f : diff.fields) {
      std::cout << "  " << f.field << ": " << (f.old_present ? ValueText(f.old_value) : "(absent)")
                << " → " << (f.new_present ? ValueText(f.new_value) : "(absent)");
      if (f.old_raw != f.new_raw) {
        std::cout << "   raw " << Quoted(f.old_raw) << " → " << Quoted(f.new_raw);
      }
      std::cout << "\n";
    }
    return 0;
  });
}

// --- show ---

// The document a snapshot was read from: every cell's provenance (a PDF cell adds its page).
nlohmann::ordered_json SourceJson(const StoredExtraction& stored) {
  auto or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
  };
  return {{"url", or_null(stored.origin.document_url)},
          {"sha256", or_null(stored.origin.document_sha256)},
          {"format", or_null(stored.extraction.format)},
          {"rules_sha256", or_null(stored.origin.rules_sha256)}};
}

std::string SourceText(const SnapshotOrigin& origin) {
  if (origin.document_url.empty()) return "- (stored before documents were archived)";
  return origin.document_url + " (sha256 " + origin.document_sha256 + ")";
}

struct ShowArgs {
  Common common;
  std::optional<int> version;
};

int RunShow(const ShowArgs& args) {
  return Guarded([&] {
    auto store = OpenStore(args.common);
    StoredExtraction stored = store->Show(args.common.url, args.version);
    const Extraction& e = stored.extraction;
    if (args.common.format == "json") {
      nlohmann::ordered_json out = ToJson(e);
      out["source"] = SourceJson(stored);
      std::cout << out.dump(1, ' ', false, kReplaceInvalidUtf8) << "\n";
      return 0;
    }
    std::cout << "url:       " << stored.url << "\n"
              << "version:   " << stored.version << " (fetched " << Iso(stored.fetched_at) << ")\n"
              << "template:  " << OrDash(e.template_id) << "\n"
              << "year:      " << (e.year ? std::to_string(*e.year) : "-") << "\n"
              << "issuer:    " << OrDash(e.issuer) << "\n"
              << "title:     " << OrDash(e.title) << "\n"
              << "published: " << OrDash(e.published) << "\n"
              << "format:    " << (e.format.empty() ? "-" : e.format) << "\n"
              << "source:    " << SourceText(stored.origin) << "\n"
              << "rules:     "
              << (stored.origin.rules_sha256.empty() ? "-" : stored.origin.rules_sha256) << "\n";
    bool paged = false;
    for (const auto& [field, cell] : e.cells) paged = paged || cell.page > 0;
    if (!e.fields.empty())
      std::cout << "\nfield\tvalue\traw\tlabel" << (paged ? "\tpage" : "") << "\n";
    for (const auto& [field, value] : e.fields) {
      auto cell = e.cells.find(field);
      std::cout << field << "\t" << (value ? ValueText(value) : "") << "\t"
                << (cell == e.cells.end() ? "" : cell->second.raw) << "\t"
                << (cell == e.cells.end() ? "" : cell->second.label);
      if (paged && cell != e.cells.end() && cell->second.page > 0)
        std::cout << "\t" << cell->second.page;
      std::cout << "\n";
    }
    if (!e.checks.empty()) std::cout << "\nfailed checks:\n";
    for (const auto& c : e.checks) {
      if (c.kind == "source_mismatch") {
        std::cout << "  " << c.identity << ": " << c.total_field << " = "
                  << (c.found ? ValueText(c.found) : "blank") << " here, " << ValueText(c.expected)
                  << " in " << c.document_url << " (sha256 " << c.document_sha256 << ")\n";
        continue;
      }
      std::cout << "  " << c.identity << " (" << c.kind << "): " << c.total_field << " = "
                << (c.found ? ValueText(c.found) : "blank") << ", expected "
                << ValueText(c.expected) << "\n";
    }
    if (!e.unmatched.empty()) std::cout << "\nunmatched:\n";
    for (const auto& u : e.unmatched) {
      std::cout << "  " << u.kind << " \"" << u.label << "\" (table " << u.table << ", row "
                << u.row << ", column " << u.column << ")\n";
    }
    if (!e.warnings.empty()) std::cout << "\nwarnings:\n";
    for (const auto& w : e.warnings) std::cout << "  " << w << "\n";
    return 0;
  });
}

}  // namespace

void AddStoreCommands(CLI::App& app, int* exit_code) {
  auto history = std::make_shared<Common>();
  CLI::App* cmd = app.add_subcommand("history", "List the stored versions of a report");
  AddCommon(cmd, *history, true);
  SetExample(cmd, {"nianbao history " + std::string(kExampleUrl)});
  cmd->callback([history, exit_code] { *exit_code = RunHistory(*history); });

  auto diff = std::make_shared<DiffArgs>();
  cmd = app.add_subcommand("diff", "Show what changed between two versions of a report");
  AddCommon(cmd, diff->common, true);
  cmd->add_option("--from", diff->from, "the older version (default: the one before --to)")
      ->check(AtLeast(1));
  cmd->add_option("--to", diff->to, "the newer version (default: the latest)")->check(AtLeast(1));
  SetExample(cmd, {"nianbao diff --from 1 --to 2 " + std::string(kExampleUrl)});
  cmd->callback([diff, exit_code] { *exit_code = RunDiff(*diff); });

  auto show = std::make_shared<ShowArgs>();
  cmd = app.add_subcommand("show", "Print a stored extraction (JSON: the shape of `extract`)");
  AddCommon(cmd, show->common, true);
  cmd->add_option("--version", show->version, "the version (default: the latest)")
      ->check(AtLeast(1));
  SetExample(cmd, {"nianbao show --format json " + std::string(kExampleUrl)});
  cmd->callback([show, exit_code] { *exit_code = RunShow(*show); });

  AddExportCommand(app, exit_code);  // cmd/export_cmd.cc
}

}  // namespace nianbao
