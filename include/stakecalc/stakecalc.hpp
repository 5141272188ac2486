// stakecalc/stakecalc.hpp: the whole public C++ API in one include.
#pragma once

#include "stakecalc/error.hpp"
#include "stakecalc/rounding.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/currency.hpp"
#include "stakecalc/allocation.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/tenor.hpp"
#include "stakecalc/day_count.hpp"
#include "stakecalc/business_day_convention.hpp"
#include "stakecalc/calendar.hpp"
#include "stakecalc/schedule.hpp"
#include "stakecalc/cash_flow.hpp"
#include "stakecalc/spreadsheet.hpp"
