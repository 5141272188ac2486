// ACTUS terms as loan terms, and loan events as ACTUS events (stakecalc/actus.hpp).
#include "stakecalc/actus.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "stakecalc/json_reader.hpp"
#include "stakecalc/loan.hpp"

namespace stakecalc {

namespace {

// Every term the mapping reads; anything else in a contract is refused.
const std::set<std::string, std::less<>>& known_terms() {
  static const std::set<std::string, std::less<>> names = {
      "contractType", "contractID", "contractRole", "statusDate", "contractDealDate", "currency",
      "notionalPrincipal", "initialExchangeDate", "maturityDate", "amortizationDate", "nominalInterestRate",
      "cycleAnchorDateOfInterestPayment", "cycleOfInterestPayment", "cycleAnchorDateOfPrincipalRedemption",
      "cycleOfPrincipalRedemption", "nextPrincipalRedemptionPayment", "dayCountConvention", "endOfMonthConvention",
      "businessDayConvention", "calendar", "premiumDiscountAtIED", "rateMultiplier", "rateSpread",
      "cycleAnchorDateOfRateReset", "cycleOfRateReset", "marketObjectCodeOfRateReset", "nextResetRate", "fixingDays",
      "lifeFloor", "lifeCap", "accruedInterest", "capitalizationEndDate", "purchaseDate", "priceAtPurchaseDate",
      "terminationDate", "priceAtTerminationDate", "interestCalculationBase", "interestCalculationBaseAmount",
      "cycleAnchorDateOfInterestCalculationBase", "cycleOfInterestCalculationBase", "marketObjectCodeOfScalingIndex",
      "scalingIndexAtContractDealDate", "notionalScalingMultiplier", "interestScalingMultiplier",
      "cycleAnchorDateOfScalingIndex", "cycleOfScalingIndex", "scalingEffect"};
  return names;
}

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

// The text of a term: strings are trimmed (the reference files pad numbers with spaces), numbers
// give their shortest text (0.05 as "0.05"); missing, null and blank terms are absent.
std::optional<std::string> term_text(const json& terms, const std::string& key, const std::string& pointer) {
  auto it = terms.find(key);
  if (it == terms.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) {
    std::string s = trim(it->get<std::string>());
    if (s.empty()) return std::nullopt;
    return s;
  }
  if (it->is_number()) return it->dump();
  throw invalid_input("expected a string or a number, got " + quote_json(*it), json_pointer_join(pointer, key));
}

class term_reader {
public:
  term_reader(const json& terms, std::string pointer) : terms_(terms), pointer_(std::move(pointer)) {}

