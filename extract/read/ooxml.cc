#include "extract/read/ooxml.h"

#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>
#include <utility>
#include <vector>

#include "extract/read/grid_builder.h"

namespace nianbao {
namespace {

constexpr size_t kMaxXlsxCells = 2u << 20;  // cells with content, over all sheets

std::string MiB(size_t bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buffer;
}

// ---- zip with limits ---------------------------------------------------------------------------

class Zip {
 public:
  explicit Zip(std::string_view bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source) {
      archive_ = zip_open_from_source(source, ZIP_RDONLY, &error);
      if (!archive_) zip_source_free(source);
    }
    if (!archive_) {
      error_ = std::string("not a readable zip archive: ") + zip_error_strerror(&error);
    } else if (zip_get_num_entries(archive_, 0) > kMaxZipEntries) {
      error_ = "zip bomb refused: " + std::to_string(zip_get_num_entries(archive_, 0)) +
               " entries, over the limit of " + std::to_string(kMaxZipEntries);
    }
    zip_error_fini(&error);
  }
  ~Zip() {
    if (archive_) zip_discard(archive_);
  }
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  const std::string& error() const { return error_; }
  bool Has(const std::string& name) const {
    return archive_ && zip_name_locate(archive_, name.c_str(), 0) >= 0;
  }

  // The inflated entry; false (error() says why) when missing, corrupt or over a limit.
  bool Read(const std::string& name, std::string* out) {
    out->clear();
    if (!error_.empty()) return false;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(archive_, name.c_str(), 0, &st) != 0) {
      error_ = "the archive has no " + name;
      return false;
    }
    if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && st.size > (1u << 20) &&
        static_cast<double>(st.size) >
            kMaxRatio * static_cast<double>(std::max<zip_uint64_t>(st.comp_size, 1))) {
      error_ = "zip bomb refused: " + name + " inflates " + MiB(st.size) + " from " +
               std::to_string(st.comp_size) + " bytes, a ratio over " +
               std::to_string(static_cast<int>(kMaxRatio)) + ":1";
      return false;
    }
    size_t limit = std::min(kMaxEntryBytes, kMaxTotalBytes - total_);
    if ((st.valid & ZIP_STAT_SIZE) && st.size > limit) {
      error_ = "zip bomb refused: " + name + " declares " + MiB(st.size) + ", over the " +
               MiB(limit) + " limit";
      return false;
    }
    zip_file_t* file = zip_fopen(archive_, name.c_str(), 0);
    if (!file) {
      error_ = "cannot open " + name + " in the archive: " + zip_strerror(archive_);
      return false;
    }
    char buffer[65536];
    bool ok = true;
    for (;;) {
      zip_int64_t n = zip_fread(file, buffer, sizeof buffer);
      if (n < 0) {
        error_ = name + " is corrupt: " + zip_file_strerror(file);
        ok = false;
        break;
      }
      if (n == 0) break;
      if (out->size() + static_cast<size_t>(n) > limit) {  // declared sizes can lie
        error_ = "zip bomb refused: " + name + " inflates past the " + MiB(limit) + " limit";
        ok = false;
        break;
      }
      out->append(buffer, static_cast<size_t>(n));
    }
    zip_fclose(file);
    total_ += out->size();
    return ok;
  }

 private:
  zip_t* archive_ = nullptr;
  std::string error_;
  size_t total_ = 0;
};

bool LoadXml(const std::string& text, const std::string& name, pugi::xml_document* doc,
             std::vector<std::string>* warnings) {
  pugi::xml_parse_result parsed =
      doc->load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata);
  if (!parsed) {
    warnings->push_back(name + ": malformed XML at byte " + std::to_string(parsed.offset) + ": " +
                        parsed.description());
    return false;
  }
  return true;
}

std::string_view Local(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& node, std::string_view local) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (Local(c) == local) return c;
  }
  return {};
}

std::string_view Attr(const pugi::xml_node& node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    std::string_view name = a.name();
    size_t colon = name.find(':');
    if ((colon == std::string_view::npos ? name : name.substr(colon + 1)) == local)
      return a.value();
  }
  return {};
}

