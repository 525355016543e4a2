// nianbao coverage | reports | errors | changes: what the database shows about bodies and crawls.
//   coverage --year Y [--province P] [--level L] [--format text|csv] [--db PATH]
//   reports [--year Y] [--template T] [--body NAME] [--failed] [--format text|csv] [--db PATH]
//   errors [--since DATE] [--format text|csv] [--db PATH]
//   changes --since DATE [--format text|csv] [--db PATH]
// All four only read (Store::OpenForReading: a missing database is an error naming its path) and
// print one line per row: "text" is tab-separated with a header line and "-" for an empty cell,
// "csv" is RFC 4180 with a header. DATE is YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ.
// Exit 0, 2 for bad usage, 1 for a database failure.
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cmd/commands.h"
#include "cmd/common.h"
#include "cmd/help.h"
#include "store/csv.h"
#include "store/store.h"

namespace nianbao {
namespace {

using Row = std::vector<std::string>;

// Text cells hold no tab or line break (they separate cells and rows).
std::string TextCell(const std::string& text) {
  if (text.empty()) return "-";
  std::string cell = text;
  for (char& c : cell) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return cell;
}

void WriteTable(const Row& header, const std::vector<Row>& rows, const std::string& format,
                std::ostream& out) {
  auto write = [&](const Row& row, bool header_line) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out << (format == "csv" ? "," : "\t");
      out << (format == "csv" ? CsvCell(row[i]) : header_line ? row[i] : TextCell(row[i]));
    }
    out << (format == "csv" ? "\r\n" : "\n");
  };
  write(header, true);
  for (const Row& row : rows) write(row, false);
}

std::string Iso(int64_t unix_seconds) {
  if (unix_seconds <= 0) return "";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC) → unix seconds; throws std::invalid_argument.
int64_t ParseSince(const std::string& text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char tail = 0;
  bool date_only = text.size() == 10 &&
                   std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &tail) == 3;
  bool full = text.size() == 20 &&
              std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour,
                          &minute, &second, &tail) == 7 &&
              tail == 'Z';
  if ((!date_only && !full) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    throw std::invalid_argument(
        "--since must be a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ"
        " (UTC), not \"" +
        text + "\"");
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm));
}

std::unique_ptr<Store> OpenDb(const std::string& db) {
  return Store::OpenForReading(db.empty() ? DefaultDatabasePath() : db);
}

struct CoverageArgs {
  std::string db, format = "text";
  CoverageQuery query;
};

int RunCoverage(const CoverageArgs& args) {
  std::vector<CoverageRow> rows = OpenDb(args.db)->Coverage(args.query);
  std::vector<Row> table;
  int late = 0, missing = 0, on_time = 0;
  for (const CoverageRow& r : rows) {
    late += r.status == "late";
    missing += r.status == "not_found";
    on_time += r.status == "on_time";
    std::string seeds;
    for (const std::string& seed : r.seeds) seeds += (seeds.empty() ? "" : " ") + seed;
    table.push_back({std::to_string(r.year), r.body, r.level, r.province, r.region_code,
                     r.government, r.expected, r.status, r.published, r.published_from, r.deadline,
                     r.days_late ? std::to_string(*r.days_late) : "",
                     std::to_string(r.checks_failed), r.check_ids, r.url, seeds, r.crawled});
  }
  WriteTable({"year", "body", "level", "province", "region_code", "government", "expected",
              "status", "published", "published_from", "deadline", "days_late", "checks_failed",
              "check_ids", "url", "seeds", "crawled"},
             table, args.format, std::cout);
  std::cout.flush();
  std::cerr << "coverage " << args.query.year << ": " << rows.size() << " bodies, " << on_time
            << " on time, " << late << " late, " << missing << " not found\n";
  return 0;
}

struct ReportsArgs {
  std::string db, format = "text";
  ReportQuery query;
};

int RunReports(const ReportsArgs& args) {
  std::vector<Row> table;
  for (const ReportRow& r : OpenDb(args.db)->Reports(args.query)) {
    table.push_back({r.year ? std::to_string(*r.year) : "", r.body, r.level, r.province,
                     r.region_code, r.issuer, r.template_id, std::to_string(r.version), r.published,
                     Iso(r.fetched_at), std::to_string(r.checks_failed), r.check_ids, r.url});
  }
  WriteTable({"year", "body", "level", "province", "region_code", "issuer", "template", "version",
              "published", "fetched_at", "checks_failed", "check_ids", "url"},
             table, args.format, std::cout);
  return 0;
}

struct ErrorsArgs {
  std::string db, format = "text", since;
};

