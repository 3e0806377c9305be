// The command bar's language: split a line into words, find the command in the table, check its
// arguments, and complete a partial line. Pure (no fetch, no DOM), so `npm test` covers it.
import { COMMANDS, usage } from "./commandTable.js";

export { COMMANDS, usage };

export class CommandError extends Error {
  constructor(message) {
    super(message);
    this.name = "CommandError";
  }
}

/** Words separated by spaces; "double" or 'single' quotes keep spaces inside one word. */
export function tokenize(line) {
  const words = [];
  let word = null;
  let quote = null;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = null;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= "";
    } else if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? "") + char;
    }
  }
  if (quote) throw new CommandError(`A quote (${quote}) is not closed.`);
  if (word !== null) words.push(word);
  return words;
}

/** The command named by the first words: [name, spec, count of words used] or null. */
function lookup(words) {
  for (const count of [2, 1]) {
    const name = words.slice(0, count).join(" ");
    if (words.length >= count && COMMANDS[name]) return [name, COMMANDS[name], count];
  }
  return null;
}

function groupCommands(group) {
  return Object.keys(COMMANDS).filter((name) => name.split(" ")[0] === group);
}

/**
 * Parse a line into `{ name, spec, args, options }`; null for an empty line.
 * Throws CommandError with a message that says what to type instead.
 */
export function parse(line) {
  const words = tokenize(line);
  if (!words.length) return null;
  const found = lookup(words);
  if (!found) {
    const known = groupCommands(words[0]);
    const hint = known.length ? known.join(", ") : "help";
    throw new CommandError(`Unknown command "${words.slice(0, 2).join(" ")}". Try: ${hint}.`);
  }
  const [name, spec, used] = found;
  const args = [];
  const options = {};
  const rest = words.slice(used);
  while (rest.length) {
    const word = rest.shift();
    const [flag, inline] = word.startsWith("--") ? splitInline(word) : [word, undefined];
    if (spec.flags?.[flag]) {
      options[spec.flags[flag]] = true;
    } else if (spec.options?.[flag]) {
      const value = inline ?? rest.shift();
      if (value === undefined) throw new CommandError(`${flag} needs a value.`);
      options[spec.options[flag]] = value;
    } else if (word.startsWith("-") && word.length > 1) {
      throw new CommandError(`Unknown option ${flag}. Usage: ${usage(name)}`);
    } else {
      args.push(word);
    }
  }
  const wanted = spec.args || [];
  if (args.length !== wanted.length) {
    throw new CommandError(`Usage: ${usage(name)}`);
  }
  wanted.forEach((arg, index) => {
    if (arg.choices && !arg.choices.includes(args[index].toLowerCase())) {
      throw new CommandError(`${arg.name} must be one of ${arg.choices.join(", ")}.`);
    }
  });
  return { name, spec, args, options };
}

function splitInline(word) {
  const at = word.indexOf("=");
  return at < 0 ? [word, undefined] : [word.slice(0, at), word.slice(at + 1)];
}

/** May this role run the command? Commands without a role are for every reader. */
export function allowed(spec, role) {
  const rank = { reader: 0, writer: 1, admin: 2 };
  return (rank[role] ?? -1) >= (rank[spec.role || "reader"] ?? 0);
}

/**
 * Complete the last word of `line`. `names` maps a source ("job", "pipeline", "run", "owner",
 * "context", "schedule") to the names and IDs it offers. Answers `{ line, candidates }`: the line extended
 * as far as every candidate agrees, and the candidates when more than one remains.
 */
export function complete(line, names = {}) {
  const words = line.split(/\s+/).filter(Boolean);
  if (/\s$/.test(line) || !line) words.push("");
  const current = words[words.length - 1];
  const before = words.slice(0, -1);
  const candidates = choicesFor(before, names).filter((choice) =>
    choice.toLowerCase().startsWith(current.toLowerCase()),
  );
  if (!candidates.length) return { line, candidates: [] };
  const head = line.slice(0, line.length - current.length);
  if (candidates.length === 1) return { line: `${head}${candidates[0]} `, candidates: [] };
  return { line: head + commonPrefix(candidates, current), candidates };
}

function choicesFor(before, names) {
  const unique = (items) => [...new Set(items)];
  const firsts = unique(Object.keys(COMMANDS).map((name) => name.split(" ")[0]));
  if (!before.length) return firsts;
  const found = lookup(before);
  if (!found) return before.length === 1 ? groupCommands(before[0]).map((n) => n.split(" ")[1]) : [];
  const [, spec, used] = found;
  const rest = before.slice(used);
  const last = rest[rest.length - 1];
  if (last && spec.options?.[last]) {
    return spec.choices?.[last] || names[spec.sources?.[last]] || [];
  }
  const positional = rest.filter((word, i) => !word.startsWith("-") && !spec.options?.[rest[i - 1]]);
  const arg = (spec.args || [])[positional.length];
  const flags = [...Object.keys(spec.options || {}), ...Object.keys(spec.flags || {})];
  if (!arg) return flags.filter((flag) => !rest.includes(flag));
  return arg.choices || names[arg.source] || [];
}

function commonPrefix(items, typed) {
  let prefix = items[0];
  for (const item of items) {
    while (!item.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  }
  return prefix.length >= typed.length ? prefix : typed;
}

/**
 * Run a line: parse it, check the role, send its request with `send({ method, path, query, body })`
 * (which answers the JSON), and shape the answer. Null for an empty line.
 */
export async function execute(line, send, role) {
  const parsed = parse(line);
  if (!parsed) return null;
  if (!allowed(parsed.spec, role)) {
    throw new CommandError(`"${parsed.name}" needs the ${parsed.spec.role} role; you are ${role}.`);
  }
  const request = parsed.spec.request(parsed.args, parsed.options);
  const data = request ? await send(request) : null;
  return parsed.spec.render(data, parsed.args, parsed.options);
}
