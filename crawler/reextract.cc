#include "crawler/reextract.h"

#include <optional>
#include <set>

#include "crawler/report_sources.h"
#include "extract/extract.h"

namespace nianbao {
namespace {

struct ReadDocument {
  ArchivedDocument document;
  std::optional<Extraction> extraction;  // nullopt: the body is no longer in the store
  std::string text;
};

ReadDocument ReadArchived(Store& store, const RuleSet& rules, const ArchivedDocument& document) {
  ReadDocument read{document, std::nullopt, {}};
  std::optional<StoredDocument> body = store.GetDocument(document.sha256);
  if (!body) return read;
  ExtractOptions options;
  // As the crawler read it: the charset the server declared.
  if (!document.charset.empty()) options.http_charset = document.charset;
  ExtractedPage page;
  read.extraction = Extract(body->body, rules, options, &page);
  read.text = std::move(page.text);
  return read;
}

int LatestVersionOrZero(Store& store, const std::string& url) {
  try {
    return store.History(url).back().version;
  } catch (const NotFoundError&) {
    return 0;
  }
}

}  // namespace

std::optional<Extraction> ReadWithPictures(Store& store, const RuleSet& rules,
                                           const ArchivedDocument& page,
                                           const std::vector<StoredDocument>& pictures) {
  std::optional<StoredDocument> body = store.GetDocument(page.sha256);
  if (!body) return std::nullopt;
  std::vector<std::string_view> views;
  for (const StoredDocument& picture : pictures) views.push_back(picture.body);
  ExtractOptions options;
  if (!page.charset.empty()) options.http_charset = page.charset;
  return ExtractWithPictures(body->body, views, rules, options);
}

std::vector<std::string> ReextractTargets(Store& store, const std::vector<std::string>& urls) {
  std::vector<std::string> candidates = urls.empty() ? store.ArchivedPages() : urls;
  std::vector<std::string> targets;
  std::set<std::string> seen;
  for (const std::string& url : candidates) {
    std::vector<std::string> pages =
        urls.empty() ? std::vector<std::string>{} : store.PagesLinking(url);
    if (pages.empty()) pages.push_back(url);
    for (std::string& page : pages) {
      if (seen.insert(page).second) targets.push_back(std::move(page));
    }
  }
  return targets;
}

ReextractResult Reextract(Store& store, const RuleSet& rules, const std::string& page_url) {
  ReextractResult result;
  result.url = page_url;
  std::vector<ReadDocument> documents;  // the page (when archived), then its attachments
  std::optional<ArchivedDocument> page = store.LatestDocument(page_url);
  if (page) documents.push_back(ReadArchived(store, rules, *page));
  std::vector<StoredDocument> pictures;  // read with the page, not alone (as the crawler does)
  for (const ArchivedDocument& attachment : store.ReportAttachments(page_url)) {
    std::optional<StoredDocument> body = store.GetDocument(attachment.sha256);
    if (body && IsPicture(body->body)) {
      pictures.push_back(std::move(*body));
      continue;
    }
    documents.push_back(ReadArchived(store, rules, attachment));
  }
  if (page && !pictures.empty() && documents[0].extraction &&
      !documents[0].extraction->template_id) {
    if (std::optional<Extraction> read = ReadWithPictures(store, rules, *page, pictures))
      documents[0].extraction = std::move(read);
  }
  std::vector<const Extraction*> extractions;
  for (const ReadDocument& d : documents) {
    extractions.push_back(d.extraction ? &*d.extraction : nullptr);
  }
  std::optional<size_t> source = ChooseSource(extractions);
  if (!source) {
    result.version = LatestVersionOrZero(store, page_url);
    bool any = false;
    for (const Extraction* e : extractions) any = any || e != nullptr;
    result.outcome =
        any ? ReextractResult::Outcome::kNoTable : ReextractResult::Outcome::kNoDocument;
    return result;
  }
  const ReadDocument& chosen = documents[*source];
  store.Batch([&] {
    SnapshotResult saved = store.SaveExtraction(
        page_url, chosen.document.fetch_id, *chosen.extraction, chosen.text,
        SnapshotOrigin{chosen.document.url, chosen.document.sha256, rules.sha256()});
    result.version = saved.version;
    if (saved.new_version) {
      result.outcome = ReextractResult::Outcome::kNewVersion;
      result.fields_changed = saved.version == 1
                                  ? static_cast<int>(chosen.extraction->fields.size())
                                  : static_cast<int>(store.Diff(page_url).fields.size());
    } else {
      result.outcome = ReextractResult::Outcome::kUnchanged;
    }
    for (size_t i = 0; i < documents.size(); ++i) {
      const ReadDocument& copy = documents[i];
      if (i == *source || !copy.extraction) continue;
      std::vector<CheckFailure> checks;
      if (copy.extraction->template_id) {
        checks = SourceMismatches(*chosen.extraction, *copy.extraction, copy.document.url,
                                  copy.document.sha256);
      }
      result.mismatches += static_cast<int>(checks.size());
      store.SetSourceChecks(page_url, copy.document.url, checks);
    }
  });
  result.source_url = chosen.document.url;
  result.format = chosen.extraction->format;
  return result;
}

}  // namespace nianbao
