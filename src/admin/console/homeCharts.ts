import type { RecentSignIns } from '../../factors/attempts/createSignInTally.ts';
import { totalOf, type TallySpan } from '../../factors/attempts/tallyBuckets.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import { isMessageKey, type Translate } from '../../i18n/translate.ts';
import { chartGeometry, type ChartGeometry, type ChartRect, type ChartTick } from './homeChart.ts';

/** A series of a chart as the legend, the bars' classes and the table's columns name it. */
export type ChartSeries = { className: string; label: string };

/** Everything the view draws of one chart: the SVG's numbers, its words, and the same data as a table. */
export type HomeChart = {
  id: string;
  title: string;
  /** The totals in one sentence: the SVG's description, said first by a screen reader. */
  summary: string;
  empty: boolean;
  geometry: ChartGeometry;
  /** The y axis's steps, each value written short (1.2K). */
  yTicks: (ChartTick & { text: string })[];
  /** The bars of each span with their series' class, and the span's x label. */
  groups: { bars: (ChartRect & { className: string })[]; label?: { x: number; text: string } }[];
  xTitle: string;
  yTitle: string;
  /** The same numbers as a table: a column of sign-ins, then one per factor under a heading of failures. */
  table: { caption: string; period: string; signIns: string; failures: string; factors: string[]; rows: { period: string; values: number[] }[]; total: { label: string; values: number[] } };
};

/** 14:00: a span's UTC hour. */
const hourLabel = (start: number) => new Date(start).toISOString().slice(11, 16);

/** The class of the failures of the factor at `index` (admin.css has five colours). */
const failureClassOf = (index: number) => `chart-failure-${index + 1}`;

const intlLocale = (locale: string) => (locale === 'es' ? 'es-ES' : 'en-GB');

/** A factor in words ("Password", "TOTP code"), its own id when there are none. */
export const factorLabel = (t: Translate, factor: string): string => {
  const key = `admin.home.factor.${factor}`;
  return isMessageKey(key) ? t(key) : factor;
};

/** One chart of spans: `label` says a span on the x axis (or nothing, for spans without one), `period` says it in the table. */
function chartOf(t: Translate, options: { short: Intl.NumberFormat; id: string; title: MessageKey; xTitle: MessageKey; spans: TallySpan[]; factors: readonly string[]; label: (span: TallySpan, index: number) => string | undefined; secondLabel?: (span: TallySpan) => string; period: (span: TallySpan) => string }): HomeChart {
  const { spans, factors } = options;
  const points = spans.map((span, index) => {
    const label = options.label(span, index);
    const second = label === undefined ? undefined : options.secondLabel?.(span);
    return { signIns: span.counts.signIns, failures: factors.map((factor) => ({ factor, count: span.counts.failures[factor] ?? 0 })), ...(label === undefined ? {} : { label }), ...(second === undefined ? {} : { secondLabel: second }) };
  });
  const total = totalOf(spans);
  const failures = factors.reduce((sum, factor) => sum + (total.failures[factor] ?? 0), 0);
  const byFactor = factors.filter((factor) => (total.failures[factor] ?? 0) > 0).map((factor) => `${factorLabel(t, factor)} ${total.failures[factor]}`);
  const failureClass = Object.fromEntries(factors.map((factor, index) => [factor, failureClassOf(index)]));
  const geometry = chartGeometry(points);
  const valuesOf = (span: TallySpan) => [span.counts.signIns, ...factors.map((factor) => span.counts.failures[factor] ?? 0)];
  return {
    id: options.id,
    title: t(options.title),
    summary: t('admin.home.chart.summary', { signIns: total.signIns, failures }) + (byFactor.length > 0 ? ` (${byFactor.join(', ')})` : ''),
    empty: total.signIns === 0 && failures === 0,
    geometry,
    yTicks: geometry.yTicks.map((tick) => ({ ...tick, text: options.short.format(tick.value) })),
    groups: geometry.groups.map((group) => ({
      ...group,
      bars: group.bars.map(({ x, y, width, height, ...bar }) => ({ x, y, width, height, className: bar.kind === 'signIns' ? 'chart-sign-ins' : failureClass[bar.factor]! })),
    })),
    xTitle: t(options.xTitle),
    yTitle: t('admin.home.chart.yTitle'),
    table: {
      caption: options.title === 'admin.home.chart.hours' ? t('admin.home.chart.hoursTable') : t('admin.home.chart.daysTable'),
      period: t(options.xTitle),
      signIns: t('admin.home.chart.signIns'),
      failures: t('admin.home.chart.failures'),
      factors: factors.map((factor) => factorLabel(t, factor)),
      rows: spans.map((span) => ({ period: options.period(span), values: valuesOf(span) })),
      total: { label: t('admin.home.chart.total'), values: [total.signIns, ...factors.map((factor) => total.failures[factor] ?? 0)] },
    },
  };
}

/** The series of the charts, as their shared legend names them: sign-ins, then the failures of each factor. */
export function chartLegend(factors: readonly string[], t: Translate): ChartSeries[] {
  return [{ className: 'chart-sign-ins', label: t('admin.home.chart.signIns') }, ...factors.map((factor, index) => ({ className: failureClassOf(index), label: t('admin.home.chart.failuresOf', { factor: factorLabel(t, factor) }) }))];
}

/** The home's two charts: the last 24 hours per hour, the last 7 days per day (UTC, as the tally counts). */
export function homeCharts(recent: RecentSignIns, t: Translate, locale: string): HomeChart[] {
  // A day is named on two lines, "Thu" over "3": seven of them fit under the chart at a phone's width.
  const weekday = new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'short', timeZone: 'UTC' });
  const dayOfMonth = new Intl.DateTimeFormat(intlLocale(locale), { day: 'numeric', timeZone: 'UTC' });
  const dayPeriod = new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  const hourDay = new Intl.DateTimeFormat(intlLocale(locale), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const short = new Intl.NumberFormat(intlLocale(locale), { notation: 'compact' });
  return [
    chartOf(t, {
      short,
      id: 'hours',
      title: 'admin.home.chart.hours',
      xTitle: 'admin.home.chart.hourAxis',
      spans: recent.hours,
      factors: recent.factors,
      // Every fourth hour of the day is named: six labels, 00:00, 04:00… whatever the hour now.
      label: (span) => (new Date(span.start).getUTCHours() % 4 === 0 ? hourLabel(span.start) : undefined),
      period: (span) => `${hourDay.format(span.start)} ${hourLabel(span.start)}`,
    }),
    chartOf(t, { short, id: 'days', title: 'admin.home.chart.days', xTitle: 'admin.home.chart.dayAxis', spans: recent.days, factors: recent.factors, label: (span) => weekday.format(span.start), secondLabel: (span) => dayOfMonth.format(span.start), period: (span) => dayPeriod.format(span.start) }),
  ];
}
