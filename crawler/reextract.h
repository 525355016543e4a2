// reextract: reads the archived documents again with the current rules (and readers), so that
// what was harvested improves when they do. For one report page it extracts the page's latest
// archived body and every attachment linked from it (a page without a table of its own is read
// with its pictures, ExtractWithPictures, as the crawler reads it), picks the source by the rule of
// crawler/report_sources.h, and saves a new snapshot version only when the data changed (the store
// compares data hashes); the version records the document it came from and the rules' hash. The
// source_mismatch checks of the report's latest version are replaced by the new comparison.
// A page none of whose documents has a statistics table any more keeps its stored versions: a rule
// that stops matching must not erase data. Errors: StoreError escapes; Extract never throws.
#ifndef NIANBAO_CRAWLER_REEXTRACT_H_
#define NIANBAO_CRAWLER_REEXTRACT_H_

#include <optional>
#include <string>
#include <vector>

#include "extract/map/rules.h"
#include "store/store.h"

namespace nianbao {

struct ReextractResult {
  enum class Outcome {
    kNewVersion,  // the data changed: `version` is new
    kUnchanged,   // same data as the latest version (`version`)
    kNoTable,     // no document has a statistics table (`version`: the kept latest, or 0)
    kNoDocument,  // nothing archived for the URL (e.g. fetched before pages were archived)
  };
  std::string url;  // the report page
  Outcome outcome = Outcome::kNoDocument;
  int version = 0;
  int fields_changed = 0;  // kNewVersion: fields whose value or raw text differ from the previous
                           // version (version 1: every field)
  std::string source_url;  // the document the data come from (kNewVersion, kUnchanged)
  std::string format;      // its format as read
  int mismatches = 0;      // source_mismatch checks now on the latest version
};

// The archived page `page` read again with its archived pictures (ExtractWithPictures), as both the
// crawl (once a page's last picture is in) and Reextract read a page without a table of its own;
// nullopt when the page's body is no longer stored.
std::optional<Extraction> ReadWithPictures(Store& store, const RuleSet& rules,
                                           const ArchivedDocument& page,
                                           const std::vector<StoredDocument>& pictures);

// The report pages to visit for `urls` (empty: every archived page, Store::ArchivedPages): a URL
// that is an attachment of report pages stands for those pages. Each page once, in order.
std::vector<std::string> ReextractTargets(Store& store, const std::vector<std::string>& urls);

// Re-extracts one report page (one transaction).
ReextractResult Reextract(Store& store, const RuleSet& rules, const std::string& page_url);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_REEXTRACT_H_