  std::string at(const std::string& key) const { return json_pointer_join(pointer_, key); }
  std::optional<std::string> text(const std::string& key) const { return term_text(terms_, key, pointer_); }
  std::string required(const std::string& key) const {
    auto t = text(key);
    if (!t) throw invalid_input("missing term", at(key));
    return *t;
  }
  std::optional<decimal> number(const std::string& key) const {
    auto t = text(key);
    if (!t) return std::nullopt;
    return decimal::parse(*t, at(key));
  }
  std::optional<moment> time(const std::string& key) const {
    auto t = text(key);
    if (!t) return std::nullopt;
    return parse_actus_time(*t, at(key));
  }
  std::optional<date> day(const std::string& key) const {
    auto m = time(key);
    if (!m) return std::nullopt;
    if (m->end_of_day) throw invalid_input("an end-of-day time is not supported for this term", at(key));
    return m->day;
  }
  std::optional<cycle> cycle_term(const std::string& key) const {
    auto t = text(key);
    if (!t) return std::nullopt;
    return cycle::parse(*t, at(key));
  }

private:
  const json& terms_;
  std::string pointer_;
};

day_counter actus_day_count(const std::string& code, const std::string& where) {
  if (code == "A365") return day_counter(day_count_convention::act_365_fixed);
  if (code == "A360") return day_counter(day_count_convention::act_360);
  if (code == "AA") return day_counter(day_count_convention::act_act_isda);
  if (code == "30E360") return day_counter(day_count_convention::thirty_e_360);
  if (code == "30E360ISDA") return day_counter(day_count_convention::thirty_e_360_isda);
  throw invalid_input("unsupported day count convention '" + code + "' (supported: A365, A360, AA, 30E360, 30E360ISDA)",
                      where);
}

void actus_business_days(const std::string& code, loan_terms& t, const std::string& where) {
  if (code == "NOS") {
    t.convention = business_day_convention::unadjusted;
    return;
  }
  if (code.size() < 3 || (code.compare(0, 2, "SC") != 0 && code.compare(0, 2, "CS") != 0))
    throw invalid_input("unsupported business day convention '" + code +
                            "' (supported: NOS, SCF, SCMF, CSF, CSMF, SCP, SCMP, CSP, CSMP)",
                        where);
  t.accrue_to_payment_date = code.compare(0, 2, "SC") == 0;
  const std::string shift = code.substr(2);
  if (shift == "F")
    t.convention = business_day_convention::following;
  else if (shift == "MF")
    t.convention = business_day_convention::modified_following;
  else if (shift == "P")
    t.convention = business_day_convention::preceding;
  else if (shift == "MP")
    t.convention = business_day_convention::modified_preceding;
  else
    throw invalid_input("unsupported business day convention '" + code + "'", where);
}

rate_table observed_series(const std::string& code, const json& series, const std::string& pointer) {
  if (!series.is_object()) throw invalid_input("expected an object with \"data\", got " + quote_json(series), pointer);
  auto data = series.find("data");
  if (data == series.end() || !data->is_array())
    throw invalid_input("expected an array of observations", json_pointer_join(pointer, "data"));
  std::vector<rate_fixing> fixings;
  for (std::size_t i = 0; i < data->size(); ++i) {
    const std::string at = json_pointer_join(json_pointer_join(pointer, "data"), i);
    const json& item = (*data)[i];
    if (!item.is_object()) throw invalid_input("expected {\"timestamp\", \"value\"}, got " + quote_json(item), at);
    auto when = term_text(item, "timestamp", at);
    auto value = term_text(item, "value", at);
    if (!when) throw invalid_input("missing timestamp", json_pointer_join(at, "timestamp"));
    if (!value) throw invalid_input("missing value", json_pointer_join(at, "value"));
    moment m = parse_actus_time(*when, json_pointer_join(at, "timestamp"));
    fixings.push_back({m.day, decimal::parse(*value, json_pointer_join(at, "value"))});
  }
  return rate_table(code, std::move(fixings));
}

}  // namespace

moment parse_actus_time(std::string_view text, const std::string& where) {
  std::string s = trim(text);
  if (s.size() < 10) throw invalid_input("not an ACTUS timestamp: '" + s + "'", where);
  date d = parse_date(std::string_view(s).substr(0, 10), where);
  if (s.size() == 10) return moment(d);
  if (s[10] != 'T' && s[10] != ' ') throw invalid_input("not an ACTUS timestamp: '" + s + "'", where);
  const std::string clock = s.substr(11);
  if (clock == "00:00" || clock == "00:00:00") return moment(d);
  if (clock == "23:59:59") return moment(d, true);
  throw invalid_input("only midnight and 23:59:59 (end of day) are supported as times, got '" + s + "'", where);
}

actus_contract actus_contract_from_json(const json& test_case, const std::string& pointer) {
  if (!test_case.is_object()) throw invalid_input("expected an ACTUS contract object, got " + quote_json(test_case), pointer);
  const bool wrapped = test_case.contains("terms");
  const json& terms = wrapped ? test_case.at("terms") : test_case;
  const std::string terms_at = wrapped ? json_pointer_join(pointer, "terms") : pointer;
  if (!terms.is_object()) throw invalid_input("expected an object of terms, got " + quote_json(terms), terms_at);
  for (auto it = terms.begin(); it != terms.end(); ++it)
    if (!known_terms().count(it.key()))
      throw invalid_input("unsupported ACTUS term '" + it.key() + "'", json_pointer_join(terms_at, it.key()));
  term_reader r(terms, terms_at);

  actus_contract c;
  c.id = r.text("contractID").value_or(wrapped && test_case.contains("identifier") && test_case["identifier"].is_string()
                                            ? test_case["identifier"].get<std::string>()
                                            : std::string());
  c.contract_type = r.required("contractType");
  loan_terms& t = c.terms;
  if (c.contract_type == "PAM")
    t.repayment = repayment_type::bullet;
  else if (c.contract_type == "LAM")
    t.repayment = repayment_type::equal_principal;
  else if (c.contract_type == "ANN")
    t.repayment = repayment_type::annuity;
  else
    throw invalid_input("unsupported contract type '" + c.contract_type + "' (supported: PAM, LAM, ANN)",
                        r.at("contractType"));

  const std::string role = r.text("contractRole").value_or("RPA");
  if (role == "RPA")
    c.role_sign = 1;
  else if (role == "RPL")
    c.role_sign = -1;
  else
    throw invalid_input("unsupported contract role '" + role + "' (supported: RPA, RPL)", r.at("contractRole"));

  t.rounding_mode.reset();  // ACTUS results are unrounded
  auto principal = r.number("notionalPrincipal");
  if (!principal) throw invalid_input("missing term", r.at("notionalPrincipal"));
  t.principal = *principal;
  if (auto ccy = r.text("currency")) t.ccy = currency::of(*ccy, r.at("currency"));
  auto start = r.day("initialExchangeDate");
  if (!start) throw invalid_input("missing term", r.at("initialExchangeDate"));
  t.start = *start;
  t.status_date = r.day("statusDate");
  t.contract_date = r.day("contractDealDate");
  if (t.contract_date && *t.contract_date > t.start) t.contract_date = t.start;
  t.maturity = r.time("maturityDate");
  t.amortization_end = r.time("amortizationDate");
  if (!t.maturity && t.amortization_end) t.maturity = t.amortization_end;  // ACTUS: no maturity, amortise to AMD
  t.rate = r.number("nominalInterestRate").value_or(decimal());
  t.interest_anchor = r.day("cycleAnchorDateOfInterestPayment");
  t.interest_cycle = r.cycle_term("cycleOfInterestPayment");
  t.principal_anchor = r.day("cycleAnchorDateOfPrincipalRedemption");
  t.principal_cycle = r.cycle_term("cycleOfPrincipalRedemption");
  if (t.repayment != repayment_type::bullet && !t.principal_anchor) t.principal_anchor = t.start;
  if (t.principal_cycle) t.frequency = t.principal_cycle->step();
  else if (t.interest_cycle) t.frequency = t.interest_cycle->step();
  t.instalment = r.number("nextPrincipalRedemptionPayment");
  t.day_count = actus_day_count(r.text("dayCountConvention").value_or("A365"), r.at("dayCountConvention"));
  t.end_of_month = r.text("endOfMonthConvention").value_or("SD") == "EOM";
  const std::string cal = r.text("calendar").value_or("NC");
  if (cal == "MF" || cal == "MONDAYTOFRIDAY")
    t.payment_calendar = calendar();
  else if (cal == "NC" || cal == "NOCALENDAR")
    t.payment_calendar = calendar("NC", {});
  else
    throw invalid_input("unsupported calendar '" + cal + "' (supported: MF, NC)", r.at("calendar"));
  actus_business_days(r.text("businessDayConvention").value_or("NOS"), t, r.at("businessDayConvention"));
  t.premium_discount = r.number("premiumDiscountAtIED").value_or(decimal());
  t.accrued_at_start = r.number("accruedInterest").value_or(decimal());
  if (auto ce = r.time("capitalizationEndDate")) t.capitalization_end = *ce;

  if (auto reset_code = r.text("marketObjectCodeOfRateReset")) {
    floating_rate f;
    f.benchmark = *reset_code;
    f.spread = r.number("rateSpread").value_or(decimal());
    f.multiplier = r.number("rateMultiplier").value_or(decimal(1));
    f.reset_anchor = r.day("cycleAnchorDateOfRateReset");
    f.reset_cycle = r.cycle_term("cycleOfRateReset");
    f.floor = r.number("lifeFloor");
    f.cap = r.number("lifeCap");
    f.next_reset_rate = r.number("nextResetRate");
    if (!f.reset_anchor && !f.reset_cycle)
      throw invalid_input("a market object code of rate reset needs a reset anchor or cycle",
                          r.at("marketObjectCodeOfRateReset"));
    t.floating = f;
  } else if (r.text("cycleAnchorDateOfRateReset") || r.text("cycleOfRateReset")) {
    throw invalid_input("rate resets need the marketObjectCodeOfRateReset to observe", r.at("cycleOfRateReset"));
  }

  if (auto when = r.time("purchaseDate")) {
    auto price = r.number("priceAtPurchaseDate");
    if (!price) throw invalid_input("missing term", r.at("priceAtPurchaseDate"));
    t.purchase = claim_transfer{*when, *price};
  }
  if (auto when = r.time("terminationDate")) {
    auto price = r.number("priceAtTerminationDate");
    if (!price) throw invalid_input("missing term", r.at("priceAtTerminationDate"));
    t.sale = claim_transfer{*when, *price};
  }

  const std::string icb = r.text("interestCalculationBase").value_or("NT");
  if (icb == "NTL") {
    t.base.fixed_amount = true;
    auto amount = r.number("interestCalculationBaseAmount");
    if (!amount) throw invalid_input("missing term", r.at("interestCalculationBaseAmount"));
    t.base.amount = *amount;
    t.base.reset_anchor = r.day("cycleAnchorDateOfInterestCalculationBase");
    t.base.reset_cycle = r.cycle_term("cycleOfInterestCalculationBase");
  } else if (icb != "NT" && icb != "NTIED") {
    throw invalid_input("unsupported interest calculation base '" + icb + "' (supported: NT, NTIED, NTL)",
                        r.at("interestCalculationBase"));
  }

  for (const char* key : {"notionalScalingMultiplier", "interestScalingMultiplier"})
    if (auto m = r.number(key); m && *m != decimal(1))
      throw invalid_input("an initial scaling multiplier other than 1 is not supported, got " + m->to_string(), r.at(key));
  const std::string effect = r.text("scalingEffect").value_or("OOO");
  if (effect.size() != 3 || (effect[0] != 'I' && effect[0] != 'O') || (effect[1] != 'N' && effect[1] != 'O'))
    throw invalid_input("unsupported scaling effect '" + effect + "' (expected e.g. IOO, ONO, INO, OOO)",
                        r.at("scalingEffect"));
  if (effect[0] == 'I' || effect[1] == 'N') {
    index_scaling s;
    s.index = r.required("marketObjectCodeOfScalingIndex");
    auto base = r.number("scalingIndexAtContractDealDate");
    if (!base) throw invalid_input("missing term", r.at("scalingIndexAtContractDealDate"));
    s.base_value = *base;
    auto anchor = r.day("cycleAnchorDateOfScalingIndex");
    if (!anchor) throw invalid_input("missing term", r.at("cycleAnchorDateOfScalingIndex"));
    s.anchor = *anchor;
    s.reset_cycle = r.cycle_term("cycleOfScalingIndex");
    s.scales_interest = effect[0] == 'I';
    s.scales_principal = effect[1] == 'N';
    t.scaling = s;
  }

  if (wrapped) {
    if (auto it = test_case.find("to"); it != test_case.end() && it->is_string() && !trim(it->get<std::string>()).empty())
      c.to = parse_actus_time(it->get<std::string>(), json_pointer_join(pointer, "to"));
    if (auto it = test_case.find("eventsObserved"); it != test_case.end() && it->is_array() && !it->empty())
      throw invalid_input("observed events (prepayments, defaults) are not supported",
                          json_pointer_join(pointer, "eventsObserved"));
    if (auto it = test_case.find("dataObserved"); it != test_case.end() && !it->is_null()) {
      const std::string data_at = json_pointer_join(pointer, "dataObserved");
      if (!it->is_object()) throw invalid_input("expected an object of market data, got " + quote_json(*it), data_at);
      for (auto s = it->begin(); s != it->end(); ++s)
        c.market.add(observed_series(s.key(), s.value(), json_pointer_join(data_at, s.key())));
    }
  }
  return c;
}

std::vector<actus_event> actus_events(const actus_contract& contract) {
  const loan l(contract.terms, contract.market);
  const ratio sign(contract.role_sign);
  std::vector<actus_event> out;
  for (const loan_event& e : l.events()) {
    if (contract.to && e.on > *contract.to) continue;
    actus_event a;
    a.on = e.on;
    a.type = std::string(actus_code(e.type));
    if (e.type == loan_event_type::purchase || e.type == loan_event_type::sale)
      a.payoff = sign * (e.payoff - e.interest) + e.interest;  // ACTUS leaves the accrued part unsigned
    else
      a.payoff = sign * e.payoff;
    a.notional = sign * e.notional;
    a.rate = e.rate;
    a.accrued = sign * e.accrued;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace stakecalc
