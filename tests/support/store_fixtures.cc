#include "tests/support/store_fixtures.h"

#include <SQLiteCpp/Database.h>

#include <cstdio>

namespace nianbao::testing {

Extraction SampleExtraction(int fields, int seed) {
  Extraction e;
  e.template_id = "v2021";
  e.year = 2024;
  e.issuer = "平潭综合实验区管理委员会";
  e.title = "平潭综合实验区2024年政府信息公开工作年度报告";
  e.published = "2025-03-10";
  for (int i = 0; i < fields; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "f%03d", i);
    double value = seed + i;
    e.fields.emplace_back(name, value);
    e.cells[name] = FieldCell{std::to_string(seed + i),
                              "三、本年度办理结果/（一）予以公开 | 自然人", 1, 3 + i, 2};
  }
  if (fields > 2) e.fields[2].second = std::nullopt;  // a "not reported" value
  if (fields > 2) e.cells.erase(e.fields[2].first);
  e.checks.push_back(CheckFailure{"t3.row_total.requests.new", "f000", {"f001", "f002"}, 3, 1});
  // A blank total (found null) and a prose figure against the table.
  e.checks.push_back(CheckFailure{
      "t3.row_total.requests.carried_over", "f001", {"f000"}, 2, std::nullopt, "total_missing"});
  e.checks.push_back(
      CheckFailure{"text.requests.new.total", "f000", {"f000"}, 3119, 3120, "text_vs_table"});
  e.check_status = {{"t3.row_total.requests.new", "t3", "fail"},
                    {"t3.row_total.requests.carried_over", "t3", "fail"},
                    {"t4.review.total", "t4", "not_assessable"},
                    {"text.requests.new.total", "text", "fail"}};
  e.narrative.push_back(
      NarrativeFact{"f000", 3119, "", "3119件", "共受理政府信息公开申请3119件", 120});
  e.narrative.push_back(
      NarrativeFact{"", 5500, "at_least", "5500余条", "主动公开政府信息5500余条", 300});
  e.unmatched.push_back(Unmatched{"row", "其他主动公开文件", 0, 5, 0});
  e.warnings.push_back("table 1 row 4: cannot read \"约20\" as a number");
  return e;
}

int64_t RecordOkFetch(Store& store, const std::string& url, int64_t fetched_at,
                      const std::string& etag) {
  FetchRecord fetch;
  fetch.url = url;
  fetch.final_url = url;
  fetch.fetched_at = fetched_at;
  fetch.status = 200;
  fetch.etag = etag;
  fetch.content_type = "text/html";
  fetch.charset = "UTF-8";
  fetch.bytes = 1234;
  fetch.body_sha256 = Sha256Hex(url);
  fetch.duration_seconds = 0.25;
  return store.RecordFetch(fetch);
}

int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  db.setBusyTimeout(10000);
  return db.execAndGet(sql).getInt64();
}

std::string QueryText(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  db.setBusyTimeout(10000);
  return db.execAndGet(sql).getString();
}

int64_t CountRows(const std::string& db_path, const std::string& table) {
  return QueryInt(db_path, "SELECT count(*) FROM " + table);
}

}  // namespace nianbao::testing
