#include "common/json_text.h"

#include <cstring>

namespace tessera::json_text {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view s, size_t pos) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
  return pos;
}

// One past the closing quote of the string whose opening quote is at `pos`; npos if unterminated.
size_t SkipString(std::string_view s, size_t pos) {
  size_t i = pos + 1;
  while (i < s.size()) {
    const void* q = std::memchr(s.data() + i, '"', s.size() - i);
    if (q == nullptr) return std::string_view::npos;
    const size_t at = static_cast<size_t>(static_cast<const char*>(q) - s.data());
    size_t backslashes = 0;
    while (at - backslashes > i && s[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return at + 1;
    i = at + 1;
  }
  return std::string_view::npos;
}

bool EndsToken(char c) {
  return IsSpace(c) || c == ',' || c == ']' || c == '}' || c == ':' || c == '"' || c == '[' ||
         c == '{';
}

// How far the value at `pos` (no leading whitespace) reaches (ScanValue).
Extent Scan(std::string_view s, size_t pos, size_t max_depth) {
  constexpr Extent kCut{Extent::kCut, 0};
  constexpr Extent kMalformed{Extent::kMalformed, 0};
  if (pos >= s.size()) return kCut;
  const char first = s[pos];
  if (first == '"') {
    const size_t end = SkipString(s, pos);
    return end == std::string_view::npos ? kCut : Extent{Extent::kComplete, end};
  }
  if (first != '{' && first != '[') {
    if (first == ',' || first == ']' || first == '}' || first == ':') return kMalformed;
    size_t i = pos;
    while (i < s.size() && !EndsToken(s[i])) ++i;
    if (i == pos) return kMalformed;  // whitespace
    // A token that reaches the end of the text may go on past it.
    return i == s.size() ? kCut : Extent{Extent::kComplete, i};
  }
  // Brackets must match in kind: a small stack of kinds, one byte per level.
  std::string kinds;
  size_t i = pos;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      i = SkipString(s, i);
      if (i == std::string_view::npos) return kCut;
      continue;
    }
    if (c == '{' || c == '[') {
      if (kinds.size() >= max_depth) return kMalformed;
      kinds.push_back(c);
    } else if (c == '}' || c == ']') {
      if (kinds.empty() || kinds.back() != (c == '}' ? '{' : '[')) return kMalformed;
      kinds.pop_back();
      if (kinds.empty()) return {Extent::kComplete, i + 1};
    }
    ++i;
  }
  return kCut;
}

// One past the end of the value at `pos` (no leading whitespace); npos when there is none.
size_t SkipValue(std::string_view s, size_t pos, size_t max_depth) {
  const Extent e = Scan(s, pos, max_depth);
  if (e.kind == Extent::kComplete) return e.end;
  // A token at the very end of the text is a whole one here: the text is all there is.
  if (e.kind == Extent::kCut && pos < s.size() && s[pos] != '"' && s[pos] != '{' && s[pos] != '[') {
    return s.size();
  }
  return std::string_view::npos;
}

}  // namespace

Extent ScanValue(std::string_view text, size_t pos, size_t max_depth) {
  return Scan(text, pos, max_depth);
}

std::string_view ValueAt(std::string_view text, size_t pos, size_t max_depth) {
  pos = SkipSpace(text, pos);
  const size_t end = SkipValue(text, pos, max_depth);
  if (end == std::string_view::npos || end == pos) return {};
  return text.substr(pos, end - pos);
}

Status ForEachElement(std::string_view array,
                      const std::function<void(std::string_view element)>& each, size_t max_depth) {
  size_t pos = SkipSpace(array, 0);
  if (pos >= array.size() || array[pos] != '[') return InvalidArgument("not a JSON array");
  pos = SkipSpace(array, pos + 1);
  if (pos < array.size() && array[pos] == ']') return Status::Ok();
  for (;;) {
    const std::string_view element = ValueAt(array, pos, max_depth);
    if (element.empty()) return InvalidArgument("a malformed element in a JSON array");
    each(element);
    pos = SkipSpace(array, static_cast<size_t>(element.data() - array.data()) + element.size());
    if (pos >= array.size()) return InvalidArgument("an unterminated JSON array");
    if (array[pos] == ']') return Status::Ok();
    if (array[pos] != ',') return InvalidArgument("a JSON array without a comma between elements");
    ++pos;
  }
}

Status ForEachMember(std::string_view object,
                     const std::function<void(std::string_view key, std::string_view value)>& each,
                     size_t max_depth) {
  size_t pos = SkipSpace(object, 0);
  if (pos >= object.size() || object[pos] != '{') return InvalidArgument("not a JSON object");
  pos = SkipSpace(object, pos + 1);
  if (pos < object.size() && object[pos] == '}') return Status::Ok();
  for (;;) {
    if (pos >= object.size() || object[pos] != '"') {
      return InvalidArgument("a JSON object member without a string key");
    }
    const size_t key_end = SkipString(object, pos);
    if (key_end == std::string_view::npos) return InvalidArgument("an unterminated JSON string");
    const std::string_view key = object.substr(pos + 1, key_end - pos - 2);
    pos = SkipSpace(object, key_end);
    if (pos >= object.size() || object[pos] != ':') {
      return InvalidArgument("a JSON object member without a colon");
    }
    const std::string_view value = ValueAt(object, pos + 1, max_depth);
    if (value.empty()) return InvalidArgument("a malformed value in a JSON object");
    each(key, value);
    pos = SkipSpace(object, static_cast<size_t>(value.data() - object.data()) + value.size());
    if (pos >= object.size()) return InvalidArgument("an unterminated JSON object");
    if (object[pos] == '}') return Status::Ok();
    if (object[pos] != ',') return InvalidArgument("a JSON object without a comma between members");
    pos = SkipSpace(object, pos + 1);
  }
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ReadHex4(std::string_view s, size_t pos, unsigned& out) {
  if (pos + 4 > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    const int v = HexValue(s[i]);
    if (v < 0) return false;
    out = out * 16 + static_cast<unsigned>(v);
  }
  return true;
}

void AppendUtf8(unsigned cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

Result<std::string> Unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= raw.size()) return InvalidArgument("a JSON string ends in a backslash");
    switch (raw[i]) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned cp = 0;
        if (!ReadHex4(raw, i + 1, cp)) return InvalidArgument("a malformed \\u escape");
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned low = 0;
          if (i + 2 >= raw.size() || raw[i + 1] != '\\' || raw[i + 2] != 'u' ||
              !ReadHex4(raw, i + 3, low) || low < 0xDC00 || low > 0xDFFF) {
            return InvalidArgument("a lone surrogate in a \\u escape");
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return InvalidArgument("a lone surrogate in a \\u escape");
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        return InvalidArgument("an unknown escape in a JSON string");
    }
  }
  return out;
}

bool KeyEquals(std::string_view raw, std::string_view plain) {
  // An escape makes the text longer than what it decodes to: only a longer `raw` with a
  // backslash needs decoding, and most keys differ from `plain` in length alone.
  if (raw.size() < plain.size()) return false;
  const bool escaped = raw.find('\\') != std::string_view::npos;
  if (!escaped) return raw == plain;
  if (raw.size() == plain.size()) return false;
  auto decoded = Unescape(raw);
  return decoded.ok() && *decoded == plain;
}

}  // namespace tessera::json_text
