// Hand-built extractions and fetches for the store tests (the extractor is not needed to test the
// store), and raw SQLite access for looking behind the Store interface.
#ifndef NIANBAO_TESTS_SUPPORT_STORE_FIXTURES_H_
#define NIANBAO_TESTS_SUPPORT_STORE_FIXTURES_H_

#include <cstdint>
#include <string>

#include "extract/extraction.h"
#include "store/store.h"

namespace nianbao::testing {

// A v2021-like extraction with `fields` fields named f000, f001, …, values seed + i, each read from
// a cell, plus one failed check, one unmatched row and one warning.
Extraction SampleExtraction(int fields = 20, int seed = 1);

// Records a 200 fetch of `url` at `fetched_at` and returns its id.
int64_t RecordOkFetch(Store& store, const std::string& url, int64_t fetched_at = 1741600000,
                      const std::string& etag = "");

// SELECT count(*) FROM `table` (and a single integer of any query), read with a separate
// read-only connection.
int64_t CountRows(const std::string& db_path, const std::string& table);
int64_t QueryInt(const std::string& db_path, const std::string& sql);
std::string QueryText(const std::string& db_path, const std::string& sql);

}  // namespace nianbao::testing

#endif  // NIANBAO_TESTS_SUPPORT_STORE_FIXTURES_H_
