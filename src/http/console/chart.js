// An inline SVG line chart of the samples the stream page takes: no library.

const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/**
 * series: [{name, points: [[t, value], ...]}], t in ms. The x axis spans the samples' times,
 * the y axis 0 to the largest value. Gaps (null values) break a line.
 */
export function lineChart(title, series, { width = 560, height = 180, unit = '' } = {}) {
  const pad = { left: 48, right: 12, top: 22, bottom: 22 };
  const all = series.flatMap((s) => s.points).filter(([, v]) => v !== null && Number.isFinite(v));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart' });
  root.append(svg('title', {}, title), svg('text', { x: pad.left, y: 14, class: 'chart-title' }, title));
  if (all.length === 0) {
    root.append(svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'muted' }, 'no samples yet'));
    return root;
  }
  const t0 = Math.min(...all.map(([t]) => t));
  const t1 = Math.max(...all.map(([t]) => t), t0 + 1);
  const top = Math.max(1, ...all.map(([, v]) => v));
  const x = (t) => pad.left + ((t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  root.append(
    svg('line', { x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0), class: 'axis' }),
    svg('line', { x1: pad.left, y1: y(0), x2: pad.left, y2: y(top), class: 'axis' }),
    svg('text', { x: pad.left - 4, y: y(top) + 4, 'text-anchor': 'end', class: 'tick' }, `${round(top)}${unit}`),
    svg('text', { x: pad.left - 4, y: y(0), 'text-anchor': 'end', class: 'tick' }, '0'),
    svg('text', { x: width - pad.right, y: height - 6, 'text-anchor': 'end', class: 'tick' }, `last ${Math.round((t1 - t0) / 1000)} s`),
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    let d = '';
    let pen = 'M';
    for (const [t, v] of s.points) {
      if (v === null || !Number.isFinite(v)) {
        pen = 'M';
        continue;
      }
      d += `${pen}${x(t).toFixed(1)},${y(v).toFixed(1)} `;
      pen = 'L';
    }
    if (d) root.append(svg('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 }));
    root.append(svg('text', { x: pad.left + 8 + (i % 4) * 130, y: height - 6 - Math.floor(i / 4) * 0, fill: color, class: 'legend' }, s.name));
  });
  return root;
}

const round = (v) => (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10);
