// The report charts, drawn by Chart.js: only the pieces the reports use are registered, so the lazy chunk stays small.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartData,
  type ChartOptions,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Filler, Legend, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily || 'system-ui, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#6b6f76';
Chart.defaults.borderColor = '#ececf0';

export const COLORS = {
  accent: '#5e5ce6',
  accentSoft: 'rgba(94, 92, 230, 0.18)',
  danger: '#e5484d',
  warn: '#f0883e',
  ok: '#2f9e5b',
  grey: '#b6b9c0',
  violet: '#8a63d2',
};

export interface Series {
  label: string;
  values: (number | null)[];
  color: string | string[];
  /** Draw this series as a line over the bars, on the right-hand axis. */
  line?: boolean;
}

interface ChartProps {
  labels: string[];
  series: Series[];
  /** Bars run left to right (long names read better). */
  horizontal?: boolean;
  stacked?: boolean;
  /** How a value reads in the tooltip and on the value axis. */
  format?: (value: number) => string;
  /** How a line series' value reads (right-hand axis). */
  lineFormat?: (value: number) => string;
  label: string;
  height?: number;
  /** A click on a bar or point: which label (index) of which series. */
  onSelect?: (index: number, series: number) => void;
}

/** Chart.js options that send a click on a bar or point to onSelect, with a pointer over what can be clicked. */
function selectable(onSelect: ChartProps['onSelect']) {
  if (!onSelect) return {};
  return {
    onClick: (event: { native: Event | null }, elements: { index: number; datasetIndex: number }[], chart: Chart) => {
      // Several points share a label on a line chart: the one nearest the click is meant.
      const nearest = elements.length > 1 && event.native ? chart.getElementsAtEventForMode(event.native, 'nearest', { intersect: false }, true)[0] : undefined;
      const hit = nearest ?? elements[0];
      if (hit) onSelect(hit.index, hit.datasetIndex);
    },
    onHover: (event: { native: Event | null }, elements: unknown[]) => {
      const target = event.native?.target as HTMLElement | null | undefined;
      if (target) target.style.cursor = elements.length > 0 ? 'pointer' : 'default';
    },
  };
}

/** A category name shortened with an ellipsis to the characters that fit in under half of a chart this wide. */
function fitted(name: string, width: number): string {
  const characters = Math.max(12, Math.floor((width * 0.45) / 6.5));
  return name.length <= characters ? name : `${name.slice(0, characters - 1).trimEnd()}…`;
}

export function BarChart({ labels, series, horizontal, stacked, format = String, lineFormat, label, height = 220, onSelect }: ChartProps) {
  const hasLine = series.some((s) => s.line);
  const data = {
    labels,
    datasets: series.map((s) => ({
      type: s.line ? ('line' as const) : ('bar' as const),
      label: s.label,
      data: s.values,
      backgroundColor: s.color,
      borderColor: s.color,
      borderRadius: s.line ? 0 : 4,
      maxBarThickness: 28,
      pointRadius: 3,
      tension: 0.3,
      ...(s.line ? { yAxisID: 'y2' } : {}),
      order: s.line ? 0 : 1,
    })),
  } as unknown as ChartData<'bar'>;
  const valueAxis = { beginAtZero: true, stacked, ticks: { callback: (v: number | string) => format(Number(v)), maxTicksLimit: 6, ...(format === String ? { precision: 0 } : {}) }, grid: { color: '#f0f0f3' } };
  const categoryAxis = {
    stacked,
    grid: { display: false },
    ticks: {
      autoSkip: true,
      maxRotation: 0,
      // Bars that run left to right keep at least half the width: a long name is shortened to fit
      // beside them (the tooltip and the table say it whole) instead of being cut at the edge.
      ...(horizontal
        ? {
            callback(this: { chart: { width: number } }, _value: unknown, index: number) {
              return fitted(labels[index] ?? '', this.chart.width);
            },
          }
        : {}),
    },
  };
  const options: ChartOptions<'bar'> = {
    indexAxis: horizontal ? 'y' : 'x',
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    ...selectable(onSelect),
    plugins: {
      legend: { display: series.length > 1, position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true } },
      tooltip: {
        callbacks: {
          label: (item) => {
            const s = series[item.datasetIndex];
            const raw = horizontal && !s?.line ? item.parsed.x : item.parsed.y;
            if (raw === null || raw === undefined) return `${item.dataset.label}: —`;
            return `${item.dataset.label}: ${s?.line && lineFormat ? lineFormat(raw) : format(raw)}`;
          },
        },
      },
    },
    scales: horizontal
      ? { x: valueAxis, y: categoryAxis }
      : {
          x: categoryAxis,
          y: valueAxis,
          ...(hasLine
            ? { y2: { position: 'right' as const, beginAtZero: true, grid: { display: false }, ticks: { callback: (v: number | string) => (lineFormat ?? format)(Number(v)), maxTicksLimit: 6 } } }
            : {}),
        },
  } as ChartOptions<'bar'>;
  return (
    <div className="chart" style={{ height }} role="img" aria-label={label}>
      <Bar data={data} options={options} />
    </div>
  );
}

export function LineChart({ labels, series, format = String, label, height = 220, onSelect }: ChartProps) {
  const data: ChartData<'line'> = {
    labels,
    datasets: series.map((s, i) => ({
      label: s.label,
      data: s.values,
      borderColor: s.color as string,
      backgroundColor: i === 0 ? COLORS.accentSoft : 'transparent',
      fill: i === 0,
      pointRadius: 2,
      tension: 0.3,
    })),
  };
  const options: ChartOptions<'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    ...selectable(onSelect),
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true } },
      tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(item.parsed.y ?? 0)}` } },
    },
    scales: {
      x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
      y: { beginAtZero: true, ticks: { precision: 0, maxTicksLimit: 6 }, grid: { color: '#f0f0f3' } },
    },
  };
  return (
    <div className="chart" style={{ height }} role="img" aria-label={label}>
      <Line data={data} options={options} />
    </div>
  );
}
