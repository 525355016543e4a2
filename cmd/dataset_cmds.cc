// nianbao import | fields: the data set side of nianbao.
//   fields [--template T] [--format text|csv|json] [--rules DIR]   the codebook (cmd/codebook.h)
//   import FILE|DIR... [--db PATH] [--rules DIR] [--body NAME] [--year Y] [--url URL]
// Each file is read, extracted (Extract sniffs its format) and, when it holds a statistics table,
// saved through the same Store calls as a crawled page (RecordFetch, PutDocument, SaveExtraction):
// the same snapshot versioning and the same checks. Directories are walked recursively, files in
// sorted path order. A file's source URL is "file://" + its absolute path (percent-encoding only
// ' ', '#', '%', '?' and control bytes); its fetch's final URL adds "#sha256=" + the SHA-256 of its
// bytes, so a re-imported changed file is a new version of the same report. --url replaces the
// source URL (one file only). One line per file on stdout: "stored", "unchanged", "no table" or
// "error". Exit 0 when every file was stored, 3 when one had no statistics table (and none failed),
// 2 for bad usage or an unreadable file, 1 for a database failure.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/codebook.h"
#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/help.h"
#include "extract/extract.h"
#include "store/store.h"

namespace nianbao {
namespace {

namespace fs = std::filesystem;

struct ImportArgs {
  std::string db;
  std::string rules_dir;
  std::string body;
  std::optional<int> year;
  std::string url;
  std::vector<std::string> inputs;
};

// "file://" + the absolute path, with the bytes a URL cannot hold as they are percent-encoded.
std::string FileUrl(const fs::path& absolute) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : absolute.string()) {
    if (c <= 0x20 || c == 0x7f || c == '#' || c == '%' || c == '?') {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    } else {
      url += static_cast<char>(c);
    }
  }
  return url;
}

