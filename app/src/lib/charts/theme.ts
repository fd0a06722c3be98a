/** The charts' colours, from the page's design tokens (app.css), so charts follow the dark or light theme. */

export interface ChartTheme {
  text: string;
  grid: string;
  border: string;
  accent: string;
  gain: string;
  loss: string;
  warn: string;
  font: string;
}

/** Colours for extra series (compared backtests), after the accent. */
export const SERIES_COLOURS = ['#6ea8ff', '#f59e0b', '#3ddc97', '#c084fc', '#f472b6', '#22d3ee', '#a3e635'];

export function chartTheme(element: Element = document.documentElement): ChartTheme {
  const style = getComputedStyle(element);
  const token = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: token('--text-muted', '#a3afc4'),
    grid: token('--surface-2', '#172034'),
    border: token('--border', '#28344d'),
    accent: token('--accent', '#6ea8ff'),
    gain: token('--gain', '#3ddc97'),
    loss: token('--loss', '#ff6b81'),
    warn: token('--warn', '#fbbf24'),
    font: token('--font', 'system-ui, sans-serif'),
  };
}
