// nianbao checks [--db PATH] [--year Y] [--body TEXT] [--failed] [--format text|csv|json]
// Lists, for each report's latest version in the database, every identity's status (as stored
// with the snapshot: its check_status and failed checks), then the year-against-year checks over
// the reports of each body (store/cross_year.h). --year and --body (a part of the issuer's name)
// select; --failed keeps only what did not pass: failed identities (and the reports that have
// one), and cross-year checks whose status is "fail" or "warning".
// Exit 0 on success (whatever the checks found), 1 for a database failure, 2 for bad usage.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
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

using Json = nlohmann::ordered_json;
constexpr auto kReplaceInvalidUtf8 = nlohmann::json::error_handler_t::replace;

struct ChecksArgs {
  std::string db;
  std::string format = "text";
  std::optional<int> year;
  std::string body;
  bool failed = false;
};

bool NotPassed(const std::string& status) { return status == "fail" || status == "warning"; }

// The failed check of `identity`, if `report` has one.
const CheckFailure* FailureOf(const ReportChecks& report, const std::string& identity) {
  for (const CheckFailure& f : report.failures) {
    if (f.identity == identity) return &f;
  }
  return nullptr;
}

// One identity of a report as the outputs show it: its status, and for a failure its figures.
struct ReportLine {
  CheckStatus status;
  const CheckFailure* failure = nullptr;
};

// Every identity of `report` (a failure stored without a status, e.g. source_mismatch, as "fail"),
// only the failed ones when `failed_only`.
std::vector<ReportLine> Lines(const ReportChecks& report, bool failed_only) {
  std::vector<ReportLine> lines;
  for (const CheckStatus& s : report.status) {
    if (failed_only && s.status != "fail") continue;
    lines.push_back({s, s.status == "fail" ? FailureOf(report, s.identity) : nullptr});
  }
  for (const CheckFailure& f : report.failures) {
    bool listed = false;
    for (const CheckStatus& s : report.status) listed = listed || s.identity == f.identity;
    if (!listed) lines.push_back({CheckStatus{f.identity, "", "fail"}, &f});
  }
  return lines;
}

Json OrNull(const std::optional<std::string>& text) { return text ? Json(*text) : Json(nullptr); }
Json OrNull(const std::optional<int>& number) { return number ? Json(*number) : Json(nullptr); }
Json EmptyNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

// check_summary as `nianbao extract` prints it (counts per status, overall and per table).
Json Summary(const ReportChecks& report) {
  Extraction e;
  e.check_status = report.status;
  return ToJson(e)["check_summary"];
}

Json CrossYearJson(const CrossYearCheck& c) {
  return {{"identity", c.identity},
          {"body", c.body},
          {"year", c.year},
          {"status", c.status},
          {"field", EmptyNull(c.field)},
          {"previous_field", EmptyNull(c.previous_field)},
          {"expected", ValueToJson(c.expected)},
          {"found", ValueToJson(c.found)},
          {"url", EmptyNull(c.url)},
          {"previous_url", EmptyNull(c.previous_url)},
          {"detail", c.detail}};
}

void PrintJson(const std::vector<ReportChecks>& reports, const std::vector<CrossYearCheck>& cross,
               bool failed_only) {
  Json out;
  out["reports"] = Json::array();
  for (const ReportChecks& r : reports) {
    Json checks = Json::array();
    for (const ReportLine& line : Lines(r, failed_only)) {
      Json check = {{"identity", line.status.identity},
                    {"table", EmptyNull(line.status.table)},
                    {"status", line.status.status}};
      if (line.failure) {
        check["kind"] = line.failure->kind;
        check["total_field"] = line.failure->total_field;
        check["fields"] = line.failure->fields;
        check["expected"] = ValueToJson(line.failure->expected);
        check["found"] = ValueToJson(line.failure->found);
      }
      checks.push_back(std::move(check));
    }
    out["reports"].push_back({{"url", r.url},
                              {"version", r.version},
                              {"template", OrNull(r.template_id)},
                              {"year", OrNull(r.year)},
                              {"body", OrNull(r.body)},
                              {"check_summary", Summary(r)},
                              {"checks", std::move(checks)}});
  }
  Json summary = {{"pass", 0}, {"fail", 0}, {"warning", 0}, {"not_assessable", 0}};
  out["cross_year"] = Json::array();
  for (const CrossYearCheck& c : cross) {
    summary[c.status] = summary.value(c.status, 0) + 1;
    out["cross_year"].push_back(CrossYearJson(c));
  }
  out["cross_year_summary"] = std::move(summary);
  std::cout << out.dump(1, ' ', false, kReplaceInvalidUtf8) << "\n";
}

std::string Number(const Value& value) { return value ? ValueToJson(value).dump() : ""; }

