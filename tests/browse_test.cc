// Browser::Reports (store/browse.h), the web view's report list: newest fetch of the latest
// version first (ties: the later report first), every filter, and paging that neither skips nor
// repeats a report, checked against the order worked out here from what was stored. And the
// migration that gives reports their list order (kVersionWeb): a database of the version before
// it lists its stored reports in that order once opened.
#include "store/browse.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "store/schema.h"
#include "store/store.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::RecordOkFetch;
using testing::SampleExtraction;

std::string Url(int i) { return "https://www.example.gov.cn/nb/" + std::to_string(i) + ".htm"; }

std::vector<std::string> Urls(const std::vector<ListedReport>& rows) {
  std::vector<std::string> urls;
  for (const auto& row : rows) urls.push_back(row.url);
  return urls;
}

// Every page of `filter`, `size` rows at a time, joined.
std::vector<std::string> AllPages(Browser& browser, const ReportFilter& filter, int size,
                                  int64_t* total) {
  std::vector<std::string> urls;
  for (int64_t offset = 0;; offset += size) {
    ReportList page = browser.Reports(filter, offset, size);
    *total = page.total;
    EXPECT_LE(page.rows.size(), static_cast<size_t>(size));
    auto more = Urls(page.rows);
    urls.insert(urls.end(), more.begin(), more.end());
    if (page.rows.size() < static_cast<size_t>(size)) return urls;
  }
}

TEST(BrowseReports, NewestFetchFirstEveryFilterAndPagesWithoutGapsOrRepeats) {
  testing::TempDir dir;
  const std::string db = dir.File("browse.db");
  auto store = Store::Open(db);
  struct Stored {
    int report;       // insertion order (the report id's order)
    int64_t fetched;  // the latest version's fetch
    int year;
    std::string template_id;
    bool failed;
  };
  std::vector<Stored> stored;
  // 13 reports, fetch times with ties (three share one), years 2019–2021, two templates, and
  // failed checks on every third.
  for (int i = 0; i < 13; ++i) {
    Extraction e = SampleExtraction(5, i);
    e.year = 2019 + i % 3;
    e.template_id = i % 2 ? "v2019" : "v2021";
    e.issuer = i % 4 ? "某某县第" + std::to_string(i) + "局" : "某某县人民政府";
    if (i % 3) e.checks.clear();
    const int64_t at = 1741600000 + (i < 3 ? 0 : i * 100) - (i == 7 ? 5000 : 0);
    store->SaveExtraction(Url(i), RecordOkFetch(*store, Url(i), at), e, "text");
    stored.push_back({i, at, *e.year, *e.template_id, !e.checks.empty()});
  }
  // Report 4 gets a new version, fetched last: it moves to the top. Report 5 is fetched again with
  // the same data (no new version): it keeps its place.
  Extraction changed = SampleExtraction(5, 99);
  changed.year = 2020;
  changed.template_id = "v2021";
  changed.checks.clear();
  store->SaveExtraction(Url(4), RecordOkFetch(*store, Url(4), 1741700000), changed, "text 2");
  stored[4] = {4, 1741700000, 2020, "v2021", false};
  Extraction same = SampleExtraction(5, 5);
  same.year = 2021;
  same.template_id = "v2019";
  same.issuer = "某某县第5局";
  same.checks.clear();
  store->SaveExtraction(Url(5), RecordOkFetch(*store, Url(5), 1741800000), same, "text");
  ASSERT_EQ(store->History(Url(5)).size(), 1u);

  auto expected = [&](auto keep) {
    std::vector<Stored> rows;
    for (const auto& s : stored)
      if (keep(s)) rows.push_back(s);
    std::sort(rows.begin(), rows.end(), [](const Stored& a, const Stored& b) {
      return std::tie(a.fetched, a.report) > std::tie(b.fetched, b.report);
    });
    std::vector<std::string> urls;
    for (const auto& r : rows) urls.push_back(Url(r.report));
    return urls;
  };
  auto browser = Browser::Open(db);
  int64_t total = 0;
  auto all = expected([](const Stored&) { return true; });
  EXPECT_EQ(all.front(), Url(4));
  EXPECT_EQ(all.back(), Url(7));
  for (int size : {1, 4, 13, 50}) {
    SCOPED_TRACE("pages of " + std::to_string(size));
    EXPECT_EQ(AllPages(*browser, {}, size, &total), all);
    EXPECT_EQ(total, 13);
  }
  ReportList first = browser->Reports({}, 0, 2);
  ASSERT_EQ(first.rows.size(), 2u);
  EXPECT_EQ(first.rows[0].version, 2);
  EXPECT_EQ(first.rows[0].fetched_at, 1741700000);
  EXPECT_EQ(first.rows[0].year, 2020);
  EXPECT_EQ(first.rows[0].failed_checks, 0);
  EXPECT_EQ(browser->Reports({}, 13, 5).rows.size(), 0u);

  ReportFilter year;
  year.year = 2020;
  auto of_2020 = expected([](const Stored& s) { return s.year == 2020; });
  EXPECT_EQ(of_2020.size(), 4u);
  EXPECT_EQ(AllPages(*browser, year, 3, &total), of_2020);
  EXPECT_EQ(total, 4);
  ReportFilter year_and_template = year;
  year_and_template.template_id = "v2019";
  EXPECT_EQ(AllPages(*browser, year_and_template, 2, &total),
            expected([](const Stored& s) { return s.year == 2020 && s.template_id == "v2019"; }));
  ReportFilter failed;
  failed.failed_only = true;
  auto failing = expected([](const Stored& s) { return s.failed; });
  EXPECT_EQ(failing.size(), 5u);
  EXPECT_EQ(AllPages(*browser, failed, 3, &total), failing);
  EXPECT_EQ(total, static_cast<int64_t>(failing.size()));
  ReportList failed_page = browser->Reports(failed, 0, 1);
  ASSERT_EQ(failed_page.rows.size(), 1u);
  EXPECT_EQ(failed_page.rows[0].failed_checks, 3);
  ReportFilter government;
  government.level = "government";
  EXPECT_EQ(AllPages(*browser, government, 2, &total),
            expected([](const Stored& s) { return s.report % 4 == 0 && s.report != 4; }));
  ReportFilter body;
  body.body = "第1";  // 第1局, 第10局, 第11局
  EXPECT_EQ(AllPages(*browser, body, 2, &total), expected([](const Stored& s) {
              return s.report == 1 || s.report == 10 || s.report == 11;
            }));
  EXPECT_EQ(browser->Versions(Url(4)), 2);
  EXPECT_EQ(browser->Versions(Url(5)), 1);
  EXPECT_EQ(browser->Versions("https://www.example.gov.cn/none.htm"), 0);
}

