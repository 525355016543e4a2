// ParseHtml: one guarded Gumbo parse (html_tree.h), then one iterative walk over the tree (no
// recursion, so nesting depth only costs heap). The walk feeds two things at once: the page's
// visible text and, while inside a table cell, that cell's text; <table>/<tr>/<td> drive a grid
// builder per open table that implements the HTML table model (rowspan/colspan, row groups,
// rowspan=0) with clamped spans.
#include <gumbo.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "extract/map/values.h"
#include "extract/read/html_tree.h"
#include "extract/read/page.h"

namespace nianbao {
namespace {

constexpr int kMaxColspan = 200;
constexpr int kMaxRowspan = 1000;
constexpr int kMaxColumns = 1000;
constexpr size_t kMaxSlotsPerTable = 4u << 20;  // 4M slots = 16 MB of indices

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Builds visible text: runs of ASCII whitespace collapse to one space, line breaks come only from
// Break(), lines are trimmed (also of NBSP and U+3000, which render as nothing at a line's ends)
// and empty lines are dropped. Appends only: linear in the text size.
class TextBuilder {
 public:
  void AppendText(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
      if (IsAsciiSpace(text[i])) {
        pending_space_ = true;
        ++i;
        continue;
      }
      size_t end = i;
      while (end < text.size() && !IsAsciiSpace(text[end])) ++end;
      StartWord();
      out_.append(text.data() + i, end - i);
      i = end;
    }
  }

  void Break() { pending_break_ = true; }

  std::string Finish() {
    TrimLine();
    if (!out_.empty() && out_.back() == '\n') out_.pop_back();
    pending_break_ = pending_space_ = false;
    line_start_ = 0;
    return std::move(out_);
  }

 private:
  void StartWord() {
    if (pending_break_) {
      TrimLine();
      if (out_.size() > line_start_) {
        out_.push_back('\n');
        line_start_ = out_.size();
      }
      pending_break_ = false;
      pending_space_ = false;
    }
    if (pending_space_ && out_.size() > line_start_) out_.push_back(' ');
    pending_space_ = false;
  }

  // Length of the blank (space, NBSP, U+3000) at the start of `s`, or 0.
  static size_t BlankPrefix(std::string_view s) {
    if (!s.empty() && s[0] == ' ') return 1;
    if (s.substr(0, 2) == "\xC2\xA0") return 2;
    if (s.substr(0, 3) == "\xE3\x80\x80") return 3;
    return 0;
  }
  static size_t BlankSuffix(std::string_view s) {
    if (!s.empty() && s.back() == ' ') return 1;
    if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") return 2;
    if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") return 3;
    return 0;
  }

  void TrimLine() {
    std::string_view line(out_.data() + line_start_, out_.size() - line_start_);
    while (size_t n = BlankSuffix(line)) line.remove_suffix(n);
    size_t lead = 0;
    while (size_t n = BlankPrefix(line.substr(lead))) lead += n;
    out_.resize(line_start_ + line.size());
    if (lead > 0) out_.erase(line_start_, lead);
  }

  std::string out_;
  size_t line_start_ = 0;
  bool pending_space_ = false;
  bool pending_break_ = false;
};

// Lenient HTML integer attribute: leading digits after optional whitespace; `fallback` otherwise.
int ParseSpan(const GumboElement& element, const char* name, int fallback) {
  const GumboAttribute* attribute = gumbo_get_attribute(&element.attributes, name);
  if (attribute == nullptr) return fallback;
  const char* p = attribute->value;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
  if (*p < '0' || *p > '9') return fallback;
  long value = 0;
  while (*p >= '0' && *p <= '9' && value < 100000000) value = value * 10 + (*p++ - '0');
  return static_cast<int>(value);
}

// One open <table>: the HTML table-model state while its rows and cells are walked.
class GridBuilder {
 public:
  explicit GridBuilder(size_t index) : index_(index) {}
  size_t index() const { return index_; }

  void StartRowGroup() { EndRowGroup(); }

  void StartRow() {
    if (full_) return;
    rows_.emplace_back();
    cursor_ = 0;
    std::vector<int>& row = rows_.back();
    int row_index = static_cast<int>(rows_.size()) - 1;
    // Cells from rows above that still extend into this one.
    for (Span& span : spans_) {
      Occupy(&row, span.column, span.colspan, span.cell);
      cells_[span.cell].rowspan = row_index - cells_[span.cell].row + 1;
      if (span.remaining > 0) --span.remaining;
    }
    std::erase_if(spans_, [](const Span& span) { return span.remaining == 0; });
  }

