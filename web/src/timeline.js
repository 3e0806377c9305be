// A pipeline run's timeline (PipelineTimeline.vue): each step a bar on one time axis from the
// run's start to its end (or now, while it runs), as Prefect and Kestra draw them.

const STEP_TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600];

const ms = (text) => (text ? Date.parse(text) : NaN);

/**
 * `steps`: [{ id, state, started_at, finished_at }] (times ISO or null); `now`: ms since epoch.
 * Answers { span (s), bars: [{ id, state, left, width (percent), seconds, waiting }], ticks }.
 */
export function layoutTimeline(steps, runStart, runEnd, now) {
  const starts = steps.map((s) => ms(s.started_at)).filter(Number.isFinite);
  const origin = Number.isFinite(ms(runStart)) ? ms(runStart) : Math.min(...starts, now);
  const ends = steps.map((s) => (s.started_at ? ms(s.finished_at) || now : NaN));
  const end = Math.max(Number.isFinite(ms(runEnd)) ? ms(runEnd) : now, ...ends.filter(Number.isFinite), origin + 1000);
  const span = (end - origin) / 1000;
  const bars = steps.map((step, index) => {
    const begin = ms(step.started_at);
    if (!Number.isFinite(begin)) {
      return { id: step.id, state: step.state, left: 0, width: 0, seconds: null, waiting: true };
    }
    const stop = ends[index];
    const left = ((begin - origin) / 1000 / span) * 100;
    const width = Math.max(((stop - begin) / 1000 / span) * 100, 0.5);
    return { id: step.id, state: step.state, left, width: Math.min(width, 100 - left), seconds: (stop - begin) / 1000, waiting: false };
  });
  const every = STEP_TICKS.find((size) => span / size <= 6) || STEP_TICKS.at(-1);
  const ticks = [];
  for (let at = 0; at <= span; at += every) ticks.push({ at, left: (at / span) * 100 });
  return { span, bars, ticks };
}

/** `45 s`, `2 min 5 s`, `1 h 3 min`: a tick or bar label. */
export function shortDuration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const m = Math.round(s / 60);
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
}
