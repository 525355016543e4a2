// The store's side of documents: provenance saved with a snapshot (origin, format, cell pages),
// source_mismatch checks replaced per document, the archive lookups reextract uses, and the
// frontier's parent kind.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/support/store_fixtures.h"
#include "tests/support/temp_dir.h"

namespace nianbao {
namespace {

using testing::RecordOkFetch;
using testing::SampleExtraction;
using testing::TempDir;

constexpr char kPage[] = "https://a.gov.cn/nb/2024.htm";
constexpr char kPdf[] = "https://a.gov.cn/nb/2024.pdf";

CheckFailure Mismatch(const std::string& field, double found, double expected,
                      const std::string& url) {
  CheckFailure c;
  c.kind = "source_mismatch";
  c.identity = "source_mismatch." + field;
  c.total_field = field;
  c.fields = {field};
  c.found = found;
  c.expected = expected;
  c.document_url = url;
  c.document_sha256 = Sha256Hex(url);
  return c;
}

// Records a 200 fetch of `url` that served `body`, archives the body, and returns the fetch id.
int64_t FetchAndArchive(Store& store, const std::string& url, const std::string& body,
                        int64_t fetched_at = 1741600000) {
  FetchRecord fetch;
  fetch.url = url;
  fetch.final_url = url;
  fetch.fetched_at = fetched_at;
  fetch.status = 200;
  fetch.charset = "GBK";
  fetch.bytes = static_cast<int64_t>(body.size());
  fetch.body_sha256 = Sha256Hex(body);
  int64_t id = store.RecordFetch(fetch);
  store.PutDocument(body, "text/html", url, id);
  return id;
}

class StoreDocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = Store::Open(dir_.File("nianbao.db")); }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreDocumentsTest, ASnapshotKeepsItsDocumentFormatRulesAndCellPages) {
  Extraction e = SampleExtraction(5);
  e.format = "pdf";
  e.cells["f001"].page = 3;
  int64_t fetch = RecordOkFetch(*store_, kPdf);
  std::string sha = store_->PutDocument("%PDF-1.7 ...", "application/pdf", kPdf, fetch);
  store_->SaveExtraction(kPage, fetch, e, "text", SnapshotOrigin{kPdf, sha, "rules-hash"});
  StoredExtraction shown = store_->Show(kPage);
  EXPECT_EQ(shown.origin.document_url, kPdf);
  EXPECT_EQ(shown.origin.document_sha256, sha);
  EXPECT_EQ(shown.origin.rules_sha256, "rules-hash");
  EXPECT_EQ(shown.extraction.format, "pdf");
  EXPECT_EQ(shown.extraction.cells.at("f001").page, 3);
  EXPECT_EQ(shown.extraction.cells.at("f003").page, 0);
  EXPECT_EQ(shown.extraction, e);  // everything else round-trips as before
}

TEST_F(StoreDocumentsTest, SourceChecksAreReplacedPerDocumentAndKeepTheSumChecks) {
  Extraction e = SampleExtraction(5);  // has one failed sum check
  store_->SaveExtraction(kPage, RecordOkFetch(*store_, kPage), e, "t");
  store_->SetSourceChecks(kPage, kPdf,
                          {Mismatch("f001", 2, 3, kPdf), Mismatch("f002", 3, 9, kPdf)});
  store_->SetSourceChecks(kPage, "https://a.gov.cn/nb/2024.docx",
                          {Mismatch("f003", 4, 5, "https://a.gov.cn/nb/2024.docx")});
  const size_t n = e.checks.size();  // the sample's own failed checks come first
  std::vector<CheckFailure> checks = store_->Show(kPage).extraction.checks;
  ASSERT_EQ(checks.size(), n + 3);
  EXPECT_EQ(checks[0], e.checks[0]);
  EXPECT_EQ(checks[0].kind, "sum");
  EXPECT_EQ(checks[n], Mismatch("f001", 2, 3, kPdf));
  EXPECT_EQ(checks[n + 2].document_url, "https://a.gov.cn/nb/2024.docx");

  // The PDF read again: one mismatch left; then none.
  store_->SetSourceChecks(kPage, kPdf, {Mismatch("f002", 3, 8, kPdf)});
  checks = store_->Show(kPage).extraction.checks;
  ASSERT_EQ(checks.size(), n + 2);
  EXPECT_EQ(checks[n].total_field, "f003");
  EXPECT_EQ(checks[n + 1], Mismatch("f002", 3, 8, kPdf));
  store_->SetSourceChecks(kPage, kPdf, {});
  EXPECT_EQ(store_->Show(kPage).extraction.checks.size(), n + 1);
  // A new version starts without them: they compared the old data.
  Extraction changed = e;
  changed.fields[0].second = 99;
  store_->SaveExtraction(kPage, RecordOkFetch(*store_, kPage), changed, "t");
  EXPECT_EQ(store_->Show(kPage).extraction.checks.size(), n);
  EXPECT_THROW(store_->SetSourceChecks("https://none.gov.cn/", kPdf, {}), NotFoundError);
}

