// nianbao extract [--format json|csv] [--encoding NAME] [--force-encoding NAME] [--rules DIR]
//                 [--text|--html] FILE...|-
// One JSON object per file (pretty for one file; JSON Lines with a "file" key for several), or CSV
// field,value,raw,label (a leading file column for several files). Exit 0 when every file had a
// statistics table, 3 when one had none, 2 for bad usage or an unreadable file.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/help.h"
#include "extract/extract.h"

namespace nianbao {
namespace {

struct ExtractArgs {
  std::string format = "json";
  std::string encoding;        // when the page does not say
  std::string force_encoding;  // whatever the page says
  std::string rules_dir;
  bool text = false, html = false;
  std::vector<std::string> files;
};

bool ReadInput(const std::string& name, std::string* bytes, std::string* error) {
  if (name == "-") {
    std::ostringstream out;
    out << std::cin.rdbuf();
    *bytes = out.str();
    return true;
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return false;
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    *error = "read error";
    return false;
  }
  *bytes = out.str();
  return true;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void WriteCsv(const Extraction& e, const std::string* file, std::ostream& out) {
  for (const auto& [field, value] : e.fields) {
    auto cell = e.cells.find(field);
    std::string raw = cell == e.cells.end() ? "" : cell->second.raw;
    std::string label = cell == e.cells.end() ? "" : cell->second.label;
    if (file) out << CsvField(*file) << ',';
    out << CsvField(field) << ',' << (value ? ValueToJson(value).dump() : "") << ','
        << CsvField(raw) << ',' << CsvField(label) << "\r\n";
  }
}

int Run(const ExtractArgs& args) {
  std::shared_ptr<const RuleSet> rules;
  try {
    rules = LoadRules(args.rules_dir);
  } catch (const std::exception& e) {
    std::cerr << "nianbao: " << e.what() << "\n";
    return 2;
  }
  ExtractOptions options;
  if (!args.encoding.empty()) options.encoding = args.encoding;
  if (!args.force_encoding.empty()) options.force_encoding = args.force_encoding;
  if (args.text) options.input = ExtractOptions::Input::kText;
  if (args.html) options.input = ExtractOptions::Input::kHtml;
  bool several = args.files.size() > 1;
  bool csv = args.format == "csv";
  if (csv) std::cout << (several ? "file," : "") << "field,value,raw,label\r\n";
  int status = 0;
  for (const std::string& file : args.files) {
    std::string bytes, error;
    if (!ReadInput(file, &bytes, &error)) {
      std::cerr << "nianbao: cannot read " << file << ": " << error << "\n";
      status = 2;
      continue;
    }
    Extraction e = Extract(bytes, *rules, options);
    if (!e.template_id && status == 0) status = 3;
    if (csv) {
      WriteCsv(e, several ? &file : nullptr, std::cout);
    } else if (several) {
      nlohmann::ordered_json json;
      json["file"] = file;
      json.update(ToJson(e));
      std::cout << json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      std::cout << ToJson(e).dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace

void AddExtractCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ExtractArgs>();
  CLI::App* cmd =
      app.add_subcommand("extract", "Extract the statistics tables of saved report pages");
  cmd->add_option("--format", args->format, "json or csv")->check(CLI::IsMember({"json", "csv"}));
  cmd->add_option("--encoding", args->encoding,
                  "the pages' charset when a page does not say it, e.g. GBK (default: detected)");
  cmd->add_option("--force-encoding", args->force_encoding,
                  "decode the pages in this charset, whatever they say");
  cmd->add_option("--rules", args->rules_dir, "a rules directory instead of the built-in rules");
  auto* text = cmd->add_flag("--text", args->text, "read the input as plain text");
  cmd->add_flag("--html", args->html, "read the input as HTML")->excludes(text);
  cmd->add_option("files", args->files, "report pages; - reads standard input")->required();
  SetExample(cmd, {"nianbao extract --format csv tests/data/corpus/pingtan-2024.html"});
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace nianbao
