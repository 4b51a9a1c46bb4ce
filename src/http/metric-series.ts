/** Moved to the core, where both transports' metrics use it. */
export { CounterSeries, HistogramSeries } from '../core/metric-series.js';