TEST_F(StoreDocumentsTest, ArchiveLookupsFindEachPagesLatestBodyAndItsReportAttachments) {
  FetchAndArchive(*store_, kPage, "<html>v1</html>", 100);
  int64_t second = FetchAndArchive(*store_, kPage, "<html>v2</html>", 200);
  RecordOkFetch(*store_, kPage, 300);  // a later fetch whose body is not archived
  std::optional<ArchivedDocument> latest = store_->LatestDocument(kPage);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->sha256, Sha256Hex("<html>v2</html>"));
  EXPECT_EQ(latest->fetch_id, second);
  EXPECT_EQ(latest->charset, "GBK");
  EXPECT_FALSE(store_->LatestDocument("https://none.gov.cn/"));

  int64_t pdf = FetchAndArchive(*store_, kPdf, "pdf");
  std::string sha = Sha256Hex("pdf");
  store_->LinkAttachment(kPage, kPdf, sha, "report");
  const char list[] = "https://a.gov.cn/nb/";
  const char listed[] = "https://a.gov.cn/nb/other.pdf";
  FetchAndArchive(*store_, list, "list");
  FetchAndArchive(*store_, listed, "o");
  std::string other = Sha256Hex("o");
  store_->LinkAttachment(list, listed, other, "list");

  std::vector<ArchivedDocument> attachments = store_->ReportAttachments(kPage);
  ASSERT_EQ(attachments.size(), 1u);
  EXPECT_EQ(attachments[0].url, kPdf);
  EXPECT_EQ(attachments[0].sha256, sha);
  EXPECT_EQ(attachments[0].fetch_id, pdf);
  EXPECT_TRUE(store_->ReportAttachments(list).empty());  // a list's attachments are reports
  EXPECT_EQ(store_->PagesLinking(kPdf), std::vector<std::string>{kPage});
  EXPECT_TRUE(store_->PagesLinking(listed).empty());
  // reextract --all: the page, the list and the list's attachment; not the page's attachment.
  EXPECT_EQ(store_->ArchivedPages(), (std::vector<std::string>{kPage, list, listed}));
}

TEST_F(StoreDocumentsTest, TheFrontierKeepsTheParentsKind) {
  store_->Enqueue({kPdf, "attachment", 2, kPage, "https://a.gov.cn/", "", "report"});
  std::vector<FrontierEntry> pending = store_->PendingEntries(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].parent_kind, "report");
}

// A body prepared off the store's thread (PrepareDocument: its hash and zlib form) is stored as the
// body itself would be: the same SHA-256, the same bytes read back, one document for both forms,
// whichever form comes first.
TEST_F(StoreDocumentsTest, APreparedBodyIsStoredAsTheBodyItself) {
  const std::string body = "<html><body>第1号 " + std::string(5000, 'x') + "</body></html>";
  PreparedDocument prepared = PrepareDocument(body);
  EXPECT_EQ(prepared.sha256, Sha256Hex(body));
  EXPECT_EQ(prepared.size, static_cast<int64_t>(body.size()));
  EXPECT_LT(prepared.compressed.size(), body.size());

  EXPECT_EQ(store_->PutDocument(prepared, "text/html", kPage, 0), prepared.sha256);
  EXPECT_EQ(store_->PutDocument(body, "text/html", kPdf, 0), prepared.sha256);      // known already
  EXPECT_EQ(store_->PutDocument(prepared, "text/html", kPdf, 0), prepared.sha256);  // again
  std::optional<StoredDocument> stored = store_->GetDocument(prepared.sha256);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->body, body);
  EXPECT_EQ(stored->media_type, "text/html");
  EXPECT_EQ(store_->Status(0).documents, 1);

  // An empty body too (zlib's stream of nothing is not empty).
  PreparedDocument empty = PrepareDocument("");
  EXPECT_EQ(store_->PutDocument(empty, "text/plain", "", 0), Sha256Hex(""));
  ASSERT_TRUE(store_->GetDocument(Sha256Hex("")));
  EXPECT_EQ(store_->GetDocument(Sha256Hex(""))->body, "");
}

}  // namespace
}  // namespace nianbao
