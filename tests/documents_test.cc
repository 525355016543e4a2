// Documents in the store (issue 10, store side): every fetched body archived once per SHA-256,
// attachments linked to their page, a report made from its attachment, source_mismatch between a
// page and its attachment, provenance in show/JSON/export, and `nianbao reextract`. Everything runs
// as the real binary against a real SQLite file, crawling a real HTTP server on 127.0.0.1.
//
// Attachments here are plain text (what Extract reads today) under .pdf URLs, as real sites serve
// them; the format comes from the bytes, so the same tests hold when a PDF body is served instead.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/support/http_server.h"
#include "tests/support/paths.h"
#include "tests/support/report_pages.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::HttpServer;
using testing::ReadFileBytes;
using testing::Respond;
using testing::TempDir;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun Nianbao(const TempDir& dir, std::vector<std::string> args) {
  std::string out_path = dir.File("stdout"), err_path = dir.File("stderr");
  pid_t child = fork();
  if (child == 0) {
    if (!freopen(out_path.c_str(), "w", stdout) || !freopen(err_path.c_str(), "w", stderr))
      _exit(99);
    std::string binary = testing::NianbaoBinary();
    std::vector<char*> argv = {binary.data()};
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    setenv("NIANBAO_CONFIG", "/nonexistent/nianbao.toml", 1);  // never the machine's config
    execv(binary.c_str(), argv.data());
    _exit(98);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = ReadFileBytes(out_path);
  run.err = ReadFileBytes(err_path);
  return run;
}

const char kHtml[] = "text/html; charset=utf-8";
const char kText[] = "text/plain; charset=utf-8";

// The real Pingtan 2024 report as HTML (GB18030) and its tables as pdftotext -layout prints them.
std::string PingtanHtml() {
  return ReadFileBytes(testing::DataDir() + "/pingtan-2024.gb18030.html");
}
std::string PingtanText() {
  return ReadFileBytes(testing::DataDir() + "/pages/pingtan-2024-layout.txt");
}

// A report page whose statistics are only in its attachment.
std::string PageWithoutTable(const std::string& attachment_href) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>某某县2024年政府信息公开工作"
         "年度报告</title></head><body><h1>某某县2024年政府信息公开工作年度报告</h1>"
         "<p>详见附件。</p><p>附件：<a href=\"" +
         attachment_href + "\">报告全文</a></p></body></html>";
}

std::string ReplaceOnce(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

nlohmann::json Json(const CliRun& run) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
}

int CountSourceMismatches(const nlohmann::json& shown) {
  int count = 0;
  for (const auto& check : shown["checks"]) count += check["kind"] == "source_mismatch" ? 1 : 0;
  return count;
}

class DocumentsTest : public ::testing::Test {
 protected:
  std::string db() const { return dir_.File("nianbao.db"); }

  // Crawls from /list.html (no delay), with `rules_dir` when given.
  CliRun Crawl(const std::string& rules_dir = "") {
    std::vector<std::string> args = {"crawl",  "--db",
                                     db(),     "--delay",
                                     "0",      "--allow-private-addresses",
                                     "--seed", server_.Url("/list.html")};
    if (!rules_dir.empty()) args.insert(args.end(), {"--rules", rules_dir});
    return Nianbao(dir_, args);
  }

  nlohmann::json Show(const std::string& path) {
    return Json(Nianbao(dir_, {"show", "--db", db(), "--format", "json", server_.Url(path)}));
  }

  // `nianbao extract` of bytes, as a file: what the attachment says on its own.
  nlohmann::json ExtractFile(const std::string& bytes, const std::string& name) {
    testing::WriteFileBytes(dir_.File(name), bytes);
    CliRun run = Nianbao(dir_, {"extract", dir_.File(name)});
    return nlohmann::json::parse(run.out, nullptr, false);
  }

  int64_t Count(const std::string& sql) {
    SQLite::Database database(db(), SQLite::OPEN_READONLY);
    return database.execAndGet(sql).getInt64();
  }