  // Opens a cell at the next free slot of the current row; false when the table is past its limits.
  bool StartCell(const GumboElement& element, std::vector<std::string>* warnings) {
    if (rows_.empty()) StartRow();
    if (full_) return false;
    std::vector<int>& row = rows_.back();
    while (cursor_ < static_cast<int>(row.size()) && row[cursor_] >= 0) ++cursor_;
    if (cursor_ >= kMaxColumns) {
      Warn(warnings, "more than " + std::to_string(kMaxColumns) + " columns; extra cells ignored");
      return false;
    }
    int colspan = ParseSpan(element, "colspan", 1);
    if (colspan <= 0) colspan = 1;
    if (colspan > kMaxColspan) {
      Warn(warnings,
           "colspan " + std::to_string(colspan) + " clamped to " + std::to_string(kMaxColspan));
      colspan = kMaxColspan;
    }
    colspan = std::min(colspan, kMaxColumns - cursor_);
    int rowspan = ParseSpan(element, "rowspan", 1);
    if (rowspan > kMaxRowspan) {
      Warn(warnings,
           "rowspan " + std::to_string(rowspan) + " clamped to " + std::to_string(kMaxRowspan));
      rowspan = kMaxRowspan;
    }
    GridCell cell;
    cell.row = static_cast<int>(rows_.size()) - 1;
    cell.column = cursor_;
    cell.colspan = colspan;
    cell.rowspan = 1;  // grows as later rows take up the span (clipped at the end of the row group)
    int cell_index = static_cast<int>(cells_.size());
    cells_.push_back(std::move(cell));
    Occupy(&row, cursor_, colspan, cell_index);
    if (rowspan != 1)
      spans_.push_back({cell_index, cursor_, colspan, rowspan == 0 ? -1 : rowspan - 1});
    cursor_ += colspan;
    open_cell_ = cell_index;
    return true;
  }

  bool in_cell() const { return open_cell_ >= 0; }
  TextBuilder& cell_text() { return cell_text_; }

  void EndCell() {
    if (open_cell_ < 0) return;
    cells_[open_cell_].text = cell_text_.Finish();
    open_cell_ = -1;
  }

  Grid Finish(std::vector<std::string>* warnings) {
    EndCell();
    EndRowGroup();
    Grid grid;
    size_t columns = 0;
    for (const std::vector<int>& row : rows_) columns = std::max(columns, row.size());
    size_t rows = rows_.size();
    if (columns > 0 && rows * columns > kMaxSlotsPerTable) {
      rows = kMaxSlotsPerTable / columns;
      warnings->push_back("table " + std::to_string(index_ + 1) + ": too large; only its first " +
                          std::to_string(rows) + " rows kept");
    }
    grid.rows = static_cast<int>(rows);
    grid.columns = static_cast<int>(columns);
    grid.slots.assign(rows * columns, -1);
    for (size_t r = 0; r < rows; ++r) {
      std::copy(rows_[r].begin(), rows_[r].end(), grid.slots.begin() + r * columns);
    }
    if (rows < rows_.size()) {
      // Drop cells that start in the truncated rows; clip spans that reach into them.
      std::vector<int> renumber(cells_.size(), -1);
      std::vector<GridCell> kept;
      for (size_t i = 0; i < cells_.size(); ++i) {
        if (cells_[i].row < static_cast<int>(rows)) {
          renumber[i] = static_cast<int>(kept.size());
          kept.push_back(std::move(cells_[i]));
          kept.back().rowspan =
              std::min(kept.back().rowspan, static_cast<int>(rows) - kept.back().row);
        }
      }
      for (int& slot : grid.slots) slot = slot < 0 ? -1 : renumber[slot];
      cells_ = std::move(kept);
    }
    grid.cells = std::move(cells_);
    return grid;
  }

 private:
  struct Span {
    int cell;
    int column;
    int colspan;
    int remaining;  // rows still to cover; -1: to the end of the row group (rowspan=0)
  };

  void EndRowGroup() { spans_.clear(); }

  // Claims the free slots [column, column + colspan) of `row` for `cell`; overlapping cells (a
  // table model error) keep the slots they already had.
  void Occupy(std::vector<int>* row, int column, int colspan, int cell) {
    size_t end = static_cast<size_t>(column + colspan);
    if (row->size() < end) {
      slot_count_ += end - row->size();
      row->resize(end, -1);
    }
    for (size_t c = column; c < end; ++c) {
      if ((*row)[c] < 0) (*row)[c] = cell;
    }
    if (slot_count_ > kMaxSlotsPerTable) full_ = true;
  }

  void Warn(std::vector<std::string>* warnings, const std::string& what) {
    if (warned_++ < 3) warnings->push_back("table " + std::to_string(index_ + 1) + ": " + what);
  }

