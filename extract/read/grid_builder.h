// GridBuilder: origin cells placed into the slots of a Grid (page.h) one by one, the rectangle
// growing as needed, spans extended afterwards (Word's vMerge, a spreadsheet's mergeCells, a PDF
// label printed over several rows). Slots beyond kMaxSlotsPerTable are dropped and TooLarge() says
// so. Header-only; used by the OOXML and PDF readers.
#ifndef NIANBAO_EXTRACT_READ_GRID_BUILDER_H_
#define NIANBAO_EXTRACT_READ_GRID_BUILDER_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "extract/read/page.h"

namespace nianbao {

constexpr size_t kMaxSlotsPerTable = 4u << 20;  // as for HTML tables: 16 MB of indices

// Rows of origin cells placed into slots; spans grow the rectangle as needed.
class GridBuilder {
 public:
  // Places a new cell at (row, column); returns its index.
  int Place(int row, int column, int colspan, std::string text, int page = 0) {
    int index = static_cast<int>(grid_.cells.size());
    grid_.cells.push_back({std::move(text), row, column, 1, colspan, page});
    for (int c = column; c < column + colspan; ++c) Set(row, c, index);
    return index;
  }
  // The origin of the slot, or -1.
  int At(int row, int column) const {
    if (row < 0 || row >= static_cast<int>(slots_.size())) return -1;
    const std::vector<int>& r = slots_[row];
    return column < static_cast<int>(r.size()) ? r[column] : -1;
  }
  // Extends cell `index` down to cover `row`.
  void ExtendTo(int index, int row) {
    GridCell& cell = grid_.cells[index];
    for (int r = cell.row + cell.rowspan; r <= row; ++r) {
      for (int c = cell.column; c < cell.column + cell.colspan; ++c) Set(r, c, index);
    }
    cell.rowspan = std::max(cell.rowspan, row - cell.row + 1);
  }
  // Makes cell `index` cover through (last_row, last_column); cells it hides lose their text.
  void MergeInto(int index, int last_row, int last_column) {
    GridCell& cell = grid_.cells[index];
    for (int r = cell.row; r <= last_row; ++r) {
      for (int c = cell.column; c <= last_column; ++c) {
        int hidden = At(r, c);
        if (hidden >= 0 && hidden != index) grid_.cells[hidden].text.clear();
        Set(r, c, index);
      }
    }
    cell.rowspan = std::max(cell.rowspan, last_row - cell.row + 1);
    cell.colspan = std::max(cell.colspan, last_column - cell.column + 1);
  }
  bool TooLarge() const { return too_large_; }
  GridCell& Cell(int index) { return grid_.cells[index]; }
  Grid Finish() {
    grid_.rows = static_cast<int>(slots_.size());
    grid_.columns = 0;
    for (const auto& r : slots_)
      grid_.columns = std::max(grid_.columns, static_cast<int>(r.size()));
    grid_.slots.assign(static_cast<size_t>(grid_.rows) * grid_.columns, -1);
    for (int r = 0; r < grid_.rows; ++r) {
      for (size_t c = 0; c < slots_[r].size(); ++c)
        grid_.slots[r * grid_.columns + c] = slots_[r][c];
    }
    return std::move(grid_);
  }

 private:
  void Set(int row, int column, int index) {
    if (static_cast<size_t>(row + 1) * static_cast<size_t>(column + 1) > kMaxSlotsPerTable) {
      too_large_ = true;
      return;
    }
    if (row >= static_cast<int>(slots_.size())) slots_.resize(row + 1);
    std::vector<int>& r = slots_[row];
    if (column >= static_cast<int>(r.size())) r.resize(column + 1, -1);
    r[column] = index;
  }
  Grid grid_;
  std::vector<std::vector<int>> slots_;
  bool too_large_ = false;
};

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_GRID_BUILDER_H_