  TempDir dir_;
  HttpServer server_;
};

// The value of column `name` in data line `line` (1 = the first after the header) of `csv`, whose
// cells hold no commas or quotes (as these exports' do).
std::string CsvColumn(const std::string& csv, size_t line, const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  for (std::string text; std::getline(in, text) && rows.size() <= line;) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    std::vector<std::string> cells;
    std::istringstream cells_in(text);
    for (std::string cell; std::getline(cells_in, cell, ',');) cells.push_back(cell);
    rows.push_back(std::move(cells));
  }
  if (rows.size() <= line) return "(no line " + std::to_string(line) + ")";
  for (size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == name) return i < rows[line].size() ? rows[line][i] : "(short line)";
  }
  return "(no column " + name + ")";
}

TEST_F(DocumentsTest, EveryFetchedBodyIsArchivedOncePerSha256Compressed) {
  const std::string report = testing::ReportPageHtml("v2021", 2024, 1, "utf-8", "/a.pdf");
  const std::string copy = testing::ReportPageHtml("v2019", 2019, 2);  // served under two URLs
  const std::string attachment = "附件正文，没有统计表。\n" + std::string(4000, 'x');
  const std::string list =
      testing::ListPageHtml({{"/a.html", "2024年政府信息公开工作年度报告"},
                             {"/b.html", "2019年政府信息公开工作年度报告"},
                             {"/c.html", "2019年政府信息公开工作年度报告（转载）"}});
  server_.Serve("/list.html", Respond(200, list, {{"Content-Type", kHtml}}));
  server_.Serve("/a.html", Respond(200, report, {{"Content-Type", kHtml}}));
  server_.Serve("/b.html", Respond(200, copy, {{"Content-Type", kHtml}}));
  server_.Serve("/c.html", Respond(200, copy, {{"Content-Type", kHtml}}));
  server_.Serve("/a.pdf", Respond(200, attachment, {{"Content-Type", "application/pdf"}}));
  CliRun crawl = Crawl();
  ASSERT_EQ(crawl.exit_code, 0) << crawl.err;

  auto store = Store::Open(db());
  // Each kind of body — list, report page, attachment — is stored and reads back byte for byte.
  for (const std::string& body : {list, report, copy, attachment}) {
    std::optional<StoredDocument> stored = store->GetDocument(Sha256Hex(body));
    ASSERT_TRUE(stored) << body.substr(0, 80);
    EXPECT_EQ(stored->body, body);
  }
  EXPECT_EQ(store->GetDocument(Sha256Hex(attachment))->media_type, "application/pdf");
  EXPECT_EQ(store->GetDocument(Sha256Hex(report))->media_type, "text/html");
  // Once per SHA-256: the body served by b.html and c.html is one row, named by both URLs.
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM document_sources WHERE sha256 = '" + Sha256Hex(copy) + "'"),
            2);
  // Compressed: zlib, smaller than the body (the attachment is mostly one repeated byte).
  EXPECT_EQ(Count("SELECT count(*) FROM documents WHERE compression <> 'zlib'"), 0);
  EXPECT_LT(
      Count("SELECT length(body) FROM documents WHERE sha256 = '" + Sha256Hex(attachment) + "'"),
      static_cast<int64_t>(attachment.size()) / 4);
  // Each archived report page is what its latest fetch served.
  std::optional<ArchivedDocument> latest = store->LatestDocument(server_.Url("/a.html"));
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->sha256, Sha256Hex(report));

  // A second crawl of unchanged pages adds fetches, not documents.
  ASSERT_EQ(Crawl().exit_code, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
}

