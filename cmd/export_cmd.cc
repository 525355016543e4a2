// nianbao export: the stored reports as a data set.
//   export [--db PATH] [--layout long|wide|panel] [--format csv|jsonl|xlsx] [--template T]
//          [--year Y] [--issuer TEXT] [--all-versions] [--only-clean] [--names long|short]
//          [--bom] [--no-guard] [--sheet-rows N] [--out FILE] [--codebook FILE]
// Beside a CSV --out: datapackage.json (Frictionless); with --names short: FILE's stem +
// ".labels.csv". Exit 0 on success, 1 for a database or write failure, 2 for bad usage.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "cmd/codebook.h"
#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/export_formats.h"
#include "cmd/help.h"
#include "store/store.h"

namespace nianbao {
namespace {

struct ExportArgs {
  std::string db;
  std::string layout = "long";
  std::string format;  // empty: from --out's extension (.jsonl, .xlsx), else csv
  std::string template_id;
  std::optional<int> year;
  std::string issuer;
  bool all_versions = false;
  bool only_clean = false;
  std::string names = "long";
  bool bom = false;
  bool no_guard = false;
  int64_t sheet_rows = kXlsxMaxRows;
  std::string out;
  std::string codebook;  // --codebook FILE: the codebook of the exported template(s)
};

int Usage(const std::string& message) {
  std::cerr << "nianbao: export: " << message << "\n";
  return 2;
}

std::string FormatOf(const ExportArgs& args) {
  if (!args.format.empty()) return args.format;
  if (args.out.ends_with(".jsonl")) return "jsonl";
  if (args.out.ends_with(".xlsx")) return "xlsx";
  return "csv";
}

// The labels file of --names short, beside `out`: "v2021.csv" → "v2021.labels.csv".
std::string LabelsPath(const std::string& out) {
  std::filesystem::path path(out);
  return (path.parent_path() / (path.stem().string() + ".labels.csv")).string();
}

// Runs the export into `sink`, the files beside it, and the summary line.
ExportStats RunInto(Store& store, const ExportOptions& options, ExportSink& sink) {
  return store.Export(options, sink);
}

void Summarise(const ExportStats& stats, const std::string& out) {
  std::cerr << "nianbao: exported " << stats.rows << " rows (" << stats.snapshots
            << " report versions) to " << out;
  if (stats.not_clean) std::cerr << "; " << stats.not_clean << " not clean left out";
  if (stats.panel_duplicates)
    std::cerr << "; " << stats.panel_duplicates << " more reports of a body and year (see reports)";
  if (stats.panel_unkeyed)
    std::cerr << "; " << stats.panel_unkeyed
              << " reports without issuer or year left out of the panel (see --layout long)";
  std::cerr << "\n";
}

int RunExport(const ExportArgs& args) {
  ExportOptions options;
  options.layout = args.layout == "wide"    ? ExportOptions::Layout::kWide
                   : args.layout == "panel" ? ExportOptions::Layout::kPanel
                                            : ExportOptions::Layout::kLong;
  if (!args.template_id.empty()) options.template_id = args.template_id;
  options.year = args.year;
  if (!args.issuer.empty()) options.issuer = args.issuer;
  options.all_versions = args.all_versions;
  options.only_clean = args.only_clean;
  options.excel = args.bom;
  options.guard = !args.no_guard;
  const std::string format = FormatOf(args);
  const bool to_stdout = args.out.empty() || args.out == "-";
  if (options.layout == ExportOptions::Layout::kPanel && args.all_versions)
    return Usage(
        "--layout panel takes each report's latest version; --all-versions does not apply");
  if (format == "xlsx" && to_stdout) return Usage("--format xlsx needs --out FILE");
  if (args.sheet_rows > kXlsxMaxRows)
    return Usage("--sheet-rows: Excel takes at most " + std::to_string(kXlsxMaxRows) + " rows");
  if (args.names == "short" && to_stdout)
    return Usage("--names short needs --out FILE (its labels file is written beside it)");
  Codebook codebook;
  try {
    std::shared_ptr<const RuleSet> rules = LoadRules("");
    options.catalogue = rules->Fields();
    codebook = LoadCodebook("", *rules);
    options.crosswalk = codebook.crosswalk;
  } catch (const std::exception& e) {
    std::cerr << "nianbao: cannot load the field catalogue: " << e.what() << "\n";
    return 1;
  }
  if (options.template_id) {
    std::set<std::string> templates;
    for (const auto& spec : options.catalogue) templates.insert(spec.template_id);
    if (!templates.contains(*options.template_id)) {
      std::string known;
      for (const auto& t : templates) known += (known.empty() ? "" : ", ") + t;
      return Usage("unknown template \"" + *options.template_id + "\" (known: " + known + ")");
    }
  }
  try {
    auto store = Store::OpenForReading(args.db.empty() ? DefaultDatabasePath() : args.db);
    if (to_stdout) {
      std::ios::sync_with_stdio(false);
      std::unique_ptr<ExportSink> sink;
      if (format == "jsonl") {
        sink = std::make_unique<JsonlSink>(std::cout);
      } else {
        sink = std::make_unique<CsvSink>(std::cout, options.guard, options.excel);
      }
      ColumnNaming naming(*sink, false, &codebook);
      RunInto(*store, options, naming);
      if (!args.codebook.empty()) WriteCodebookFile(args.codebook, args.template_id);
      return 0;
    }
    // Written beside the target and renamed when complete: a failed export leaves no half file.
    std::string partial = args.out + ".partial";
    ExportStats stats;
    std::vector<ExportColumn> columns;
    std::vector<std::string> originals;
    try {
      std::unique_ptr<ExportSink> sink;
      std::ofstream file;
      if (format == "xlsx") {
        sink = std::make_unique<XlsxSink>(partial, args.sheet_rows, &codebook, args.template_id);
      } else {
        file.open(partial, std::ios::binary | std::ios::trunc);
        if (!file) throw StoreError("cannot write " + partial);
        if (format == "jsonl") {
          sink = std::make_unique<JsonlSink>(file);
        } else {
          sink = std::make_unique<CsvSink>(file, options.guard, options.excel);
        }
      }
      ColumnNaming naming(*sink, args.names == "short", &codebook);
      stats = RunInto(*store, options, naming);
      columns = naming.Columns();
      originals = naming.Originals();
    } catch (...) {
      std::remove(partial.c_str());
      throw;
    }
    std::filesystem::rename(partial, args.out);
    Summarise(stats, args.out);
    if (args.names == "short") WriteLabelsFile(LabelsPath(args.out), columns, originals);
    if (format == "csv") {
      std::string title = "nianbao export, " + args.layout + " layout";
      if (options.template_id) title += ", template " + *options.template_id;
      WriteDatapackage(args.out, columns, title);
    }
    if (!args.codebook.empty()) WriteCodebookFile(args.codebook, args.template_id);
    return 0;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "nianbao: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void AddExportCommand(CLI::App& app, int* exit_code) {
  auto exp = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export", "Export the stored reports (CSV, JSON Lines, XLSX)");
  cmd->add_option("--db", exp->db, "the database (default: the config's, else ./var/nianbao.db)")
      ->check(NotEmpty());
  cmd->add_option("--layout", exp->layout, "long, wide, or panel (a row per body and year)")
      // Not CLI::IsMember: its "{long,wide,panel}" would push the help text onto a second line.
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            if (value == "long" || value == "wide" || value == "panel") return "";
            return "must be long, wide or panel, not \"" + value + "\"";
          },
          ""));
  cmd->add_option("--format", exp->format,
                  "csv, jsonl or xlsx (default: from --out's name, else csv)")
      ->check(CLI::IsMember({"csv", "jsonl", "xlsx"}));
  cmd->add_option("--template", exp->template_id,
                  "only reports of this template (legacy, v2019, v2021)");
  cmd->add_option("--year", exp->year, "only reports of this report year");
  cmd->add_option("--issuer", exp->issuer, "only reports whose issuer contains this text");
  cmd->add_flag("--all-versions", exp->all_versions, "every version, not only the latest");
  cmd->add_flag("--only-clean", exp->only_clean,
                "only reports with no failed check and no unmatched label");
  cmd->add_option("--names", exp->names,
                  "short: Stata/SAS-safe column names (at most 32 characters) and a labels file")
      ->check(CLI::IsMember({"long", "short"}));
  cmd->add_flag("--bom", exp->bom, "CSV for Excel: a UTF-8 byte order mark first");
  cmd->add_flag(
      "--no-guard", exp->no_guard,
      "CSV: leave text cells starting with = + - @ as they are (default: prefixed with ')");
  cmd->add_option("--sheet-rows", exp->sheet_rows, "XLSX: rows per sheet (at most 1048576)")
      ->check(AtLeast(2));
  cmd->add_option("--out", exp->out,
                  "the file (default: standard output); a CSV gets datapackage.json beside it");
  cmd->add_option("--codebook", exp->codebook,
                  "also write the codebook of the exported fields to this file (CSV; .json: JSON)")
      ->check(NotEmpty());
  SetExample(cmd, {"nianbao export --layout panel --format xlsx --out panel.xlsx"});
  cmd->callback([exp, exit_code] { *exit_code = RunExport(*exp); });
}

}  // namespace nianbao
