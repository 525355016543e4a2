// store/: the one SQLite file (SQLiteCpp) that holds every fetch, every document body, every report's
// versioned snapshots, the crawl frontier and the schedule. It owns every SQL statement in nianbao.
// Errors cross this boundary as exceptions: StoreError, whose message names the database path and
// what was wrong. A Store is used from one thread; open one Store per thread or process (WAL mode and a
// busy timeout let several processes write the same file).
//
// NOTE(foundation): this is the interface the crawler and the commands are written against. The store
// owner may extend it; changing a signature means updating its callers in the same commit.
#ifndef NIANBAO_STORE_STORE_H_
#define NIANBAO_STORE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "extract/extraction.h"

namespace nianbao {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One HTTP fetch attempt, successful or not.
struct FetchRecord {
  std::string url;        // as requested (normalised)
  std::string final_url;  // after redirects
  int64_t fetched_at = 0; // unix seconds (UTC)
  int status = 0;         // HTTP status; 0 when no response
  std::string error;      // empty on success; else a short kind: "timeout", "too_large", ...
  std::vector<std::string> redirects;  // each hop's URL, in order
  std::string etag, last_modified, content_type, charset;
  int64_t bytes = 0;
  std::string body_sha256;  // hex; empty when no body
  double duration_seconds = 0;
};

// Validators stored for a URL, sent as If-None-Match / If-Modified-Since.
struct Validators {
  std::string etag, last_modified;
};

struct SnapshotResult {
  int64_t report_id = 0;
  int version = 0;           // the report's current version after this save
  bool new_version = false;  // false: the data hash matched the latest version
};

// A URL waiting in (or done with) the crawl frontier.
struct FrontierEntry {
  std::string url;
  std::string kind;  // "list", "report", "attachment"
  int depth = 0;
  std::string parent;  // the URL it was found on; empty for a seed
  std::string seed;    // the seed URL this crawl started from
};

class Store {
 public:
  // Opens (creating and migrating as needed) the database at `path`. Throws StoreError for a file that
  // is not a nianbao database, is corrupt, or comes from a newer nianbao; such a file is not modified.
  static std::unique_ptr<Store> Open(const std::string& path);
  virtual ~Store() = default;

  // --- written by the crawler ---
  virtual int64_t RecordFetch(const FetchRecord& fetch) = 0;
  // Stores a body once per SHA-256 (compressed); returns the hex SHA-256.
  virtual std::string PutDocument(const std::string& body, const std::string& media_type,
                                  const std::string& url, int64_t fetch_id) = 0;
  // Links an attachment document to the report page it was found on.
  virtual void LinkAttachment(const std::string& report_url, const std::string& attachment_url,
                              const std::string& sha256) = 0;
  // Saves the extraction of `url` from fetch `fetch_id`; writes a new snapshot version only when the
  // data hash differs from the latest version. One transaction.
  virtual SnapshotResult SaveExtraction(const std::string& url, int64_t fetch_id,
                                        const Extraction& extraction,
                                        const std::string& page_text) = 0;
  // Records that a fetch (e.g. a 304) confirmed the latest version without a new one.
  virtual std::optional<Validators> GetValidators(const std::string& url) = 0;

  // --- frontier (crawl state survives a kill) ---
  // Adds `entry` unless the URL is already known to this frontier; returns whether it was added.
  virtual bool Enqueue(const FrontierEntry& entry) = 0;
  // The next pending entry (oldest first), or nullopt when the frontier is empty.
  virtual std::optional<FrontierEntry> NextPending() = 0;
  virtual void MarkDone(const std::string& url, const std::string& outcome) = 0;
  virtual int64_t PendingCount() = 0;
  // Forgets finished entries of `seed` so that a new scheduled crawl can revisit them.
  virtual void ResetFrontier(const std::string& seed) = 0;
};

}  // namespace nianbao

#endif  // NIANBAO_STORE_STORE_H_
