// Cron expressions in words, as the schedule form shows them while an expression is typed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeCron } from "../src/cronText.js";

const cases = (pairs) => {
  for (const [expression, text] of pairs) {
    it(`"${expression}" reads "${text}"`, () => assert.equal(describeCron(expression), text));
  }
};

describe("describeCron with five fields", () => {
  cases([
    ["* * * * *", "every minute"],
    ["*/5 * * * *", "every 5 minutes"],
    ["*/1 * * * *", "every minute"],
    ["0 * * * *", "every hour, on the hour"],
    ["15 * * * *", "every hour at minute 15"],
    ["0 */2 * * *", "every 2 hours, on the hour"],
    ["0 3 * * *", "at 03:00 every day"],
    ["30 9,17 * * *", "at 09:30 and 17:30 every day"],
    ["0 9 * * 1-5", "at 09:00 on weekdays"],
    ["0 9 * * MON-FRI", "at 09:00 on weekdays"],
    ["0 10 * * 6,0", "at 10:00 on weekends"],
    ["0 8 * * 1,3,5", "at 08:00 on Monday, Wednesday and Friday"],
    ["0 0 * * 7", "at 00:00 on Sunday"],
    ["0 6 1 * *", "at 06:00 on day 1 of every month"],
    ["0 6 1,15 * *", "at 06:00 on days 1 and 15 of every month"],
    ["0 0 1 1 *", "at 00:00 on 1 January"],
    ["*/15 9-17 * * 1-5", "every 15 minutes from 09:00 to 17:59, on weekdays"],
  ]);
});

describe("describeCron with seconds first", () => {
  cases([
    ["* * * * * *", "every second"],
    ["*/10 * * * * *", "every 10 seconds"],
    ["0 */5 * * * *", "every 5 minutes"],
    ["30 * * * * *", "every minute, at second 30"],
    ["0 0 3 * * *", "at 03:00 every day"],
    ["15 0 3 * * *", "at 03:00:15 every day"],
  ]);
});

describe("describeCron falls back", () => {
  cases([
    ["0 3 1 * 1", "custom schedule"],
    ["0-30/5 * * * *", "custom schedule"],
    ["0 3 L * *", "custom schedule"],
    ["61 * * * *", "custom schedule"],
    ["0,30 */3 * * *", "custom schedule"],
  ]);

  it("says how many fields it needs when the count is wrong", () => {
    assert.match(describeCron("* * *"), /5 fields/);
    assert.match(describeCron(""), /6 with seconds first/);
  });
});