TEST_F(DocumentsTest, AnAttachmentIsLinkedToThePageThatLinksIt) {
  server_.Serve("/list.html",
                Respond(200,
                        testing::ListPageHtml({{"/a.html", "2024年政府信息公开工作年度报告"},
                                               {"/direct.pdf", "2023年政府信息公开工作年度报告"}}),
                        {{"Content-Type", kHtml}}));
  server_.Serve("/a.html",
                Respond(200, testing::ReportPageHtml("v2021", 2024, 1, "utf-8", "/a.pdf"),
                        {{"Content-Type", kHtml}}));
  server_.Serve("/a.pdf", Respond(200, "全文", {{"Content-Type", "application/pdf"}}));
  server_.Serve("/direct.pdf", Respond(200, "另一份全文", {{"Content-Type", "application/pdf"}}));
  ASSERT_EQ(Crawl().exit_code, 0);

  auto store = Store::Open(db());
  std::vector<ArchivedDocument> attachments = store->ReportAttachments(server_.Url("/a.html"));
  ASSERT_EQ(attachments.size(), 1u);
  EXPECT_EQ(attachments[0].url, server_.Url("/a.pdf"));
  EXPECT_EQ(attachments[0].sha256, Sha256Hex("全文"));
  EXPECT_EQ(store->PagesLinking(server_.Url("/a.pdf")),
            std::vector<std::string>{server_.Url("/a.html")});
  // Linked from the list page as a list's entry: linked, but a report of its own, not the list's.
  EXPECT_EQ(
      Count("SELECT count(*) FROM attachments a JOIN sources s ON s.id = "
            "a.attachment_source_id WHERE s.url LIKE '%/direct.pdf' AND a.page_kind = 'list'"),
      1);
  EXPECT_TRUE(store->ReportAttachments(server_.Url("/list.html")).empty());
}

TEST_F(DocumentsTest, APageWithoutATableGetsItsSnapshotFromItsAttachment) {
  const std::string text = PingtanText();
  server_.Serve("/list.html",
                Respond(200, testing::ListPageHtml({{"/b.html", "2024年政府信息公开工作年度报告"}}),
                        {{"Content-Type", kHtml}}));
  server_.Serve("/b.html",
                Respond(200, PageWithoutTable("/files/b.pdf"), {{"Content-Type", kHtml}}));
  server_.Serve("/files/b.pdf", Respond(200, text, {{"Content-Type", kText}}));
  CliRun crawl = Crawl();
  ASSERT_EQ(crawl.exit_code, 0) << crawl.err;

  nlohmann::json shown = Show("/b.html");
  nlohmann::json alone = ExtractFile(text, "b.txt");
  ASSERT_TRUE(alone.is_object());
  ASSERT_FALSE(alone["template"].is_null());
  EXPECT_EQ(shown["template"], alone["template"]);
  EXPECT_EQ(shown["fields"], alone["fields"]);
  EXPECT_EQ(shown["cells"], alone["cells"]);
  // Provenance: the attachment, its bytes and its format.
  EXPECT_EQ(shown["source"]["url"], server_.Url("/files/b.pdf"));
  EXPECT_EQ(shown["source"]["sha256"], Sha256Hex(text));
  EXPECT_EQ(shown["source"]["format"], alone["format"]);
  EXPECT_EQ(shown["format"], alone["format"]);
  // The attachment is not a second report.
  EXPECT_EQ(Nianbao(dir_, {"show", "--db", db(), server_.Url("/files/b.pdf")}).exit_code, 1);
}

