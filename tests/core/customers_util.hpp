// The hand-written order log of the [customers] tests, shared by the core's and the CLI's.
#pragma once

namespace bltest {

// ann: X on 3 days (01-03, 01-10 twice, 02-01), B on 2, C on 1 -> 1 repeated item, 6 purchases,
//      4 orders (o5's only row has quantity 0, so o5 is no order).
// bob: X and B on 3 days each, D on 1 -> 2 repeated, 7 purchases; the cancellation C9 does not
//      count (quantity < 0); his country is his first order's (France), not o7's.
// cid: X, B, C, D on 3 days each -> 4 repeated, 12 purchases (a wholesaler).
// dan: E and F on 3 days each -> 2 repeated, 6 purchases; the row without an item is skipped.
// o16 has no customer and belongs to nobody.
// X is the most frequent item (id 0), so ordering histories by label differs from ordering by id.
inline const char* kOrders =
    "order_id,item_id,qty,user,date,country\n"
    "o1,X,1,ann,2011-01-03,United Kingdom\n"
    "o1,B,2,ann,2011-01-03,United Kingdom\n"
    "o6,X,1,bob,2011-01-05 10:00:00,France\n"
    "o6,B,1,bob,2011-01-05 10:00:00,France\n"
    "o10,X,50,cid,2011-01-01,Spain\n"
    "o10,B,50,cid,2011-01-01,Spain\n"
    "o10,C,50,cid,2011-01-01,Spain\n"
    "o10,D,50,cid,2011-01-01,Spain\n"
    "o7,B,1,bob,2011-01-06,Germany\n"
    "o7,X,1,bob,2011-01-06,Germany\n"
    "o11,X,50,cid,2011-01-02,Spain\n"
    "o11,B,50,cid,2011-01-02,Spain\n"
    "o11,C,50,cid,2011-01-02,Spain\n"
    "o11,D,50,cid,2011-01-02,Spain\n"
    "o8,D,1,bob,2011-01-07,France\n"
    "o8,B,1,bob,2011-01-07,France\n"
    "o8,X,1,bob,2011-01-07,France\n"
    "C9,X,-1,bob,2011-01-08,France\n"
    "o2,X,1,ann,2011-01-10 09:00:00,United Kingdom\n"
    "o2,C,1,ann,2011-01-10 09:00:00,United Kingdom\n"
    "o3,X,1,ann,2011-01-10 18:00:00,United Kingdom\n"
    "o12,X,50,cid,2011-01-03,Spain\n"
    "o12,B,50,cid,2011-01-03,Spain\n"
    "o12,C,50,cid,2011-01-03,Spain\n"
    "o12,D,50,cid,2011-01-03,Spain\n"
    "o4,X,1,ann,2011-02-01,United Kingdom\n"
    "o4,B,1,ann,2011-02-01,United Kingdom\n"
    "o4,B,3,ann,2011-02-01,United Kingdom\n"
    "o5,C,0,ann,2011-02-01,United Kingdom\n"
    "o13,E,1,dan,2011-03-01,United Kingdom\n"
    "o13,F,1,dan,2011-03-01,United Kingdom\n"
    "o16,X,1,,2011-03-01,United Kingdom\n"
    "o14,F,1,dan,2011-03-05,United Kingdom\n"
    "o14,E,1,dan,2011-03-05,United Kingdom\n"
    "o15,E,1,dan,2011-03-09,United Kingdom\n"
    "o15,,1,dan,2011-03-09,United Kingdom\n"
    "o15,F,1,dan,2011-03-09,United Kingdom\n";

}  // namespace bltest
