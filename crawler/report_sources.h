// One report, several documents: a report page (HTML) and the attachments it links as copies of
// the report (PDF, DOCX, ...). This file holds the rule that picks the document a report's
// snapshot comes from, and the cross-check between the others; the crawler and `reextract` both
// follow it.
//
// The rule: the page is the source when it has a statistics table. Otherwise the first attachment
// (first seen) that has one is the source, and the snapshot is stored under the page's URL. Every
// other document with a table is a cross-check: each field for which both documents give a number
// and the numbers differ becomes a check of kind "source_mismatch" on the report's snapshot.
// Nothing is merged: the source's values are the data, whatever the copies say. A field that only
// one side gives is not a mismatch (an attachment reader that misses a cell would flood the
// report). An attachment linked from a list page (page kind "list") is a report of its own, under
// its URL.
#ifndef NIANBAO_CRAWLER_REPORT_SOURCES_H_
#define NIANBAO_CRAWLER_REPORT_SOURCES_H_

#include <optional>
#include <string>
#include <vector>

#include "extract/extraction.h"

namespace nianbao {

// The index in `documents` (the page first, then its attachments in first-seen order; a null entry
// is a document that could not be read) of the report's source: the first with a template.
// nullopt when none has one.
std::optional<size_t> ChooseSource(const std::vector<const Extraction*>& documents);

// The source_mismatch checks of `copy` (served by copy_url, body copy_sha256) against `source`:
// one per field, in the source's field order, for which both give a number and the numbers differ.
// identity "source_mismatch.<field>", found = the source's value, expected = the copy's.
std::vector<CheckFailure> SourceMismatches(const Extraction& source, const Extraction& copy,
                                           const std::string& copy_url,
                                           const std::string& copy_sha256);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_REPORT_SOURCES_H_