int IntAttr(const pugi::xml_node& node, std::string_view local, int fallback, int max) {
  std::string value(Attr(node, local));
  if (value.empty()) return fallback;
  long v = std::strtol(value.c_str(), nullptr, 10);
  return v < 1 ? fallback : static_cast<int>(std::min<long>(v, max));
}

// ---- grid building ------------------------------------------------------------------------------

// ---- DOCX --------------------------------------------------------------------------------------

struct PendingTable {
  pugi::xml_node node;
  int depth;
};

// Text of a paragraph-bearing node in document order: runs joined, w:ins taken, w:del, field
// instructions and the fallback copy of alternate content skipped; w:p ends a line. Nested
// tables are not entered but queued.
std::string CellText(const pugi::xml_node& root, int depth, std::deque<PendingTable>* nested) {
  std::string text;
  std::vector<pugi::xml_node> stack;
  for (pugi::xml_node c = root.last_child(); c; c = c.previous_sibling()) stack.push_back(c);
  while (!stack.empty()) {
    pugi::xml_node node = stack.back();
    stack.pop_back();
    if (node.type() == pugi::node_null) {  // marker: a paragraph ended
      if (!text.empty() && text.back() != '\n') text += '\n';
      continue;
    }
    std::string_view name = Local(node);
    if (name == "del" || name == "delText" || name == "instrText" || name == "Fallback" ||
        name == "tcPr" || name == "pPr" || name == "rPr" || name == "trPr") {
      continue;
    }
    if (name == "tbl") {
      if (nested) nested->push_back({node, depth + 1});
      continue;
    }
    if (name == "t") {
      text += node.text().get();
      continue;
    }
    if (name == "tab") {
      text += ' ';
      continue;
    }
    if (name == "br" || name == "cr") {
      text += '\n';
      continue;
    }
    if (name == "p") stack.push_back(pugi::xml_node());  // marker after its children
    for (pugi::xml_node c = node.last_child(); c; c = c.previous_sibling()) stack.push_back(c);
  }
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// Children that are `local`, looking through content controls (w:sdt/w:sdtContent) and w:customXml.
std::vector<pugi::xml_node> Children(const pugi::xml_node& node, std::string_view local) {
  std::vector<pugi::xml_node> out;
  std::vector<pugi::xml_node> stack;
  for (pugi::xml_node c = node.last_child(); c; c = c.previous_sibling()) stack.push_back(c);
  while (!stack.empty()) {
    pugi::xml_node c = stack.back();
    stack.pop_back();
    std::string_view name = Local(c);
    if (name == local) {
      out.push_back(c);
    } else if (name == "sdt" || name == "sdtContent" || name == "customXml") {
      for (pugi::xml_node g = c.last_child(); g; g = g.previous_sibling()) stack.push_back(g);
    }
  }
  return out;
}

Grid DocxTable(const pugi::xml_node& tbl, int depth, std::deque<PendingTable>* nested,
               std::vector<std::string>* warnings) {
  GridBuilder builder;
  int r = 0;
  for (const pugi::xml_node& tr : Children(tbl, "tr")) {
    int column = IntAttr(Child(Child(tr, "trPr"), "gridBefore"), "val", 0, 1000);
    for (const pugi::xml_node& tc : Children(tr, "tc")) {
      pugi::xml_node pr = Child(tc, "tcPr");
      int span = IntAttr(Child(pr, "gridSpan"), "val", 1, 1000);
      pugi::xml_node vmerge = Child(pr, "vMerge");
      std::string text = CellText(tc, depth, nested);
      bool continues = vmerge && Attr(vmerge, "val") != "restart";
      int above = continues ? builder.At(r - 1, column) : -1;
      if (above >= 0) {
        builder.ExtendTo(above, r);
      } else {
        builder.Place(r, column, span, std::move(text));
      }
      column += span;
    }
    ++r;
  }
  if (builder.TooLarge())
    warnings->push_back("docx: a table over " + std::to_string(kMaxSlotsPerTable) +
                        " slots was cut");
  return builder.Finish();
}

std::string TableText(const Grid& grid) {
  std::string text;
  for (int r = 0; r < grid.rows; ++r) {
    std::string line;
    for (int c = 0; c < grid.columns; ++c) {
      const GridCell* cell = grid.At(r, c);
      if (!cell || cell->row != r || cell->column != c) continue;
      std::string t = cell->text;
      std::replace(t.begin(), t.end(), '\n', ' ');
      line += (line.empty() ? "" : " ") + t;
    }
    if (!line.empty()) text += line + "\n";
  }
  return text;
}

void ReadDocxBody(const pugi::xml_node& body, Page* page) {
  std::vector<std::string> lines;
  std::deque<PendingTable> pending;
  bool depth_warned = false;
  auto read_table = [&](const PendingTable& t) {
    std::deque<PendingTable> nested;
    page->tables.push_back(DocxTable(t.node, t.depth, &nested, &page->warnings));
    page->text += TableText(page->tables.back());
    for (PendingTable& n : nested) {
      if (n.depth > kMaxTableDepth) {
        if (!depth_warned)
          page->warnings.push_back("docx: tables nested over " + std::to_string(kMaxTableDepth) +
                                   " deep were skipped");
        depth_warned = true;
      } else {
        pending.push_back(n);
      }
    }
  };
  for (pugi::xml_node node = body.first_child(); node; node = node.next_sibling()) {
    std::vector<pugi::xml_node> items;
    std::string_view name = Local(node);
    if (name == "sdt" || name == "customXml") {
      for (const auto& p : Children(node, "p")) items.push_back(p);
      for (const auto& t : Children(node, "tbl")) items.push_back(t);
    } else {
      items.push_back(node);
    }
    for (const pugi::xml_node& item : items) {
      if (Local(item) == "p") {
        std::string text = CellText(item, 0, nullptr);
        page->text += text + "\n";
        if (!text.empty()) lines.push_back(text);
      } else if (Local(item) == "tbl") {
        read_table({item, 0});
        // Nested tables come after their parent, before the next top-level block.
        while (!pending.empty()) {
          PendingTable next = pending.front();
          pending.pop_front();
          read_table(next);
        }
      }
    }
  }
  page->title = DocumentTitle(lines);
}

// ---- XLSX --------------------------------------------------------------------------------------

// "AB12" → row 11, column 27; false when it is not a cell reference.
bool ParseRef(std::string_view ref, int* row, int* column) {
  size_t i = 0;
  long c = 0, r = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 4)
    c = c * 26 + (ref[i++] - 'A' + 1);
  size_t digits = i;
  while (i < ref.size() && ref[i] >= '0' && ref[i] <= '9' && i - digits < 8)
    r = r * 10 + (ref[i++] - '0');
  if (c == 0 || r == 0 || i != ref.size()) return false;
  *row = static_cast<int>(r - 1);
  *column = static_cast<int>(c - 1);
  return true;
}