void PrintCsv(const std::vector<ReportChecks>& reports, const std::vector<CrossYearCheck>& cross,
              bool failed_only) {
  std::cout << "scope,url,body,year,template,identity,table,status,kind,expected,found,"
               "previous_url,detail\r\n";
  for (const ReportChecks& r : reports) {
    for (const ReportLine& line : Lines(r, failed_only)) {
      std::cout << "report," << CsvCell(r.url) << ',' << CsvCell(r.body.value_or("")) << ','
                << (r.year ? std::to_string(*r.year) : "") << ','
                << CsvCell(r.template_id.value_or("")) << ',' << CsvCell(line.status.identity)
                << ',' << CsvCell(line.status.table) << ',' << line.status.status << ','
                << (line.failure ? CsvCell(line.failure->kind) : "") << ','
                << (line.failure ? Number(line.failure->expected) : "") << ','
                << (line.failure ? Number(line.failure->found) : "") << ",,\r\n";
    }
  }
  for (const CrossYearCheck& c : cross) {
    std::cout << "cross_year," << CsvCell(c.url) << ',' << CsvCell(c.body) << ',' << c.year << ",,"
              << CsvCell(c.identity) << ",," << c.status << ",," << Number(c.expected) << ','
              << Number(c.found) << ',' << CsvCell(c.previous_url) << ',' << CsvCell(c.detail)
              << "\r\n";
  }
}

// Text: one line per report with its counts, then its failed identities (only those: the others
// are in the csv and json outputs).
void PrintText(const std::vector<ReportChecks>& reports, const std::vector<CrossYearCheck>& cross) {
  std::cout << reports.size() << (reports.size() == 1 ? " report" : " reports") << "\n";
  for (const ReportChecks& r : reports) {
    int pass = 0, fail = 0, not_assessable = 0;
    for (const CheckStatus& s : r.status) {
      pass += s.status == "pass";
      fail += s.status == "fail";
      not_assessable += s.status == "not_assessable";
    }
    std::cout << r.url << "  " << r.template_id.value_or("-") << " "
              << (r.year ? std::to_string(*r.year) : "-") << " " << r.body.value_or("-")
              << "  version " << r.version << ": pass " << pass << ", fail " << fail
              << ", not_assessable " << not_assessable << "\n";
    for (const ReportLine& line : Lines(r, true)) {
      std::cout << "  fail  " << line.status.identity;
      if (line.failure) {
        std::cout << "  (" << line.failure->kind << ") expected " << Number(line.failure->expected)
                  << ", found " << (line.failure->found ? Number(line.failure->found) : "blank");
      }
      std::cout << "\n";
    }
  }
  std::cout << cross.size() << (cross.size() == 1 ? " cross-year check" : " cross-year checks")
            << "\n";
  for (const CrossYearCheck& c : cross) {
    std::cout << c.year << "  " << c.body << "  " << c.identity << "  " << c.status << "  "
              << c.detail << "\n";
  }
}

int RunChecks(const ChecksArgs& args) {
  try {
    auto store = Store::OpenForReading(args.db.empty() ? DefaultDatabasePath() : args.db);
    ChecksOptions options;
    options.year = args.year;
    if (!args.body.empty()) options.body = args.body;
    std::vector<ReportChecks> reports = store->LatestReportChecks(options);
    std::vector<CrossYearCheck> cross = store->CrossYearChecks(options);
    if (args.failed) {
      std::erase_if(reports, [](const ReportChecks& r) { return Lines(r, true).empty(); });
      std::erase_if(cross, [](const CrossYearCheck& c) { return !NotPassed(c.status); });
    }
    if (args.format == "json") {
      PrintJson(reports, cross, args.failed);
    } else if (args.format == "csv") {
      PrintCsv(reports, cross, args.failed);
    } else {
      PrintText(reports, cross);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "nianbao: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void AddChecksCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ChecksArgs>();
  CLI::App* cmd = app.add_subcommand(
      "checks", "List every report's identity statuses and the year-against-year checks");
  cmd->add_option("--db", args->db, "the database (default: the config's, else ./var/nianbao.db)")
      ->check(NotEmpty());
  cmd->add_option("--year", args->year, "only this report year")
      ->check(CLI::Range(1990, 2100).description(""));
  cmd->add_option("--body", args->body, "only bodies (issuers) whose name contains this text")
      ->check(NotEmpty());
  cmd->add_flag("--failed", args->failed, "only what did not pass (fail, and cross-year warning)");
  cmd->add_option("--format", args->format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}).description(""));
  SetExample(cmd,
             {"nianbao checks --body 平潭 --failed", "nianbao checks --year 2024 --format csv"});
  cmd->callback([args, exit_code] { *exit_code = RunChecks(*args); });
}

}  // namespace nianbao