  size_t index_;
  std::vector<GridCell> cells_;
  std::vector<std::vector<int>> rows_;
  std::vector<Span> spans_;
  int cursor_ = 0;
  int open_cell_ = -1;
  TextBuilder cell_text_;
  size_t slot_count_ = 0;
  bool full_ = false;
  int warned_ = 0;
};

bool IsHidden(const GumboElement& element) {
  if (gumbo_get_attribute(&element.attributes, "hidden") != nullptr) return true;
  const GumboAttribute* style = gumbo_get_attribute(&element.attributes, "style");
  if (style == nullptr) return false;
  std::string compact;
  for (const char* p = style->value; *p != '\0'; ++p) {
    char c = *p;
    if (IsAsciiSpace(c)) continue;
    compact.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return compact.find("display:none") != std::string::npos ||
         compact.find("visibility:hidden") != std::string::npos;
}

// Elements whose content a reader never sees as text.
bool IsInvisibleTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_COL:
      return true;
    default:
      return false;
  }
}

// Elements that start and end a line of text.
bool IsBlockTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
      return true;
    default:
      return false;
  }
}

const GumboVector* ChildrenOf(const GumboNode* node) {
  if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
  if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
    return &node->v.element.children;
  }
  return nullptr;
}

// The text of an element's text children, whitespace-collapsed (for <title>).
std::string DirectText(const GumboNode* node) {
  TextBuilder text;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
      text.AppendText(child->v.text.text);
    }
  }
  return text.Finish();
}

void AddMeta(const GumboElement& element, Page* page) {
  const GumboAttribute* content = gumbo_get_attribute(&element.attributes, "content");
  if (content == nullptr) return;
  for (const char* key_attribute : {"name", "http-equiv", "property"}) {
    const GumboAttribute* key = gumbo_get_attribute(&element.attributes, key_attribute);
    if (key == nullptr) continue;
    std::string name = key->value;
    for (char& c : name) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    std::string_view value = content->value;
    while (!value.empty() && IsAsciiSpace(value.front())) value.remove_prefix(1);
    while (!value.empty() && IsAsciiSpace(value.back())) value.remove_suffix(1);
    page->meta.emplace(std::move(name), std::string(value));
    return;
  }
}

// The walk over the Gumbo tree. What an element does when the walk leaves it is decided when it is
// entered and kept in its frame.
// Outside its <table>s a page is mostly prose. A table written as text needs lines that look like
// its cells: a short line that is a number or a "not reported" mark (one cell per paragraph), or a
// line cut by '|' or by runs of NBSP / U+3000 (whitespace runs are already collapsed). Pages with
// fewer such lines skip the text grid builder, which would find nothing in prose.
bool MayHoldTextTable(std::string_view text) {
  constexpr int kMinCellLines = 3;
  constexpr size_t kMaxValueLineBytes = 24;
  int cell_lines = 0;
  size_t start = 0;
  while (start < text.size() && cell_lines < kMinCellLines) {
    size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    if (line.empty()) continue;
    bool value_like =
        line.size() <= kMaxValueLineBytes && ParseValue(line).kind != CellValue::Kind::kInvalid;
    bool delimited = line.find('|') != std::string_view::npos ||
                     line.find("\xC2\xA0\xC2\xA0") != std::string_view::npos ||
                     line.find("\xE3\x80\x80") != std::string_view::npos;
    if (value_like || delimited) ++cell_lines;
  }
  return cell_lines >= kMinCellLines;
}

class PageWalker {
 public:
  explicit PageWalker(Page* page) : page_(page) {}

  void Walk(const GumboNode* root) {
    stack_.push_back({root, 0, kPlain});
    while (!stack_.empty()) {
      Frame& frame = stack_.back();
      const GumboVector* children = ChildrenOf(frame.node);
      if (children != nullptr && frame.next_child < children->length) {
        Enter(static_cast<const GumboNode*>(children->data[frame.next_child++]));
      } else {
        Leave(frame);
        stack_.pop_back();
      }
    }
    page_->text = page_text_.Finish();
    // Statistics that are not in a <table>: a <pre> block (pdftotext output pasted into a page) or
    // one cell per paragraph. The text grid builder finds them; its grids follow the HTML tables.
    for (const std::string& pre : pre_texts_) AppendTextGrids(pre);
    std::string outside = outside_text_.Finish();
    if (MayHoldTextTable(outside)) AppendTextGrids(outside);
  }

