// What the crawler writes: sources, fetches, documents, attachments, snapshots; and the frontier.
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "store/codec.h"
#include "store/sqlite_store.h"

namespace nianbao::store_internal {
namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

int64_t SqliteStore::FindSourceId(const std::string& url) {
  auto& find = Prepared("SELECT id FROM sources WHERE url = ?");
  find.bind(1, UrlKey(url));
  return find.executeStep() ? find.getColumn(0).getInt64() : 0;
}

int64_t SqliteStore::SourceId(const std::string& url) {
  if (int64_t id = FindSourceId(url)) return id;
  auto& insert =
      Prepared("INSERT INTO sources (url, url_given, site, first_seen) VALUES (?, ?, ?, ?)");
  insert.bind(1, UrlKey(url));
  insert.bind(2, url);
  insert.bind(3, UrlSite(url));
  insert.bind(4, static_cast<int64_t>(Now()));
  insert.exec();
  return db_->getLastInsertRowid();
}

namespace {

// The id of `text` in a (id, text UNIQUE) dictionary table, created when new, through `cache`.
int64_t Intern(std::unordered_map<std::string, int64_t>& cache, SQLite::Statement& find,
               SQLite::Statement& insert, SQLite::Database& db, const std::string& text) {
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  find.bind(1, text);
  int64_t id = 0;
  if (find.executeStep()) {
    id = find.getColumn(0).getInt64();
  } else {
    insert.bind(1, text);
    insert.exec();
    id = db.getLastInsertRowid();
  }
  find.reset();
  insert.reset();
  // An id created by a transaction that is later rolled back would be wrong: SaveExtraction
  // clears the caches whenever a write fails.
  constexpr size_t kMaxCached = 100000;  // odd labels must not grow a daemon's memory forever
  if (cache.size() >= kMaxCached) cache.clear();
  cache.emplace(text, id);
  return id;
}

}  // namespace

int64_t SqliteStore::FieldId(const std::string& name) {
  return Intern(field_ids_, Prepared("SELECT id FROM field_names WHERE name = ?"),
                Prepared("INSERT INTO field_names (name) VALUES (?)"), *db_, name);
}

int64_t SqliteStore::LabelId(const std::string& text) {
  return Intern(label_ids_, Prepared("SELECT id FROM labels WHERE text = ?"),
                Prepared("INSERT INTO labels (text) VALUES (?)"), *db_, text);
}

void SqliteStore::Batch(const std::function<void()>& writes) {
  if (batch_depth_ > 0) {
    writes();
    return;
  }
  std::optional<WriteTransaction> transaction;
  try {
    // Only taking the write lock is retried: `writes` runs once.
    RetryWhileBusy([&] { transaction.emplace(*db_); });
  } catch (const std::exception& e) {
    ThrowStoreError(path_, "starting a batch of writes", e, db_->getHandle());
  }
  try {
    ++batch_depth_;
    StatementReset reset{this};
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{batch_depth_};
    writes();
  } catch (...) {
    field_ids_.clear();  // ids created by a rolled-back transaction do not exist
    label_ids_.clear();
    throw;
  }
  try {
    transaction->Commit();
  } catch (const std::exception& e) {
    field_ids_.clear();
    label_ids_.clear();
    ThrowStoreError(path_, "committing a batch of writes", e, db_->getHandle());
  }
}

int64_t SqliteStore::RecordFetch(const FetchRecord& fetch) {
  return Write("recording a fetch", [&] {
    int64_t source = SourceId(fetch.url);
    auto& insert = Prepared(
        "INSERT INTO fetches (source_id, final_url, fetched_at, status, error, redirects, etag, "
        "last_modified, content_type, charset, bytes, body_sha256, duration_seconds) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, source);
    insert.bind(2, fetch.final_url.empty() ? fetch.url : fetch.final_url);
    insert.bind(3, static_cast<int64_t>(fetch.fetched_at ? fetch.fetched_at : Now()));
    insert.bind(4, fetch.status);
    insert.bind(5, fetch.error);
    insert.bind(6, nlohmann::json(fetch.redirects)
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    insert.bind(7, fetch.etag);
    insert.bind(8, fetch.last_modified);
    insert.bind(9, fetch.content_type);
    insert.bind(10, fetch.charset);
    insert.bind(11, static_cast<int64_t>(fetch.bytes));
    insert.bind(12, fetch.body_sha256);
    insert.bind(13, fetch.duration_seconds);
    insert.exec();
    return static_cast<int64_t>(db_->getLastInsertRowid());
  });
}

std::string SqliteStore::PutDocument(const std::string& body, const std::string& media_type,
                                     const std::string& url, int64_t fetch_id) {
  PreparedDocument document;
  document.sha256 = Sha256Hex(body);
  document.size = static_cast<int64_t>(body.size());
  // Compress before taking the write lock (other writers need not wait for zlib), and only a body
  // not stored yet.
  if (!HasDocument(document.sha256)) document.compressed = Compress(body);
  return PutDocument(document, media_type, url, fetch_id);
}

bool SqliteStore::HasDocument(const std::string& sha256) {
  return Read("reading a document", [&] {
    auto& exists = Prepared("SELECT 1 FROM documents WHERE sha256 = ?");
    exists.bind(1, sha256);
    return exists.executeStep();
  });
}

std::string SqliteStore::PutDocument(const PreparedDocument& document,
                                     const std::string& media_type, const std::string& url,
                                     int64_t fetch_id) {
  const std::string& sha256 = document.sha256;
  return Write("storing a document", [&] {
    // An empty `compressed` comes from the body overload, for a body already stored (no body
    // compresses to nothing: zlib's smallest stream is 8 bytes).
    if (!document.compressed.empty()) {
      auto& insert = Prepared(
          "INSERT OR IGNORE INTO documents (sha256, media_type, size, compression, body, "
          "stored_at) "
          "VALUES (?, ?, ?, 'zlib', ?, ?)");
      insert.bind(1, sha256);
      insert.bind(2, media_type);
      insert.bind(3, document.size);
      insert.bindNoCopy(4, document.compressed.data(),
                        static_cast<int>(document.compressed.size()));
      insert.bind(5, static_cast<int64_t>(Now()));
      insert.exec();
    }
    if (!url.empty()) {
      auto& link = Prepared(
          "INSERT OR IGNORE INTO document_sources (sha256, source_id, fetch_id) VALUES (?, ?, ?)");
      link.bind(1, sha256);
      link.bind(2, SourceId(url));
      if (fetch_id > 0) {
        link.bind(3, static_cast<int64_t>(fetch_id));
      } else {
        link.bind(3);
      }
      link.exec();
    }
    return sha256;
  });
}

std::optional<StoredDocument> SqliteStore::GetDocument(const std::string& sha256) {
  return Read("reading a document", [&]() -> std::optional<StoredDocument> {
    auto& find = Prepared("SELECT body, size, media_type FROM documents WHERE sha256 = ?");
    find.bind(1, sha256);
    if (!find.executeStep()) return std::nullopt;
    SQLite::Column body = find.getColumn(0);
    StoredDocument document;
    document.body =
        Decompress(std::string_view(static_cast<const char*>(body.getBlob()), body.getBytes()),
                   find.getColumn(1).getInt64());
    document.media_type = find.getColumn(2).getString();
    return document;
  });
}

void SqliteStore::LinkAttachment(const std::string& page_url, const std::string& attachment_url,
                                 const std::string& sha256, const std::string& page_kind) {
  Write("linking an attachment", [&] {
    auto& link = Prepared(
        "INSERT INTO attachments (report_source_id, attachment_source_id, sha256, page_kind) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET page_kind = excluded.page_kind");
    link.bind(1, SourceId(page_url));
    link.bind(2, SourceId(attachment_url));
    link.bind(3, sha256);
    link.bind(4, page_kind);
    link.exec();
  });
}

void SqliteStore::InsertChecks(int64_t snapshot_id, int64_t first,
                               const std::vector<CheckFailure>& checks) {
  auto& check = Prepared(
      "INSERT INTO check_failures (snapshot_id, ordinal, identity, total_field, fields, expected, "
      "found, kind, found_blank, document_url, document_sha256) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < checks.size(); ++i) {
    const CheckFailure& c = checks[i];
    check.reset();
    check.bind(1, snapshot_id);
    check.bind(2, static_cast<int64_t>(first + static_cast<int64_t>(i)));
    check.bind(3, c.identity);
    check.bind(4, c.total_field);
    check.bind(
        5, nlohmann::json(c.fields).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    check.bind(6, c.expected);
    check.bind(7, c.found.value_or(0));  // found is NOT NULL since version 1: found_blank says
    check.bind(8, c.kind);
    check.bind(9, c.found ? 0 : 1);
    if (c.document_url.empty()) {
      check.bind(10);
      check.bind(11);
    } else {
      check.bind(10, c.document_url);
      check.bind(11, c.document_sha256);
    }
    check.exec();
  }
}

void SqliteStore::SetSourceChecks(const std::string& url, const std::string& document_url,
                                  const std::vector<CheckFailure>& checks) {
  Write("recording source checks", [&] {
    auto& find = Prepared(
        "SELECT r.latest_snapshot_id FROM reports r JOIN sources s ON s.id = r.source_id "
        "WHERE s.url = ? AND r.latest_snapshot_id IS NOT NULL");
    find.bind(1, UrlKey(url));
    if (!find.executeStep()) throw NotFoundError("no report stored for " + url + " in " + path_);
    const int64_t snapshot_id = find.getColumn(0).getInt64();
    find.reset();
    auto& drop = Prepared(
        "DELETE FROM check_failures WHERE snapshot_id = ? AND kind = 'source_mismatch' "
        "AND document_url = ?");
    drop.bind(1, snapshot_id);
    drop.bind(2, document_url);
    drop.exec();
    auto& next =
        Prepared("SELECT coalesce(max(ordinal) + 1, 0) FROM check_failures WHERE snapshot_id = ?");
    next.bind(1, snapshot_id);
    next.executeStep();
    const int64_t first = next.getColumn(0).getInt64();
    next.reset();
    InsertChecks(snapshot_id, first, checks);
  });
}

SnapshotResult SqliteStore::SaveExtraction(const std::string& url, int64_t fetch_id,
                                           const Extraction& e, const std::string& page_text,
                                           const SnapshotOrigin& origin) {
  const std::string data_hash = DataHash(e);
  const std::string text_hash = Sha256Hex(page_text);
  try {
    return Write("saving a snapshot", [&] {
      int64_t source = SourceId(url);
      auto& hashes = Prepared("UPDATE fetches SET text_sha256 = ?, data_sha256 = ? WHERE id = ?");
      hashes.bind(1, text_hash);
      hashes.bind(2, data_hash);
      hashes.bind(3, static_cast<int64_t>(fetch_id));
      hashes.exec();
      if (db_->getChanges() != 1) {
        throw StoreError(path_ + ": no fetch " + std::to_string(fetch_id) +
                         " to attach a snapshot of " + url + " to");
      }

      SnapshotResult result;
      auto& report = Prepared(
          "SELECT r.id, s.version, s.data_sha256 FROM reports r "
          "LEFT JOIN snapshots s ON s.id = r.latest_snapshot_id WHERE r.source_id = ?");
      report.bind(1, source);
      if (report.executeStep()) {
        result.report_id = report.getColumn(0).getInt64();
        result.version = report.getColumn(1).isNull() ? 0 : report.getColumn(1).getInt();
        if (result.version > 0 && report.getColumn(2).getString() == data_hash) return result;
      } else {
        auto& insert = Prepared("INSERT INTO reports (source_id) VALUES (?)");
        insert.bind(1, source);
        insert.exec();
        result.report_id = db_->getLastInsertRowid();
      }

      result.version += 1;
      result.new_version = true;
      auto& snapshot = Prepared(
          "INSERT INTO snapshots (report_id, version, fetch_id, data_sha256, template, year, "
          "issuer, title, published, document_url, document_sha256, format, rules_sha256) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      snapshot.bind(1, static_cast<int64_t>(result.report_id));
      snapshot.bind(2, result.version);
      snapshot.bind(3, static_cast<int64_t>(fetch_id));
      snapshot.bind(4, data_hash);
      BindOptional(snapshot, 5, e.template_id);
      if (e.year) {
        snapshot.bind(6, *e.year);
      } else {
        snapshot.bind(6);
      }
      BindOptional(snapshot, 7, e.issuer);
      BindOptional(snapshot, 8, e.title);
      BindOptional(snapshot, 9, e.published);
      auto bind_text = [&](int index, const std::string& text) {
        if (text.empty()) {
          snapshot.bind(index);
        } else {
          snapshot.bind(index, text);
        }
      };
      bind_text(10, origin.document_url);
      bind_text(11, origin.document_sha256);
      bind_text(12, e.format);
      bind_text(13, origin.rules_sha256);
      snapshot.exec();
      const int64_t snapshot_id = db_->getLastInsertRowid();

      auto& value = Prepared(
          "INSERT INTO field_values (snapshot_id, ordinal, field_id, listed, value, raw, label_id, "
          "table_no, row_no, column_no, page_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      int ordinal = 0;
      auto insert_value = [&](const std::string& field, bool listed, const Value& number) {
        value.reset();
        value.bind(1, snapshot_id);
        value.bind(2, ordinal++);
        value.bind(3, FieldId(field));
        value.bind(4, listed ? 1 : 0);
        if (number) {
          value.bind(5, *number);
        } else {
          value.bind(5);
        }
        if (auto cell = e.cells.find(field); cell != e.cells.end()) {
          value.bindNoCopy(6, cell->second.raw);
          value.bind(7, LabelId(cell->second.label));
          value.bind(8, cell->second.table);
          value.bind(9, cell->second.row);
          value.bind(10, cell->second.column);
          if (cell->second.page > 0) {
            value.bind(11, cell->second.page);
          } else {
            value.bind(11);
          }
        } else {
          for (int i = 6; i <= 11; ++i) value.bind(i);
        }
        value.exec();
      };
      std::unordered_set<std::string_view> listed(e.fields.size() * 2);
      for (const auto& [field, number] : e.fields) {
        if (!listed.insert(field).second) continue;  // a duplicate id: the first one counts
        insert_value(field, true, number);
      }
      for (const auto& [field, cell] : e.cells) {
        if (!listed.contains(field)) insert_value(field, false, std::nullopt);
      }

      InsertChecks(snapshot_id, 0, e.checks);
      auto& status = Prepared(
          "INSERT INTO check_status (snapshot_id, ordinal, identity, table_name, status) "
          "VALUES (?, ?, ?, ?, ?)");
      for (size_t i = 0; i < e.check_status.size(); ++i) {
        const CheckStatus& c = e.check_status[i];
        status.reset();
        status.bind(1, snapshot_id);
        status.bind(2, static_cast<int64_t>(i));
        status.bind(3, c.identity);
        status.bind(4, c.table);
        status.bind(5, c.status);
        status.exec();
      }
      auto& fact = Prepared(
          "INSERT INTO narrative_facts (snapshot_id, ordinal, field, value, bound, text, "
          "sentence, text_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      for (size_t i = 0; i < e.narrative.size(); ++i) {
        const NarrativeFact& n = e.narrative[i];
        fact.reset();
        fact.bind(1, snapshot_id);
        fact.bind(2, static_cast<int64_t>(i));
        fact.bind(3, n.field);
        fact.bind(4, n.value);
        fact.bind(5, n.bound);
        fact.bind(6, n.text);
        fact.bind(7, n.sentence);
        fact.bind(8, n.offset);
        fact.exec();
      }
      auto& unmatched = Prepared(
          "INSERT INTO unmatched (snapshot_id, ordinal, kind, label, table_no, row_no, column_no) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)");
      for (size_t i = 0; i < e.unmatched.size(); ++i) {
        const Unmatched& u = e.unmatched[i];
        unmatched.reset();
        unmatched.bind(1, snapshot_id);
        unmatched.bind(2, static_cast<int64_t>(i));
        unmatched.bind(3, u.kind);
        unmatched.bind(4, u.label);
        unmatched.bind(5, u.table);
        unmatched.bind(6, u.row);
        unmatched.bind(7, u.column);
        unmatched.exec();
      }
      auto& warning =
          Prepared("INSERT INTO warnings (snapshot_id, ordinal, message) VALUES (?, ?, ?)");
      for (size_t i = 0; i < e.warnings.size(); ++i) {
        warning.reset();
        warning.bind(1, snapshot_id);
        warning.bind(2, static_cast<int64_t>(i));
        warning.bind(3, e.warnings[i]);
        warning.exec();
      }

      auto& latest = Prepared("UPDATE reports SET latest_snapshot_id = ? WHERE id = ?");
      latest.bind(1, snapshot_id);
      latest.bind(2, static_cast<int64_t>(result.report_id));
      latest.exec();
      return result;
    });
  } catch (...) {
    field_ids_.clear();  // ids created by a rolled-back transaction do not exist
    label_ids_.clear();
    throw;
  }
}

std::optional<Validators> SqliteStore::GetValidators(const std::string& url) {
  return Read("reading validators", [&]() -> std::optional<Validators> {
    // The newest 200/304 that sent a validator — unless a later 200 came without one (then the
    // old validators describe a body we no longer have as the latest).
    auto& find = Prepared(
        "SELECT f.etag, f.last_modified FROM fetches f JOIN sources s ON s.id = f.source_id "
        "WHERE s.url = ?1 AND f.status IN (200, 304) AND (f.etag <> '' OR f.last_modified <> '') "
        "AND NOT EXISTS (SELECT 1 FROM suspect_snapshots h WHERE h.url = s.url) "
        "AND f.id >= coalesce((SELECT max(g.id) FROM fetches g WHERE g.source_id = s.id "
        "AND g.status = 200), 0) ORDER BY f.id DESC LIMIT 1");
    find.bind(1, UrlKey(url));
    if (!find.executeStep()) return std::nullopt;
    return Validators{find.getColumn(0).getString(), find.getColumn(1).getString()};
  });
}

bool SqliteStore::Enqueue(const FrontierEntry& entry) {
  return Write("adding to the frontier", [&] {
    auto& insert = Prepared(
        "INSERT OR IGNORE INTO frontier (url, kind, depth, parent, seed, added_at, request, "
        "parent_kind) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, UrlKey(entry.url));
    insert.bind(2, entry.kind);
    insert.bind(3, entry.depth);
    insert.bind(4, entry.parent);
    insert.bind(5, entry.seed);
    insert.bind(6, static_cast<int64_t>(Now()));
    insert.bind(7, entry.request);
    insert.bind(8, entry.parent_kind);
    return insert.exec() == 1;
  });
}

std::vector<FrontierEntry> SqliteStore::PendingEntries(size_t limit, int64_t after_id) {
  return Read("reading the frontier", [&] {
    auto& pending = Prepared(
        "SELECT url, kind, depth, parent, seed, request, parent_kind, id FROM frontier "
        "WHERE done = 0 AND id > ? ORDER BY id LIMIT ?");
    pending.bind(1, after_id);
    pending.bind(
        2, static_cast<int64_t>(std::min<size_t>(limit, std::numeric_limits<int64_t>::max())));
    std::vector<FrontierEntry> entries;
    while (pending.executeStep()) {
      entries.push_back({pending.getColumn(0).getString(), pending.getColumn(1).getString(),
                         pending.getColumn(2).getInt(), pending.getColumn(3).getString(),
                         pending.getColumn(4).getString(), pending.getColumn(5).getString(),
                         pending.getColumn(6).getString(), pending.getColumn(7).getInt64()});
    }
    return entries;
  });
}

void SqliteStore::MarkDone(const std::string& url, const std::string& outcome) {
  Write("updating the frontier", [&] {
    auto& done = Prepared("UPDATE frontier SET done = 1, outcome = ?, done_at = ? WHERE url = ?");
    done.bind(1, outcome);
    done.bind(2, static_cast<int64_t>(Now()));
    done.bind(3, UrlKey(url));
    done.exec();
  });
}

int SqliteStore::RecordAnalysisFailure(const std::string& url, const std::string& reason) {
  return Write("counting a failed analysis", [&] {
    auto& update = Prepared(
        "UPDATE frontier SET analysis_failures = analysis_failures + 1, failure = ? WHERE url = ?");
    update.bind(1, reason);
    update.bind(2, UrlKey(url));
    update.exec();
    auto& count = Prepared("SELECT analysis_failures FROM frontier WHERE url = ?");
    count.bind(1, UrlKey(url));
    int failures = count.executeStep() ? count.getColumn(0).getInt() : 1;
    return failures;
  });
}

bool SqliteStore::HoldSuspect(const std::string& url, int64_t fetch_id,
                              const std::string& data_sha256) {
  return Write("holding a suspect snapshot", [&] {
    auto& held = Prepared("SELECT data_sha256 FROM suspect_snapshots WHERE url = ?");
    held.bind(1, UrlKey(url));
    bool confirmed = held.executeStep() && held.getColumn(0).getString() == data_sha256;
    if (confirmed) {
      auto& drop = Prepared("DELETE FROM suspect_snapshots WHERE url = ?");
      drop.bind(1, UrlKey(url));
      drop.exec();
      return true;
    }
    auto& hold = Prepared(
        "INSERT OR REPLACE INTO suspect_snapshots (url, fetch_id, data_sha256, held_at) "
        "VALUES (?, ?, ?, ?)");
    hold.bind(1, UrlKey(url));
    hold.bind(2, fetch_id);
    hold.bind(3, data_sha256);
    hold.bind(4, static_cast<int64_t>(Now()));
    hold.exec();
    return false;
  });
}

void SqliteStore::DropSuspect(const std::string& url) {
  Write("dropping a suspect snapshot", [&] {
    auto& drop = Prepared("DELETE FROM suspect_snapshots WHERE url = ?");
    drop.bind(1, UrlKey(url));
    drop.exec();
  });
}

int64_t SqliteStore::PendingCount() {
  return Read("reading the frontier", [&] {
    auto& count = Prepared("SELECT count(*) FROM frontier WHERE done = 0");
    count.executeStep();
    return count.getColumn(0).getInt64();
  });
}

int64_t SqliteStore::PendingChildren(const std::string& parent_url, const std::string& except_url) {
  return Read("reading the frontier", [&] {
    auto& count =
        Prepared("SELECT count(*) FROM frontier WHERE done = 0 AND parent = ? AND url <> ?");
    count.bind(1, parent_url);
    count.bind(2, UrlKey(except_url));
    count.executeStep();
    int64_t n = count.getColumn(0).getInt64();
    count.reset();
    return n;
  });
}

void SqliteStore::ResetFrontier(const std::string& seed) {
  Write("resetting the frontier", [&] {
    auto& reset = Prepared("DELETE FROM frontier WHERE seed = ? AND done = 1");
    reset.bind(1, seed);
    reset.exec();
  });
}

}  // namespace nianbao::store_internal