std::string RichText(const pugi::xml_node& node) {
  std::string text;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (Local(c) == "t") text += c.text().get();
    if (Local(c) == "r") text += Child(c, "t").text().get();  // rPh (phonetic guides) skipped
  }
  return text;
}

// A stored number as a spreadsheet shows it by default: the shortest form that round-trips
// (96171.600000000006 → 96171.6).
std::string NumberText(const std::string& raw) {
  char* end = nullptr;
  double v = std::strtod(raw.c_str(), &end);
  if (end == raw.c_str() || *end != '\0' || !std::isfinite(v)) return raw;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.15g", v);
  return buffer;
}

std::string ResolveTarget(std::string target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  return "xl/" + target;
}

struct SheetCell {
  int row, column;
  std::string text;
};

void ReadSheet(const pugi::xml_node& worksheet, const std::vector<std::string>& shared,
               const std::string& name, size_t* budget, Page* page) {
  std::vector<SheetCell> cells;
  int next_row = 0;
  for (pugi::xml_node row : Child(worksheet, "sheetData").children()) {
    if (Local(row) != "row") continue;
    int r = IntAttr(row, "r", next_row + 1, 1 << 20) - 1;
    next_row = r + 1;
    int next_column = 0;
    for (pugi::xml_node c : row.children()) {
      if (Local(c) != "c") continue;
      int rr = r, cc = next_column;
      if (std::string_view ref = Attr(c, "r"); !ref.empty()) ParseRef(ref, &rr, &cc);
      next_column = cc + 1;
      std::string_view type = Attr(c, "t");
      std::string text;
      if (type == "inlineStr") {
        text = RichText(Child(c, "is"));
      } else {
        pugi::xml_node v = Child(c, "v");
        if (!v) continue;  // an empty (styled) cell costs nothing
        std::string raw = v.text().get();
        if (type == "s") {
          size_t index = std::strtoul(raw.c_str(), nullptr, 10);
          if (index < shared.size()) text = shared[index];
        } else if (type == "str" || type == "e" || type == "b") {
          text = raw;
        } else {
          text = NumberText(raw);
        }
      }
      if (text.empty()) continue;
      if (*budget == 0) {
        page->warnings.push_back("xlsx: more than " + std::to_string(kMaxXlsxCells) +
                                 " cells with content; the rest of sheet " + name + " was skipped");
        goto done;
      }
      --*budget;
      cells.push_back({rr, cc, std::move(text)});
    }
  }
done:
  if (cells.empty()) return;
  GridBuilder builder;
  for (SheetCell& cell : cells) {
    if (builder.At(cell.row, cell.column) < 0)
      builder.Place(cell.row, cell.column, 1, std::move(cell.text));
  }
  for (pugi::xml_node merge : Child(worksheet, "mergeCells").children()) {
    std::string ref(Attr(merge, "ref"));
    size_t colon = ref.find(':');
    int r0, c0, r1, c1;
    if (colon == std::string::npos || !ParseRef(ref.substr(0, colon), &r0, &c0) ||
        !ParseRef(ref.substr(colon + 1), &r1, &c1) || r1 < r0 || c1 < c0)
      continue;
    if (static_cast<size_t>(r1 - r0 + 1) * (c1 - c0 + 1) > kMaxSlotsPerTable) continue;
    int origin = builder.At(r0, c0);
    if (origin < 0) origin = builder.Place(r0, c0, 1, "");
    builder.MergeInto(origin, r1, c1);
  }
  if (builder.TooLarge())
    page->warnings.push_back("xlsx: sheet " + name + " is over " +
                             std::to_string(kMaxSlotsPerTable) + " slots; cells beyond were cut");
  page->tables.push_back(builder.Finish());
  page->text += TableText(page->tables.back());
}