// The regular files named by `inputs`, directories walked recursively, each directory's files in
// sorted order. Throws std::invalid_argument for a path that does not exist.
std::vector<fs::path> CollectFiles(const std::vector<std::string>& inputs) {
  std::vector<fs::path> files;
  for (const std::string& input : inputs) {
    std::error_code error;
    fs::path path = fs::absolute(input, error).lexically_normal();
    if (error || !fs::exists(path, error)) {
      throw std::invalid_argument("no such file or directory: " + input);
    }
    if (!fs::is_directory(path, error)) {
      files.push_back(path);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
         it.increment(error)) {
      if (it->is_regular_file(error)) found.push_back(it->path());
    }
    if (error) throw std::invalid_argument("cannot walk " + input + ": " + error.message());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

bool ReadBytes(const fs::path& path, std::string* bytes, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open";
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

// The media type a stored document is labelled with, from the format Extract read it as.
std::string MediaTypeOf(const std::string& format) {
  if (format == "html") return "text/html";
  if (format == "text") return "text/plain";
  if (format == "pdf") return "application/pdf";
  if (format == "docx")
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  if (format == "xlsx") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (format == "doc") return "application/msword";
  if (format == "xls") return "application/vnd.ms-excel";
  return "application/octet-stream";
}

// What the user said overrides what the file shows; a disagreement is kept as a warning.
void ApplyOverrides(const ImportArgs& args, Extraction* e) {
  if (!args.body.empty()) {
    if (e->issuer && *e->issuer != args.body) {
      e->warnings.push_back("issuer set by --body; the document names \"" + *e->issuer + "\"");
    }
    e->issuer = args.body;
  }
  if (args.year) {
    if (e->year && *e->year != *args.year) {
      e->warnings.push_back("year set by --year; the document shows " + std::to_string(*e->year));
    }
    e->year = *args.year;
  }
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Imports one file; returns its exit status (0 stored or unchanged, 2 unreadable, 3 no table).
int ImportOne(const ImportArgs& args, const RuleSet& rules, Store& store, const fs::path& file) {
  std::string bytes, error;
  if (!ReadBytes(file, &bytes, &error)) {
    std::cerr << "nianbao: import: cannot read " << file.string() << ": " << error << "\n";
    std::cout << "error\t" << file.string() << "\t" << error << "\n";
    return 2;
  }
  ExtractedPage page;
  Extraction extraction = Extract(bytes, rules, ExtractOptions{}, &page);
  if (!extraction.template_id) {
    std::cout << "no table\t" << file.string() << "\t(not stored)\n";
    return 3;
  }
  ApplyOverrides(args, &extraction);
  std::string url = args.url.empty() ? FileUrl(file) : args.url;
  FetchRecord fetch;
  fetch.url = url;
  fetch.final_url = FileUrl(file) + "#sha256=" + Sha256Hex(bytes);
  fetch.fetched_at = NowSeconds();
  fetch.status = 200;  // read in full: what a successful fetch records
  fetch.content_type = MediaTypeOf(extraction.format);
  fetch.bytes = static_cast<int64_t>(bytes.size());
  fetch.body_sha256 = Sha256Hex(bytes);
  SnapshotResult snapshot;
  store.Batch([&] {
    int64_t fetch_id = store.RecordFetch(fetch);
    store.PutDocument(bytes, fetch.content_type, url, fetch_id);
    snapshot = store.SaveExtraction(url, fetch_id, extraction, page.text);
  });
  std::cout << (snapshot.new_version ? "stored" : "unchanged") << "\t" << file.string() << "\t"
            << url << "\tversion " << snapshot.version << "\t" << *extraction.template_id << "\t"
            << (extraction.year ? std::to_string(*extraction.year) : "-") << "\t"
            << extraction.checks.size() << " checks failed\n";
  return 0;
}

int RunImport(const ImportArgs& args) {
  std::vector<fs::path> files = CollectFiles(args.inputs);
  if (!args.url.empty() && files.size() != 1) {
    throw std::invalid_argument("--url names one report: give exactly one file (got " +
                                std::to_string(files.size()) + ")");
  }
  std::shared_ptr<const RuleSet> rules = LoadRules(args.rules_dir);
  std::shared_ptr<const BodyRules> bodies = BodyRules::Load(args.rules_dir);
  std::string path = args.db.empty() ? DefaultDatabasePath() : args.db;
  fs::path parent = fs::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty()) fs::create_directories(parent, ignored);
  std::unique_ptr<Store> store = Store::Open(path);
  int status = 0, stored = 0, no_table = 0, failed = 0;
  for (const fs::path& file : files) {
    int one = ImportOne(args, *rules, *store, file);
    if (one == 0) ++stored;
    if (one == 3) ++no_table;
    if (one == 2) ++failed;
    if (one == 2 || (one == 3 && status == 0)) status = one;
  }
  store->SyncBodies(*bodies);
  std::cout.flush();
  std::cerr << "import: " << files.size() << " files, " << stored << " reports, " << no_table
            << " without a statistics table, " << failed << " unreadable\n";
  return status;
}

struct FieldsArgs {
  std::string template_id;
  std::string format = "text";
  std::string rules_dir;
};

int RunFields(const FieldsArgs& args) {
  std::shared_ptr<const RuleSet> rules = LoadRules(args.rules_dir);
  if (!args.template_id.empty() && !rules->FindTemplate(args.template_id)) {
    std::string known;
    for (const TemplateRules& t : rules->templates()) known += (known.empty() ? "" : ", ") + t.id;
    throw std::invalid_argument("unknown template \"" + args.template_id + "\" (known: " + known +
                                ")");
  }
  Codebook codebook = LoadCodebook(args.rules_dir, *rules);
  WriteCodebook(codebook, args.template_id, args.format, std::cout);
  std::cout.flush();
  return 0;
}

}  // namespace

void AddDatasetCommands(CLI::App& app, int* exit_code) {
  auto fields = std::make_shared<FieldsArgs>();
  CLI::App* codebook = app.add_subcommand(
      "fields", "Print the codebook: every field with its official labels, unit, harmonised id");
  codebook->add_option("--template", fields->template_id, "only this template's fields");
  codebook->add_option("--format", fields->format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}).description(""));
  codebook->add_option("--rules", fields->rules_dir,
                       "a rules directory instead of the built-in rules");
  SetExample(codebook, {"nianbao fields --template v2021 --format csv"});
  codebook->callback(
      [fields, exit_code] { Guarded("fields", exit_code, [&] { return RunFields(*fields); }); });

  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Store local report files (any format extract reads) as reports, with versions");
  cmd->add_option("--db", args->db, "the database (default: the config's, else ./var/nianbao.db)")
      ->check(NotEmpty());
  cmd->add_option("--rules", args->rules_dir, "a rules directory instead of the built-in rules");
  cmd->add_option("--body", args->body, "the issuing body, when the file does not name it")
      ->check(NotEmpty());
  cmd->add_option("--year", args->year, "the report year, when the file does not show it")
      ->check(CLI::Range(1990, 2100).description(""));
  cmd->add_option("--url", args->url, "the report's source URL instead of file://PATH (one file)")
      ->check(NotEmpty());
  cmd->add_option("inputs", args->inputs, "report files, or directories to walk")->required();
  SetExample(cmd, {"nianbao import --body 平潭综合实验区管委会 downloads/pingtan-2024.pdf",
                   "nianbao import downloads/"});
  cmd->callback(
      [args, exit_code] { Guarded("import", exit_code, [&] { return RunImport(*args); }); });
}

}  // namespace nianbao
