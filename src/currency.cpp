// The ISO 4217 table (codes, numeric codes and minor units as the standard's list A gives them).
#include "stakecalc/currency.hpp"

#include <algorithm>

namespace stakecalc {

const std::vector<currency_info>& currency_table() {
  static const std::vector<currency_info> table = {
      {"AED", 784, 2, "UAE Dirham"},       {"AUD", 36, 2, "Australian Dollar"},
      {"BHD", 48, 3, "Bahraini Dinar"},    {"BRL", 986, 2, "Brazilian Real"},
      {"CAD", 124, 2, "Canadian Dollar"},  {"CHF", 756, 2, "Swiss Franc"},
      {"CLP", 152, 0, "Chilean Peso"},     {"CNY", 156, 2, "Yuan Renminbi"},
      {"CZK", 203, 2, "Czech Koruna"},     {"DKK", 208, 2, "Danish Krone"},
      {"EGP", 818, 2, "Egyptian Pound"},   {"EUR", 978, 2, "Euro"},
      {"GBP", 826, 2, "Pound Sterling"},   {"HKD", 344, 2, "Hong Kong Dollar"},
      {"HUF", 348, 2, "Forint"},           {"IDR", 360, 2, "Rupiah"},
      {"ILS", 376, 2, "New Israeli Sheqel"}, {"INR", 356, 2, "Indian Rupee"},
      {"IQD", 368, 3, "Iraqi Dinar"},      {"ISK", 352, 0, "Iceland Krona"},
      {"JOD", 400, 3, "Jordanian Dinar"},  {"JPY", 392, 0, "Yen"},
      {"KRW", 410, 0, "Won"},              {"KWD", 414, 3, "Kuwaiti Dinar"},
      {"KZT", 398, 2, "Tenge"},            {"LYD", 434, 3, "Libyan Dinar"},
      {"MOP", 446, 2, "Pataca"},           {"MXN", 484, 2, "Mexican Peso"},
      {"MYR", 458, 2, "Malaysian Ringgit"}, {"NGN", 566, 2, "Naira"},
      {"NOK", 578, 2, "Norwegian Krone"},  {"NZD", 554, 2, "New Zealand Dollar"},
      {"OMR", 512, 3, "Rial Omani"},       {"PHP", 608, 2, "Philippine Peso"},
      {"PKR", 586, 2, "Pakistan Rupee"},   {"PLN", 985, 2, "Zloty"},
      {"PYG", 600, 0, "Guarani"},          {"RUB", 643, 2, "Russian Ruble"},
      {"SAR", 682, 2, "Saudi Riyal"},      {"SEK", 752, 2, "Swedish Krona"},
      {"SGD", 702, 2, "Singapore Dollar"}, {"THB", 764, 2, "Baht"},
      {"TND", 788, 3, "Tunisian Dinar"},   {"TRY", 949, 2, "Turkish Lira"},
      {"TWD", 901, 2, "New Taiwan Dollar"}, {"UAH", 980, 2, "Hryvnia"},
      {"UGX", 800, 0, "Uganda Shilling"},  {"USD", 840, 2, "US Dollar"},
      {"VND", 704, 0, "Dong"},             {"XAF", 950, 0, "CFA Franc BEAC"},
      {"XOF", 952, 0, "CFA Franc BCEAO"},  {"ZAR", 710, 2, "Rand"},
  };
  return table;
}

currency currency::of(std::string_view code, const std::string& where) {
  const auto& table = currency_table();
  auto it = std::lower_bound(table.begin(), table.end(), code,
                             [](const currency_info& e, std::string_view c) { return std::string_view(e.code) < c; });
  if (it == table.end() || std::string_view(it->code) != code)
    throw invalid_input("unknown currency code '" + std::string(code.substr(0, 32)) +
                            "' (expected an ISO 4217 code such as CNY, USD, EUR, JPY)",
                        where);
  return currency(&*it);
}

currency currency::home() {
  static const currency yuan = of("CNY");
  return yuan;
}

}  // namespace stakecalc