void ReadWorkbook(Zip* zip, Page* page) {
  std::string text;
  pugi::xml_document workbook, rels, strings;
  if (!zip->Read("xl/workbook.xml", &text) ||
      !LoadXml(text, "xl/workbook.xml", &workbook, &page->warnings))
    return;
  std::vector<std::string> shared;
  if (zip->Has("xl/sharedStrings.xml")) {
    if (!zip->Read("xl/sharedStrings.xml", &text)) return;
    if (LoadXml(text, "xl/sharedStrings.xml", &strings, &page->warnings)) {
      for (pugi::xml_node si : Child(strings, "sst").children()) {
        if (Local(si) == "si") shared.push_back(RichText(si));
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> targets;  // relationship id → part
  if (zip->Read("xl/_rels/workbook.xml.rels", &text) &&
      LoadXml(text, "xl/_rels/workbook.xml.rels", &rels, &page->warnings)) {
    for (pugi::xml_node rel : Child(rels, "Relationships").children()) {
      targets.emplace_back(Attr(rel, "Id"), ResolveTarget(std::string(Attr(rel, "Target"))));
    }
  }
  size_t budget = kMaxXlsxCells;
  pugi::xml_node root = workbook.first_child();
  for (pugi::xml_node sheet : Child(root, "sheets").children()) {
    std::string name(Attr(sheet, "name"));
    std::string id(Attr(sheet, "id"));
    auto target =
        std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.first == id; });
    if (target == targets.end()) continue;
    pugi::xml_document doc;
    if (!zip->Read(target->second, &text)) break;
    if (!LoadXml(text, target->second, &doc, &page->warnings)) continue;
    ReadSheet(doc.first_child(), shared, name, &budget, page);
  }
}

Page WithError(Page page, std::string_view format, const std::string& error) {
  if (!error.empty()) page.warnings.push_back(std::string(format) + ": " + error);
  return page;
}

}  // namespace

