/**
 * The geometry of the home's bar charts, pure: for each span (an hour, a day), a bar of
 * sign-ins beside a stack of failures by factor, on a y axis of round steps. The view
 * draws the numbers as they are (SVG rects and texts with classes); nothing is computed
 * there.
 */

/** One span of the chart: what is drawn over it, and its label on the x axis (only some spans have one; a second line goes under it). */
export type ChartPoint = { signIns: number; failures: readonly { factor: string; count: number }[]; label?: string; secondLabel?: string };

export type ChartRect = { x: number; y: number; width: number; height: number };
export type ChartBar = ChartRect & ({ kind: 'signIns' } | { kind: 'failure'; factor: string });
export type ChartGroup = { bars: ChartBar[]; label?: { x: number; text: string; second?: string } };
/** A step of the y axis: its gridline's height, its value, and where the value is written. */
export type ChartTick = { y: number; value: number; labelX: number; labelY: number };

export type ChartGeometry = {
  width: number;
  height: number;
  /** The plotting area: the axes run along its left and bottom edges. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** The value at the top of the y axis. */
  top: number;
  yTicks: ChartTick[];
  groups: ChartGroup[];
  /** Where the x labels' baselines are: the first line, and the second. */
  labelY: number;
  secondLabelY: number;
  /** Where the axes' titles go: under the x labels, and along the y axis (the view turns it by -90°: x is minus the centre's height). */
  xTitle: { x: number; y: number };
  yTitle: { x: number; y: number };
};

export const chartSize = { width: 400, height: 200 } as const;
const margin = { left: 50, right: 6, top: 10, bottom: 40 } as const;
/** How much taller a chart whose x labels have a second line is. */
const secondLineHeight = 14;

/** The smallest of 1, 2, 5, 10, 20, 50… that is at least `value`. */
export function niceStep(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= value) return factor * power;
  return 10 * power;
}

/** The y axis for a largest value: a round step, at most four steps above zero, the top a whole number of steps at or above the value. */
export function yAxisOf(max: number): { step: number; top: number } {
  const step = niceStep(Math.ceil(Math.max(0, max) / 4));
  return { step, top: Math.max(1, Math.ceil(max / step)) * step };
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * Where everything of a chart goes in a `width` × `height` viewBox (a line taller when its
 * x labels have two lines). A value above zero is at least one unit high, so that a
 * single failure among thousands of sign-ins is seen.
 */
export function chartGeometry(points: readonly ChartPoint[], size: { width: number; height: number } = chartSize): ChartGeometry {
  const height = size.height + (points.some((point) => point.secondLabel !== undefined) ? secondLineHeight : 0);
  const plot = { left: margin.left, top: margin.top, right: size.width - margin.right, bottom: size.height - margin.bottom };
  const plotHeight = plot.bottom - plot.top;
  const failuresOf = (point: ChartPoint) => point.failures.reduce((sum, failure) => sum + failure.count, 0);
  const max = Math.max(0, ...points.map((point) => Math.max(point.signIns, failuresOf(point))));
  const { step, top } = yAxisOf(max);
  const heightOf = (value: number) => (value > 0 ? Math.max(1, (value / top) * plotHeight) : 0);

  const groupWidth = points.length > 0 ? (plot.right - plot.left) / points.length : 0;
  const gap = groupWidth * 0.08;
  const barWidth = (groupWidth * 0.76 - gap) / 2;
  const groups = points.map((point, index): ChartGroup => {
    const start = plot.left + index * groupWidth + groupWidth * 0.12;
    const bars: ChartBar[] = [];
    const signIns = heightOf(point.signIns);
    if (signIns > 0) bars.push({ kind: 'signIns', x: round(start), y: round(plot.bottom - signIns), width: round(barWidth), height: round(signIns) });
    let base = plot.bottom;
    for (const { factor, count } of point.failures) {
      const barHeight = heightOf(count);
      if (barHeight === 0) continue;
      base -= barHeight;
      bars.push({ kind: 'failure', factor, x: round(start + barWidth + gap), y: round(base), width: round(barWidth), height: round(barHeight) });
    }
    return { bars, ...(point.label === undefined ? {} : { label: { x: round(plot.left + (index + 0.5) * groupWidth), text: point.label, ...(point.secondLabel === undefined ? {} : { second: point.secondLabel }) } }) };
  });

  const yTicks = Array.from({ length: top / step + 1 }, (_, index) => {
    const y = round(plot.bottom - ((index * step) / top) * plotHeight);
    return { value: index * step, y, labelX: plot.left - 5, labelY: round(y + 3.5) };
  });
  return {
    width: size.width,
    height,
    plot,
    top,
    yTicks,
    groups,
    labelY: plot.bottom + 15,
    secondLabelY: plot.bottom + 15 + secondLineHeight,
    xTitle: { x: round((plot.left + plot.right) / 2), y: height - 4 },
    yTitle: { x: -round((plot.top + plot.bottom) / 2), y: 12 },
  };
}