TEST(BrowseReports, MigrationGivesStoredReportsTheirListOrder) {
  testing::TempDir dir;
  const std::string db = dir.File("old.db");
  {
    SQLite::Database old(db, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    store_internal::Migrate(old, store_internal::kSchemaVersion - 1);
    old.exec(
        "INSERT INTO sources VALUES (1, 'https://a.gov.cn/1.htm', 'https://a.gov.cn/1.htm', "
        "'a.gov.cn', 1), (2, 'https://a.gov.cn/2.htm', 'https://a.gov.cn/2.htm', 'a.gov.cn', 1);"
        "INSERT INTO fetches (id, source_id, final_url, fetched_at, status, error, redirects, "
        "etag, last_modified, content_type, charset, bytes, body_sha256, duration_seconds) VALUES "
        "(1, 1, 'u', 1700000000, 200, '', '[]', '', '', 'text/html', 'UTF-8', 1, 'a', 0), "
        "(2, 2, 'u', 1700000500, 200, '', '[]', '', '', 'text/html', 'UTF-8', 1, 'b', 0), "
        "(3, 1, 'u', 1700000900, 200, '', '[]', '', '', 'text/html', 'UTF-8', 1, 'c', 0);"
        "INSERT INTO reports (id, source_id, latest_snapshot_id) VALUES (1, 1, 3), (2, 2, 2);"
        "INSERT INTO snapshots (id, report_id, version, fetch_id, data_sha256, template, year) "
        "VALUES (1, 1, 1, 1, 'h1', 'v2021', 2023), (2, 2, 1, 2, 'h2', 'v2021', 2024), "
        "(3, 1, 2, 3, 'h3', 'v2021', 2024);");
  }
  Store::Open(db);  // migrates
  auto browser = Browser::Open(db);
  ReportList all = browser->Reports({}, 0, 10);
  EXPECT_EQ(all.total, 2);
  EXPECT_EQ(Urls(all.rows),
            (std::vector<std::string>{"https://a.gov.cn/1.htm", "https://a.gov.cn/2.htm"}));
  ReportFilter year;
  year.year = 2023;  // report 1's first version only: not its latest
  EXPECT_EQ(browser->Reports(year, 0, 10).total, 0);
  year.year = 2024;
  EXPECT_EQ(browser->Reports(year, 0, 10).total, 2);
}

// The Browser keeps its statements prepared between calls: each call still sees what was written
// since the last one, and none leaves its read snapshot open (a checkpoint of the whole WAL
// succeeds while the Browser lives).
TEST(BrowseReports, KeptStatementsSeeNewWritesAndHoldNoSnapshot) {
  testing::TempDir dir;
  const std::string db = dir.File("kept.db");
  auto store = Store::Open(db);
  store->SaveExtraction(Url(0), RecordOkFetch(*store, Url(0), 1741600000), SampleExtraction(5, 0),
                        "text");
  auto browser = Browser::Open(db);
  ReportFilter year;
  year.year = SampleExtraction(5, 0).year;
  EXPECT_EQ(browser->Reports({}, 0, 10).total, 1);
  EXPECT_EQ(browser->Reports(year, 0, 10).total, 1);
  EXPECT_EQ(browser->Versions(Url(0)), 1);
  EXPECT_EQ(browser->GetOverview(1741700000).versions, 1);

  store->SaveExtraction(Url(0), RecordOkFetch(*store, Url(0), 1741700000), SampleExtraction(5, 9),
                        "text 2");
  store->SaveExtraction(Url(1), RecordOkFetch(*store, Url(1), 1741800000), SampleExtraction(5, 1),
                        "text");
  ReportList list = browser->Reports({}, 0, 10);
  EXPECT_EQ(list.total, 2);
  ASSERT_EQ(list.rows.size(), 2u);
  EXPECT_EQ(list.rows[0].url, Url(1));
  EXPECT_EQ(list.rows[1].version, 2);
  EXPECT_EQ(browser->Versions(Url(0)), 2);
  EXPECT_EQ(browser->GetOverview(1741900000).versions, 3);

  SQLite::Database writer(db, SQLite::OPEN_READWRITE);
  SQLite::Statement checkpoint(writer, "PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_TRUE(checkpoint.executeStep());
  EXPECT_EQ(checkpoint.getColumn(0).getInt(), 0) << "a reader still holds a snapshot";
}

}  // namespace
}  // namespace nianbao