Page ParseDocx(std::string_view bytes) {
  Page page;
  Zip zip(bytes);
  std::string xml;
  if (!zip.Read("word/document.xml", &xml)) return WithError(std::move(page), "docx", zip.error());
  pugi::xml_document doc;
  if (!LoadXml(xml, "word/document.xml", &doc, &page.warnings)) return page;
  ReadDocxBody(Child(doc.first_child(), "body"), &page);
  return page;
}

Page ParseXlsx(std::string_view bytes) {
  Page page;
  Zip zip(bytes);
  ReadWorkbook(&zip, &page);
  return WithError(std::move(page), "xlsx", zip.error());
}

std::string SerializePage(const Page& page) {
  nlohmann::json j;
  j["title"] = page.title;
  j["text"] = page.text;
  j["positional"] = page.positional;
  j["warnings"] = page.warnings;
  nlohmann::json meta = nlohmann::json::array();
  for (const auto& [k, v] : page.meta) meta.push_back({k, v});
  j["meta"] = meta;
  nlohmann::json tables = nlohmann::json::array();
  for (const Grid& g : page.tables) {
    nlohmann::json cells = nlohmann::json::array();
    for (const GridCell& c : g.cells)
      cells.push_back({c.text, c.row, c.column, c.rowspan, c.colspan, c.page});
    tables.push_back(
        {{"rows", g.rows}, {"columns", g.columns}, {"cells", cells}, {"slots", g.slots}});
  }
  j["tables"] = tables;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Page DeserializePage(std::string_view data) {
  Page page;
  try {
    nlohmann::json j = nlohmann::json::parse(data);
    page.title = j.at("title").get<std::string>();
    page.text = j.at("text").get<std::string>();
    page.positional = j.at("positional").get<bool>();
    page.warnings = j.at("warnings").get<std::vector<std::string>>();
    for (const auto& kv : j.at("meta")) page.meta.emplace(kv.at(0), kv.at(1));
    for (const auto& t : j.at("tables")) {
      Grid g;
      g.rows = t.at("rows");
      g.columns = t.at("columns");
      g.slots = t.at("slots").get<std::vector<int>>();
      for (const auto& c : t.at("cells"))
        g.cells.push_back({c.at(0), c.at(1), c.at(2), c.at(3), c.at(4), c.at(5)});
      if (g.rows < 0 || g.columns < 0 ||
          g.slots.size() != static_cast<size_t>(g.rows) * static_cast<size_t>(g.columns))
        throw std::runtime_error("grid size");
      for (int s : g.slots) {
        if (s >= static_cast<int>(g.cells.size())) throw std::runtime_error("slot index");
      }
      page.tables.push_back(std::move(g));
    }
  } catch (const std::exception& e) {
    Page bad;
    bad.warnings.push_back(std::string("a reader's result could not be read back: ") + e.what());
    return bad;
  }
  return page;
}

Page ReadOoxmlIsolated(std::string_view bytes, Format format, const ChildLimits& limits) {
  std::string_view name = FormatName(format);
  ChildResult result = RunForked(
      [&] { return SerializePage(format == Format::kXlsx ? ParseXlsx(bytes) : ParseDocx(bytes)); },
      limits);
  if (!result.ok) {
    Page page;
    page.warnings.push_back(std::string(name) + " reader " + result.error);
    return page;
  }
  return DeserializePage(result.output);
}

}  // namespace nianbao
