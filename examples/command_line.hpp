// command_line.hpp: the command line the example calculators share.
//
//   PROGRAM [--format text|json|csv] [--explain] [--on YYYY-MM-DD] DOCUMENT.json
//
// Exit codes: 0 done, 1 the document (or a date given) was refused, 2 usage error. Errors go to
// stderr as "PROGRAM: /json/pointer: message", so a contract file can be fixed from the message.
#pragma once

#include <stakecalc/deal_document.hpp>
#include <stakecalc/result_document.hpp>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>

namespace example {

struct options {
  stakecalc::result_format format = stakecalc::result_format::text;
  bool explain = false;
  std::optional<stakecalc::date> on;  // --on, for the programs that take a date
  std::string document;
};

// Parses argv and runs `body`, mapping the outcome to an exit code. `about` is the help text
// after the usage line; `takes_date` says whether --on is accepted.
inline int run(int argc, char** argv, const char* program, const char* about, bool takes_date,
               const std::function<void(const options&)>& body) {
  const std::string usage = std::string("usage: ") + program + " [--format text|json|csv] [--explain]" +
                            (takes_date ? " [--on YYYY-MM-DD]" : "") + " DOCUMENT.json\n";
  auto usage_error = [&](const std::string& why) {
    std::fprintf(stderr, "%s: %s\n%s", program, why.c_str(), usage.c_str());
    return 2;
  };
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      std::printf("%s\n%s\nExit codes: 0 done, 1 the document was refused, 2 usage error.\n", usage.c_str(), about);
      return 0;
    } else if (arg == "--explain") {
      o.explain = true;
    } else if (arg == "--format") {
      auto v = value();
      if (!v) return usage_error("--format needs a value");
      try {
        o.format = stakecalc::parse_result_format(*v, "--format");
      } catch (const stakecalc::error& e) {
        return usage_error(e.what());
      }
    } else if (arg == "--on" && takes_date) {
      auto v = value();
      if (!v) return usage_error("--on needs a date");
      try {
        o.on = stakecalc::parse_date(*v, "--on");
      } catch (const stakecalc::error& e) {
        return usage_error(e.what());
      }
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option '" + arg + "'");
    } else if (o.document.empty()) {
      o.document = arg;
    } else {
      return usage_error("one document at a time");
    }
  }
  if (o.document.empty()) return usage_error("no document given");
  try {
    body(o);
    return 0;
  } catch (const stakecalc::error& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 1;
  }
}

// The document's section, or invalid_input naming it: "/plan: this calculator needs a plan".
template <class T>
const T& need(const std::optional<T>& section, const char* pointer, const char* what) {
  if (!section) throw stakecalc::invalid_input(std::string("this calculator needs ") + what, pointer);
  return *section;
}

inline void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace example
