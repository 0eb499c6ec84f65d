import { chartGeometry, chartSize, niceStep, yAxisOf, type ChartPoint } from '../../src/admin/console/homeChart.ts';

// The geometry of the home's charts: round steps on the y axis, a bar of sign-ins beside
// a stack of failures per span, every value above zero visible.

test('steps are 1, 2 or 5 times a power of ten', () => {
  expect([0, 1, 1.5, 2, 3, 6, 10, 11, 25, 51, 120].map(niceStep)).toEqual([1, 1, 2, 2, 5, 10, 10, 20, 50, 100, 200]);
});

test('the y axis has at most four round steps above zero and reaches the largest value', () => {
  expect(yAxisOf(0)).toEqual({ step: 1, top: 1 });
  expect(yAxisOf(3)).toEqual({ step: 1, top: 3 });
  expect(yAxisOf(7)).toEqual({ step: 2, top: 8 });
  expect(yAxisOf(23)).toEqual({ step: 10, top: 30 });
  expect(yAxisOf(100)).toEqual({ step: 50, top: 100 });
  for (const max of [1, 4, 5, 9, 17, 99, 101, 999, 12_345]) {
    const { step, top } = yAxisOf(max);
    expect(top).toBeGreaterThanOrEqual(max);
    expect(top / step).toBeLessThanOrEqual(4);
    expect(Number.isInteger(top / step)).toBe(true);
  }
});

const point = (signIns: number, failures: number[], label?: string): ChartPoint => ({ signIns, failures: failures.map((count, index) => ({ factor: ['password', 'TOTP'][index]!, count })), ...(label ? { label } : {}) });

test('each span has its sign-ins bar and, beside it, its failures stacked from the axis', () => {
  const geometry = chartGeometry([point(8, [2, 2], 'a'), point(0, [0, 0]), point(4, [0, 6], 'c')]);
  const { plot } = geometry;
  expect(geometry.top).toBe(8);
  expect(geometry.yTicks.map((tick) => tick.value)).toEqual([0, 2, 4, 6, 8]);
  expect(geometry.yTicks[0]!.y).toBe(plot.bottom);
  expect(geometry.yTicks.at(-1)!.y).toBe(plot.top);

  const [first, empty, third] = geometry.groups;
  const height = plot.bottom - plot.top;
  const [signIns, password, totp] = first!.bars;
  expect(signIns).toMatchObject({ kind: 'signIns', y: plot.top, height });
  expect(password).toMatchObject({ kind: 'failure', factor: 'password', height: height / 4, y: plot.bottom - height / 4 });
  expect(totp).toMatchObject({ kind: 'failure', factor: 'TOTP', height: height / 4, y: plot.bottom - height / 2 });
  expect(password!.x).toBeGreaterThan(signIns!.x + signIns!.width);
  expect(empty!.bars).toEqual([]);
  expect(empty!.label).toBeUndefined();
  expect(third!.bars.map((bar) => bar.kind === 'failure' ? bar.factor : bar.kind)).toEqual(['signIns', 'TOTP']);
  expect(first!.label!.text).toBe('a');
  expect(first!.label!.x).toBeCloseTo(plot.left + (plot.right - plot.left) / 6, 1);

  // Every bar inside the plot, spans side by side without overlapping.
  const bars = geometry.groups.flatMap((group) => group.bars);
  for (const bar of bars) {
    expect(bar.x).toBeGreaterThanOrEqual(plot.left);
    expect(bar.x + bar.width).toBeLessThanOrEqual(plot.right + 0.01);
    expect(bar.y).toBeGreaterThanOrEqual(plot.top - 0.01);
    expect(bar.y + bar.height).toBeLessThanOrEqual(plot.bottom + 0.01);
  }
  expect(third!.bars[0]!.x).toBeGreaterThan(first!.bars.at(-1)!.x + first!.bars.at(-1)!.width);
});

test('a single failure among thousands of sign-ins is still drawn; an empty chart has an axis from 0 to 1', () => {
  const geometry = chartGeometry([point(5000, [1, 0])]);
  expect(geometry.groups[0]!.bars.find((bar) => bar.kind === 'failure')!.height).toBe(1);
  const empty = chartGeometry(Array.from({ length: 24 }, () => point(0, [0, 0])));
  expect(empty.yTicks.map((tick) => tick.value)).toEqual([0, 1]);
  expect(empty.groups.flatMap((group) => group.bars)).toEqual([]);
  expect(empty).toMatchObject({ width: chartSize.width, height: chartSize.height });
  expect(empty.labelY).toBeGreaterThan(empty.plot.bottom);
  expect(empty.xTitle.y).toBeGreaterThan(empty.labelY);
});

test('x labels on two lines make the chart a line taller, the plot as high as without', () => {
  const one = chartGeometry([point(1, [0, 0], 'Thu')]);
  const two = chartGeometry([{ ...point(1, [0, 0], 'Thu'), secondLabel: '3' }]);
  expect(two.groups[0]!.label).toMatchObject({ text: 'Thu', second: '3' });
  expect(two.height).toBeGreaterThan(one.height);
  expect(two.plot).toEqual(one.plot);
  expect(two.secondLabelY).toBeGreaterThan(two.labelY);
  expect(two.xTitle.y).toBeGreaterThan(two.secondLabelY);
  expect(two.xTitle.y).toBeLessThanOrEqual(two.height);
});
