// nianbao extract [--format json|csv] [--encoding NAME] [--force-encoding NAME] [--rules DIR]
//                 [--text|--html] [--jobs N] FILE...|-
// One JSON object per file (pretty for one file; JSON Lines with a "file" key for several), or CSV
// field,value,raw,label (a leading file column for several files). Exit 0 when every file had a
// statistics table, 3 when one had none, 2 for bad usage or an unreadable file.
// Files are read, extracted and rendered by --jobs workers (default: one per core), at most
// 2 x jobs at a time, and printed in input order as soon as the next one is done: the output is the
// same for any --jobs, and memory does not grow with the number of files.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/help.h"
#include "crawler/worker_pool.h"
#include "extract/extract.h"
#include "extract/extraction_json.h"
#include "store/csv.h"

namespace nianbao {
namespace {

struct ExtractArgs {
  std::string format = "json";
  std::string encoding;        // when the page does not say
  std::string force_encoding;  // whatever the page says
  std::string rules_dir;
  bool text = false, html = false;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::string> files;
};

// One file's share of the output, made by a worker and printed in input order by the main thread.
struct FileOutput {
  std::string error;  // the file could not be read (then nothing else is set)
  bool has_table = false;
  std::string text;  // its JSON or CSV
};

// A file is read with one read(2) per chunk into the string that keeps it (sized from fstat), not
// through a stream buffer and a copy.
bool ReadInput(const std::string& name, std::string* bytes, std::string* error) {
  if (name == "-") {
    std::ostringstream out;
    out << std::cin.rdbuf();
    *bytes = out.str();
    return true;
  }
  int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
    return false;
  }
  struct stat info {};
  size_t expected =
      ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? static_cast<size_t>(info.st_size) : 0;
  bytes->clear();
  bytes->resize(expected + 1);  // one byte more: the read that sees the end needs room
  size_t length = 0;
  while (true) {
    if (length == bytes->size()) bytes->resize(bytes->size() * 2 + 4096);
    ssize_t got = ::read(fd, bytes->data() + length, bytes->size() - length);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      *error = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (got == 0) break;
    length += static_cast<size_t>(got);
  }
  ::close(fd);
  bytes->resize(length);
  return true;
}

void WriteCsv(const Extraction& e, const std::string* file, std::ostream& out) {
  for (const auto& [field, value] : e.fields) {
    auto cell = e.cells.find(field);
    std::string raw = cell == e.cells.end() ? "" : cell->second.raw;
    std::string label = cell == e.cells.end() ? "" : cell->second.label;
    if (file) out << CsvCell(*file) << ',';
    out << CsvCell(field) << ',' << (value ? ValueToJson(value).dump() : "") << ',' << CsvCell(raw)
        << ',' << CsvCell(label) << "\r\n";
  }
}

// Reads (unless `bytes` is given: standard input is read in order by the main thread), extracts
// and renders one file. Never throws: Extract does not, and the JSON text replaces bad UTF-8.
FileOutput Process(const std::string& file, std::optional<std::string> bytes, const RuleSet& rules,
                   const ExtractOptions& options, bool csv, bool several) {
  FileOutput output;
  if (!bytes) {
    bytes.emplace();
    if (!ReadInput(file, &*bytes, &output.error)) return output;
  }
  Extraction e = Extract(*bytes, rules, options);
  output.has_table = e.template_id.has_value();
  if (csv) {
    std::ostringstream out;
    WriteCsv(e, several ? &file : nullptr, out);
    output.text = std::move(out).str();
  } else {
    // One line with "file" first for several files, pretty for one (ToJson's text, written
    // without the nlohmann tree).
    AppendJsonText(e, several ? -1 : 1, several ? &file : nullptr, &output.text);
    output.text += '\n';
  }
  return output;
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

  // --jobs 1 runs each file on this thread when its turn comes (a deferred future), as before.
  int jobs = std::min<int>(args.jobs, static_cast<int>(args.files.size()));
  std::unique_ptr<WorkerPool> pool;
  if (jobs > 1) pool = std::make_unique<WorkerPool>(jobs);
  auto start = [&](const std::string& file) {
    std::optional<std::string> bytes;
    std::string unused;  // reading standard input does not fail
    if (file == "-") ReadInput(file, &bytes.emplace(), &unused);
    auto work = [&file, bytes = std::move(bytes), &rules, &options, csv, several]() mutable {
      return Process(file, std::move(bytes), *rules, options, csv, several);
    };
    if (!pool) return std::async(std::launch::deferred, std::move(work));
    auto task = std::make_shared<std::packaged_task<FileOutput()>>(std::move(work));
    pool->Submit([task] { (*task)(); });
    return task->get_future();
  };

  size_t window = 2 * static_cast<size_t>(jobs), next = 0;
  std::deque<std::future<FileOutput>> in_flight;
  int status = 0;
  for (const std::string& file : args.files) {
    while (next < args.files.size() && in_flight.size() < window)
      in_flight.push_back(start(args.files[next++]));
    FileOutput output = in_flight.front().get();
    in_flight.pop_front();
    if (!output.error.empty()) {
      std::cerr << "nianbao: cannot read " << file << ": " << output.error << "\n";
      status = 2;
      continue;
    }
    if (!output.has_table && status == 0) status = 3;
    std::cout << output.text;
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
  cmd->add_option("--jobs", args->jobs, "files extracted at once (default: the core count)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("files", args->files, "report pages; - reads standard input")->required();
  SetExample(cmd, {"nianbao extract --format csv tests/data/corpus/pingtan-2024.html"});
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace nianbao