 private:
  enum Role : unsigned char { kPlain, kBlock, kTable, kRowGroup, kRow, kCell, kPre };
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
    Role role;
  };

  // The builder of the innermost open table, or nullptr.
  GridBuilder* CurrentTable() { return tables_.empty() ? nullptr : &tables_.back(); }

  void AppendTextGrids(std::string_view text) {
    if (text.empty()) return;
    for (Grid& grid : ParseText(text).tables) page_->tables.push_back(std::move(grid));
  }

  void AppendText(std::string_view text) {
    if (in_pre_ > 0) {
      // Preformatted: keep its raw text for the text grid builder and its line breaks.
      if (tables_.empty()) pre_raw_.append(text);
      size_t start = 0;
      for (size_t newline; (newline = text.find('\n', start)) != std::string_view::npos;
           start = newline + 1) {
        AppendCollapsed(text.substr(start, newline - start));
        Break();
      }
      AppendCollapsed(text.substr(start));
      return;
    }
    AppendCollapsed(text);
  }

  void AppendCollapsed(std::string_view text) {
    page_text_.AppendText(text);
    if (GridBuilder* table = CurrentTable(); table != nullptr && table->in_cell()) {
      table->cell_text().AppendText(text);
    } else if (tables_.empty() && in_pre_ == 0) {
      outside_text_.AppendText(text);
    }
  }

  void Break() {
    page_text_.Break();
    if (GridBuilder* table = CurrentTable(); table != nullptr && table->in_cell()) {
      table->cell_text().Break();
    } else if (tables_.empty() && in_pre_ == 0) {
      outside_text_.Break();
    }
  }

  void Enter(const GumboNode* node) {
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        AppendText(node->v.text.text);
        return;
      case GUMBO_NODE_ELEMENT:
        EnterElement(node);
        return;
      default:  // comments, templates, the document
        return;
    }
  }

  void EnterElement(const GumboNode* node) {
    const GumboElement& element = node->v.element;
    GumboTag tag = element.tag;
    if (tag == GUMBO_TAG_META) {
      AddMeta(element, page_);
      return;
    }
    if (tag == GUMBO_TAG_TITLE) {
      if (page_->title.empty()) page_->title = DirectText(node);
      return;
    }
    if (tag == GUMBO_TAG_BR) {
      Break();
      return;
    }
    if (IsInvisibleTag(tag) || element.tag_namespace == GUMBO_NAMESPACE_SVG || IsHidden(element)) {
      return;
    }
    Role role = kPlain;
    switch (tag) {
      case GUMBO_TAG_TABLE:
        Break();
        tables_.emplace_back(page_->tables.size());
        page_->tables
            .emplace_back();  // filled when the table closes: parents precede nested tables
        role = kTable;
        break;
      case GUMBO_TAG_THEAD:
      case GUMBO_TAG_TBODY:
      case GUMBO_TAG_TFOOT:
        if (GridBuilder* table = CurrentTable()) table->StartRowGroup();
        role = kRowGroup;
        break;
      case GUMBO_TAG_TR:
        Break();
        if (GridBuilder* table = CurrentTable()) table->StartRow();
        role = kRow;
        break;
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        Break();
        if (GridBuilder* table = CurrentTable(); table != nullptr && !table->in_cell()) {
          if (!table->StartCell(element, &page_->warnings)) return;  // past the table's limits
          role = kCell;
        } else {
          role = kBlock;
        }
        break;
      case GUMBO_TAG_PRE:
      case GUMBO_TAG_LISTING:
      case GUMBO_TAG_PLAINTEXT:
        Break();
        ++in_pre_;
        role = kPre;
        break;
      default:
        if (IsBlockTag(tag)) {
          Break();
          role = kBlock;
        }
        break;
    }
    stack_.push_back({node, 0, role});
  }

  void Leave(const Frame& frame) {
    switch (frame.role) {
      case kTable: {
        GridBuilder& table = tables_.back();
        size_t index = table.index();
        page_->tables[index] = table.Finish(&page_->warnings);
        tables_.pop_back();
        Break();
        break;
      }
      case kCell:
        if (GridBuilder* table = CurrentTable()) table->EndCell();
        Break();
        break;
      case kPre:
        if (--in_pre_ == 0 && !pre_raw_.empty()) pre_texts_.push_back(std::move(pre_raw_));
        pre_raw_.clear();
        Break();
        break;
      case kBlock:
      case kRow:
        Break();
        break;
      default:
        break;
    }
  }

  Page* page_;
  std::vector<Frame> stack_;
  std::vector<GridBuilder> tables_;  // open tables, innermost last
  TextBuilder page_text_;
  TextBuilder outside_text_;  // visible text outside tables and <pre>, for the text grid builder
  int in_pre_ = 0;            // depth of open <pre> elements
  std::string pre_raw_;       // raw text of the open outermost <pre> (outside tables)
  std::vector<std::string> pre_texts_;
};

}  // namespace

Page ParseHtml(const HtmlTree& tree) {
  Page page;
  page.warnings = tree.warnings();
  if (const GumboNode* document = tree.document()) PageWalker(&page).Walk(document);
  return page;
}

Page ParseHtml(std::string_view html) { return ParseHtml(HtmlTree(std::string(html))); }

}  // namespace nianbao
