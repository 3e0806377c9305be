// A cron expression in words ("every 5 minutes", "at 03:00 on weekdays"), computed in the browser
// so the schedule form can say what an expression means while it is typed. It knows the common
// shapes only; anything else is a "custom schedule" (the server is the judge of validity).

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const CUSTOM = "custom schedule";

class Unknown extends Error {}

const pad = (n) => String(n).padStart(2, "0");

/** "a", "a and b", "a, b and c". */
function joined(items) {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** One number or name of a field within [min, max]; names are JAN… or SUN…. */
function value(text, min, max, names = []) {
  const at = names.indexOf(text.toUpperCase());
  const n = at >= 0 ? at + min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new Unknown();
  return n;
}

/** A field of plain values and ranges ("1,15", "1-5"): a sorted list, or null for "*". */
function values(text, min, max, names) {
  if (text === "*" || text === "?") return null;
  const out = new Set();
  for (const part of text.split(",")) {
    const [from, to, extra] = part.split("-");
    if (extra !== undefined || !from) throw new Unknown();
    const first = value(from, min, max, names);
    const last = to === undefined ? first : value(to, min, max, names);
    if (last < first) throw new Unknown();
    for (let n = first; n <= last; n += 1) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

/** The N of "*\/N" (every N units), or null. */
function every(text) {
  const match = /^\*\/(\d+)$/.exec(text);
  return match ? Number(match[1]) : null;
}

function single(text, min, max) {
  const list = values(text, min, max);
  if (!list || list.length !== 1) throw new Unknown();
  return list[0];
}

function days(dow) {
  const list = values(dow, 0, 7, DAY_NAMES)?.map((d) => d % 7);
  if (!list) return "";
  const set = [...new Set(list)].sort((a, b) => a - b);
  const key = set.join(",");
  if (key === "1,2,3,4,5") return "on weekdays";
  if (key === "0,6") return "on weekends";
  if (set.length === 7) return "";
  return `on ${joined(set.map((d) => DAYS[d]))}`;
}

function dates(dom, mon) {
  const daysOfMonth = values(dom, 1, 31);
  const months = values(mon, 1, 12, MONTHS.map((m) => m.slice(0, 3).toUpperCase()));
  const monthNames = months && joined(months.map((m) => MONTHS[m - 1]));
  if (!daysOfMonth) return months ? `every day in ${monthNames}` : "";
  const numbers = joined(daysOfMonth.map(String));
  if (months) return `on ${numbers} ${monthNames}`;
  return `on day${daysOfMonth.length > 1 ? "s" : ""} ${numbers} of every month`;
}

/** The day part: "" (every day), "on weekdays", "on day 1 of every month", … */
function dayPart(dom, mon, dow) {
  const byWeek = days(dow);
  const byDate = dates(dom, mon);
  // Cron fires when either day field matches if both are set: too subtle for one phrase.
  if (byWeek && values(dom, 1, 31)) throw new Unknown();
  if (byWeek && values(mon, 1, 12, MONTHS.map((m) => m.slice(0, 3).toUpperCase()))) {
    throw new Unknown();
  }
  return byWeek || byDate;
}

function clock(hour, minute, second) {
  return `${pad(hour)}:${pad(minute)}${second ? `:${pad(second)}` : ""}`;
}

/** The hour window of "every N minutes" forms: "" or "from 09:00 to 17:59". */
function hourWindow(hour) {
  const hours = values(hour, 0, 23);
  if (!hours) return "";
  const first = hours[0];
  const last = hours.at(-1);
  if (last - first + 1 !== hours.length) throw new Unknown();
  return `from ${pad(first)}:00 to ${pad(last)}:59`;
}

/** Fires several times an hour or more: seconds and minutes forms. */
function frequent(second, minute, hour) {
  const stepS = every(second);
  if (second === "*" && minute === "*" && hour === "*") return "every second";
  if (stepS !== null && minute === "*" && hour === "*") {
    return stepS === 1 ? "every second" : `every ${stepS} seconds`;
  }
  const s = single(second, 0, 59);
  const atSecond = s ? `, at second ${s}` : "";
  const stepM = every(minute);
  if (minute === "*") return `every minute${atSecond}${spaced(hourWindow(hour))}`;
  if (stepM !== null) {
    const unit = stepM === 1 ? "every minute" : `every ${stepM} minutes`;
    return `${unit}${atSecond}${spaced(hourWindow(hour))}`;
  }
  return null;
}

const spaced = (text) => (text ? ` ${text}` : "");

/** Fixed minutes: every hour, every N hours, or at given times. */
function hourly(second, minute, hour) {
  const s = single(second, 0, 59);
  const minutes = values(minute, 0, 59);
  if (!minutes) throw new Unknown();
  const stepH = every(hour);
  if (hour === "*" || stepH !== null) {
    if (minutes.length !== 1 || s) throw new Unknown();
    const unit = stepH > 1 ? `every ${stepH} hours` : "every hour";
    return minutes[0] === 0 ? `${unit}, on the hour` : `${unit} at minute ${minutes[0]}`;
  }
  const hours = values(hour, 0, 23);
  const times = hours.flatMap((h) => minutes.map((m) => clock(h, m, s)));
  if (times.length > 6) throw new Unknown();
  return `at ${joined(times)}`;
}

/**
 * Describe a cron expression (5 fields, or 6 with seconds first) in words; "custom schedule"
 * when the shape is not a common one.
 */
export function describeCron(expression) {
  const fields = String(expression ?? "").trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    return "needs 5 fields (minute hour day month weekday), or 6 with seconds first";
  }
  const [second, minute, hour, dom, mon, dow] = fields.length === 6 ? fields : ["0", ...fields];
  try {
    const days = dayPart(dom, mon, dow);
    const often = frequent(second, minute, hour);
    if (often) return days ? `${often}, ${days}` : often;
    const times = hourly(second, minute, hour);
    if (times.startsWith("every")) return days ? `${times}, ${days}` : times;
    return `${times} ${days || "every day"}`;
  } catch (err) {
    if (err instanceof Unknown) return CUSTOM;
    throw err;
  }
}
