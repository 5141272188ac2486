// stakecalc/spreadsheet.hpp: the spreadsheet's financial functions, with its argument order, its
// defaults and its sign convention (money paid out is negative), so that a finance team can check
// a contract model cell by cell against the workbook it already trusts.
//
// Differences from a spreadsheet, all deliberate:
// - inputs and results are exact decimals; results are rounded half-even to 30 significant
//   digits (default_result_digits) from a quad-precision computation (see cash_flow.hpp), where
//   the spreadsheet shows 15 digits of a binary double;
// - where the spreadsheet shows #NUM! or #VALUE!, these functions throw: invalid_input for an
//   argument out of its domain (type other than 0 or 1, rate <= -1, an unknown basis, a period
//   outside 1..nper, mismatched lengths), no_solution when no number solves the equation
//   (RATE, IRR, XIRR, NPER);
// - integer arguments (type, basis, periods of CUMIPMT, npery, months) are C++ integers: the
//   spreadsheet truncates fractions silently, we make the caller say which integer it means.
#pragma once

#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc::spreadsheet {

// The payment per period of an annuity: solves pv (1+rate)^nper + pmt (1 + rate type)
// ((1+rate)^nper - 1) / rate + fv = 0 for pmt (pv + pmt nper + fv = 0 when rate is 0).
decimal pmt(const decimal& rate, const decimal& nper, const decimal& pv, const decimal& fv = 0, int type = 0);
// The interest part of payment number `per` (1 <= per <= nper).
decimal ipmt(const decimal& rate, const decimal& per, const decimal& nper, const decimal& pv, const decimal& fv = 0,
             int type = 0);
// The principal part of payment number `per`: pmt - ipmt.
decimal ppmt(const decimal& rate, const decimal& per, const decimal& nper, const decimal& pv, const decimal& fv = 0,
             int type = 0);
// Interest (CUMIPMT) and principal (CUMPRINC) paid from start_period to end_period inclusive;
// as the spreadsheet: rate, nper and pv must be > 0, 1 <= start_period <= end_period <= nper.
decimal cumipmt(const decimal& rate, const decimal& nper, const decimal& pv, long start_period, long end_period,
                int type);
decimal cumprinc(const decimal& rate, const decimal& nper, const decimal& pv, long start_period, long end_period,
                 int type);
// Future and present value of the same equation, solved for fv or pv.
decimal fv(const decimal& rate, const decimal& nper, const decimal& pmt, const decimal& pv = 0, int type = 0);
decimal pv(const decimal& rate, const decimal& nper, const decimal& pmt, const decimal& fv = 0, int type = 0);
// The number of periods (no_solution when no real number of periods solves the equation).
decimal nper(const decimal& rate, const decimal& pmt, const decimal& pv, const decimal& fv = 0, int type = 0);
// The rate per period (nper > 0). The root rule is xirr's: the first sign change scanning out
// from the guess in ln(1 + rate); no_solution if there is none in (-100%, e^40 - 1).
decimal rate(const decimal& nper, const decimal& pmt, const decimal& pv, const decimal& fv = 0, int type = 0,
             const decimal& guess = decimal::from_parts(1, 1));

// sum_i values[i] / (1+rate)^(i+1): the spreadsheet discounts the first value by one period.
decimal npv(const decimal& rate, const std::vector<decimal>& values);
// The rate at which values[0] + values[1] / (1+r) + ... is zero.
decimal irr(const std::vector<decimal>& values, const decimal& guess = decimal::from_parts(1, 1));
// Discounted to dates[0] on ACT/365F; a date before dates[0] is invalid_input (#NUM!).
decimal xnpv(const decimal& rate, const std::vector<decimal>& values, const std::vector<date>& dates);
decimal xirr(const std::vector<decimal>& values, const std::vector<date>& dates,
             const decimal& guess = decimal::from_parts(1, 1));

// The spreadsheet's year fraction, exact: basis 0 US (NASD) 30/360 with its end-of-February
// rules, 1 its own actual/actual (days over the average length of the calendar years spanned,
// or over 365/366 within a year), 2 actual/360, 3 actual/365, 4 European 30/360. Dates in either
// order (the result is never negative).
ratio year_fraction(const date& start_date, const date& end_date, int basis = 0);
// The same rounded to 30 significant digits.
decimal yearfrac(const date& start_date, const date& end_date, int basis = 0);

// Effective annual rate of a nominal rate compounded npery times a year, and back.
decimal effect(const decimal& nominal_rate, long npery);
decimal nominal(const decimal& effect_rate, long npery);

// The date `months` months from start_date (day clamped to the month's end), and the last day of
// that month.
date edate(const date& start_date, long months);
date eomonth(const date& start_date, long months);

// A ratio rounded half-even to `digits` significant digits (trailing zeros removed).
decimal round_significant(const ratio& value, int digits = default_result_digits);

}  // namespace stakecalc::spreadsheet