TEST_F(DocumentsTest, APageAndItsAttachmentThatDisagreeGiveSourceMismatchNotAMerge) {
  const std::string html = PingtanHtml();
  const nlohmann::json html_alone = ExtractFile(html, "pingtan.html");
  ASSERT_FALSE(html_alone["template"].is_null());
  const nlohmann::json text_alone = ExtractFile(PingtanText(), "pingtan.txt");
  // The two copies agree on every field both read (they are the same real report).
  for (const auto& [field, value] : html_alone["fields"].items()) {
    if (!value.is_null() && text_alone["fields"].contains(field) &&
        !text_alone["fields"][field].is_null()) {
      ASSERT_EQ(value, text_alone["fields"][field]) << field;
    }
  }
  // One printed number changed in the attachment: 表二's 行政许可 decisions.
  const nlohmann::json& licensing = text_alone["cells"]["active.licensing.decisions"];
  ASSERT_TRUE(licensing.is_object()) << text_alone.dump();
  const std::string raw = licensing["raw"].get<std::string>();
  const std::string changed_raw = raw + "7";
  std::string text = PingtanText();
  // Replace the number on the 行政许可 line only.
  size_t line = text.find("行政许可");
  ASSERT_NE(line, std::string::npos);
  size_t at = text.find(raw, line);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, raw.size(), changed_raw);
  ASSERT_EQ(ExtractFile(text, "changed.txt")["fields"]["active.licensing.decisions"],
            std::stod(changed_raw));

  server_.Serve("/list.html",
                Respond(200,
                        testing::ListPageHtml({{"/a.html", "平潭2024年政府信息公开工作年度报告"},
                                               {"/d.html", "平潭2024年政府信息公开工作年度报告"}}),
                        {{"Content-Type", kHtml}}));
  // a.html links the changed copy, d.html the faithful one.
  std::string page_a = ReplaceOnce(html, "</body>", "<a href=\"/a.pdf\">PDF</a></body>");
  std::string page_d = ReplaceOnce(html, "</body>", "<a href=\"/d.pdf\">PDF</a></body>");
  server_.Serve("/a.html", Respond(200, page_a, {{"Content-Type", "text/html; charset=gb18030"}}));
  server_.Serve("/d.html", Respond(200, page_d, {{"Content-Type", "text/html; charset=gb18030"}}));
  server_.Serve("/a.pdf", Respond(200, text, {{"Content-Type", kText}}));
  server_.Serve("/d.pdf", Respond(200, PingtanText(), {{"Content-Type", kText}}));
  CliRun crawl = Crawl();
  ASSERT_EQ(crawl.exit_code, 0) << crawl.err;

  nlohmann::json a = Show("/a.html");
  // The HTML is the source: its value stays, the attachment's is only reported.
  EXPECT_EQ(a["source"]["url"], server_.Url("/a.html"));
  EXPECT_EQ(a["fields"]["active.licensing.decisions"],
            html_alone["fields"]["active.licensing.decisions"]);
  std::vector<nlohmann::json> mismatches;
  for (const auto& check : a["checks"]) {
    if (check["kind"] == "source_mismatch") mismatches.push_back(check);
  }
  ASSERT_EQ(mismatches.size(), 1u) << a["checks"].dump();
  EXPECT_EQ(mismatches[0]["identity"], "source_mismatch.active.licensing.decisions");
  EXPECT_EQ(mismatches[0]["total_field"], "active.licensing.decisions");
  EXPECT_EQ(mismatches[0]["found"], html_alone["fields"]["active.licensing.decisions"]);
  EXPECT_EQ(mismatches[0]["expected"], std::stod(changed_raw));
  EXPECT_EQ(mismatches[0]["document"], server_.Url("/a.pdf"));
  EXPECT_EQ(mismatches[0]["document_sha256"], Sha256Hex(text));
  // The text view says it too.
  CliRun shown = Nianbao(dir_, {"show", "--db", db(), server_.Url("/a.html")});
  EXPECT_NE(shown.out.find("source_mismatch.active.licensing.decisions"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find(server_.Url("/a.pdf")), std::string::npos);

  // The faithful copy, linked and read the same way: no mismatch.
  nlohmann::json d = Show("/d.html");
  EXPECT_EQ(d["source"]["url"], server_.Url("/d.html"));
  EXPECT_EQ(Store::Open(db())->ReportAttachments(server_.Url("/d.html")).size(), 1u);
  EXPECT_EQ(CountSourceMismatches(d), 0);

  // reextract compares them again, and finds the same.
  CliRun again = Nianbao(dir_, {"reextract", "--db", db(), server_.Url("/a.html")});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("unchanged (version 1); 1 source_mismatch check"), std::string::npos)
      << again.out;
  EXPECT_EQ(CountSourceMismatches(Show("/a.html")), 1);
}

