#include "web/tables.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "web/html.h"
#include "web/layout.h"

namespace nianbao::web {
namespace {

std::string Last(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash - start));
    if (slash == std::string::npos) return parts;
    start = slash + 1;
  }
}

// The <thead>: one row, or two when a column label is "group/column".
std::string ColumnHeader(const SectionLayout& s) {
  bool two_levels = std::any_of(s.columns.begin(), s.columns.end(), [](const std::string& c) {
    return c.find('/') != std::string::npos;
  });
  std::string h = "<thead><tr><th";
  if (two_levels) h += " rowspan=\"2\"";
  h += ">项目 Item</th>";
  std::string second;
  for (size_t i = 0; i < s.columns.size();) {
    size_t slash = s.columns[i].find('/');
    if (!two_levels || slash == std::string::npos) {
      h += "<th";
      if (two_levels) h += " rowspan=\"2\"";
      h += '>';
      AppendHtml(h, s.columns[i]);
      h += "</th>";
      ++i;
      continue;
    }
    std::string group = s.columns[i].substr(0, slash);
    size_t j = i;
    while (j < s.columns.size() && s.columns[j].rfind(group + "/", 0) == 0) {
      second += "<th>";
      AppendHtml(second, std::string_view(s.columns[j]).substr(slash + 1));
      second += "</th>";
      ++j;
    }
    h += "<th colspan=\"";
    h += std::to_string(j - i);
    h += "\">";
    AppendHtml(h, group);
    h += "</th>";
    i = j;
  }
  h += "</tr>";
  if (two_levels) h.append("<tr>").append(second).append("</tr>");
  return h.append("</thead>");
}

using Values = std::unordered_map<std::string_view, const Value*>;

// One cell of a table, appended to `h`; `name` is `field` escaped.
void AppendValueCell(std::string& h, const std::string& field, const std::string& name,
                     const Values& values, const CellMarks& marks) {
  if (field.empty()) {
    h += "<td class=\"none\"></td>";
    return;
  }
  auto found = values.find(field);
  const Value* value = found == values.end() ? nullptr : found->second;
  h += "<td data-field=\"";
  h += name;
  h += '"';
  // The classes, in this order: absent or blank, fail, changed.
  bool first = true;
  auto add_class = [&](const char* cls) {
    h += first ? " class=\"" : " ";
    h += cls;
    first = false;
  };
  if (!value)
    add_class("absent");
  else if (!*value)
    add_class("blank");
  if (!marks.failed.empty() && marks.failed.contains(field)) add_class("fail");
  const FieldChange* change = nullptr;
  if (!marks.changed.empty()) {
    auto it = marks.changed.find(field);
    if (it != marks.changed.end()) change = it->second;
  }
  if (change) add_class("changed");
  if (!first) h += '"';
  const bool valued = value && value->has_value();
  std::string number = valued ? NumberText(**value) : "";
  if (valued) h.append(" data-value=\"").append(number).append("\"");
  if (change) {
    const FieldChange& c = *change;
    std::string title =
        "旧 old: " +
        (c.old_present ? (c.old_value ? NumberText(*c.old_value) : "空白 blank") : "无 absent") +
        " → 新 new: " +
        (c.new_present ? (c.new_value ? NumberText(*c.new_value) : "空白 blank") : "无 absent");
    h += " title=\"";
    AppendHtml(h, title);
    h += '"';
  }
  h += '>';
  if (value && !*value) {
    h.append("<a href=\"#p-").append(name).append("\" title=\"空白（未填） blank\">—</a>");
  } else if (value) {
    h.append("<a href=\"#p-").append(name).append("\">").append(number).append("</a>");
  }
  h += "</td>";
}

}  // namespace

TableRenderer::TableRenderer(const RuleSet& rules) {
  std::set<std::string> ids;  // every template the catalogue lays out
  for (const FieldSpec& spec : rules.Fields()) ids.insert(spec.template_id);
  for (const std::string& id : ids) {
    Template& t = templates_[id];
    for (const SectionLayout& s : TemplateLayout(rules, id)) {
      Section section;
      section.head = "<table class=\"form\" id=\"section-";
      AppendHtml(section.head, s.section);
      section.head += "\"><caption>";
      AppendHtml(section.head, s.section);
      section.head.append("</caption>").append(ColumnHeader(s)).append("<tbody>");
      std::vector<std::string> previous;
      const size_t span = s.columns.size() + 1;
      for (size_t r = 0; r < s.rows.size(); ++r) {
        Row row;
        std::vector<std::string> parts = Split(s.rows[r]);
        // Group rows for each level of the path that changed since the previous row.
        for (size_t level = 0; level + 1 < parts.size(); ++level) {
          if (level < previous.size() && previous[level] == parts[level] &&
              std::equal(parts.begin(), parts.begin() + level, previous.begin())) {
            continue;
          }
          row.head.append("<tr class=\"group\"><th class=\"g").append(std::to_string(level));
          row.head.append("\" colspan=\"").append(std::to_string(span)).append("\">");
          AppendHtml(row.head, parts[level]);
          row.head += "</th></tr>";
        }
        previous = parts;
        row.head.append("<tr><th class=\"g").append(std::to_string(parts.size() - 1));
        row.head += "\">";
        AppendHtml(row.head, Last(s.rows[r]));
        row.head += "</th>";
        for (const std::string& field : s.cells[r]) {
          row.cells.push_back(Cell{field, Html(field)});
          t.laid_out.insert(field);
        }
        section.rows.push_back(std::move(row));
      }
      t.sections.push_back(std::move(section));
    }
  }
}

void TableRenderer::Append(std::string& out, const Extraction& e, const CellMarks& marks) const {
  if (!e.template_id) {
    out += "<p class=\"none\">无统计表 no statistics table</p>";
    return;
  }
  auto found = templates_.find(*e.template_id);
  const Template& t = found == templates_.end() ? unknown_ : found->second;
  Values values;
  values.reserve(e.fields.size());
  for (const auto& [field, value] : e.fields) values.emplace(field, &value);  // the first wins
  for (const Section& section : t.sections) {
    out += section.head;
    for (const Row& row : section.rows) {
      out += row.head;
      for (const Cell& cell : row.cells) AppendValueCell(out, cell.field, cell.name, values, marks);
      out += "</tr>";
    }
    out += "</tbody></table>";
  }
  std::string extra;
  for (const auto& [field, value] : e.fields) {
    if (t.laid_out.contains(field)) continue;
    extra += "<li><code>";
    AppendHtml(extra, field);
    extra.append("</code> = ").append(value ? NumberText(*value) : "空白 blank").append("</li>");
  }
  if (!extra.empty()) {
    out.append("<h3>表外字段 <span class=\"en\">Fields outside the layout</span></h3><ul>")
        .append(extra)
        .append("</ul>");
  }
}

}  // namespace nianbao::web