int RunErrors(const ErrorsArgs& args) {
  int64_t since = args.since.empty() ? 0 : ParseSince(args.since);
  std::vector<Row> table;
  for (const ErrorRow& r : OpenDb(args.db)->Errors(since)) {
    table.push_back({r.url, r.error, r.status ? std::to_string(r.status) : "", Iso(r.last_attempt),
                     std::to_string(r.attempts), Iso(r.last_success)});
  }
  WriteTable({"url", "error", "status", "last_attempt", "attempts", "last_success"}, table,
             args.format, std::cout);
  return 0;
}

struct ChangesArgs {
  std::string db, format = "text", since;
};

std::string Joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : " ") + part;
  return text;
}

int RunChanges(const ChangesArgs& args) {
  int64_t since = ParseSince(args.since);
  std::vector<Row> table;
  for (const ChangeRow& r : OpenDb(args.db)->Changes(since)) {
    std::string change = r.version == 1 ? "new report" : "new version";
    table.push_back({Iso(r.fetched_at), r.url, std::to_string(r.version), change, r.body,
                     r.year ? std::to_string(*r.year) : "", Joined(r.metadata),
                     std::to_string(r.version == 1 ? r.fields_total : r.fields.size()),
                     Joined(r.fields)});
  }
  WriteTable({"fetched_at", "url", "version", "change", "body", "year", "metadata_changed",
              "fields_changed", "fields"},
             table, args.format, std::cout);
  return 0;
}

void AddDbAndFormat(CLI::App* cmd, std::string* db, std::string* format) {
  cmd->add_option("--db", *db, "the database (default: the config's, else ./var/nianbao.db)")
      ->check(NotEmpty());
  cmd->add_option("--format", *format, "text or csv")
      ->check(CLI::IsMember({"text", "csv"}).description(""));
}

}  // namespace

void AddCoverageCommands(CLI::App& app, int* exit_code) {
  auto coverage = std::make_shared<CoverageArgs>();
  CLI::App* cmd = app.add_subcommand(
      "coverage", "One line per expected body of a year: report found, on time or late, checks");
  cmd->add_option("--year", coverage->query.year, "the report year")
      ->required()
      ->check(CLI::Range(1990, 2100).description(""));
  cmd->add_option("--province", coverage->query.province, "only bodies of this province (福建)")
      ->check(NotEmpty());
  cmd->add_option("--level", coverage->query.level,
                  "only national, provincial, prefecture, county, township or department bodies")
      ->check(CLI::IsMember(
                  {"national", "provincial", "prefecture", "county", "township", "department"})
                  .description(""));
  AddDbAndFormat(cmd, &coverage->db, &coverage->format);
  SetExample(cmd, {"nianbao coverage --year 2024 --province 福建 --level department"});
  cmd->callback([coverage, exit_code] {
    Guarded("coverage", exit_code, [&] { return RunCoverage(*coverage); });
  });

  auto reports = std::make_shared<ReportsArgs>();
  cmd =
      app.add_subcommand("reports", "List the stored reports (latest versions) with their bodies");
  cmd->add_option("--year", reports->query.year, "only reports of this year")
      ->check(CLI::Range(1990, 2100).description(""));
  cmd->add_option("--template", reports->query.template_id, "only v2021, v2019 or legacy reports");
  cmd->add_option("--body", reports->query.body, "only bodies whose name contains this text");
  cmd->add_flag("--failed", reports->query.failed_only, "only reports with a failed check");
  AddDbAndFormat(cmd, &reports->db, &reports->format);
  SetExample(cmd, {"nianbao reports --year 2024 --failed"});
  cmd->callback([reports, exit_code] {
    Guarded("reports", exit_code, [&] { return RunReports(*reports); });
  });

  auto errors = std::make_shared<ErrorsArgs>();
  cmd = app.add_subcommand("errors", "List the URLs whose latest fetch failed, with the error");
  cmd->add_option("--since", errors->since, "only failures at or after this date (YYYY-MM-DD)");
  AddDbAndFormat(cmd, &errors->db, &errors->format);
  SetExample(cmd, {"nianbao errors --since 2026-11-01"});
  cmd->callback(
      [errors, exit_code] { Guarded("errors", exit_code, [&] { return RunErrors(*errors); }); });

  auto changes = std::make_shared<ChangesArgs>();
  cmd = app.add_subcommand("changes", "List the reports that got new versions, and what changed");
  cmd->add_option("--since", changes->since, "versions fetched at or after this date (YYYY-MM-DD)")
      ->required();
  AddDbAndFormat(cmd, &changes->db, &changes->format);
  SetExample(cmd, {"nianbao changes --since 2026-11-01"});
  cmd->callback([changes, exit_code] {
    Guarded("changes", exit_code, [&] { return RunChanges(*changes); });
  });
}

}  // namespace nianbao
