// Label normalisation: what a printed table label means, independent of how it was typed.
// Clean(): NFKC, every whitespace removed, quote/dash/bracket/colon variants unified, Traditional →
// Simplified. ParseLabel(): Clean() plus the numbering split off (一、 （一） (一) 1. 1、 （1）
// 第一、 其中：) and explanatory parentheses stripped (（区分处理的，只计这一情形…）,
// (指2019年事项数), （单位：万元）); a unit named in them is kept. A Normalizer is immutable after
// construction and safe to share between threads; build one per RuleSet (the ICU transliterator is
// slow to build). LabelCache memoises one extraction's labels so each distinct raw label is
// normalised once.
#ifndef NIANBAO_EXTRACT_MAP_NORMALIZE_H_
#define NIANBAO_EXTRACT_MAP_NORMALIZE_H_

#include <unicode/uversion.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

U_NAMESPACE_BEGIN
class Transliterator;
class Normalizer2;
class UnicodeSet;
class UnicodeString;
U_NAMESPACE_END

namespace nianbao {

// Numbering depth: 一、 is 1, （一） 2, 1. 3, （1） 4, 其中： 5; 0 when the label has no numbering.
enum NumberingLevel {
  kNoNumbering = 0,
  kLevelChinese = 1,
  kLevelParenChinese = 2,
  kLevelArabic = 3,
  kLevelParenArabic = 4,
  kLevelAmong = 5
};

struct Label {
  std::string raw;        // as printed
  std::string shown;      // raw with its whitespace collapsed: how label paths are reported
  std::string clean;      // Clean(raw): the whole label, numbering and notes included
  std::string numbering;  // the numbering as cleaned, e.g. "(一)", "1.", "其中:"; empty when none
  int level = kNoNumbering;
  std::string text;  // clean without numbering and explanatory parentheses: what rules match
  std::string unit;  // a unit named in a parenthesis ("万元" from "(单位:万元)"), else empty
  bool note_only = false;  // the whole label is one parenthesis, e.g. a wrapped "(不包括…)" line
  bool opens_note = false;   // more "(" than ")": the note goes on in the next line
  bool closes_note = false;  // more ")" than "(": the end of the previous line's note
};

class Normalizer {
 public:
  Normalizer();
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  std::string Clean(std::string_view raw) const;
  Label ParseLabel(std::string_view raw) const;

 private:
  // True when some character of `label` reads differently after Traditional → Simplified.
  bool HasTraditional(const icu::UnicodeString& label) const;

  const icu::Normalizer2* nfkc_ = nullptr;              // owned by ICU
  std::unique_ptr<icu::Transliterator> to_simplified_;  // null when ICU lacks the data
  std::unique_ptr<icu::UnicodeSet> traditional_;        // what to_simplified_ may touch
  // Of the characters in traditional_, whether each one alone is changed: most of the set is
  // context for phrase rules and stays as it is, so a Simplified label skips the slow
  // transliterator. Filled as characters are met (a full table costs ~35 ms at start).
  mutable std::unordered_map<UChar32, bool> changes_alone_;
  mutable std::mutex transliterator_mutex_;  // ICU transliterators are not reentrant
};

// Whether `utf8` is binary noise rather than a label in any script: a control character (not
// whitespace), and with the U+FFFDs at least two and one in eight of its characters (random bytes
// give ~25 %). The test Clean() applies before Traditional → Simplified, read from the bytes
// without ICU: cheap enough to skip such cells before normalising them.
bool IsBinaryNoise(std::string_view utf8);

// Splits the numbering off an already cleaned label: returns the level, sets `numbering` and
// `rest`.
int SplitNumbering(std::string_view clean, std::string* numbering, std::string* rest);
// Removes parenthesised notes from a cleaned label; sets `unit` when a note names one.
std::string StripNotes(std::string_view clean, std::string* unit);

class LabelCache {
 public:
  explicit LabelCache(const Normalizer& normalizer) : normalizer_(normalizer) {}
  const Label& Get(std::string_view raw);

 private:
  const Normalizer& normalizer_;
  std::unordered_map<std::string, Label> labels_;
};

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_MAP_NORMALIZE_H_
