// ANSI colours of a run's output as HTML, through ansi_up (kept library) in class mode: the
// page's Content-Security-Policy allows no inline style, so bold, faint, italic and underline,
// which ansi_up always writes as styles, become classes too, and 24-bit colours are dropped.
import { AnsiUp } from "ansi_up";

const MARKS = { bold: "ansi-bold", faint: "ansi-faint", italic: "ansi-italic", underline: "ansi-underline" };
const STYLED = /<span style="([^"]*)"(?: class="([^"]*)")?>/g;
// Colour and cursor codes, for searching and counting what a person reads.
const CODES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

function converter() {
  const up = new AnsiUp();
  up.use_classes = true;
  up.boldStyle = "bold";
  up.faintStyle = "faint";
  up.italicStyle = "italic";
  up.underlineStyle = "underline";
  return up;
}

/** HTML (escaped text in spans with `ansi-*` classes) for text holding ANSI escape codes. */
export function ansiToHtml(text) {
  return converter()
    .ansi_to_html(text)
    .replace(STYLED, (_, styles, classes) => {
      const names = [...(classes ? classes.split(" ") : []), ...styles.split(";").map((s) => MARKS[s])];
      const kept = names.filter(Boolean);
      return kept.length ? `<span class="${kept.join(" ")}">` : "<span>";
    });
}

/** The text without its escape codes. */
export function stripAnsi(text) {
  return text.replace(CODES, "");
}
