#include <gtest/gtest.h>
#include "stakecalc/stakecalc.hpp"
TEST(Smoke, Builds) { EXPECT_EQ(stakecalc::decimal("1.0"), stakecalc::decimal("1.00")); }