TEST_F(DocumentsTest, ShowAndExportNameEachReportsSourceDocumentAndFormat) {
  const std::string report = testing::ReportPageHtml("v2021", 2024, 3);
  server_.Serve("/list.html",
                Respond(200, testing::ListPageHtml({{"/a.html", "2024年政府信息公开工作年度报告"}}),
                        {{"Content-Type", kHtml}}));
  server_.Serve("/a.html", Respond(200, report, {{"Content-Type", kHtml}}));
  ASSERT_EQ(Crawl().exit_code, 0);

  nlohmann::json shown = Show("/a.html");
  EXPECT_EQ(shown["format"], "html");
  EXPECT_EQ(shown["source"]["url"], server_.Url("/a.html"));
  EXPECT_EQ(shown["source"]["sha256"], Sha256Hex(report));
  EXPECT_EQ(shown["source"]["format"], "html");
  EXPECT_EQ(shown["source"]["rules_sha256"].get<std::string>().size(), 64u);

  CliRun text = Nianbao(dir_, {"show", "--db", db(), server_.Url("/a.html")});
  EXPECT_NE(text.out.find("format:    html\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("source:    " + server_.Url("/a.html") + " (sha256 " + Sha256Hex(report)),
            std::string::npos)
      << text.out;

  CliRun long_csv = Nianbao(dir_, {"export", "--db", db()});
  ASSERT_EQ(long_csv.exit_code, 0) << long_csv.err;
  // The quality columns come after `format` (issue 13); the first eleven stay as they were.
  EXPECT_TRUE(long_csv.out.starts_with(
      "url,issuer,year,template,version,fetched_at,field,value,raw,unit,format,"));
  EXPECT_EQ(CsvColumn(long_csv.out, 1, "format"), "html") << long_csv.out.substr(0, 400);
  CliRun wide = Nianbao(dir_, {"export", "--db", db(), "--layout", "wide"});
  EXPECT_EQ(CsvColumn(wide.out, 1, "format"), "html") << wide.out.substr(0, 400);
}

// rules/ copied, with `edit` applied to one file.
std::string AlteredRules(const TempDir& dir, const std::string& file, const std::string& from,
                         const std::string& to) {
  std::string rules = dir.File("old-rules");
  std::filesystem::copy(testing::SourceDir() + "/rules", rules,
                        std::filesystem::copy_options::recursive);
  std::string path = rules + "/" + file;
  std::string content = ReadFileBytes(path);
  size_t at = content.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  content.replace(at, from.size(), to);
  testing::WriteFileBytes(path, content);
  return rules;
}

TEST_F(DocumentsTest, ReextractMakesNewVersionsExactlyWhereTheDataChange) {
  // The old rules: v2021's 行政许可 row misnamed (its value lost), and the legacy format unknown.
  std::string old_rules =
      AlteredRules(dir_, "v2021.toml", "labels = [\"行政许可\"]\npatterns = [\"行政许可.*\"]",
                   "labels = [\"行政许可证照\"]\npatterns = [\"行政许可证照.*\"]");
  {
    std::string path = old_rules + "/legacy.toml";
    std::string content = ReadFileBytes(path);
    content = std::regex_replace(content, std::regex("min_markers = 3"), "min_markers = 99");
    testing::WriteFileBytes(path, content);
  }
  server_.Serve("/list.html",
                Respond(200,
                        testing::ListPageHtml({{"/v2021.html", "2024年政府信息公开工作年度报告"},
                                               {"/v2019.html", "2019年政府信息公开工作年度报告"},
                                               {"/legacy.html", "2015年政府信息公开工作年度报告"},
                                               {"/b.html", "2023年政府信息公开工作年度报告"}}),
                        {{"Content-Type", kHtml}}));
  // The real Pingtan report: its 表二 has a 行政许可 row with a number.
  server_.Serve("/v2021.html",
                Respond(200, PingtanHtml(), {{"Content-Type", "text/html; charset=gb18030"}}));
  server_.Serve("/v2019.html",
                Respond(200, testing::ReportPageHtml("v2019", 2019, 5), {{"Content-Type", kHtml}}));
  server_.Serve("/legacy.html", Respond(200, testing::ReportPageHtml("legacy", 2015, 6),
                                        {{"Content-Type", kHtml}}));
  // A v2021 report whose table is only in its attachment.
  server_.Serve("/b.html", Respond(200, PageWithoutTable("/b.pdf"), {{"Content-Type", kHtml}}));
  server_.Serve("/b.pdf", Respond(200, PingtanText(), {{"Content-Type", kText}}));
  CliRun crawl = Crawl(old_rules);
  ASSERT_EQ(crawl.exit_code, 0) << crawl.err;

  nlohmann::json before = Show("/v2021.html");
  ASSERT_TRUE(before["fields"]["active.licensing.decisions"].is_null()) << before["fields"].dump();
  const std::string old_hash = before["source"]["rules_sha256"];
  ASSERT_TRUE(Show("/b.html")["fields"]["active.licensing.decisions"].is_null());
  const nlohmann::json v2019_before = Show("/v2019.html");
  // The old rules saw no statistics table on the legacy page: it was stored as a page only.
  EXPECT_EQ(Nianbao(dir_, {"show", "--db", db(), server_.Url("/legacy.html")}).exit_code, 1);

  // Re-read everything with the fixed (built-in) rules.
  CliRun run = Nianbao(dir_, {"reextract", "--db", db(), "--all"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(
      run.out.find(server_.Url("/v2021.html") + ": new version 2 (1 field changed, from html " +
                   server_.Url("/v2021.html") + ")"),
      std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(server_.Url("/b.html") + ": new version 2 (1 field changed, from text " +
                         server_.Url("/b.pdf") + ")"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(server_.Url("/v2019.html") + ": unchanged (version 1)"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(server_.Url("/legacy.html") + ": new version 1 ("), std::string::npos)
      << run.out;
  // The list page is only counted; the attachment is read with its page, not on its own.
  EXPECT_EQ(run.out.find(server_.Url("/list.html")), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(server_.Url("/b.pdf") + ":"), std::string::npos) << run.out;

  auto versions = [&](const std::string& path) {
    return Json(Nianbao(
        dir_, {"history", "--db", db(), "--format", "json", server_.Url(path)}))["versions"]
        .size();
  };
  EXPECT_EQ(versions("/v2021.html"), 2u);
  EXPECT_EQ(versions("/b.html"), 2u);
  EXPECT_EQ(versions("/v2019.html"), 1u);
  EXPECT_EQ(versions("/legacy.html"), 1u);
  nlohmann::json after = Show("/v2021.html");
  EXPECT_FALSE(after["fields"]["active.licensing.decisions"].is_null());
  const std::string new_hash = after["source"]["rules_sha256"];
  EXPECT_NE(new_hash, old_hash);
  EXPECT_EQ(Show("/legacy.html")["template"], "legacy");
  // The unchanged report keeps its version, made by the old rules.
  EXPECT_EQ(Show("/v2019.html"), v2019_before);
  EXPECT_EQ(Show("/v2019.html")["source"]["rules_sha256"], old_hash);

  // Run again: nothing changes.
  CliRun again = Nianbao(dir_, {"reextract", "--db", db(), "--all", "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  nlohmann::json report = nlohmann::json::parse(again.out);
  EXPECT_EQ(report["rules_sha256"], new_hash);
  ASSERT_EQ(report["results"].size(), 4u) << again.out;
  for (const auto& result : report["results"]) EXPECT_EQ(result["outcome"], "unchanged") << result;
}

TEST_F(DocumentsTest, ReextractSaysWhatItCannotDo) {
  CliRun neither = Nianbao(dir_, {"reextract", "--db", db()});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--all or one or more URLs"), std::string::npos);
  CliRun unknown = Nianbao(dir_, {"reextract", "--db", db(), "https://example.gov.cn/none.html"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("https://example.gov.cn/none.html: no archived document"),
            std::string::npos)
      << unknown.out;
}

}  // namespace
}  // namespace nianbao
